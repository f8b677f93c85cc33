"""Re-run the geoparser over stored reports, keeping every editor's decision."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from tqdm import tqdm

from articles.gazetteer import refresh_alias_forms
from articles.management import NewsmapCommand
from articles.mentions import refresh_report_statistics, replace_mentions
from articles.models import Article

logger = logging.getLogger(__name__)
# Reports per transaction: the places they name are rebuilt once per batch, not once per report.
BATCH_REPORTS = 1000


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--since {value!r} is not a date; write it as YYYY-MM-DD") from exc


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch = []
    for article in articles:
        batch.append(article)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class Command(NewsmapCommand):
    help = "Re-run the geoparser on reports (all, or those published on or after --since)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", help="Only reports published on or after this day.")

    def handle(self, *args: object, since: str | None = None, **options: object) -> None:
        # Spellings folded by older rules first: the admin and the review look them up so.
        refolded, clashes = refresh_alias_forms()
        for line in clashes:
            self.stderr.write(line)
        if refolded:
            self.stdout.write(f"Re-folded {refolded} alias form(s) made by older rules.")
        reports = Article.objects.order_by("published_at", "id").prefetch_related("related_items")
        if since:
            zone = ZoneInfo(settings.NEWSMAP_SOURCE_TIMEZONE)
            start = dt.datetime.combine(_day(since), dt.time.min, tzinfo=zone)
            reports = reports.filter(published_at__gte=start)
        total = reports.count()
        mentions = unresolved = 0
        progress = tqdm(
            reports.iterator(chunk_size=500),
            total=total,
            unit="report",
            disable=not self.stdout.isatty(),
            file=self.stderr._out,
        )
        for batch in _batches(progress, BATCH_REPORTS):
            made, not_placed = replace_mentions(batch)
            mentions += made
            unresolved += not_placed
        if total:
            refresh_report_statistics()
        summary = (
            f"Reparsed {total} reports: {mentions} automatic mentions ({unresolved} unresolved)."
        )
        logger.info(summary)
        self.stdout.write(summary)
