"""Fit the model that picks each report's main claim about a place (articles.summary)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from articles.summary import MODEL_PATH, SummaryModel
from articles.summary_training import (
    EVALUATION_SET,
    csv_matcher,
    digest,
    labelled_rows,
    read_set,
    train,
)


class Command(BaseCommand):
    help = (
        "Fit the status summary model to the hand-labelled evaluation set and write its "
        "weights. Run it after a change to the status rules, the gazetteer or the set; "
        "--check only says whether the shipped weights are stale."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", type=Path, default=EVALUATION_SET,
                            help="The labelled reports (default: the evaluation set).")
        parser.add_argument("--output", type=Path, default=MODEL_PATH,
                            help="Where to write the weights (default: the shipped file).")
        parser.add_argument("--check", action="store_true",
                            help="Write nothing; fail if the weights were fitted to other rows.")
        parser.add_argument("--no-folds", action="store_true",
                            help="Skip the held-out folds (faster; the file then has no "
                            "held-out figures).")

    def handle(self, *args: object, **options: object) -> None:
        data, output = options["data"], options["output"]
        try:
            reports = read_set(data)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"{data}: cannot read the labelled reports: {exc}") from None
        matcher = csv_matcher()
        if options["check"]:
            self._check(reports, matcher, output)
            return
        self.stdout.write(f"Fitting to {len(reports):,} reports of {data} ...")
        try:
            model = train(reports, matcher, folds=not options["no_folds"], source=data.resolve(),
                          track=self._progress)
        except ImportError as exc:
            raise CommandError(str(exc)) from None
        try:
            output.write_text(model.dumps(), encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{output}: cannot write the weights: {exc.strerror}") from None
        about = model.about
        self.stdout.write(f"Wrote {output}: {len(model.weights):,} features, {about['rows']:,} "
                          "labelled places.")
        if "held_out" in about:
            held = about["held_out"]
            self.stdout.write(
                f"On batches it was not fitted to: status {held['model']:.3f} "
                f"(the rules alone: {held['rules']:.3f}, {held['rows']:,} places)."
            )
        self.stdout.write(
            "Reports already stored keep their summaries until `manage.py reparse` reads them "
            "again."
        )

    def _progress(self, items: Iterable, what: str, total: int) -> Iterable:
        """A progress bar on a terminal (reading the set, then the held-out folds)."""
        return tqdm(items, total=total, unit=what, disable=not self.stdout.isatty(),
                    file=self.stderr._out)

    def _check(self, reports: list[dict], matcher, output: Path) -> None:
        try:
            shipped = SummaryModel.from_json(json.loads(output.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"{output}: cannot read the weights: {exc}") from None
        if shipped.about.get("digest") != digest(labelled_rows(reports, matcher, self._progress)):
            raise CommandError(
                f"{output} was fitted to other rows than today's rules find in the set: run "
                "`python manage.py train_status_model` and commit the new weights"
            )
        self.stdout.write(f"{output} is up to date.")
