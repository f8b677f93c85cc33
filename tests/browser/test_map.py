"""The map page in a real Chromium on the seeds: slider, statuses, list, permalinks, escaping."""

from __future__ import annotations

import datetime as dt
import re

import pytest

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=alert(1)>"


def slide_to(page, day: str) -> None:
    """Move the date slider to `day` as a reader dragging it would."""
    first = dt.date.fromisoformat(page.locator("#date-input").get_attribute("min"))
    page.locator("#date-slider").fill(str((dt.date.fromisoformat(day) - first).days))
    page.wait_for_selector(f"#map[data-places-date='{day}']")
    page.wait_for_selector(f"#report-list[data-date='{day}']")


def place_marker(page, slug: str):
    return page.locator(f".place-marker[data-slug='{slug}']")


def test_the_slider_redraws_places_and_the_list_follows(page, live_server, seeded, screenshot):
    page.goto(live_server.url + "/")
    page.wait_for_selector("#map[data-places-date]")

    slide_to(page, "2016-11-04")
    zahour = place_marker(page, "zahour")
    assert zahour.get_attribute("data-status") == "contested"
    assert re.search(
        r"Contested since 4 Nov 2016, \d+ reports?, \d+ sources?",
        zahour.get_attribute("aria-label"),
    )
    listed = page.locator("#report-list .place-row[data-slug='zahour']")
    assert listed.get_attribute("data-status") == "contested"
    assert "Contested" in listed.inner_text()
    assert (
        "Iraqi Forces Continue Their Advance" in page.locator("#report-list .reports").inner_text()
    )
    assert place_marker(page, "intisar").get_attribute("data-status") == "none"
    assert "date=2016-11-04" in page.url
    assert int(page.locator("#map").get_attribute("data-reports")) >= 1
    screenshot(page, "screenshot-map")

    page.locator(".place-row a.focus-place[data-slug='zahour']").click()
    page.wait_for_selector("#place-detail[data-slug='zahour']")
    assert "Contested" in page.locator("#place-detail").inner_text()
    assert "place=zahour" in page.url
    page.wait_for_function("() => Number(document.getElementById('map').dataset.zoom) >= 14")

    slide_to(page, "2017-01-02")
    assert place_marker(page, "intisar").get_attribute("data-status") == "retaken"
    assert "Retaken" in place_marker(page, "intisar").get_attribute("aria-label")
    assert page.locator("#date-label").inner_text() == "2 January 2017"
    reports = page.locator("#report-list .reports").inner_text()
    assert "Intisar" in reports and "Iraqi Forces Continue" not in reports
    assert (
        page.locator("#report-list .place-row[data-slug='intisar']").get_attribute("data-status")
        == "retaken"
    )

    page.locator("#date-slider").press("PageDown")
    page.wait_for_selector("#report-list[data-date='2016-12-26']")
    assert "date=2016-12-26" in page.url
    page.go_back()
    page.wait_for_selector("#report-list[data-date='2017-01-02']")
    assert page.locator("#date-slider").input_value() == page.evaluate(
        "() => document.getElementById('date-slider').max"
    )
    assert page.console_errors == []
    assert page.dialogs == []


def test_a_permalink_restores_the_view(page, live_server, seeded):
    query = "?date=2017-01-02&window=30&lat=36.33000&lng=43.20000&zoom=15&place=intisar"
    page.goto(live_server.url + "/" + query)
    page.wait_for_selector("#map[data-places-date='2017-01-02']")
    assert page.locator("#date-input").input_value() == "2017-01-02"
    assert page.locator("input[name='window'][value='30']").is_checked()
    assert page.locator("#map").get_attribute("data-zoom") == "15"
    detail = page.locator("#place-detail")
    assert detail.is_visible()
    assert "Retaken" in detail.inner_text() and "Intisar" in detail.inner_text()
    assert "selected" in (place_marker(page, "intisar").get_attribute("class") or "")
    assert page.url.endswith(query)
    assert page.console_errors == []


def test_a_hostile_headline_shows_as_text_and_runs_nothing(page, live_server, seeded, tmp_path):
    from django.core.management import call_command

    from articles.models import Article

    report = tmp_path / "hostile.txt"
    report.write_text(
        f"{HOSTILE}\n\nFri Nov 4, 2016 18:47:52\n\n"
        "Iraqi forces are fighting ISIS in al-Zahour on the Eastern side of Mosul.\n",
        encoding="utf-8",
    )
    call_command("import_articles", str(report), verbosity=0)
    article = Article.objects.get(title=HOSTILE)

    place = article.mentions.exclude(place=None).first().place
    page.goto(
        f"{live_server.url}/?date=2016-11-04&window=1"
        f"&lat={place.latitude}&lng={place.longitude}&zoom=18"
    )
    page.wait_for_selector("#report-list[data-date='2016-11-04']")
    titles = page.locator("#report-list .report-title").all_inner_texts()
    assert HOSTILE in titles

    # Open the hostile report's popup; at the deepest zoom a cluster spreads when clicked.
    page.wait_for_selector("#map[data-reports]")
    marker = page.locator(f".report-marker[title^='{HOSTILE}']")
    if not marker.count():
        page.locator(".report-cluster").first.click()
    marker.first.click()
    popup = page.locator(".leaflet-popup .popup-report")
    popup.wait_for()
    assert popup.locator("h3").inner_text() == HOSTILE
    assert popup.locator("img").count() == 0
    assert popup.locator("a").get_attribute("href") == f"/articles/{article.pk}/"

    page.goto(live_server.url + f"/articles/{article.pk}/")
    assert page.locator("h1").inner_text() == HOSTILE
    page.goto(live_server.url + "/articles/?q=onerror")
    assert HOSTILE in page.locator(".article-list").inner_text()
    assert page.locator("img").count() == 0
    assert page.dialogs == []
    assert page.console_errors == []
