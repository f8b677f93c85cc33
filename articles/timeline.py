"""Keep each place's status periods and the data version in step with its mentions.

Every write that changes what the map shows calls `touch(place_ids)` (mentions changed) or
`bump()` (places, aliases or reports changed). Outside `deferred()` the work happens at once,
in the caller's transaction; an import wraps each batch in `deferred()` so a place named by a
hundred reports is rebuilt once per batch, still before the batch commits.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

from django.db.models import F

from articles import frontline
from articles.models import DataVersion, Mention, PlaceStatusPeriod, Status

FOREVER = dt.date.max
_pending: ContextVar[dict | None] = ContextVar("timeline_pending", default=None)


def source_key(source: str, article_id: int) -> str:
    """Who stands behind a report: its outlet, or the report itself when no outlet is recorded."""
    outlet = " ".join(source.split()).casefold()
    return f"source:{outlet}" if outlet else f"article:{article_id}"


def touch(place_ids: Iterable[int | None]) -> None:
    """The mentions of these places changed: rebuild their periods (now, or when deferred ends)."""
    ids = {pk for pk in place_ids if pk is not None}
    pending = _pending.get()
    if pending is not None:
        pending["places"] |= ids
        pending["bump"] = True
    else:
        _rebuild(ids)
        _bump_now()


def bump() -> None:
    """Something the map shows changed: move the data version (now, or when deferred ends)."""
    pending = _pending.get()
    if pending is not None:
        pending["bump"] = True
    else:
        _bump_now()


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Gather touches and bumps, and carry them out once on leaving (call inside a transaction)."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set({"places": set(), "bump": False})
    try:
        yield
        pending = _pending.get()
    finally:
        _pending.reset(token)
    if pending["places"]:
        _rebuild(pending["places"])
    if pending["bump"]:
        _bump_now()


def rebuild_all() -> None:
    """Rebuild the periods of every place that has a mention."""
    ids = set(Mention.objects.filter(place__isnull=False).values_list("place_id", flat=True))
    PlaceStatusPeriod.objects.exclude(place_id__in=ids).delete()
    _rebuild(ids)
    _bump_now()


def current_version() -> str:
    """The data version as a short string, for ETags."""
    row = DataVersion.objects.filter(pk=1).values_list("version", "changed_at").first()
    return f"{row[0]}-{row[1].timestamp():.6f}" if row else "0"


def _bump_now() -> None:
    if not DataVersion.objects.filter(pk=1).update(version=F("version") + 1):
        DataVersion.objects.get_or_create(pk=1, defaults={"version": 1})


def _rebuild(place_ids: set[int]) -> None:
    ids = sorted(place_ids)
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        _rebuild_chunk(chunk)


def _rebuild_chunk(ids: list[int]) -> None:
    rows = (
        Mention.objects.filter(place_id__in=ids, rejected=False)
        .order_by()
        .values_list(
            "place_id",
            "article_id",
            "article__source",
            "event_date",
            "status",
            "is_primary",
            "section",
        )
    )
    claims: dict[int, list[frontline.Claim]] = defaultdict(list)
    named: set[int] = set()
    for place, article, source, day, status, primary, section in rows:
        named.add(place)
        # A related headline is another report's title, dated by this one: not a claim.
        if status != Status.MENTIONED and section != Mention.Section.RELATED:
            claims[place].append(
                frontline.Claim(place, article, source_key(source, article), day, status, primary)
            )
    PlaceStatusPeriod.objects.filter(place_id__in=ids).delete()
    periods = []
    for place in sorted(named):
        steps = [(dt.date.min, frontline.NO_REPORT), *frontline.status_timeline(claims[place])]
        for i, (start, status) in enumerate(steps):
            end = steps[i + 1][0] if i + 1 < len(steps) else FOREVER
            periods.append(
                PlaceStatusPeriod(
                    place_id=place,
                    start=start,
                    end=end,
                    status=status.status,
                    detail=status.detail or "",
                    since=status.since,
                    last_report=status.last_report,
                    reports=status.reports,
                    sources=status.sources,
                )
            )
    PlaceStatusPeriod.objects.bulk_create(periods, batch_size=1000)
