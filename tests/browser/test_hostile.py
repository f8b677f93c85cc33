"""Hostile text in every field, in a real Chromium: shown as text, no script runs, no dialog."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.hostile import DAY, HostileData, load_hostile_data, load_payloads
from tests.nominatim_server import FakeNominatim, running_nominatim

pytestmark = pytest.mark.browser

# Anything the payloads would have put into the DOM had they been parsed as HTML.
INJECTED = (
    "[onerror], [onload], [onpageshow], iframe[srcdoc], img[src='x'], "
    "script:not([src]):not([type='application/json']), style, a[href^='javascript' i], "
    "a[href^='data:' i], a[href^=' javascript' i]"
)


@pytest.fixture
def nominatim() -> Iterator[FakeNominatim]:
    with running_nominatim() as fake:
        yield fake


@pytest.fixture
def hostile(transactional_db, tmp_path, settings, nominatim) -> HostileData:
    return load_hostile_data(tmp_path, settings, nominatim)


def assert_nothing_ran(page, where: str) -> None:
    assert page.locator(INJECTED).count() == 0, where
    assert page.dialogs == [], where
    assert page.console_errors == [], where


def open_place_popup(page, slug: str) -> str:
    """Click a place's marker and return its popup's heading."""
    marker = page.locator(f".place-marker[data-slug='{slug}']")
    marker.wait_for()
    marker.click()
    popup = page.locator(".leaflet-popup .popup-place")
    popup.wait_for()
    heading = popup.locator("h3").inner_text()
    page.locator(".leaflet-popup-close-button").click()
    popup.wait_for(state="detached")
    return heading


def test_the_map_shows_hostile_places_and_reports_as_text(page, live_server, hostile):
    place = hostile.place
    page.goto(
        f"{live_server.url}/?date={DAY.isoformat()}&window=30"
        f"&lat={place.latitude}&lng={place.longitude}&zoom=13"
    )
    page.wait_for_selector(f"#map[data-places-date='{DAY.isoformat()}']")
    page.wait_for_selector("#map[data-reports]")

    assert open_place_popup(page, place.slug) == hostile.place_name
    assert open_place_popup(page, hostile.geocoded.slug) == hostile.geocoded_name
    label = page.locator(f".place-marker[data-slug='{place.slug}']").get_attribute("aria-label")
    assert label.startswith(hostile.place_name)
    listed = page.locator("#report-list").inner_text()
    assert hostile.place_name in listed
    assert load_payloads()["markup"][0] in listed
    assert_nothing_ran(page, "map")

    page.locator(f".place-row a.focus-place[data-slug='{place.slug}']").click()
    page.wait_for_selector(f"#place-detail[data-slug='{place.slug}']")
    assert hostile.place_name in page.locator("#place-detail h2").inner_text()
    assert_nothing_ran(page, "map with the hostile place selected")


def test_report_pages_and_the_list_show_every_payload_as_text(page, live_server, hostile):
    for article in hostile.articles:
        page.goto(f"{live_server.url}/articles/{article.pk}/")
        assert page.locator("h1").inner_text() == " ".join(article.title.split())
        assert_nothing_ran(page, article.title[:60])
    first = hostile.articles[0]
    page.goto(f"{live_server.url}/articles/{first.pk}/")
    text = page.locator("body").inner_text()
    assert hostile.place_name in text and hostile.geocoded_name in text

    for query in ("", f"?place={hostile.place.slug}", "?q=onerror", "?q=script"):
        page.goto(f"{live_server.url}/articles/{query}")
        assert page.locator(".article-list").count() == 1
        assert_nothing_ran(page, f"list {query}")


def test_the_embed_shows_hostile_places_as_text(page, live_server, hostile):
    place = hostile.place
    page.goto(
        f"{live_server.url}/embed/?date={DAY.isoformat()}&window=30"
        f"&lat={place.latitude}&lng={place.longitude}&zoom=13"
    )
    page.wait_for_selector(f"#map[data-places-date='{DAY.isoformat()}']")

    assert open_place_popup(page, place.slug) == hostile.place_name
    assert_nothing_ran(page, "embed")
