"""The status rule: latest day wins, the furthest claim of that day, support counted by source."""

from __future__ import annotations

import datetime as dt

from articles import frontline
from articles.frontline import Claim, place_status, statuses_as_of
from articles.models import Status


def day(n: int) -> dt.date:
    return dt.date(2016, 11, n)


def claim(status: str, on: int, report: str = "r1", source: str = "FNA", **kw) -> Claim:
    return Claim(place="zahour", report=report, source=source, day=day(on), status=status, **kw)


def test_a_place_with_no_claims_has_no_report_yet():
    assert place_status([], day(4)) == frontline.NO_REPORT
    assert frontline.NO_REPORT.status == "none"


def test_claims_after_the_day_do_not_count():
    assert place_status([claim("fighting", 5)], day(4)).status == "none"


def test_fighting_advance_and_clearing_are_contested():
    for status in ("advance", "fighting", "clearing"):
        found = place_status([claim(status, 4)], day(4))
        assert (found.status, found.detail) == ("contested", status)


def test_the_latest_day_decides_even_against_an_earlier_further_claim():
    found = place_status([claim("retaken", 3, "r1"), claim("fighting", 5, "r2")], day(6))
    assert (found.status, found.since, found.last_report) == ("contested", day(5), day(5))


def test_on_the_same_day_the_most_advanced_claim_wins_and_its_support_is_counted():
    found = place_status(
        [
            claim("fighting", 4, "r1", "FNA"),
            claim("retaken", 4, "r2", "Reuters"),
            claim("retaken", 4, "r3", "AP"),
        ],
        day(4),
    )
    assert (found.status, found.reports, found.sources) == ("retaken", 2, 2)


def test_one_agency_repeating_itself_is_one_source():
    found = place_status(
        [claim("retaken", 4, "r1", "FNA"), claim("retaken", 5, "r2", "FNA")], day(5)
    )
    assert (found.reports, found.sources) == (2, 1)


def test_status_since_is_the_start_of_the_unbroken_run_of_its_category():
    claims = [
        claim("isis_held", 1, "r0"),
        claim("advance", 2, "r1"),
        claim("fighting", 4, "r2", "Reuters"),
        claim("clearing", 6, "r3", "AP"),
    ]
    found = place_status(claims, day(7))
    assert (found.status, found.detail, found.since) == ("contested", "clearing", day(2))
    assert (found.reports, found.sources) == (3, 3)
    assert place_status(claims, day(1)).since == day(1)


def test_a_change_of_category_restarts_the_run():
    claims = [claim("fighting", 2, "r1"), claim("retaken", 6, "r2"), claim("retaken", 8, "r3")]
    found = place_status(claims, day(9))
    assert (found.status, found.since, found.reports) == ("retaken", day(6), 2)


def test_a_report_counts_once_a_day_by_its_primary_claim():
    claims = [
        claim("advance", 4, "r1", is_primary=True),
        claim("retaken", 4, "r1", is_primary=False),
    ]
    found = place_status(claims, day(4))
    assert (found.detail, found.reports) == ("advance", 1)


def test_without_a_primary_a_report_counts_by_its_furthest_claim():
    found = place_status([claim("advance", 4), claim("fighting", 4)], day(4))
    assert (found.detail, found.reports, found.sources) == ("fighting", 1, 1)


def test_mentioned_is_no_claim():
    assert place_status([claim("mentioned", 4)], day(4)) == frontline.NO_REPORT


def test_statuses_are_given_per_place():
    claims = [claim("fighting", 4), Claim("intisar", "r9", "AP", day(4), "retaken")]
    found = statuses_as_of(claims, day(4))
    assert {k: v.status for k, v in found.items()} == {"zahour": "contested", "intisar": "retaken"}


def test_every_status_but_mentioned_has_a_category():
    assert set(frontline.ADVANCEMENT) == set(Status.values) - {Status.MENTIONED}
    assert {frontline.category(s) for s in Status.values} == set(frontline.CATEGORIES)
