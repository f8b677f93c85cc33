"""import_feed URL_OR_PATH…: import the entries of RSS or Atom feeds as reports."""

from __future__ import annotations

from django.core.management.base import CommandParser

from articles.ingest import ingest_feeds
from articles.management import NewsmapCommand
from articles.management.commands.import_articles import write_outcome


class Command(NewsmapCommand):
    help = (
        "Import RSS/Atom feed entries (from URLs or files) as reports, one per link. Prints "
        "'imported N, updated N, unchanged N, rejected N' last; exits 1 if anything was rejected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("locations", nargs="+", metavar="URL_OR_PATH")

    def handle(self, *args: str, **options: object) -> None:
        summary = ingest_feeds(
            options["locations"], on_outcome=lambda outcome: write_outcome(self, outcome)
        )
        self.stdout.write(summary.line())
        if summary.rejected:
            raise SystemExit(1)
