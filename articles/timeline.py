"""Keep each place's status periods and the data version in step with its mentions.

Every write that changes what the map shows calls `touch(place_ids)` (mentions changed) or
`bump()` (places, aliases or reports changed). Outside `deferred()` the work happens at once,
in the caller's transaction; an import wraps each batch in `deferred()` so a place named by a
hundred reports is rebuilt once per batch, still before the batch commits.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse

from articles import frontline
from articles.bulk import insert_rows
from articles.models import Article, DataVersion, Mention, PlaceStatusPeriod, Status

FOREVER = dt.date.max
_pending: ContextVar[dict | None] = ContextVar("timeline_pending", default=None)
_session: ContextVar[_Session | None] = ContextVar("timeline_session", default=None)
# Claim days an import re-walks from a remembered state; older new claims read the whole run.
WINDOW_DAYS = 5
# Places an import remembers the walk state of (each holds its run's report and source keys,
# and its last days' claims): more than a large gazetteer has, so that a place is forgotten, and
# its run read back from the database, only in a bigger one.
MAX_REMEMBERED = 20_000


@dataclass
class _Resume:
    """Where a place's walk can resume: the state before its last few claim days, and the
    claims that count on those days (one per report and day), to walk again from there."""

    walk: frontline.Walk
    by_day: dict[dt.date, list[frontline.Claim]]

    @property
    def window(self) -> dt.date:
        """The first of the days walked again; new claims from it on can resume here."""
        return min(self.by_day)


@dataclass
class _Session:
    """What one import remembers between its batches, valid while the data version is its own."""

    version: int | None = None
    places: dict[int, _Resume] = field(default_factory=dict)

    def walk(
        self,
        place: int,
        by_day: dict[dt.date, list[frontline.Claim]],
        start: frontline.Walk | None = None,
    ) -> list[tuple[dt.date, frontline.PlaceStatus]]:
        """Walk a place's claim days on from `start` (from nothing: a run's first day resets the
        walk), and remember the state before its last WINDOW_DAYS days; each day's status."""
        days = sorted(by_day)
        window = days[-WINDOW_DAYS] if len(days) > WINDOW_DAYS else days[0] if days else None
        walk = start.copy() if start is not None else frontline.Walk()
        steps = []
        self.places.pop(place, None)
        for day in days:
            if day == window:
                kept = {d: by_day[d] for d in days if d >= window}
                self.places[place] = _Resume(walk.copy(), kept)
            steps.append((day, walk.step(day, by_day[day])))
        while len(self.places) > MAX_REMEMBERED:
            del self.places[next(iter(self.places))]
        return steps


@contextlib.contextmanager
def import_session() -> Iterator[None]:
    """Let the deferred rebuilds of one import go on from where its previous batch left off.

    Within it, a place whose new claims fall in its last WINDOW_DAYS claim days is re-walked from
    the remembered state instead of from the start of its status run: an import in date order
    then costs the same per batch however long the runs grow. Anything else that moves the data
    version between two batches (an editor's change) makes the import forget what it holds.
    """
    token = _session.set(_Session())
    try:
        yield
    finally:
        _session.reset(token)


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


