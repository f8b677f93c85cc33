"""Scoring the geoparser on hand-labelled reports, and growing the evaluation set by a batch.

The set (tests/data/evaluation/reports.json) holds cited excerpts of real reports, each with
one row per place it names: a gazetteer slug or `?Surface`, the place's main status, and the
event date where the text gives one. A new batch is labelled from
tests/data/evaluation/BRIEF.md by readers who see no code, scored before anything is read from
it, and then joined to the set (`python manage.py evaluate BATCH --join`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from articles.geoparse import Matcher, geoparse
from articles.status import STATUS_RANK
from articles.summary import SummaryModel
from articles.summary_training import EVALUATION_SET, report_args

# The set labels a half of Mosul as Mosul (BRIEF.md): the gazetteer's rows for the halves are
# for the map, and a batch that used them would be scored against a convention the set lacks.
HALVES = frozenset({"east-mosul", "west-mosul"})
# What closes the set's JSON after its last report: a batch is joined just before it.
_SET_END = "\n  ]\n}\n"


@dataclass
class Miss:
    """One disagreement between the geoparser and a reader."""

    source: str  # the report's URL (or seed file)
    kind: str  # "unexpected", "missed", "status" or "date"
    place: str
    expected: str = ""
    found: str = ""


@dataclass
class Scores:
    """Place precision and recall, status and event-date agreement, with every miss."""

    reports: int = 0
    places: int = 0  # labelled places the geoparser found
    unexpected: int = 0
    missed: int = 0
    status_agreed: int = 0
    dated: int = 0  # found places whose reader gave a date
    date_agreed: int = 0
    misses: list[Miss] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.places / (self.places + self.unexpected) if self.places else 0.0

    @property
    def recall(self) -> float:
        return self.places / (self.places + self.missed) if self.places else 0.0

    @property
    def status(self) -> float:
        return self.status_agreed / self.places if self.places else 0.0

    @property
    def event_date(self) -> float:
        return self.date_agreed / self.dated if self.dated else 0.0


def found_places(
    report: dict, matcher: Matcher, summary: SummaryModel | str | None = "shipped"
) -> dict[str, tuple[str, dt.date]]:
    """The report's places as the geoparser sums them up: key to (status, event date)."""
    return {
        (m.place_key or f"?{m.surface}"): (m.status, m.event_date)
        for m in geoparse(*report_args(report), matcher, summary=summary)
        if m.is_primary
    }


def score(
    reports: Iterable[dict], matcher: Matcher, summary: SummaryModel | str | None = None
) -> Scores:
    """How the geoparser agrees with the readers: by default the rules' own summaries
    (summary=None); "shipped" weighs them with the shipped summary model."""
    out = Scores()
    for report in reports:
        out.reports += 1
        source = report.get("url") or report.get("seed", "")
        found = found_places(report, matcher, summary)
        expected = {key: (status, when) for key, status, when in report["expected"]}
        for key in found.keys() - expected.keys():
            out.unexpected += 1
            out.misses.append(Miss(source, "unexpected", key, found=found[key][0]))
        for key, (status, when) in expected.items():
            if key not in found:
                out.missed += 1
                out.misses.append(Miss(source, "missed", key, expected=status))
                continue
            out.places += 1
            got_status, got_date = found[key]
            if got_status == status:
                out.status_agreed += 1
            else:
                out.misses.append(Miss(source, "status", key, status, got_status))
            if when is not None:
                out.dated += 1
                if got_date == dt.date.fromisoformat(when):
                    out.date_agreed += 1
                else:
                    out.misses.append(Miss(source, "date", key, when, got_date.isoformat()))
    return out


def read_batch(path: Path) -> list[dict]:
    """A batch file's reports: a JSON list, or an object with "reports" as the set has."""
    data = json.loads(path.read_text(encoding="utf-8"))
    reports = data.get("reports") if isinstance(data, dict) else data
    if not isinstance(reports, list):
        raise ValueError("expected a JSON list of reports, or an object with a 'reports' list")
    return reports


def problems(reports: Sequence[dict], slugs: Iterable[str], held: Iterable[str] = ()) -> list[str]:
    """What is wrong with a batch, one line each, naming the report and field: an empty list
    when every report can be scored and joined. `held` are the URLs the set already has."""
    known, seen, out = set(slugs), set(held), []
    for number, report in enumerate(reports, 1):
        where = f"report {number}"
        if not isinstance(report, dict):
            out.append(f"{where}: expected an object with outlet, url, published, title, body")
            continue
        url = report.get("url")
        if isinstance(url, str) and url:
            where = f"report {number} ({url})"
        for name in ("outlet", "url", "published", "title", "body"):
            if not isinstance(report.get(name), str):
                out.append(f"{where}: '{name}' is missing or not text")
        if isinstance(url, str):
            if not url.startswith(("http://", "https://")):
                out.append(f"{where}: 'url' must be the report's http(s) address")
            elif url in seen:
                out.append(f"{where}: 'url' is already in the set or earlier in this batch")
            seen.add(url)
        try:
            dt.date.fromisoformat(report.get("published") or "")
        except (TypeError, ValueError):
            out.append(f"{where}: 'published' must be a date, YYYY-MM-DD")
        rows = report.get("expected")
        if not isinstance(rows, list):
            out.append(f"{where}: 'expected' must be a list of [place, status, date] rows")
            continue
        for row in rows:
            out += _row_problems(where, row, known)
    return out


def _row_problems(where: str, row: object, known: set[str]) -> list[str]:
    if not (isinstance(row, list) and len(row) == 3 and isinstance(row[0], str)):
        return [f"{where}: expected row {row!r} is not [place, status, date]"]
    key, status, when = row
    out = []
    if key in HALVES:
        out.append(f"{where}: place {key!r}: a half of Mosul is labelled 'mosul' (BRIEF.md)")
    elif not key.startswith("?") and key not in known:
        out.append(f"{where}: place {key!r} is no gazetteer slug (write '?Name' for a new place)")
    if status not in STATUS_RANK:
        out.append(f"{where}: place {key!r}: status {status!r} is not one of "
                   f"{', '.join(sorted(STATUS_RANK))}")
    if when is not None:
        try:
            dt.date.fromisoformat(when)
        except (TypeError, ValueError):
            out.append(f"{where}: place {key!r}: date {when!r} is not YYYY-MM-DD or null")
    return out


def entry_text(report: dict) -> str:
    """A report as the set writes it: one field group a line, its text as it came."""

    def text(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    return (
        f'    {{"outlet": {text(report["outlet"])}, "url": {text(report["url"])},\n'
        f'     "published": {text(report["published"])}, "title": {text(report["title"])},\n'
        f'     "body": {text(report["body"])},\n'
        f'     "expected": {text(report["expected"])}}}'
    )


def join(reports: Sequence[dict], path: Path = EVALUATION_SET) -> None:
    """Append a batch (checked by `problems`) to the set's file, in its own layout."""
    text = path.read_text(encoding="utf-8")
    if not text.endswith(_SET_END):
        raise ValueError("the set's file does not end as expected; was it edited by hand?")
    joined = text[: -len(_SET_END)] + "".join(",\n" + entry_text(r) for r in reports) + _SET_END
    json.loads(joined)  # never write a file the tests could not read
    path.write_text(joined, encoding="utf-8")
