"""An online geocoder that is down, slow or answers garbage never costs a report: the import
completes, the names stay queued, and geocode_pending resolves them once the geocoder is back."""

from __future__ import annotations

import time
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import Article, GeocodeLookup, Mention
from tests.hostile import GEOCODED_NAME, report_text
from tests.nominatim_server import FakeNominatim, running_nominatim

pytestmark = pytest.mark.django_db

TIMEOUT = 0.5


@pytest.fixture
def nominatim(settings) -> Iterator[FakeNominatim]:
    """The fake Nominatim knows the neighbourhood; geopy waits at most TIMEOUT for it."""
    with running_nominatim(slow_seconds=TIMEOUT * 3) as fake:
        fake.add(GEOCODED_NAME, lat=36.35, lon=43.19, display_name=f"{GEOCODED_NAME}, Mosul, Iraq")
        settings.NEWSMAP_GEOCODER = "nominatim"
        settings.NEWSMAP_GEOCODER_DOMAIN = fake.domain
        settings.NEWSMAP_GEOCODER_SCHEME = "http"
        settings.NEWSMAP_GEOCODER_MIN_DELAY = 0
        settings.NEWSMAP_GEOCODER_TIMEOUT = TIMEOUT
        yield fake


@pytest.fixture
def reports(tmp_path):
    """Three reports naming a neighbourhood only the online geocoder knows."""
    call_command("load_gazetteer", verbosity=0)
    for i in range(3):
        text = report_text(
            f"Troops advance in eastern Mosul, report {i}",
            [f"Heavy fighting is underway in the {GEOCODED_NAME} neighbourhood of eastern Mosul."],
            [],
            minute=i,
        )
        (tmp_path / f"report_{i}.txt").write_text(text, encoding="utf-8")
    return tmp_path


def import_reports(path) -> str:
    out = StringIO()
    call_command("import_articles", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


def queued() -> list[Mention]:
    return list(Mention.objects.unresolved().filter(normalised__contains="qurmuzan"))


def break_geocoder(nominatim: FakeNominatim, trouble: str) -> None:
    if trouble == "down":
        nominatim.down()
    else:
        nominatim.mode = trouble


@pytest.mark.parametrize("trouble", ["down", "slow", "garbage"])
def test_the_import_completes_and_the_names_stay_queued(nominatim, reports, trouble):
    break_geocoder(nominatim, trouble)

    started = time.monotonic()
    summary = import_reports(reports)
    elapsed = time.monotonic() - started

    assert "imported 3, updated 0, unchanged 0, rejected 0" in summary
    assert Article.objects.count() == 3
    assert len(queued()) == 3
    lookup = GeocodeLookup.objects.get(normalised=queued()[0].normalised)
    assert lookup.outcome == GeocodeLookup.Outcome.FAILED
    assert lookup.error
    # A failed name is asked once per run, not once per report: a slow geocoder costs one timeout.
    assert elapsed < 15 * TIMEOUT + 10


@pytest.mark.parametrize("trouble", ["down", "slow", "garbage"])
def test_geocode_pending_resolves_the_queued_names_once_the_geocoder_is_back(
    nominatim, reports, trouble
):
    break_geocoder(nominatim, trouble)
    import_reports(reports)

    nominatim.mode = "normal"
    nominatim.up()
    call_command("geocode_pending", stdout=StringIO(), stderr=StringIO())

    assert queued() == []
    places = {m.place for m in Mention.objects.filter(normalised__contains="qurmuzan")}
    assert len(places) == 1 and places.pop().name == GEOCODED_NAME
    assert Article.objects.count() == 3


def test_importing_again_while_still_broken_changes_nothing(nominatim, reports):
    nominatim.mode = "garbage"
    import_reports(reports)

    summary = import_reports(reports)

    assert "imported 0, updated 0, unchanged 3, rejected 0" in summary
    assert Article.objects.count() == 3
    assert len(queued()) == 3
