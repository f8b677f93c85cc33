"""Score the geoparser on a batch of hand-labelled reports, and join the batch to the set."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.evaluation import Scores, join, problems, read_batch, score
from articles.summary_training import EVALUATION_SET, csv_matcher, read_set


class Command(BaseCommand):
    help = (
        "Score the geoparser against hand-labelled reports: a new batch (labelled from "
        "tests/data/evaluation/BRIEF.md) before anything is read from it, or the whole set. "
        "--join then appends the batch to the set."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("batch", nargs="?", type=Path,
                            help="A JSON list of labelled reports (default: score the set).")
        parser.add_argument("--misses", action="store_true",
                            help="List every place the geoparser and the readers disagree on.")
        parser.add_argument("--join", action="store_true",
                            help="Append the batch to the set after scoring it.")
        parser.add_argument("--set", type=Path, default=EVALUATION_SET, dest="set_path",
                            help="The evaluation set (default: %(default)s).")

    def handle(self, *args: object, **options: object) -> None:
        batch, set_path = options["batch"], options["set_path"]
        try:
            held = read_set(set_path)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"{set_path}: cannot read the evaluation set: {exc}") from None
        matcher = csv_matcher()
        if batch is None:
            if options["join"]:
                raise CommandError("--join needs a batch file to join")
            reports, name = held, str(set_path)
        else:
            try:
                reports = read_batch(batch)
            except (OSError, ValueError) as exc:
                raise CommandError(f"{batch}: cannot read the batch: {exc}") from None
            found = problems(reports, matcher.places, (r.get("url") for r in held))
            if found:
                # Every problem on its own line, so that one pass over the file mends them all;
                # the error itself names the first.
                for problem in found[1:]:
                    self.stderr.write(f"{batch}: {problem}")
                more = len(found) - 1
                raise CommandError(f"{batch}: {found[0]}" + (
                    f" (and {more} more problem{'s' if more > 1 else ''} above)" if more else ""
                ))
            name = str(batch)
        rules = score(reports, matcher, summary=None)
        model = score(reports, matcher, summary="shipped")
        self._report(name, rules, model, fitted_to_it=batch is None)
        if options["misses"]:
            for miss in model.misses:
                said = f"{miss.expected} -> {miss.found}" if miss.expected and miss.found else (
                    miss.expected or miss.found)
                self.stdout.write(f"  {miss.kind:10} {miss.place} ({said})  {miss.source}")
        if options["join"]:
            try:
                join(reports, set_path)
            except (OSError, ValueError) as exc:
                raise CommandError(f"{set_path}: cannot join the batch: {exc}") from None
            self.stdout.write(
                f"Joined {len(reports):,} reports to {set_path}. Refit the summary model "
                "(`python manage.py train_status_model`) and commit both files."
            )

    def _report(self, name: str, rules: Scores, model: Scores, fitted_to_it: bool) -> None:
        labelled = rules.places + rules.missed
        self.stdout.write(f"{name}: {rules.reports:,} reports, {labelled:,} labelled places")
        self.stdout.write(f"  place precision {rules.precision:.3f}, recall {rules.recall:.3f}")
        note = " (fitted to these very reports)" if fitted_to_it else ""
        self.stdout.write(
            f"  status agreement {rules.status:.3f} from the rules, {model.status:.3f} with the "
            f"summary model{note}"
        )
        self.stdout.write(
            f"  event date {model.event_date:.3f} ({model.dated:,} "
            f"{'place' if model.dated == 1 else 'places'} with a date)"
        )
