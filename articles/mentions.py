"""Store the geoparser's mentions for a report, never over an editor's decision."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction

from articles import prepare, timeline
from articles.bulk import delete_ids, insert_tuples, refresh_statistics
from articles.frontline import Claim
from articles.geoparse import FoundMention
from articles.matcher import get_matcher, place_ids
from articles.models import Article, Mention, PlaceStatusPeriod, RelatedItem, Status
from articles.parsing import ReportRejected

log = logging.getLogger(__name__)


def publication_day(article: Article) -> dt.date:
    """The day the source published the report, in the source's own time zone."""
    return prepare.publication_day(article.published_at, settings.NEWSMAP_SOURCE_TIMEZONE)


def _spot(section: str, start: int, sentence: str) -> tuple:
    # Related headlines each start at offset 0, so their sentence (the headline) tells them apart.
    return (section, start, sentence if section == Mention.Section.RELATED else "")


def find_mentions(article: Article, related_titles: list[str] | None = None) -> list[FoundMention]:
    """What the geoparser finds in a stored report, without writing anything.

    ReportRejected when it names places more often than NEWSMAP_MAX_MENTIONS_PER_REPORT.
    """
    if related_titles is None:
        related_titles = [item.title for item in article.related_items.all()]
    return prepare.geoparse_within_limit(
        article.title, article.body, related_titles, publication_day(article), get_matcher()
    )


def _found_within_limit(articles: Sequence[Article]) -> dict[int, list[FoundMention]]:
    """The geoparser's mentions of each report; one over the limit is left out, and says so."""
    found = {}
    for article in articles:
        try:
            found[article.pk] = find_mentions(article)
        except ReportRejected as exc:
            log.warning(
                "report %s (%r) %s; its mentions were left as they were",
                article.pk, article.title[:60], exc.reason,
            )
    return found


def geoparse_article(article: Article) -> int:
    """Replace one report's automatic mentions with fresh ones (see replace_mentions); a count."""
    return replace_mentions([article])[0]


def replace_mentions(articles: Sequence[Article]) -> tuple[int, int]:
    """Replace these reports' automatic mentions with fresh ones, never over an editor's decision.

    One transaction for the lot. On its way out, each place's periods are recomputed from the
    status run that its first changed claim (gone or new) falls in, as an import does: in date
    order, a batch then costs the same however long the places' pasts grow. A place left with
    no mention at all leaves the map. The automatic mentions go without rows in the history:
    like the import's, they are the geoparser's, and the history is the record of editors'
    decisions, which stay. Returns the number of mentions stored and how many are unresolved.
    """
    found = _found_within_limit(articles)
    articles = [article for article in articles if article.pk in found]
    if not articles:
        return 0, 0
    auto = Mention.DecidedBy.AUTO.value
    with transaction.atomic(), timeline.deferred():
        # One read of the batch's mentions: the geoparser's go, every decision stays.
        kept: dict[int, list[tuple]] = defaultdict(list)
        gone: list[tuple] = []
        delete: list[int] = []
        stored = Mention.objects.filter(article_id__in=found).values_list(
            "pk", "article_id", "decided_by", "rejected", "place_id", "section", "status",
            "container", "event_date", "start", "sentence", "is_primary",
        )
        for row in stored:
            pk, article_id, decided_by, rejected, place, section = row[:6]
            if decided_by == auto and not rejected:
                gone.append(row[4:9])  # place, section, status, container, day: for _changed
                delete.append(pk)
            else:
                start, sentence, primary = row[9:]
                kept[article_id].append((section, start, sentence, place, primary, rejected))
        delete_ids(Mention, delete)
        ids = place_ids()
        rows = []
        for article in articles:
            held = kept.get(article.pk, ())
            taken = {_spot(section, start, sentence) for section, start, sentence, *_ in held}
            # An editor's primary mention of a place is the report's claim about it; ours steps
            # back.
            editor_primary = {place for *_, place, primary, rejected in held
                              if primary and not rejected}
            rows += _mention_rows(article, found[article.pk], taken, editor_primary, ids=ids)
        insert_tuples(Mention, COLUMNS, rows)
        _changed(
            [place for place, *_ in gone],
            gone
            + [
                (row[_PLACE], row[_SECTION], row[_STATUS], row[_CONTAINER], row[_DAY])
                for row in rows
            ],
            {row[_PLACE] for row in rows},
        )
    return len(rows), sum(1 for row in rows if row[_PLACE] is None)