def added(
    claim_days: dict[int, dt.date],
    named: Iterable[int | None],
    claims: Iterable[frontline.Claim] | None = None,
) -> None:
    """New mentions only (an import): claims about places from these days on, and named places.

    Periods ending before a place's first new claim cannot change, so only the status run that
    claim falls in is recomputed; a place named without a claim just needs to be on the map.
    With `claims`, the new claims themselves (as `_claims` would read them back: the source as
    `source_key` gives it), an import session adds them to the ones it remembers instead of
    reading its places' last days back.
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
    if claims is None:
        pending["unknown"] |= set(claim_days)
    else:
        for claim in claims:
            pending["claims"][claim.place].append(claim)


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
    token = _pending.set(
        {
            "places": set(),
            "from": {},
            "named": set(),
            "bump": False,
            "claims": defaultdict(list),
            "unknown": set(),
        }
    )
    try:
        yield
        pending = _pending.get()
    finally:
        _pending.reset(token)
    if not (pending["places"] or pending["from"] or pending["named"] or pending["bump"]):
        return  # most requests write nothing: no transaction, no write lock
    # Atomic, so readers never see a place between losing its periods and getting new ones.
    with transaction.atomic():
        session = _session.get()
        if session is not None and _locked_version() != session.version:
            session.places.clear()  # someone else wrote since this import's last batch
        full = pending["places"]
        if full:
            _rebuild(full)
            if session is not None:
                for pk in full:
                    session.places.pop(pk, None)
        claim_days = {pk: day for pk, day in pending["from"].items() if pk not in full}
        # The new claims of a place count only if every call that added claims about it gave them.
        known = {pk: pending["claims"][pk] for pk in claim_days if pk not in pending["unknown"]}
        _apply_added(claim_days, pending["named"] - full, known)
        if pending["bump"]:
            _bump_now()
        if session is not None:
            session.version = _locked_version()


def rebuild_all() -> None:
    """Rebuild the periods of every place that has a mention."""
    ids = set(Mention.objects.filter(place__isnull=False).values_list("place_id", flat=True))
    PlaceStatusPeriod.objects.exclude(place_id__in=ids).delete()
    _rebuild(ids)
    _bump_now()


def current_version() -> str:
    """The data version as a short string, for ETags.

    Every API request asks, a cached answer's too: one plain query, without the ORM's compiling
    of it, which cost as much as the rest of serving a cached answer.
    """
    with connection.cursor() as cursor:
        cursor.execute(_version_sql(connection.vendor))
        row = cursor.fetchone()
    if row is None:
        return "0"
    version, changed = row
    # Text or a naive time on SQLite: the backend's own conversion, as the ORM would apply.
    convert = getattr(connection.ops, "convert_datetimefield_value", None)
    if convert is not None:
        changed = convert(changed, None, connection)
    return f"{version}-{changed.timestamp():.6f}"


@functools.cache
def _version_sql(vendor: str) -> str:
    """current_version's query, for the default database (of this `vendor`): built once."""
    meta = DataVersion._meta
    quote = connection.ops.quote_name
    return "SELECT {}, {} FROM {} WHERE {} = 1".format(  # noqa: S608  # nosec B608
        quote(meta.get_field("version").column),
        quote(meta.get_field("changed_at").column),
        quote(meta.db_table),
        quote(meta.pk.column),
    )


def _locked_version() -> int | None:
    """The data version, its row locked to the end of the transaction where the database can."""
    return (
        DataVersion.objects.select_for_update()
        .filter(pk=1)
        .values_list("version", flat=True)
        .first()
    )


def _bump_now() -> None:
    if not DataVersion.objects.filter(pk=1).update(version=F("version") + 1):
        DataVersion.objects.get_or_create(pk=1, defaults={"version": 1})


def _apply_added(
    claim_days: dict[int, dt.date],
    named: set[int],
    new_claims: dict[int, list[frontline.Claim]] | None = None,
) -> None:
    session = _session.get()
    if session is not None and claim_days:
        resumed = _resume(session, claim_days, new_claims or {})
        claim_days = {pk: day for pk, day in claim_days.items() if pk not in resumed}
        named = named - resumed
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
        before = {pk: claim_days[pk] - dt.timedelta(days=1) for pk in chunk}
        # Only periods that can hold some place's day before its new claims: not its whole past.
        periods = (
            PlaceStatusPeriod.objects.filter(
                place_id__in=chunk, start__lte=max(before.values()), end__gt=min(before.values())
            )
            .exclude(status=frontline.NONE)
            .values_list("place_id", "start", "end", "since")
        )
        for place, start, end, since in periods:
            if start <= before[place] < end:
                starts[place] = since
        # A place whose new claims come before its first status has nothing earlier to keep.
        full = [pk for pk in chunk if pk not in starts]
        if full:
            _rebuild_chunk(full)
        if not starts:
            continue
        earliest = min(starts.values())
        claims = _claims(list(starts), since=starts)
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
                for period in _periods(pk, _timeline(pk, claims[pk]), first=False)
            ],
        )


def _claims(
    places: Iterable[int], since: dict[int, dt.date] | None = None
) -> dict[int, list[frontline.Claim]]:
    """The status claims about these places, by place; with `since`, each from its own day on.

    Plain SQL: at an import's pace the ORM's query building and per-value conversion cost more
    than the database. Places are grouped by their day, so a place whose run began long ago
    does not make the query read every other place's past too.
    """
    mention, article = Mention._meta.db_table, Article._meta.db_table
    ranges, params = [], []
    if since is None:
        ids = list(places)
        ranges.append(f"m.place_id IN ({', '.join(['%s'] * len(ids))})")
        params.extend(ids)
    else:
        by_day: dict[dt.date, list[int]] = defaultdict(list)
        for place in places:
            by_day[since[place]].append(place)
        for day, ids in by_day.items():
            marks = ", ".join(["%s"] * len(ids))
            ranges.append(f"(m.place_id IN ({marks}) AND m.event_date >= %s)")
            params.extend([*ids, _date_param(day)])
    if not ranges:
        return defaultdict(list)
    # Only the models' own table names go into the text; every value is a parameter.
    sql = (
        "SELECT m.place_id, m.article_id, a.source, m.event_date, m.status, m.is_primary "  # noqa: S608  # nosec B608
        f"FROM {mention} m JOIN {article} a ON a.id = m.article_id "
        # A related headline is another report's title, dated by this one: not a claim; nor is
        # a city named around a district (mentions.is_claim says the same of one mention).
        # NOT m.rejected is a filter, never an index seek: SQLite reads each place's
        # (place, day) range.
        "WHERE NOT m.rejected AND NOT m.container AND m.status <> %s AND m.section <> %s "
        f"AND ({' OR '.join(ranges)})"
    )
    params = [Status.MENTIONED.value, Mention.Section.RELATED.value, *params]
    claims: dict[int, list[frontline.Claim]] = defaultdict(list)
    as_date = dt.date.fromisoformat
    Claim = frontline.Claim  # noqa: N806 - a local alias in a hot loop
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for place, report, source, day, status, primary in cursor.fetchall():
            if isinstance(day, str):  # SQLite hands dates back as text
                day = as_date(day)
            claims[place].append(
                Claim(place, report, source_key(source, report), day, status, bool(primary))
            )
    return claims


