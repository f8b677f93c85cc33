"""What every management command does on a database that has not been set up."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

pytestmark = pytest.mark.django_db

SEED = "articles/data/reports/000_e3a33125ca4d3b23.txt"


EVERY_COMMAND = [
    ["export", "--format", "csv"],
    ["geocode", "Zahour"],
    ["geocode_pending"],
    ["geoparse", SEED, "--json"],
    ["import_articles", SEED],
    ["import_feed", "feed.xml"],
    ["import_geonames", "IQ.txt"],
    ["load_gazetteer"],
    ["reparse"],
]
# Commands that read only the repository's own files: they work before `make setup`.
NO_DATABASE = [
    ["evaluate"],
    ["train_status_model", "--check"],
]


def test_the_list_below_holds_every_command_newsmap_ships():
    shipped = {
        path.stem
        for path in (Path(__file__).parent.parent / "articles/management/commands").glob("*.py")
        if path.stem != "__init__"
    }
    assert {argv[0] for argv in EVERY_COMMAND + NO_DATABASE} == shipped


@pytest.mark.parametrize("argv", EVERY_COMMAND)
def test_a_command_on_a_database_without_tables_says_to_set_it_up(argv, monkeypatch):
    # As on a fresh checkout before `make setup`: no table exists.
    monkeypatch.setattr(connection.introspection, "table_names", lambda *a, **k: [])
    with pytest.raises(CommandError, match=r"no Newsmap tables yet: run `make setup`"):
        call_command(*argv, stdout=StringIO(), stderr=StringIO())


@pytest.mark.parametrize("argv", NO_DATABASE)
def test_a_command_of_files_alone_runs_without_tables(argv, monkeypatch):
    monkeypatch.setattr(connection.introspection, "table_names", lambda *a, **k: [])
    out = StringIO()
    call_command(*argv, stdout=out, stderr=StringIO())
    assert out.getvalue()
