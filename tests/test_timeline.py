"""Status periods: the stored timeline always agrees with the status rule applied afresh."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from articles import frontline, timeline
from articles.mapdata import place_statuses
from articles.models import DataVersion, Mention, PlaceStatusPeriod, Status
from tests.factories import make_article, make_mention, make_place

STATUSES = ["advance", "fighting", "clearing", "retaken", "isis_held", "mentioned"]


def random_claims(rnd: random.Random, count: int) -> list[frontline.Claim]:
    first = dt.date(2016, 10, 17)
    return [
        frontline.Claim(
            place="p",
            report=rnd.randrange(count // 2 + 1),
            source=rnd.choice("ABC"),
            day=first + dt.timedelta(days=rnd.randrange(20)),
            status=rnd.choice(STATUSES),
            is_primary=rnd.random() < 0.5,
        )
        for _ in range(count)
    ]


@pytest.mark.parametrize("seed", range(40))
def test_the_timeline_agrees_with_the_rule_on_every_day(seed):
    rnd = random.Random(seed)
    claims = random_claims(rnd, rnd.randrange(1, 40))
    steps = frontline.status_timeline(claims)
    for offset in range(-1, 22):
        day = dt.date(2016, 10, 17) + dt.timedelta(days=offset)
        held = [status for start, status in steps if start <= day]
        expected = frontline.place_status(claims, day)
        assert (held[-1] if held else frontline.NO_REPORT) == expected, day


@pytest.fixture
def zahour():
    return make_place("Zahour", slug="zahour")


def published(day: int) -> dt.datetime:
    return dt.datetime(2016, 11, day, 12, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_a_saved_mention_rebuilds_its_places_periods(zahour):
    article = make_article("Forces enter Zahour", published_at=published(4))
    make_mention(article, zahour, status=Status.ADVANCE)
    assert place_statuses(dt.date(2016, 11, 3))[zahour.pk].status == frontline.NONE
    assert place_statuses(dt.date(2016, 11, 4))[zahour.pk].status == frontline.CONTESTED
    later = make_article("Zahour retaken", published_at=published(9))
    make_mention(later, zahour, status=Status.RETAKEN)
    assert place_statuses(dt.date(2016, 11, 8))[zahour.pk].status == frontline.CONTESTED
    assert place_statuses(dt.date(2016, 11, 9))[zahour.pk].status == frontline.RETAKEN


@pytest.mark.django_db
def test_reassigning_a_mention_rebuilds_both_places(zahour):
    karama = make_place("Karama", slug="karama")
    article = make_article("Fighting in Zahour", published_at=published(4))
    mention = make_mention(article, zahour, status=Status.FIGHTING)
    mention.place = karama
    mention.decided_by = Mention.DecidedBy.EDITOR
    mention.save()
    statuses = place_statuses(dt.date(2016, 11, 4))
    assert zahour.pk not in statuses
    assert statuses[karama.pk].status == frontline.CONTESTED


@pytest.mark.django_db
def test_deleting_a_report_clears_its_claims(zahour):
    article = make_article("Fighting in Zahour", published_at=published(4))
    make_mention(article, zahour, status=Status.FIGHTING)
    article.delete()
    assert not PlaceStatusPeriod.objects.filter(place=zahour).exists()


@pytest.mark.django_db
def test_a_changed_source_changes_the_corroboration(zahour):
    one = make_article("One", source="FNA", published_at=published(4))
    two = make_article("Two", source="FNA", published_at=published(4))
    for article in (one, two):
        make_mention(article, zahour, status=Status.FIGHTING)
    assert place_statuses(dt.date(2016, 11, 4))[zahour.pk].sources == 1
    two.source = "Reuters"
    two.save()
    assert place_statuses(dt.date(2016, 11, 4))[zahour.pk].sources == 2


@pytest.mark.django_db
def test_deferred_work_is_done_once_on_leaving(zahour):
    article = make_article("Fighting in Zahour", published_at=published(4))
    with timeline.deferred():
        make_mention(article, zahour, status=Status.FIGHTING)
        assert not PlaceStatusPeriod.objects.filter(place=zahour).exists()
    assert PlaceStatusPeriod.objects.filter(place=zahour).count() == 2


@pytest.mark.django_db
def test_every_change_moves_the_data_version(zahour):
    before = timeline.current_version()
    zahour.latitude = 36.37
    zahour.save()
    after_place = timeline.current_version()
    assert after_place != before
    make_article("Another report")
    assert timeline.current_version() != after_place
    assert DataVersion.objects.count() == 1


@pytest.mark.django_db
def test_rebuild_all_restores_lost_periods(zahour):
    article = make_article("Fighting in Zahour", published_at=published(4))
    make_mention(article, zahour, status=Status.FIGHTING)
    PlaceStatusPeriod.objects.all().delete()
    timeline.rebuild_all()
    assert place_statuses(dt.date(2016, 11, 4))[zahour.pk].status == frontline.CONTESTED


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(8))
def test_an_import_in_any_order_builds_the_same_periods_as_a_full_rebuild(zahour, seed):
    """Incremental updates from each batch's first new claim agree with rebuilding afresh."""
    rnd = random.Random(seed)
    for batch in range(6):
        with timeline.deferred():
            for n in range(rnd.randrange(1, 5)):
                day = rnd.randrange(1, 28)
                article = make_article(
                    f"Report {batch}-{n}", source=rnd.choice("AB"), published_at=published(day)
                )
                status = rnd.choice(STATUSES)
                mention = Mention.objects.bulk_create(
                    [
                        Mention(
                            article=article,
                            place=zahour,
                            surface="Zahour",
                            normalised="zahur",
                            start=0,
                            end=6,
                            sentence="Zahour.",
                            status=status,
                            event_date=article.published_at.date(),
                            is_primary=True,
                        )
                    ]
                )[0]
                claims = {} if status == Status.MENTIONED else {zahour.pk: mention.event_date}
                timeline.added(claims, [zahour.pk])
    fields = ("start", "end", "status", "detail", "since", "last_report", "reports", "sources")
    incremental = list(PlaceStatusPeriod.objects.order_by("start").values_list(*fields))
    timeline.rebuild_all()
    assert list(PlaceStatusPeriod.objects.order_by("start").values_list(*fields)) == incremental


@pytest.mark.django_db
def test_an_admin_action_over_many_mentions_rebuilds_their_place_once(
    client, django_user_model, zahour
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin_user = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin_user)
    article = make_article("Fighting in Zahour", published_at=published(4))
    ids = [make_mention(article, zahour, status=Status.FIGHTING, start=n).pk for n in range(30)]
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/admin/articles/mention/",
            {"action": "reject_false_positive", "_selected_action": ids},
        )
    assert response.status_code == 302
    assert Mention.objects.filter(pk__in=ids, rejected=True).count() == 30
    period_delete = 'DELETE FROM "articles_placestatusperiod"'
    rebuilds = [q for q in queries if q["sql"].startswith(period_delete)]
    assert len(rebuilds) == 1
    assert not PlaceStatusPeriod.objects.exclude(status=frontline.NONE).filter(place=zahour)
