"""import_articles PATH…|-: import report files, directories (*.txt), globs or standard input."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandParser

from articles.ingest import Outcome, Status, ingest_paths
from articles.management import NewsmapCommand


class Command(NewsmapCommand):
    help = (
        "Import news reports from files, directories (recursive *.txt), globs or - for standard "
        "input. Prints 'imported N, updated N, unchanged N, rejected N' last; exits 1 if any "
        "input was rejected."
    )
    # call_command(..., stdin=BytesIO(...)) feeds "-" in tests.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="File, directory, glob or -")

    def handle(self, *args: str, **options: object) -> None:
        summary = ingest_paths(
            options["paths"],
            progress=sys.stderr.isatty(),
            stdin=options.get("stdin"),
            on_outcome=self.write_outcome,
        )
        self.stdout.write(summary.line())
        if summary.rejected:
            raise SystemExit(1)

    def write_outcome(self, outcome: Outcome) -> None:
        """One line on stderr per rejection, skip or warning, prefixed with where it came from."""
        write_outcome(self, outcome)


def write_outcome(command: BaseCommand, outcome: Outcome) -> None:
    """Shared by import_articles and import_feed: `ORIGIN: reason` and `ORIGIN: warning: …`."""
    if outcome.status == Status.REJECTED:
        command.stderr.write(f"{outcome.origin}: {outcome.reason}")
    elif outcome.status == Status.SKIPPED:
        command.stderr.write(f"{outcome.origin}: skipped: {outcome.reason}")
    for warning in outcome.warnings:
        command.stderr.write(f"{outcome.origin}: warning: {warning}")
