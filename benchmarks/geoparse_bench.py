"""Geoparsing speed on one core: Newsmap beside geotext, naive regexes and a bare tokeniser."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import logging
import os
import re
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager

from benchmarks.corpus import CorpusGenerator, Gazetteer, Report, build_gazetteer
from benchmarks.report import Results, Row

log = logging.getLogger(__name__)
TOKEN = re.compile(r"\w+")


@dataclasses.dataclass
class Rate:
    """How many reports (and bytes) a method got through in how long."""

    reports: int
    seconds: float
    nbytes: int
    found: int

    @property
    def per_second(self) -> float:
        return self.reports / self.seconds if self.seconds else 0.0

    @property
    def mb_per_second(self) -> float:
        return self.nbytes / self.seconds / 1e6 if self.seconds else 0.0


def flat_text(report: Report) -> str:
    """What the peers see: headline, body and related headlines, one text."""
    return "\n".join([report.title, report.body, *report.related_titles])


def measure(fn: Callable[[Report], int], reports: Sequence[Report], max_seconds: float) -> Rate:
    """Run `fn` over the reports until all are done or the time is up (after at least one)."""
    for report in reports[:3]:
        fn(report)  # warm caches and lazy loads outside the timing
    gc.collect()
    found = nbytes = n = 0
    start = time.perf_counter()
    for report in reports:
        found += fn(report)
        nbytes += len(flat_text(report).encode("utf-8"))
        n += 1
        if time.perf_counter() - start > max_seconds:
            break
    return Rate(n, time.perf_counter() - start, nbytes, found)


@contextmanager
def one_core():
    """Pin this process to one CPU so 'one core' means what it says."""
    if not hasattr(os, "sched_setaffinity"):
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(before)})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def newsmap_matcher(gazetteer: Gazetteer):
    """Newsmap's matcher built from plain entries, one per spelling."""
    from articles import geoparse

    names = {f.name for f in dataclasses.fields(geoparse.NameEntry)}
    entries = []
    for place in gazetteer.places:
        for alias in place.aliases:
            values = {
                "alias": alias, "text": alias, "place_key": place.key, "key": place.key,
                "slug": place.key, "name": place.name, "kind": place.kind,
                "parent_key": place.parent_key or None, "bank": place.bank,
                "common_word": place.common_word, "lat": place.lat, "lon": place.lon,
            }
            entries.append(geoparse.NameEntry(**{k: v for k, v in values.items() if k in names}))
    return geoparse.Matcher(entries)


def newsmap_method(matcher) -> Callable[[Report], int]:
    from articles.geoparse import geoparse

    def run(report: Report) -> int:
        found = geoparse(report.title, report.body, report.related_titles,
                         report.published_at.date(), matcher)
        return len(getattr(found, "mentions", found))

    return run


def geotext_method() -> Callable[[Report], int]:
    from geotext import GeoText

    def run(report: Report) -> int:
        places = GeoText(flat_text(report))
        return len(places.cities) + len(places.countries)

    return run


def naive_regex_method(gazetteer: Gazetteer) -> Callable[[Report], int]:
    patterns = [re.compile(r"\b" + re.escape(alias) + r"\b", re.I)
                for place in gazetteer.places for alias in place.aliases]

    def run(report: Report) -> int:
        text = flat_text(report)
        return sum(1 for pattern in patterns for _ in pattern.finditer(text))

    return run


def tokenise_method(report: Report) -> int:
    return len(TOKEN.findall(flat_text(report)))


# Shapes of text with no sentence end that once cost the square (or cube) of their length:
# thousands of names in one list, each weighed against every cue beside it.
HOSTILE_SHAPES = (
    "retook {name} and ",
    "the villages of {name}, ",
    "{name}-",
    "{name}, ",
)


