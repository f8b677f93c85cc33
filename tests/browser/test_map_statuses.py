"""The statuses the page works out itself from status periods, against /api/places.geojson."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.test_map import slide_to

pytestmark = pytest.mark.browser

LABELS = {"isis_held": "ISIS-held", "contested": "Contested", "retaken": "Retaken"}
# Every place the API lists for the day, with what its marker on the page says.
DRAWN = """async (day) => {
  const body = await (await fetch('/api/places.geojson?date=' + day)).json();
  const markers = [...document.querySelectorAll('#map .place-marker')];
  const bySlug = new Map(markers.map((el) => [el.dataset.slug, el]));
  return {
    drawn: markers.length,
    places: body.features.map((f) => {
      const el = bySlug.get(f.properties.slug);
      if (!el) return [f.properties, null, null];
      return [f.properties, el.dataset.status, el.getAttribute('aria-label')];
    }),
  };
}"""


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(p: dict) -> str:
    """What the page's placeSummary says of a place, from the API's properties."""
    if p["status"] == "none":
        return f"{p['name']}: No report yet"
    since = ""
    if p["status_since"]:
        day = dt.date.fromisoformat(p["status_since"])
        month = "Sept" if day.month == 9 else day.strftime("%b")
        since = f" since {day.day} {month} {day.year}"
    support = f"{plural(p['reports'], 'report')}, {plural(p['sources'], 'source')}"
    return f"{p['name']}: {LABELS[p['status']]}{since}, {support}"


def test_every_marker_says_what_the_places_api_says_for_the_day(page, live_server, seeded):
    page.goto(live_server.url + "/")
    page.wait_for_selector("#map[data-places-date]")
    first = dt.date.fromisoformat(page.locator("#date-input").get_attribute("min"))
    last = dt.date.fromisoformat(page.locator("#date-input").get_attribute("max"))
    middle = first + (last - first) / 2
    # Across the stretches of days the page fetches periods in, backwards and forwards.
    for day in (first, "2016-11-04", middle, "2017-01-02", "2016-11-05", last):
        day = str(day)
        slide_to(page, day)
        found = page.evaluate(DRAWN, day)
        assert found["drawn"] == len(found["places"]), day
        assert any(p["status"] != "none" for p, _, _ in found["places"]), day
        for props, status, label in found["places"]:
            assert (props["slug"], status) == (props["slug"], props["status"]), day
            assert label == summary(props), day
    assert page.console_errors == []
