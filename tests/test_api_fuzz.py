"""Every API parameter, as /api/openapi.json lists them, fuzzed: never a 500; a 400 says why.

The pages' own parameters (not part of the API description) get the same treatment and must
never fail at all: a page falls back to its default on a bad value.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import quote, quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.openapi import spec
from tests.factories import make_article, make_mention, make_place

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PAGE_PARAMS = {
    "/": ["date", "window", "lat", "lng", "zoom", "place", "page"],
    "/articles/": ["q", "place", "page"],
    "/embed/": ["date", "window", "lat", "lng", "zoom", "place", "slider", "legend", "autoplay"],
    "/oembed": ["url", "format", "maxwidth", "maxheight"],
}
# oEmbed answers "not ours" and "not json" with its own JSON errors.
PAGE_STATUSES = {"/oembed": {200, 404, 501}}

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
day = st.dates(dt.date.min, dt.date.max).map(dt.date.isoformat)
near_day = st.builds(
    "{:04d}-{:02d}-{:02d}".format,
    st.integers(0, 9999),
    st.integers(0, 13),
    st.integers(0, 32),
)
number = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["1e999", "-0", "0x10", "١٢", "NaN", "inf", " 7", "7 ", "1_000"]),
)
edge = st.sampled_from(
    ["", " ", "\x00", "null", "[]", "{}", "'", '"', "%", "../..", "*", "a" * 300, "\u202e"]
    + ["2016-11-04\x00", "2016-11-04 ", "+2016-11-04", "2016-11-04T00:00", "20161104"]
)


def value_strategy(param: dict) -> st.SearchStrategy[bytes]:
    """Bytes for a query value: schema-shaped values, near misses, text, edge cases and junk."""
    schema = param.get("schema", {})
    shaped = [text, number, edge, day, near_day]
    if "pattern" in schema:
        shaped.append(st.from_regex(schema["pattern"], fullmatch=True))
    as_bytes = st.one_of(*shaped).map(lambda s: s.encode("utf-8"))
    return st.one_of(as_bytes, st.binary(max_size=30))


def query_strategy(names_and_params: list[tuple[str, dict]]) -> st.SearchStrategy[str]:
    """A query string with any subset of the parameters, each value percent-encoded bytes."""
    optional = {name: value_strategy(param) for name, param in names_and_params}
    return st.fixed_dictionaries({}, optional=optional).map(
        lambda chosen: "&".join(f"{quote(k)}={quote_from_bytes(v)}" for k, v in chosen.items())
    )


def api_parameters() -> list[tuple[str, list[tuple[str, dict]]]]:
    """Each API path with its query parameters, read from the served description."""
    found = []
    for path, item in spec()["paths"].items():
        params = item["get"].get("parameters", [])
        found.append((path, [(p["name"], p) for p in params if p["in"] == "query"]))
    return found


@pytest.fixture
def some_data():
    """A few places and reports on both sides of the default window, so queries find rows."""
    zahour = make_place("al-Zahour")
    karama = make_place("al-Karama")
    for i, place in enumerate([zahour, karama, zahour]):
        article = make_article(
            f"Report {i}", published_at=dt.datetime(2016, 11, 1 + i * 5, tzinfo=dt.UTC)
        )
        make_mention(article, place, event_date=dt.date(2016, 11, 1 + i * 5), status="fighting")


def test_the_description_lists_the_parameters_the_map_uses(client):
    served = client.get("/api/openapi.json").json()
    names = {
        path: {p["name"] for p in item["get"].get("parameters", [])}
        for path, item in served["paths"].items()
    }

    assert names["/api/places.geojson"] == {"date"}
    assert names["/api/reports.geojson"] == {"start", "end", "place"}
    assert names["/api/reports.csv"] == {"start", "end", "place"}


@pytest.mark.parametrize(
    ("path", "params"), api_parameters(), ids=[path for path, _ in api_parameters()]
)
def test_no_api_input_causes_a_server_error(client, some_data, path, params):
    names = {name for name, _ in params}

    @FUZZ
    @given(query=query_strategy(params))
    def check(query: str) -> None:
        response = client.get(f"{path}?{query}")
        assert response.status_code in (200, 400), (query, response.status_code)
        if response.status_code == 400:
            assert response["Content-Type"] == "application/json"
            error = json.loads(response.content)["error"]
            assert isinstance(error, str)
            assert re.match(r"[a-z]+", error)[0] in names, error
        elif "json" in response["Content-Type"]:
            json.loads(response.content)

    check()


@pytest.mark.parametrize("path", list(PAGE_PARAMS))
def test_no_page_parameter_causes_an_error(client, some_data, path):
    params = [(name, {}) for name in PAGE_PARAMS[path]]
    allowed = PAGE_STATUSES.get(path, {200})

    @FUZZ
    @given(query=query_strategy(params), htmx=st.booleans())
    def check(query: str, htmx: bool) -> None:
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.get(f"{path}?{query}", headers=headers)
        assert response.status_code in allowed, (query, response.status_code)
        if response.status_code != 200:
            assert "error" in json.loads(response.content)

    check()


def test_an_oembed_url_with_fuzzed_map_parameters_never_fails(client, some_data):
    names = PAGE_PARAMS["/embed/"]
    params = [(name, {}) for name in names]

    @FUZZ
    @given(query=query_strategy(params), path=st.sampled_from(["/", "/embed/"]))
    def check(query: str, path: str) -> None:
        url = f"http://testserver{path}?{query}"
        response = client.get("/oembed", {"url": url})
        assert response.status_code == 200, (url, response.status_code)
        assert json.loads(response.content)["html"].startswith("<iframe ")

    check()
