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
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse

from articles import frontline
from articles.bulk import insert_rows
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


def added(claim_days: dict[int, dt.date], named: Iterable[int | None]) -> None:
    """New mentions only (an import): claims about places from these days on, and named places.

    Periods ending before a place's first new claim cannot change, so only the status run that
    claim falls in is recomputed; a place named without a claim just needs to be on the map.
    """
    pending = _pending.get()
    if pending is None:
        _apply_added(claim_days, {pk for pk in named if pk is not None})
        _bump_now()
        return
    for pk, day in claim_days.items():
        held = pending["from"].get(pk)
        pending["from"][pk] = day if held is None else min(held, day)
    pending["named"] |= {pk for pk in named if pk is not None}
    pending["bump"] = True


def bump() -> None:
    """Something the map shows changed: move the data version (now, or when deferred ends)."""
    pending = _pending.get()
    if pending is not None:
        pending["bump"] = True
    else:
        _bump_now()


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Gather touches and bumps, and carry them out once, atomically, on leaving."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set({"places": set(), "from": {}, "named": set(), "bump": False})
    try:
        yield
        pending = _pending.get()
    finally:
        _pending.reset(token)
    if not (pending["places"] or pending["from"] or pending["named"] or pending["bump"]):
        return  # most requests write nothing: no transaction, no write lock
    # Atomic, so readers never see a place between losing its periods and getting new ones.
    with transaction.atomic():
        full = pending["places"]
        if full:
            _rebuild(full)
        claim_days = {pk: day for pk, day in pending["from"].items() if pk not in full}
        _apply_added(claim_days, pending["named"] - full)
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


def _apply_added(claim_days: dict[int, dt.date], named: set[int]) -> None:
    if claim_days:
        _rebuild_from(claim_days)
    unseen = sorted(named - set(claim_days))
    for chunk in _chunks(unseen):
        on_map = set(
            PlaceStatusPeriod.objects.filter(place_id__in=chunk).values_list("place_id", flat=True)
        )
        insert_rows(
            PlaceStatusPeriod,
            [
                {"place_id": pk, "start": dt.date.min, "end": FOREVER, "status": frontline.NONE}
                for pk in chunk
                if pk not in on_map
            ],
        )


def _rebuild_from(claim_days: dict[int, dt.date]) -> None:
    """Recompute each place's periods from the start of the status run its new claims fall in."""
    for chunk in _chunks(sorted(claim_days)):
        starts: dict[int, dt.date] = {}
        periods = (
            PlaceStatusPeriod.objects.filter(place_id__in=chunk)
            .exclude(status=frontline.NONE)
            .values_list("place_id", "start", "end", "since")
        )
        for place, start, end, since in periods:
            day_before = claim_days[place] - dt.timedelta(days=1)
            if start <= day_before < end:
                starts[place] = since
        # A place whose new claims come before its first status has nothing earlier to keep.
        full = [pk for pk in chunk if pk not in starts]
        if full:
            _rebuild_chunk(full)
        if not starts:
            continue
        # One range query for the chunk; each place keeps only what lies in its own run.
        earliest = min(starts.values())
        claims = _claims(
            Mention.objects.filter(place_id__in=list(starts), event_date__gte=earliest),
            since=starts,
        )
        doomed = [
            pk
            for pk, place, start in PlaceStatusPeriod.objects.filter(
                place_id__in=list(starts), start__gte=earliest
            ).values_list("pk", "place_id", "start")
            if start >= starts[place]
        ]
        PlaceStatusPeriod.objects.filter(pk__in=doomed).delete()
        insert_rows(
            PlaceStatusPeriod,
            [
                period
                for pk in sorted(starts)
                for period in _periods(pk, frontline.status_timeline(claims[pk]), first=False)
            ],
        )


def _claims(mentions, since: dict[int, dt.date] | None = None) -> dict[int, list[frontline.Claim]]:
    """The status claims among `mentions`, by place; with `since`, only those from that day on."""
    rows = (
        mentions.filter(rejected=False)
        .exclude(status=Status.MENTIONED)
        # A related headline is another report's title, dated by this one: not a claim.
        .exclude(section=Mention.Section.RELATED)
        .order_by()
        .values_list(
            "place_id", "article_id", "article__source", "event_date", "status", "is_primary"
        )
    )
    claims: dict[int, list[frontline.Claim]] = defaultdict(list)
    for place, article, source, day, status, primary in rows:
        if since is None or day >= since[place]:
            claims[place].append(
                frontline.Claim(place, article, source_key(source, article), day, status, primary)
            )
    return claims


def _periods(
    place: int, steps: list[tuple[dt.date, frontline.PlaceStatus]], *, first: bool
) -> list[dict]:
    """Period rows for a place's timeline; `first` adds the no-report period before it."""
    if first:
        steps = [(dt.date.min, frontline.NO_REPORT), *steps]
    return [
        {
            "place_id": place,
            "start": start,
            "end": steps[i + 1][0] if i + 1 < len(steps) else FOREVER,
            "status": status.status,
            "detail": status.detail or "",
            "since": status.since,
            "last_report": status.last_report,
            "reports": status.reports,
            "sources": status.sources,
        }
        for i, (start, status) in enumerate(steps)
    ]


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    """Lists of at most `size` ids, to keep each IN (...) under the database's parameter limit."""
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _rebuild(place_ids: set[int]) -> None:
    for chunk in _chunks(sorted(place_ids)):
        _rebuild_chunk(chunk)


def _rebuild_chunk(ids: list[int]) -> None:
    named = set(
        Mention.objects.filter(place_id__in=ids, rejected=False)
        .order_by()
        .values_list("place_id", flat=True)
        .distinct()
    )
    claims = _claims(Mention.objects.filter(place_id__in=ids))
    PlaceStatusPeriod.objects.filter(place_id__in=ids).delete()
    insert_rows(
        PlaceStatusPeriod,
        [
            period
            for place in sorted(named)
            for period in _periods(place, frontline.status_timeline(claims[place]), first=True)
        ],
    )


def deferred_per_request(get_response: Callable[[HttpRequest], HttpResponse]):
    """Middleware: the writes of one request (an admin action over fifty mentions, say) rebuild
    each place they touch once, when the request is done, rather than once per save."""

    def middleware(request: HttpRequest) -> HttpResponse:
        with deferred():
            return get_response(request)

    return middleware