def _date_param(day: dt.date):
    return connection.ops.adapt_datefield_value(day)


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


def _timeline(
    place: int, claims: list[frontline.Claim]
) -> list[tuple[dt.date, frontline.PlaceStatus]]:
    """status_timeline of a place's run (or whole history), remembered during an import."""
    session = _session.get()
    if session is None:
        return frontline.status_timeline(claims)
    return session.walk(place, frontline.claims_by_day(claims))


def _resume(
    session: _Session,
    claim_days: dict[int, dt.date],
    new_claims: dict[int, list[frontline.Claim]],
) -> set[int]:
    """Re-walk the places whose new claims fall in their remembered window; the places done.

    A place's claims from its window on are the remembered ones and its `new_claims`; a place
    whose new claims are not given has them read back from the database.
    """
    ready = {
        pk: session.places[pk]
        for pk, day in claim_days.items()
        if pk in session.places and day >= session.places[pk].window
    }
    for chunk in _chunks(sorted(ready)):
        unknown = [pk for pk in chunk if pk not in new_claims]
        read = _claims(unknown, since={pk: ready[pk].window for pk in unknown})
        by_day: dict[int, dict[dt.date, list[frontline.Claim]]] = {}
        for pk in chunk:
            if pk not in new_claims:
                by_day[pk] = frontline.claims_by_day(read[pk])
                continue
            # A new report's claims never share a (report, day) with a remembered one.
            days = {day: list(claims) for day, claims in ready[pk].by_day.items()}
            for day, claims in frontline.claims_by_day(new_claims[pk]).items():
                days.setdefault(day, []).extend(claims)
            by_day[pk] = days
        # Periods from each place's first new claim on are replaced; the one before it ends
        # where the new ones begin.
        low = min(claim_days[pk] for pk in chunk)
        doomed, ends, rows, new_ends = [], {}, [], []
        existing = PlaceStatusPeriod.objects.filter(place_id__in=chunk, end__gte=low).values_list(
            "pk", "place_id", "start", "end"
        )
        for period, place, start, end in existing:
            if start >= claim_days[place]:
                doomed.append(period)
            elif end >= claim_days[place]:
                ends[place] = period
        for pk in chunk:
            steps = session.walk(pk, by_day[pk], start=ready[pk].walk)
            fresh = [(day, status) for day, status in steps if day >= claim_days[pk]]
            rows.extend(_periods(pk, fresh, first=False))
            if pk in ends:
                new_ends.append((_date_param(fresh[0][0] if fresh else FOREVER), ends[pk]))
        PlaceStatusPeriod.objects.filter(pk__in=doomed).delete()
        if new_ends:
            table = connection.ops.quote_name(PlaceStatusPeriod._meta.db_table)
            end = connection.ops.quote_name("end")
            with connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {table} SET {end} = %s WHERE id = %s", new_ends)  # noqa: S608  # nosec B608
        insert_rows(PlaceStatusPeriod, rows)
    return set(ready)


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
    claims = _claims(ids)
    PlaceStatusPeriod.objects.filter(place_id__in=ids).delete()
    insert_rows(
        PlaceStatusPeriod,
        [
            period
            for place in sorted(named)
            for period in _periods(place, _timeline(place, claims[place]), first=True)
        ],
    )


def deferred_per_request(get_response: Callable[[HttpRequest], HttpResponse]):
    """Middleware: the writes of one request (an admin action over fifty mentions, say) rebuild
    each place they touch once, when the request is done, rather than once per save."""

    def middleware(request: HttpRequest) -> HttpResponse:
        with deferred():
            return get_response(request)

    return middleware