def hostile_text(gazetteer: Gazetteer, size: int) -> str:
    """About `size` bytes of the hostile shapes, cycling through the gazetteer's real names."""
    names = [p.name for p in gazetteer.real] or ["Mosul"]
    parts, total, i = ["Iraqi forces entered "], 0, 0
    while total < size:
        shape = HOSTILE_SHAPES[(i // 500) % len(HOSTILE_SHAPES)]
        part = shape.format(name=names[i % len(names)])
        parts.append(part)
        total += len(part.encode("utf-8"))
        i += 1
    return "".join(parts)


def hostile_rate(matcher, text: str) -> float:
    """MB/s of Newsmap's geoparser on one hostile report's body."""
    from articles.geoparse import geoparse

    start = time.perf_counter()
    geoparse("Hostile", text, [], dt.date(2016, 11, 4), matcher)
    return len(text.encode("utf-8")) / (time.perf_counter() - start) / 1e6


def run(results: Results, quick: bool, seed: int = 1) -> None:
    """Measure and record geoparsing rates on one core with a 10,000-name gazetteer."""
    names = 10_000
    count, seconds = (400, 2.0) if quick else (5_000, 20.0)
    hostile_bytes = 60_000 if quick else 250_000
    hostile = hostile_4x = None
    naive_count, naive_seconds = (3, 3.0) if quick else (25, 20.0)
    gazetteer = build_gazetteer(names, seed)
    if gazetteer.source.startswith("built-in"):
        results.notes.append(f"geoparse: gazetteer from {gazetteer.source}")
    reports = list(CorpusGenerator(gazetteer, seed).reports(count))
    size = sum(len(flat_text(r).encode()) for r in reports) / len(reports)
    note = f"{len(reports)} reports of {size:,.0f} B avg, {gazetteer.name_count:,} names"
    results.notes.append(f"geoparse corpus: {note}; gazetteer {gazetteer.source}")

    with one_core():
        t0 = time.perf_counter()
        naive = naive_regex_method(gazetteer)
        results.seconds["geoparse: compile naive regexes"] = time.perf_counter() - t0
        floor = measure(tokenise_method, reports, seconds)
        peer = measure(geotext_method(), reports, seconds)
        slow = measure(naive, reports[:naive_count], naive_seconds)
        ours: Rate | None = None
        try:
            t0 = time.perf_counter()
            matcher = newsmap_matcher(gazetteer)
            results.seconds["geoparse: build Newsmap matcher"] = time.perf_counter() - t0
            ours = measure(newsmap_method(matcher), reports, seconds)
            hostile = hostile_rate(matcher, hostile_text(gazetteer, hostile_bytes))
            hostile_4x = hostile_rate(matcher, hostile_text(gazetteer, 4 * hostile_bytes))
        except (ImportError, AttributeError, TypeError) as exc:
            results.errors.append(f"geoparse: Newsmap's geoparser could not run: {exc!r}")

    section = "Geoparse (1 core)"
    value = ours.per_second if ours else None
    results.add(Row(section, "Newsmap geoparse", value, "reports/s",
                    target="≥ 5,000 reports/s",
                    passed=None if value is None else value >= 5_000,
                    note=f"{ours.reports if ours else 0} reports, {gazetteer.name_count:,} names, "
                    f"{gazetteer.spelling_count:,} spellings"))
    results.add(Row(section, "Newsmap geoparse", ours.mb_per_second if ours else None, "MB/s"))
    ordinary = ours.mb_per_second if ours else None
    results.add(Row(section, "hostile text, no sentence end", hostile_4x, "MB/s",
                    against=f"the same at a quarter of the length, {hostile_bytes:,} B",
                    against_value=hostile,
                    ratio=hostile_4x / hostile if hostile and hostile_4x else None,
                    target="≥ 0.7× (linear in length)",
                    passed=None if not (hostile and hostile_4x) else hostile_4x >= 0.7 * hostile,
                    note=f"one body of {4 * hostile_bytes:,} B, lists of thousands of names "
                    f"with no full stop; ordinary reports {ordinary or 0:.2f} MB/s"))
    results.add(Row(section, "vs geotext", value, "reports/s", against="geotext",
                    against_value=peer.per_second,
                    ratio=value / peer.per_second if value and peer.per_second else None,
                    target="≥ 5× geotext",
                    passed=None if value is None else value >= 5 * peer.per_second,
                    note="geotext uses its own world-cities list"))
    results.add(Row(section, "vs naive regex per alias", value, "reports/s",
                    against=f"{gazetteer.spelling_count:,} compiled regexes, one per spelling",
                    against_value=slow.per_second,
                    ratio=value / slow.per_second if value and slow.per_second else None,
                    note=f"naive run on {slow.reports} reports only, rate extrapolated"))
    results.add(Row(section, "vs tokenise-only floor", value, "reports/s",
                    against="re.findall(r'\\w+')", against_value=floor.per_second,
                    ratio=value / floor.per_second if value and floor.per_second else None,
                    note=f"floor {floor.mb_per_second:.1f} MB/s"))
    results.notes.append(
        f"geoparse found: newsmap {ours.found if ours else '—'} mentions in "
        f"{ours.reports if ours else 0} reports; geotext {peer.found} in {peer.reports}; "
        f"naive {slow.found} in {slow.reports}"
    )
