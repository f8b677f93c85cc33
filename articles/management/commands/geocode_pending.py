"""Retry the names no place was found for, online lookups that failed before included."""

from __future__ import annotations

import sys

from django.core.management.base import CommandError
from django.utils import timezone
from tqdm import tqdm

from articles.geocoding import Resolution, geocode_unresolved, online_provider
from articles.management import NewsmapCommand
from articles.models import GeocodeLookup, Mention


class Command(NewsmapCommand):
    help = (
        "Run every unresolved automatic mention's name through the geocoder chain again, "
        "retrying online lookups that failed. Exit status 1 when an online lookup failed again "
        "(the network or the geocoder is still down), else 0."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--limit", type=int, help="try at most this many distinct names")

    def handle(self, *args, limit: int | None, **options) -> None:
        if limit is not None and limit < 1:
            raise CommandError("--limit must be 1 or more")
        pending = Mention.objects.filter(
            place__isnull=True, rejected=False, decided_by=Mention.DecidedBy.AUTO
        )
        keys = list(pending.values_list("normalised", flat=True).distinct().order_by("normalised"))
        if limit is not None:
            keys = keys[:limit]
        started = timezone.now()
        found = 0
        with tqdm(total=len(keys), unit="name", disable=not sys.stderr.isatty()) as bar:

            def step(surface: str, result: Resolution | None) -> None:
                nonlocal found
                found += result is not None
                bar.update()

            resolved = geocode_unresolved(
                pending.filter(normalised__in=keys), retry_failed=True, on_name=step
            )
        failed = 0
        provider = online_provider()
        if provider is not None:
            failed = GeocodeLookup.objects.filter(
                provider=provider,
                outcome=GeocodeLookup.Outcome.FAILED,
                attempted_at__gte=started,
            ).count()
        self.stdout.write(
            f"resolved {resolved} mention(s) of {found} name(s); "
            f"{len(keys) - found} name(s) still unresolved, {failed} online lookup(s) failed"
        )
        if failed:
            raise CommandError("some online lookups failed; run again later", returncode=1)
