"""The reparse command: fresh automatic mentions after a gazetteer change, editors' kept."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles import timeline
from articles.management.commands import reparse as reparse_command
from articles.models import Alias, Mention, PlaceStatusPeriod, Status
from articles.names import normalise
from tests.factories import make_article, make_place

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(settings):
    settings.NEWSMAP_MATCHER_CHECK_SECONDS = 0
    make_place("Mosul", slug="mosul")
    old = make_article(
        title="Old report",
        body="Forces entered Gogjali on Friday.",
        published_at=dt.datetime(2016, 11, 4, 12, tzinfo=dt.UTC),
    )
    new = make_article(
        title="New report",
        body="Forces recaptured Gogjali and entered Mosul.",
        published_at=dt.datetime(2016, 11, 20, 12, tzinfo=dt.UTC),
    )
    return old, new


def reparse(*args: str) -> str:
    out = StringIO()
    call_command("reparse", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_finds_a_place_added_to_the_gazetteer_since_import(reports):
    old, new = reports
    reparse()
    assert not Mention.objects.filter(surface="Gogjali").exists()
    kokjeli = make_place("Kokjeli", slug="kokjeli")
    Alias.objects.create(place=kokjeli, text="Gogjali")

    output = reparse()

    assert "Reparsed 2 reports" in output
    found = Mention.objects.filter(place=kokjeli).order_by("event_date")
    assert [(m.article, m.status) for m in found] == [(old, Status.ADVANCE), (new, Status.RETAKEN)]


def test_it_refolds_alias_forms_left_by_older_rules(reports):
    kokjeli = make_place("Kokjeli", slug="kokjeli")
    Alias.objects.create(place=kokjeli, text="Gogjali")
    Alias.objects.filter(text="Gogjali").update(normalised="gogjali-old")

    output = reparse()

    assert "Re-folded 1 alias form(s)" in output
    assert Alias.objects.get(text="Gogjali").normalised == normalise("Gogjali")
    assert "Re-folded" not in reparse()


def test_since_limits_it_to_reports_published_on_or_after_the_day(reports):
    old, new = reports
    output = reparse("--since", "2016-11-20")
    assert "Reparsed 1 reports" in output
    assert not Mention.objects.filter(article=old).exists()
    assert Mention.objects.filter(article=new).exists()


def test_editor_decisions_survive_a_reparse(reports):
    _, new = reports
    reparse()
    mosul = Mention.objects.get(article=new, surface="Mosul")
    mosul.decided_by = Mention.DecidedBy.EDITOR
    mosul.status = Status.FIGHTING
    mosul.save()
    rejected = Mention.objects.create(
        article=new,
        place=None,
        surface="Gogjali",
        normalised="gugjali",
        start=25,
        end=32,
        sentence="Forces recaptured Gogjali and entered Mosul.",
        event_date=dt.date(2016, 11, 20),
        rejected=True,
    )

    reparse()

    mosul.refresh_from_db()
    assert (mosul.decided_by, mosul.status) == (Mention.DecidedBy.EDITOR, Status.FIGHTING)
    assert Mention.objects.filter(article=new, surface="Mosul").count() == 1
    rejected.refresh_from_db()
    assert rejected.rejected


def _periods() -> list[tuple]:
    return list(
        PlaceStatusPeriod.objects.order_by("place__slug", "start").values_list(
            "place__slug", "start", "end", "status", "detail", "since", "reports", "sources"
        )
    )


def test_reports_in_several_batches_leave_the_map_as_a_full_rebuild_would(reports, monkeypatch):
    monkeypatch.setattr(reparse_command, "BATCH_REPORTS", 1)
    reparse()
    kokjeli = make_place("Kokjeli", slug="kokjeli")
    Alias.objects.create(place=kokjeli, text="Gogjali")

    assert "Reparsed 2 reports" in reparse()

    after = _periods()
    assert {slug for slug, *_ in after} == {"kokjeli", "mosul"}
    timeline.rebuild_all()
    assert _periods() == after


def test_the_history_keeps_editors_decisions_not_the_geoparsers_churn(reports):
    _, new = reports
    reparse()
    mosul = Mention.objects.get(article=new, surface="Mosul")
    mosul.decided_by = Mention.DecidedBy.EDITOR
    mosul.save()
    before = list(Mention.history.values_list("history_id", flat=True))

    reparse()

    # The automatic mentions were replaced, and the editor's change is still on record.
    assert list(Mention.history.values_list("history_id", flat=True)) == before
    assert Mention.history.filter(id=mosul.pk, decided_by=Mention.DecidedBy.EDITOR).exists()


def test_a_bad_since_date_is_an_error_that_says_the_format(reports):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        reparse("--since", "20 November")


def test_a_report_grown_over_the_mention_limit_keeps_its_mentions_and_says_so(
    reports, settings, caplog
):
    old, new = reports
    reparse()
    before = sorted(Mention.objects.filter(article=new).values_list("surface", "status"))
    assert before == [("Mosul", Status.ADVANCE)]
    kokjeli = make_place("Kokjeli", slug="kokjeli")
    Alias.objects.create(place=kokjeli, text="Gogjali")
    settings.NEWSMAP_MAX_MENTIONS_PER_REPORT = 1

    output = reparse()

    assert "Reparsed 2 reports: 1 automatic mentions" in output
    assert sorted(Mention.objects.filter(article=new).values_list("surface", "status")) == before
    assert [(m.place, m.status) for m in Mention.objects.filter(article=old)] == [
        (kokjeli, Status.ADVANCE)
    ]
    refused = f"report {new.pk} ('New report') names places at least 2 times, over the 1 limit"
    assert refused in caplog.text
    assert "its mentions were left as they were" in caplog.text
