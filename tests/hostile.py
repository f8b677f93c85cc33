"""Hostile text pushed through the real pipeline: import, gazetteer load and online geocoding.

Shared by tests/test_hostile_input.py and tests/browser/test_hostile.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from django.core.management import call_command

from articles.models import Article, Place
from tests.nominatim_server import FakeNominatim

CORPUS = Path(__file__).parent / "data" / "hostile" / "payloads.json"
DAY = dt.date(2016, 11, 4)
# A gazetteer place and a neighbourhood only the (fake) online geocoder knows.
KNOWN_NAME = "Zarqubin Tower"
GEOCODED_NAME = "Qurmuzan"
UNKNOWN_NAME = "Xurbanix"
ONE_MEGABYTE = 1024 * 1024


def load_payloads() -> dict[str, list[str]]:
    """The corpus by group: markup, urls, text."""
    data = json.loads(CORPUS.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def all_payloads() -> list[str]:
    return [p for group in load_payloads().values() for p in group]


def huge_line() -> str:
    """A 1 MB line of markup, as a single paragraph."""
    unit = "<img src=x onerror=alert('huge')> "
    return (unit * (ONE_MEGABYTE // len(unit) + 1))[:ONE_MEGABYTE]


def report_text(headline: str, paragraphs: list[str], related: list[str], minute: int) -> str:
    """A report in the shipped seed format, with a related-stories block."""
    items = [
        {
            "id": str(1000 + i),
            "sort": str(2000 + i),
            "contenttypeid": "21",
            "pic": f"/2016/11/04/hostile_{minute}_{i}.jpg",
            "title": title,
        }
        for i, title in enumerate(related)
    ]
    block = json.dumps(items)
    dateline = f"Fri Nov 4, 2016 {10 + minute // 60:02d}:{minute % 60:02d}:00"
    body = "\n\n".join(paragraphs)
    return (
        f"{headline}\n\n{headline}\n{dateline}\n\n{body}\n\n\n"
        f'string({len(block.encode("utf-8"))}) "{block}"\n'
    )


def write_reports(directory: Path) -> list[str]:
    """One report per payload (in headline, body and related title) plus a 1 MB-line report."""
    headlines = []
    for i, payload in enumerate(all_payloads()):
        # A line separator in a headline ends it (the parser then rightly finds no dateline).
        headline = f"Troops enter {KNOWN_NAME} {' '.join(payload.splitlines())}"
        paragraphs = [
            f"Iraqi forces advanced into {KNOWN_NAME} on Friday. {payload}",
            f"Heavy fighting is underway in the {GEOCODED_NAME} neighbourhood of eastern Mosul.",
            f"Clashes continued in the {UNKNOWN_NAME} neighbourhood, {payload}.",
            payload,
        ]
        text = report_text(headline, paragraphs, [f"{payload} in Mosul"], minute=i)
        (directory / f"hostile_{i:02d}.txt").write_text(text, encoding="utf-8")
        headlines.append(headline)
    headline = f"Troops enter {KNOWN_NAME} after a very long statement"
    text = report_text(
        headline,
        [f"Iraqi forces advanced into {KNOWN_NAME} on Friday.", huge_line()],
        [],
        minute=59,
    )
    (directory / "hostile_huge.txt").write_text(text, encoding="utf-8")
    headlines.append(headline)
    return headlines


def write_gazetteer(path: Path, name: str, aliases: list[str]) -> None:
    """A one-place gazetteer CSV in the shipped format, its name and aliases hostile."""
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            "slug,name,name_ar,kind,parent,bank,lat,lon,precision,radius_m,source,"
            "geonames_id,osm_id,wikidata_id,common_word,aliases".split(",")
        )
        writer.writerow(
            [
                "zarqubin-tower",
                name,
                name,
                "landmark",
                "mosul",
                "east",
                "36.36",
                "43.17",
                "2",
                "800",
                f"Test source {name}",
                "",
                "",
                "",
                "0",
                "|".join([KNOWN_NAME, *aliases]),
            ]
        )


@dataclass
class HostileData:
    place: Place
    geocoded: Place
    articles: list[Article]
    headlines: list[str]
    place_name: str
    geocoded_name: str


def load_hostile_data(tmp_path: Path, settings, nominatim: FakeNominatim) -> HostileData:
    """Shipped gazetteer, a hostile gazetteer row, hostile reports geocoded by the fake server."""
    payloads = load_payloads()
    place_name = payloads["markup"][1]
    geocoded_name = "<img src=x onerror=alert('geocoder')>"
    call_command("load_gazetteer", verbosity=0)
    gazetteer = tmp_path / "hostile_gazetteer.csv"
    write_gazetteer(gazetteer, place_name, [payloads["markup"][0], payloads["text"][0]])
    call_command("load_gazetteer", str(gazetteer), verbosity=0)

    nominatim.add(
        GEOCODED_NAME,
        lat=36.35,
        lon=43.19,
        display_name=f"{geocoded_name}, \u202eMosul\u202c, {payloads['markup'][2]}, Iraq",
        osm_type="node",
        osm_id=666,
    )
    settings.NEWSMAP_GEOCODER = "nominatim"
    settings.NEWSMAP_GEOCODER_DOMAIN = nominatim.domain
    settings.NEWSMAP_GEOCODER_SCHEME = "http"
    settings.NEWSMAP_GEOCODER_MIN_DELAY = 0
    settings.NEWSMAP_GEOCODER_TIMEOUT = 2

    reports = tmp_path / "reports"
    reports.mkdir()
    headlines = write_reports(reports)
    call_command("import_articles", str(reports), verbosity=0)
    articles = list(Article.objects.order_by("pk"))
    # A feed can carry any link; the page must never make a javascript: or data: one clickable.
    for article, url in zip(articles, payloads["urls"], strict=False):
        Article.objects.filter(pk=article.pk).update(url=url)
    return HostileData(
        place=Place.objects.get(slug="zarqubin-tower"),
        geocoded=Place.objects.get(provenance=Place.Provenance.GEOCODER),
        articles=articles,
        headlines=headlines,
        place_name=place_name,
        geocoded_name=geocoded_name,
    )
