"""Store the geoparser's mentions for a report, never over an editor's decision."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings

from articles.geoparse import FoundMention, geoparse
from articles.matcher import get_matcher, place_ids
from articles.models import Article, Mention


def publication_day(article: Article) -> dt.date:
    """The day the source published the report, in the source's own time zone."""
    return article.published_at.astimezone(ZoneInfo(settings.NEWSMAP_SOURCE_TIMEZONE)).date()


def _spot(section: str, start: int, sentence: str) -> tuple:
    # Related headlines each start at offset 0, so their sentence (the headline) tells them apart.
    return (section, start, sentence if section == Mention.Section.RELATED else "")


def find_mentions(article: Article) -> list[FoundMention]:
    """What the geoparser finds in a stored report, without writing anything."""
    related = [item.title for item in article.related_items.all()]
    return geoparse(article.title, article.body, related, publication_day(article), get_matcher())


def geoparse_article(article: Article) -> list[Mention]:
    """Replace the report's automatic mentions with fresh ones; call inside a transaction."""
    found = find_mentions(article)
    ids = place_ids()
    kept = list(
        Mention.objects.filter(article=article)
        .exclude(decided_by=Mention.DecidedBy.AUTO, rejected=False)
        .values_list("section", "start", "sentence", "place_id", "is_primary", "rejected")
    )
    taken = {_spot(section, start, sentence) for section, start, sentence, *_ in kept}
    # An editor's primary mention of a place is the report's claim about it; ours steps back.
    editor_primary = {place for *_, place, primary, rejected in kept if primary and not rejected}
    Mention.objects.filter(
        article=article, decided_by=Mention.DecidedBy.AUTO, rejected=False
    ).delete()
    rows = []
    for m in found:
        if _spot(m.section, m.start, m.sentence) in taken:
            continue
        place_id = ids.get(m.place_key) if m.place_key else None
        parent_id = ids.get(m.parent_key) if place_id is None and m.parent_key else None
        if m.place_key and place_id is None:
            continue  # the place left the gazetteer since the matcher was built
        rows.append(
            Mention(
                article=article,
                place_id=place_id,
                parent_place_id=parent_id,
                surface=m.surface[:300],
                normalised=m.normalised[:300],
                section=m.section,
                start=m.start,
                end=m.end,
                sentence=m.sentence,
                status=m.status,
                event_date=m.event_date,
                date_precision=m.date_precision,
                confidence=m.confidence,
                is_primary=m.is_primary and (place_id is None or place_id not in editor_primary),
                decided_by=Mention.DecidedBy.AUTO,
            )
        )
    return Mention.objects.bulk_create(rows)
