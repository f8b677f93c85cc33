"""Preview what the geoparser finds in report files, writing nothing to the database."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from articles import prepare
from articles.geoparse import FoundMention
from articles.ingest import screen_file
from articles.management import NewsmapCommand
from articles.matcher import get_matcher
from articles.models import Place


def _place_rows(found: list[FoundMention]) -> dict[str, Place]:
    keys = {m.place_key or m.parent_key for m in found} - {None}
    return {p.slug: p for p in Place.objects.filter(slug__in=keys)}


def _mention_json(m: FoundMention, places: dict[str, Place]) -> dict:
    place = places.get(m.place_key) if m.place_key else None
    # An unresolved name is drawn at its parent area, with the parent's radius.
    point = place or (places.get(m.parent_key) if m.parent_key else None)
    return {
        "place": place.name if place else None,
        "slug": m.place_key,
        "surface": m.surface,
        "status": m.status,
        "event_date": m.event_date.isoformat(),
        "lat": point.latitude if point else None,
        "lon": point.longitude if point else None,
        "precision_m": point.radius_m if point else None,
        "sentence": m.sentence,
        # Named around a place the sentence is about: the map does not count its status.
        "container": m.container,
    }


class Command(NewsmapCommand):
    help = "Show the places, statuses and event dates the geoparser finds in report files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--json", action="store_true", help="Print a JSON array.")

    def handle(self, *args: object, paths: list[str], **options: object) -> None:
        matcher = get_matcher()
        zone = settings.NEWSMAP_SOURCE_TIMEZONE
        limit = settings.NEWSMAP_MAX_REPORT_BYTES
        results, failures = [], 0
        for path in paths:
            # As an import would read it, under the same limits: what the preview shows is what
            # an import would store, and a file an import refuses is refused here with its reason.
            job = screen_file(path, Path(path), limit=limit, seen=set())
            result = prepare.run_job(job, zone, matcher)
            if isinstance(result, prepare.Refused):
                failures += 1
                self.stderr.write(f"{path}: {result.reason}")
                results.append({"path": path, "error": result.reason, "mentions": []})
                continue
            report, found = result.parsed, result.found
            places = _place_rows(found)
            results.append(
                {
                    "path": path,
                    "title": report.title,
                    "published_at": report.published_at.isoformat(),
                    "mentions": [_mention_json(m, places) for m in found],
                }
            )
        if options["json"]:
            self.stdout.write(json.dumps(results, ensure_ascii=False, indent=2))
        else:
            for result in results:
                self.stdout.write(f"{result['path']}: {result.get('title', '')}")
                for m in result["mentions"]:
                    self.stdout.write(
                        f"  {m['place'] or m['surface'] + ' (unresolved)'}: {m['status']}"
                        f" on {m['event_date']}"
                    )
        if failures:
            raise CommandError(f"{failures} of {len(paths)} files are refused, as an import would")
