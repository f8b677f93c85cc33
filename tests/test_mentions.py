"""Storing a report's mentions: fresh automatic ones, editors' decisions untouched."""

from __future__ import annotations

import datetime as dt

import pytest

from articles import timeline
from articles.matcher import get_matcher
from articles.mentions import geoparse_article
from articles.models import Alias, Mention, Place, PlaceStatusPeriod, RelatedItem, Status
from articles.names import normalise
from articles.timeline import FOREVER
from tests.factories import make_article, make_place

pytestmark = pytest.mark.django_db

BODY = (
    "Iraqi forces entered the al-Zahour district of eastern Mosul on Thursday.\n\n"
    "They liberated the Muhandiseen neighbourhood."
)


@pytest.fixture
def gazetteer(settings):
    settings.NEWSMAP_MATCHER_CHECK_SECONDS = 0
    mosul = make_place("Mosul", slug="mosul", kind=Place.Kind.CITY)
    east = make_place(
        "East Mosul", slug="east-mosul", kind=Place.Kind.REGION, parent=mosul, bank=Place.Bank.EAST
    )
    zahour = make_place("al-Zahour", slug="zahour", parent=mosul, bank=Place.Bank.EAST)
    Alias.objects.create(place=zahour, text="Zuhur")
    Alias.objects.create(place=east, text="eastern Mosul")
    make_place("Najaf", slug="najaf", kind=Place.Kind.CITY)
    return {"mosul": mosul, "east": east, "zahour": zahour}


@pytest.fixture
def article(gazetteer):
    report = make_article(title="Forces advance in Mosul", body=BODY)
    RelatedItem.objects.create(article=report, external_id="1", title="ISIS attack near Najaf")
    return report


def test_it_stores_resolved_unresolved_and_related_mentions(article, gazetteer):
    made = geoparse_article(article)
    stored = list(Mention.objects.filter(article=article).order_by("section", "start"))
    assert made == len(stored)
    summary = [
        (m.section, m.place.slug if m.place else None, m.surface, m.status, m.container)
        for m in stored
    ]
    assert summary == [
        ("body", "zahour", "al-Zahour", "advance", False),
        # The city holds the district the sentence is about: the sentence's status, marked so
        # that the map leaves it out of the city's.
        ("body", "mosul", "eastern Mosul", "advance", True),
        ("body", None, "Muhandiseen", "retaken", False),
        ("related", "najaf", "Najaf", "mentioned", False),
        ("title", "mosul", "Mosul", "advance", False),
    ]
    zahour = stored[0]
    assert zahour.event_date == dt.date(2016, 11, 3)
    assert zahour.date_precision == Mention.DatePrecision.RELATIVE
    assert zahour.decided_by == Mention.DecidedBy.AUTO
    unresolved = stored[2]
    assert unresolved.parent_place == gazetteer["east"]
    assert unresolved.normalised == "muhandisin"


def test_running_it_again_replaces_rather_than_adds(article):
    geoparse_article(article)
    first = Mention.objects.filter(article=article).count()
    geoparse_article(article)
    assert Mention.objects.filter(article=article).count() == first


def test_it_never_touches_an_editors_mention_or_a_rejected_one(article, gazetteer):
    geoparse_article(article)
    confirmed = Mention.objects.get(article=article, surface="al-Zahour")
    confirmed.decided_by = Mention.DecidedBy.EDITOR
    confirmed.status = Status.RETAKEN
    confirmed.save()
    rejected = Mention.objects.get(article=article, surface="Muhandiseen")
    rejected.rejected = True
    rejected.save()

    geoparse_article(article)

    confirmed.refresh_from_db()
    rejected.refresh_from_db()
    assert (confirmed.decided_by, confirmed.status) == ("editor", "retaken")
    assert rejected.rejected
    # No automatic duplicate springs up beside either decision.
    assert Mention.objects.filter(article=article, surface="al-Zahour").count() == 1
    assert Mention.objects.filter(article=article, surface="Muhandiseen").count() == 1


def test_an_editors_primary_mention_keeps_the_automatic_ones_off_the_map(article, gazetteer):
    geoparse_article(article)
    title = Mention.objects.get(article=article, section="title")
    title.decided_by = Mention.DecidedBy.EDITOR
    title.is_primary = True
    title.save()
    geoparse_article(article)
    auto_mosul = Mention.objects.filter(
        article=article, place=gazetteer["mosul"], decided_by="auto"
    )
    assert auto_mosul.exists() and not auto_mosul.filter(is_primary=True).exists()


def test_the_matcher_is_rebuilt_when_an_alias_is_added(gazetteer):
    assert "zahra zahur" not in get_matcher().names
    Alias.objects.create(place=gazetteer["zahour"], text="Zahra Zahour")
    assert "zahra zahur" in get_matcher().names


def test_another_processs_gazetteer_change_is_seen_through_the_fingerprint(gazetteer):
    get_matcher()
    # bulk_create sends no signals, as if another worker had written the row.
    Alias.objects.bulk_create(
        [
            Alias(
                place=gazetteer["zahour"], text="Zuhour Jadid", normalised=normalise("Zuhour Jadid")
            )
        ]
    )
    assert "zuhur jadid" in get_matcher().names


def test_the_matcher_sees_an_edited_alias(gazetteer):
    alias = Alias.objects.get(text="Zuhur")
    get_matcher()
    alias.text = "Zuhoor"
    alias.save()
    assert "zuhur" in get_matcher().names
    alias.text = "Zahoura"
    alias.save()
    assert "zahura" in get_matcher().names


def test_a_city_named_around_a_district_keeps_the_status_off_the_map(gazetteer):
    body = "Troops recaptured the al-Zahour district of eastern Mosul on Thursday."
    report = make_article(title="Report", body=body)
    geoparse_article(report)

    mosul = Mention.objects.get(article=report, place=gazetteer["mosul"])
    assert (mosul.status, mosul.container) == ("advance", True)
    # The district was retaken, and the forces gained ground in the city, which did not change
    # hands: the mention says so, and the map leaves the city's status alone. So too
    # when the periods are rebuilt from what the database holds.
    for rebuilt in (False, True):
        if rebuilt:
            timeline.rebuild_all()
        now = dict(
            PlaceStatusPeriod.objects.filter(end=FOREVER).values_list("place__slug", "status")
        )
        assert now == {"zahour": "retaken", "mosul": "none"}

    # An editor who reads the claim as the city's says so, and the map follows.
    mosul.container = False
    mosul.status = "retaken"
    mosul.decided_by = Mention.DecidedBy.EDITOR
    mosul.save()
    assert PlaceStatusPeriod.objects.get(place=gazetteer["mosul"], end=FOREVER).status == "retaken"
