"""Event-date rules: the day a sentence says something happened, from its publication (pure)."""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from articles.names import TriggeredPattern

STATED = "stated"
RELATIVE = "relative"
PUBLICATION = "publication"
# Not a day: a time before the week of publication ("last month", "in January", "weeks ago").
# What a sentence tells of then is background, not the report's news (see find_dates).
BACKGROUND = "background"

_MONTHS = {
    name: n
    for n, names in enumerate(
        [
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sept", "Sep"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ],
        start=1,
    )
    for name in names
}
_WEEKDAYS = {
    name: n
    for n, name in enumerate(
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    )
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
MONTHS = frozenset(_MONTHS)
MONTH_PATTERN = _MONTH  # the month names and their abbreviations, longest first
_NUMBERS = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    **{str(n): n for n in range(1, 8)},
}

# Month names are matched case-sensitively: "may 5" is not a date, "May 5" is.
_DATE_RE = re.compile(
    rf"\b(?P<m1>{_MONTH})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y1>\d{{4}}))?"
    rf"|\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MONTH})\b\.?(?:,?\s+(?P<y2>\d{{4}}))?"
    # Not a market named for its day: "the Wednesday market" (Souq al-Arbaa).
    rf"|\b(?P<wd>{'|'.join(_WEEKDAYS)})\b(?!\s+(?:market|souq|souk|bazaar)s?\b)"
    r"|\b(?P<rel>day\s+before\s+yesterday|yesterday|today|tonight|this\s+morning"
    r"|this\s+evening|last\s+night)\b"
    r"|\b(?P<ago>a|one|two|three|four|five|six|seven|[1-7])\s+days?\s+ago\b"
    r"|\b(?P<after>a|one|two|three|[1-3])\s+days?\s+(?:after|later\s+than)\b"
    # A month with no day ("in January", "in late October 2016"), and other times long past.
    rf"|\b(?P<month>{_MONTH})\b(?:,?\s+(?:of\s+)?(?P<year>\d{{4}})\b)?"
    r"|\b(?P<past>last\s+(?:month|year)|(?:weeks|months|years|(?:a|one)\s+(?:month|year))\s+ago"
    # "After retaking Mosul's eastern side earlier this year".
    r"|earlier\s+(?:this|in\s+the)\s+year"
    # "areas of already cleared western Mosul", "once-liberated areas": done before the news.
    r"|(?:already|previously|once)(?=[-\s](?:been\s+)?(?:cleared|liberated|retaken|recaptured|"
    r"freed|secured)\b))\b",
    re.IGNORECASE,
)
DATE_FINDER = TriggeredPattern(
    _DATE_RE,
    [
        *"0123456789",
        *_MONTHS,
        *_WEEKDAYS,
        "day before",
        "yesterday",
        "today",
        "tonight",
        "this morning",
        "this evening",
        "last night",
        *(f"{n} day" for n in _NUMBERS),
        "last month",
        "last year",
        "earlier this year",
        "earlier in the year",
        "weeks ago",
        "months ago",
        "years ago",
        "a month ago",
        "one month ago",
        "a year ago",
        "one year ago",
        "already",
        "previously",
        "once",
    ],
)
# A day that names a district: "the July 17 neighbourhood", "The July 17, Iqtisadin, and Rifai
# areas were all liberated".
_DISTRICT_AFTER = re.compile(
    r"(?:,?\s+(?:and\s+)?(?:al-)?[A-Z][\w'’-]*){0,4},?\s+(?:neighbou?rhoods?|districts?|areas?|"
    r"quarters?)\b"
)
# "the neighborhoods of Rifai, Iqtisadiyn and July 17": a district listed after its place word.
_DISTRICT_BEFORE = re.compile(
    r"\b(?:neighbou?rhoods?|districts?|quarters?)\s+of\s+(?:(?:al-)?[A-Z][\w'’-]*,?\s+"
    r"(?:and\s+)?){0,4}$"
)
# How far back a stated day may lie and still be the report's news: further back is background.
_NEWS_DAYS = 31
_RELATIVE_DAYS = {
    "yesterday": -1,
    "today": 0,
    "tonight": 0,
    "this morning": 0,
    "this evening": 0,
    "last night": -1,
    "day before yesterday": -2,
}
_SPEECH = re.compile(
    r"\b(?:said|says|told|tells|announced|stated|declared|reported|added|confirmed)\b", re.I
)


class DateExpr(NamedTuple):
    """A date expression in a sentence: where it is, the day it names and how it was found."""

    start: int
    end: int
    date: dt.date
    precision: str


def _explicit(month: int, day: int, year: str | None, published: dt.date) -> dt.date | None:
    try:
        if year:
            return dt.date(int(year), month, day)
        guess = dt.date(published.year, month, day)
        # A day-and-month later than publication is last year's (a January report on "December 29").
        return guess if guess <= published else dt.date(published.year - 1, month, day)
    except ValueError:
        return None


def find_dates(
    sentence: str,
    published: dt.date,
    matches: list[re.Match[str]] | None = None,
    background: bool = False,
) -> list[DateExpr]:
    """Every date expression in `sentence`, resolved against the publication date.

    `matches` are those of DATE_FINDER in `sentence`, for a caller that found them already.
    With `background`, times long past ("last month", "in January" in a March report) are
    among them too, with precision BACKGROUND and the publication date: they name no day; so
    are days stated more than a month before publication, with their own date.
    """
    found: list[DateExpr] = []
    shift_days = 0
    shift_start = -1
    # Most sentences have no word a campaign's start is told with: spare them the search.
    began = any(word in sentence for word in _BEGAN_WORDS)
    for m in DATE_FINDER.matches(sentence) if matches is None else matches:
        start, end = m.span()
        if began and _CAMPAIGN_START.search(sentence, max(0, start - 90), start):
            continue
        day: dt.date | None = None
        precision = RELATIVE
        if m["m1"] or m["m2"]:
            month = m["m1"] or m["m2"]
            if (
                not month[0].isupper()
                or _DISTRICT_AFTER.match(sentence, end)
                or _DISTRICT_BEFORE.search(sentence, max(0, start - 80), start)
            ):
                continue
            day = _explicit(
                _MONTHS[month.title()], int(m["d1"] or m["d2"]), m["y1"] or m["y2"], published
            )
            precision = STATED
        elif m["wd"]:
            if not m["wd"][0].isupper():
                continue
            back = (published.weekday() - _WEEKDAYS[m["wd"].title()]) % 7
            day = published - dt.timedelta(days=back)
        elif m["rel"]:
            day = published + dt.timedelta(days=_RELATIVE_DAYS[" ".join(m["rel"].lower().split())])
        elif m["ago"]:
            day = published - dt.timedelta(days=_NUMBERS[m["ago"].lower()])
        elif m["after"]:
            shift_days, shift_start = _NUMBERS[m["after"].lower()], start
            continue
        else:
            if background and _long_past(m, sentence, published):
                found.append(DateExpr(start, end, published, BACKGROUND))
            continue
        if day is None:
            continue
        if background and precision == STATED and (published - day).days > _NEWS_DAYS:
            # "took over the city of Mosul in 10 June 2014": a day long before the news, which
            # still dates what the sentence tells of it.
            found.append(DateExpr(start, end, day, BACKGROUND))
            continue
        if found and precision == STATED and 0 <= start - found[-1].end <= 3:
            # "on Sunday (January 1)": the stated date replaces the weekday it explains.
            start = found.pop().start
        if shift_start >= 0:
            # "a day after Thursday's attack": the named day plus the gap.
            day, start, shift_start = day + dt.timedelta(days=shift_days), shift_start, -1
            precision = RELATIVE if precision == RELATIVE else STATED
        found.append(DateExpr(start, end, day, precision))
    if shift_start >= 0 and found and found[-1].end <= shift_start:
        # "on Saturday, a day after militants stormed Kirkuk": what follows came a day before.
        base = found[-1]
        day = base.date - dt.timedelta(days=shift_days)
        found.append(DateExpr(shift_start, len(sentence), day, base.precision))
    return found


# A month with no day is a time only after these ("in January", "since late October").
_MONTH_CONTEXT = re.compile(r"(?:\b(?:in|of)|\b(?:early|late|mid))[\s-]+$", re.I)


# When a campaign began, told in a clause of its own, is no time of the sentence's news: "for
# the first time since launching an operation to retake it five days ago", "no losses since the
# renewed push on west Mosul was launched on Sunday", "an operation that began seven months ago".
_CAMPAIGN_START = re.compile(
    r"(?:\bsince\s+(?:launching|starting|beginning|the\s+(?:[\w-]+\s+){0,3}?"
    r"(?:launch|start|beginning|offensive|operation|push|campaign|assault))\b[^.,;:]{0,80}"
    r"|\b(?:that|which)\s+(?:was\s+|were\s+)?(?:began|begun|started|launched|kicked\s+off)"
    r"\s+(?:[\w-]+\s+){0,3})$",
    re.IGNORECASE,
)
# A word each alternative of _CAMPAIGN_START holds.
_BEGAN_WORDS = ("since", "Since", "began", "begun", "started", "launched", "kicked")


def _long_past(m: re.Match[str], sentence: str, published: dt.date) -> bool:
    """Whether a "month" or "past" match of _DATE_RE names a time before the week of
    publication: a month other than the publication's ("in January" in a March report, "in
    July 2014"), "last month", "last year", "weeks ago"."""
    if m["past"]:
        return True
    month = m["month"]
    if not month[0].isupper() or len(month) < 4 and month != "May":
        return False  # "Mar Mikhail", "may": not a month here
    if not m["year"] and not _MONTH_CONTEXT.search(sentence, max(0, m.start() - 12), m.start()):
        return False
    number = _MONTHS[month.title()]
    if not m["year"]:
        # A month with no year is this year's, or last year's when it is later than this one.
        return number != published.month
    return (int(m["year"]), number) < (published.year, published.month)


# A day named by its distance from the day the sentence before speaks of: "The following day,
# they captured the bridge", "The battles came a day after the CTS forces drove ... out of X".
_ANAPHORA = re.compile(
    r"\b(?:(?P<next>the\s+(?:following|next)\s+day|a\s+day\s+later|the\s+day\s+after)"
    r"|(?P<prev>the\s+(?:previous|preceding)\s+day|the\s+day\s+before)\b(?!\s+yesterday)"
    r"|(?P<after>a|one|two|three|[1-3])\s+days?\s+after)\b",
    re.IGNORECASE,
)


def anaphora(sentence: str) -> tuple[int, int] | None:
    """How many days a sentence without a date of its own lies from the sentence before, and
    from where in it that holds: (+1, 0) for "The following day", (-1, k) for what follows "a
    day after" at k. None when the sentence names no such distance."""
    # Every form has the word "day": most sentences are spared the search.
    m = _ANAPHORA.search(sentence) if "day" in sentence else None
    if m is None:
        return None
    if m["next"]:
        return 1, 0
    if m["prev"]:
        return -1, 0
    return -_NUMBERS[m["after"].lower()], m.start()


def shifted(expr: DateExpr, days: int, start: int, end: int) -> DateExpr:
    """`expr` moved by `days`, as the date of the span start..end of another sentence."""
    return DateExpr(start, end, expr.date + dt.timedelta(days=days), expr.precision)


def nearest_date(dates: list[DateExpr], start: int, end: int) -> DateExpr | None:
    """The date expression closest to the span start..end."""
    if not dates:
        return None
    if len(dates) == 1:
        return dates[0]
    return min(dates, key=lambda d: d.start - end if d.start >= end else max(start - d.end, 0))


def attribution_date(paragraph: str, published: dt.date) -> DateExpr | None:
    """The date of a speech attribution ("sources said on Thursday") in a paragraph, if any."""
    for expr in find_dates(paragraph, published):
        window = paragraph[max(0, expr.start - 40) : expr.end + 40]
        if _SPEECH.search(window):
            return expr
    return None