def refresh_report_statistics() -> None:
    """After an import or a reparse: the planner's view of the tables they grow."""
    refresh_statistics(Article, RelatedItem, Mention, PlaceStatusPeriod)


def is_claim(place: int | None, section: str, status: str, container: bool) -> bool:
    """Whether a mention counts towards its place's status on the map (see timeline._claims)."""
    return place is not None and status != _MENTIONED and section != _RELATED and not container


_MENTIONED, _RELATED = Status.MENTIONED.value, Mention.Section.RELATED.value


def _changed(old_places: list[int | None], claims: list[tuple], named: set[int | None]) -> None:
    """Tell the timeline what replacing mentions changed: `claims` (place, section, status,
    container, day) are the mentions gone and come, `named` the places the new ones name."""
    first: dict[int, dt.date] = {}
    for place, section, status, container, day in claims:
        if is_claim(place, section, status, container):
            if place not in first or day < first[place]:
                first[place] = day
    gone = set(old_places) - named - {None}
    if gone:
        # A place no mention names any more leaves the map: its periods are rebuilt from nothing.
        still = Mention.objects.filter(place_id__in=gone, rejected=False).values_list(
            "place_id", flat=True
        )
        timeline.touch(gone - set(still))
    timeline.added(first, named)


def geoparse_new_article(article: Article, related_titles: list[str]) -> int:
    """Store the mentions of a report created just now (no editor's decision to keep); a count.

    The related titles come from the parsed report rather than a query.
    """
    return store_new_mentions([(article, find_mentions(article, related_titles))])


def store_new_mentions(found: list[tuple[Article, list[FoundMention]]]) -> int:
    """Store what the geoparser found in reports created just now, in one INSERT; a count.

    The import's fast path: rows go in without model instances (see insert_tuples), and only
    the status runs the new claims fall in are rebuilt (timeline.added).
    """
    ids = place_ids()  # once for the batch, not once per report
    rows = [row for article, mentions in found for row in _mention_rows(article, mentions, ids=ids)]
    insert_tuples(Mention, COLUMNS, rows)
    claim_days: dict[int, dt.date] = {}
    claims = []
    sources = {article.pk: timeline.source_key(article.source, article.pk) for article, _ in found}
    for row in rows:
        place, day = row[_PLACE], row[_DAY]
        if is_claim(place, row[_SECTION], row[_STATUS], row[_CONTAINER]):
            if place not in claim_days or day < claim_days[place]:
                claim_days[place] = day
            report = row[_ARTICLE]
            claims.append(Claim(place, report, sources[report], day, row[_STATUS], row[_PRIMARY]))
    timeline.added(claim_days, (row[_PLACE] for row in rows), claims)
    return len(rows)


# The columns of a mention row, in the order _mention_rows gives them.
COLUMNS = (
    "article_id",
    "place_id",
    "parent_place_id",
    "surface",
    "normalised",
    "section",
    "start",
    "end",
    "sentence",
    "status",
    "event_date",
    "date_precision",
    "confidence",
    "is_primary",
    "container",
    "decided_by",
)
_ARTICLE, _PLACE, _SECTION, _STATUS, _DAY, _PRIMARY, _CONTAINER = map(
    COLUMNS.index,
    ("article_id", "place_id", "section", "status", "event_date", "is_primary", "container"),
)


def _mention_rows(
    article: Article,
    found: list[FoundMention],
    taken: frozenset[tuple] | set[tuple] = frozenset(),
    editor_primary: frozenset[int] | set[int] = frozenset(),
    ids: dict[str, int] | None = None,
) -> list[tuple]:
    if ids is None:
        ids = place_ids()
    article_id, auto = article.pk, Mention.DecidedBy.AUTO.value
    rows = []
    for m in found:
        if taken and _spot(m.section, m.start, m.sentence) in taken:
            continue
        place_id = ids.get(m.place_key) if m.place_key else None
        parent_id = ids.get(m.parent_key) if place_id is None and m.parent_key else None
        if m.place_key and place_id is None:
            continue  # the place left the gazetteer since the matcher was built
        rows.append(
            (
                article_id,
                place_id,
                parent_id,
                m.surface[:300],
                m.normalised[:300],
                m.section,
                m.start,
                m.end,
                m.sentence,
                m.status,
                m.event_date,
                m.date_precision,
                m.confidence,
                m.is_primary and (place_id is None or place_id not in editor_primary),
                m.container,
                auto,
            )
        )
    return rows
