"""Fitting the summary model (articles.summary) to the hand-labelled evaluation set.

Training needs scikit-learn, a development dependency (`pip install -e '.[dev]'`); the app
only reads the weights it writes. `python manage.py train_status_model` is the way in.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from articles.geoparse import Matcher, NameEntry, geoparse
from articles.parsing import parse_report
from articles.summary import PlaceEvidence, SummaryModel, evidence

ROOT = Path(__file__).resolve().parent.parent
EVALUATION_SET = ROOT / "tests" / "data" / "evaluation" / "reports.json"
GAZETTEER_CSV = ROOT / "articles" / "data" / "gazetteer.csv"
SEEDS = ROOT / "articles" / "data" / "reports"
# The evaluation set grew in batches of about this many reports, each read by new readers: a
# held-out fold is whole batches, as a report the model meets in use is from a reader it
# never saw.
BATCH = 30
# Chosen on the held-out folds (docs/evaluation.md): 0.1 to 1 give within a point of each other.
REGULARISATION = 0.3
# A feature seen in fewer rows than this is noise to the model (a word of one report).
MIN_ROWS = 3


@dataclass
class Row:
    """One labelled place of one report: what the rules found, and what its reader gave."""

    report: int  # the report's index in the set
    place: PlaceEvidence
    label: str

    @property
    def rule(self) -> str:
        """The rules' own choice."""
        return self.place.primary.status

    @cached_property
    def features(self) -> dict[str, float]:
        return self.place.features()


def csv_matcher(path: Path = GAZETTEER_CSV) -> Matcher:
    """A matcher from the shipped gazetteer file itself, with no database."""
    entries = []
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for alias in {row["name"], row["name_ar"], *row["aliases"].split("|")} - {""}:
                entries.append(
                    NameEntry(
                        alias,
                        row["slug"],
                        row["name"],
                        row["kind"],
                        row["parent"] or None,
                        row["bank"],
                        row["common_word"] == "1",
                        float(row["lat"]),
                        float(row["lon"]),
                    )
                )
    return Matcher(entries)


def report_args(report: dict) -> tuple[str, str, list[str], dt.date]:
    """geoparse's arguments for an entry of the evaluation set (a seed is read from its file)."""
    if "seed" in report:
        parsed = parse_report((SEEDS / report["seed"]).read_bytes(), source_timezone="Asia/Baghdad")
        return (parsed.title, parsed.body, [r.title for r in parsed.related],
                dt.date.fromisoformat(report["published"]))
    return report["title"], report["body"], [], dt.date.fromisoformat(report["published"])


def read_set(path: Path = EVALUATION_SET) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["reports"]


def _untracked(items: Iterable, what: str, total: int) -> Iterable:
    return items


# How a caller shows progress over a long step: items, what they are, how many.
Track = Callable[[Iterable, str, int], Iterable]


def labelled_rows(
    reports: Sequence[dict], matcher: Matcher, track: Track = _untracked
) -> list[Row]:
    """Every place a reader labelled and the rules found, with the rules' evidence for it."""
    rows = []
    for index, report in enumerate(track(reports, "report", len(reports))):
        mentions = geoparse(*report_args(report), matcher, summary=None)
        labels = {key: status for key, status, _ in report["expected"]}
        for place in evidence(mentions, matcher.places, matcher.holding_parts):
            key = place.primary.place_key or f"?{place.primary.surface}"
            if key in labels:
                rows.append(Row(index, place, labels[key]))
    return rows


def digest(rows: Iterable[Row]) -> str:
    """A fingerprint of the rows: a model trained on other rows (older rules, another set)
    is stale."""
    h = hashlib.sha256()
    for row in rows:
        h.update(json.dumps([row.report, sorted(row.features.items()), row.label]).encode())
    return h.hexdigest()


def fit(rows: Sequence[Row], about: dict | None = None) -> SummaryModel:
    """A multinomial logistic regression over the rows' features."""
    try:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:  # pragma: no cover - a development dependency
        raise ImportError(
            "training the status model needs scikit-learn: pip install -e '.[dev]'"
        ) from exc
    seen = Counter(feature for row in rows for feature in row.features)
    kept = [{k: v for k, v in row.features.items() if seen[k] >= MIN_ROWS} for row in rows]
    vectoriser = DictVectorizer()
    x = vectoriser.fit_transform(kept)
    model = LogisticRegression(C=REGULARISATION, max_iter=5000)
    model.fit(x, [row.label for row in rows])
    names = vectoriser.get_feature_names_out()
    weights = {}
    for j, name in enumerate(names):
        column = [round(float(model.coef_[i, j]), 4) for i in range(len(model.classes_))]
        if any(column):
            weights[str(name)] = column
    intercept = [round(float(b), 4) for b in model.intercept_]
    return SummaryModel([str(c) for c in model.classes_], intercept, weights, about)


def held_out(rows: Sequence[Row], batches_per_fold: int = 3, track: Track = _untracked) -> dict:
    """Status agreement of the rules and of the model on batches the model was not fitted
    to, fold by fold over the whole set."""
    last = max(row.report for row in rows) // BATCH
    span = batches_per_fold * BATCH
    rules = model_ok = total = 0
    starts = range(0, (last + 1) * BATCH, span)
    for first in track(starts, "fold", len(starts)):
        test = [r for r in rows if first <= r.report < first + span]
        train = [r for r in rows if not first <= r.report < first + span]
        if not test:
            continue
        model = fit(train)
        rules += sum(r.rule == r.label for r in test)
        model_ok += sum(model.decide(r.place) == r.label for r in test)
        total += len(test)
    return {"rows": total, "rules": round(rules / total, 4), "model": round(model_ok / total, 4)}


def train(
    reports: Sequence[dict],
    matcher: Matcher,
    folds: bool = True,
    source: Path = EVALUATION_SET,
    track: Track = _untracked,
) -> SummaryModel:
    """The model fitted to every labelled row, with what it was trained on and how it does on
    reports it was not fitted to."""
    rows = labelled_rows(reports, matcher, track)
    about = {
        "trained_on": str(source.relative_to(ROOT) if source.is_relative_to(ROOT) else source),
        "reports": len(reports),
        "rows": len(rows),
        "regularisation": REGULARISATION,
        "min_rows": MIN_ROWS,
        "digest": digest(rows),
    }
    if folds:
        about["held_out"] = held_out(rows, track=track)
    return fit(rows, about)
