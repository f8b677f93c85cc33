"""The front-line status of a place as of a day, and how many reports and sources support it.

Pure: takes claims (plain values) and returns values; the database side lives in `mapdata`.

The rule, for one place as of day D:
1. Only claims dated on or before D count, and `mentioned` is no claim at all.
2. A report counts once per place and day: its primary mention if it has one that day, otherwise
   its most advanced claim that day.
3. Each day with claims has a winner: the most advanced claim made that day (retaken > clearing >
   fighting > advance > ISIS-held). Reports disagree on the same day mostly because one is
   fresher than another, so the furthest claim is the best guess; the support counts beside it
   show how thin it is.
4. The place's status is the category of the latest day's winner (ISIS-held; contested =
   advance, fighting or clearing; retaken). `since` is the first day of the unbroken run of days
   whose winner has that category.
5. Support: the distinct reports in that run whose claim has the current category, and the
   distinct sources among them (one agency repeating itself is not corroboration).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

ISIS_HELD = "isis_held"
CONTESTED = "contested"
RETAKEN = "retaken"
NONE = "none"
CATEGORIES = (ISIS_HELD, CONTESTED, RETAKEN, NONE)

# How far each claim goes, from ISIS control to government control.
ADVANCEMENT = {"isis_held": 0, "advance": 1, "fighting": 2, "clearing": 3, "retaken": 4}
CATEGORY_OF = {
    "isis_held": ISIS_HELD,
    "advance": CONTESTED,
    "fighting": CONTESTED,
    "clearing": CONTESTED,
    "retaken": RETAKEN,
}


@dataclass(frozen=True)
class Claim:
    """One mention's statement about a place: who said what happened there, and when."""

    place: Hashable
    report: Hashable
    source: Hashable
    day: dt.date
    status: str
    is_primary: bool = False


@dataclass(frozen=True)
class PlaceStatus:
    """What the map draws for one place on one day."""

    status: str = NONE
    detail: str | None = None
    since: dt.date | None = None
    last_report: dt.date | None = None
    reports: int = 0
    sources: int = 0


NO_REPORT = PlaceStatus()


def category(status: str) -> str:
    """The map category of a mention status; `mentioned` and unknowns have none."""
    return CATEGORY_OF.get(status, NONE)


def _report_claims(claims: Iterable[Claim]) -> list[Claim]:
    """One claim per report and day: the primary one, else the most advanced."""
    best: dict[tuple[Hashable, dt.date], Claim] = {}
    for claim in claims:
        key = (claim.report, claim.day)
        held = best.get(key)
        rank = (claim.is_primary, ADVANCEMENT[claim.status])
        if held is None or rank > (held.is_primary, ADVANCEMENT[held.status]):
            best[key] = claim
    return list(best.values())


def place_status(claims: Iterable[Claim], day: dt.date) -> PlaceStatus:
    """The status of one place as of `day`, from all claims made about it."""
    counted = [c for c in claims if c.day <= day and c.status in ADVANCEMENT]
    if not counted:
        return NO_REPORT
    by_day: dict[dt.date, list[Claim]] = defaultdict(list)
    for claim in _report_claims(counted):
        by_day[claim.day].append(claim)
    days = sorted(by_day, reverse=True)
    winner = max(by_day[days[0]], key=lambda c: ADVANCEMENT[c.status])
    current = category(winner.status)
    since = days[0]
    reports: set[Hashable] = set()
    sources: set[Hashable] = set()
    for claim_day in days:
        day_claims = by_day[claim_day]
        if category(max(day_claims, key=lambda c: ADVANCEMENT[c.status]).status) != current:
            break
        since = claim_day
        for claim in day_claims:
            if category(claim.status) == current:
                reports.add(claim.report)
                sources.add(claim.source)
    return PlaceStatus(
        status=current,
        detail=winner.status,
        since=since,
        last_report=days[0],
        reports=len(reports),
        sources=len(sources),
    )


class Walk:
    """The forward walk of `status_timeline`, one claim day at a time; resumable from a copy.

    Its state after a day is all the walk needs to go on from the next one, so an import that
    adds claims to the last few days can copy the state from before them and walk only those.
    """

    __slots__ = ("current", "since", "reports", "sources")

    def __init__(self) -> None:
        self.current: str = NONE
        self.since: dt.date | None = None
        self.reports: set[Hashable] = set()
        self.sources: set[Hashable] = set()

    def copy(self) -> Walk:
        other = Walk()
        other.current, other.since = self.current, self.since
        other.reports, other.sources = set(self.reports), set(self.sources)
        return other

    def step(self, day: dt.date, day_claims: list[Claim]) -> PlaceStatus:
        """Take in one day's claims (one per report: see `claims_by_day`); the status from then."""
        winner = max(day_claims, key=lambda c: ADVANCEMENT[c.status])
        if category(winner.status) != self.current:
            self.current, self.since = category(winner.status), day
            self.reports, self.sources = set(), set()
        for claim in day_claims:
            if category(claim.status) == self.current:
                self.reports.add(claim.report)
                self.sources.add(claim.source)
        return PlaceStatus(
            self.current, winner.status, self.since, day, len(self.reports), len(self.sources)
        )


def claims_by_day(claims: Iterable[Claim]) -> dict[dt.date, list[Claim]]:
    """The claims that count, one per report and day, grouped by day."""
    by_day: dict[dt.date, list[Claim]] = defaultdict(list)
    for claim in _report_claims(c for c in claims if c.status in ADVANCEMENT):
        by_day[claim.day].append(claim)
    return by_day


def status_timeline(claims: Iterable[Claim]) -> list[tuple[dt.date, PlaceStatus]]:
    """Each day a place's status may change, with its status from that day on.

    The same rule as `place_status`, walked forward once: `place_status(claims, D)` equals the
    entry of the latest day on or before D (and NO_REPORT before the first).
    """
    by_day = claims_by_day(claims)
    walk = Walk()
    return [(day, walk.step(day, by_day[day])) for day in sorted(by_day)]


def statuses_as_of(claims: Iterable[Claim], day: dt.date) -> dict[Hashable, PlaceStatus]:
    """The status of every place that has a claim, as of `day`."""
    by_place: dict[Hashable, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_place[claim.place].append(claim)
    return {place: place_status(found, day) for place, found in by_place.items()}
