"""Status periods: the stored timeline always agrees with the status rule applied afresh."""

from __future__ import annotations

import contextvars
import datetime as dt
import random

import pytest
from django.db import transaction

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
def test_the_data_version_is_the_stored_counter_and_time_of_the_last_change(zahour):
    # Read with one plain query on every API request: the same value the model gives, on
    # SQLite (where the time comes back as text) and PostgreSQL alike.
    assert timeline.current_version() != "0"
    zahour.save()
    row = DataVersion.objects.get(pk=1)
    assert timeline.current_version() == f"{row.version}-{row.changed_at.timestamp():.6f}"
    DataVersion.objects.all().delete()
    assert timeline.current_version() == "0"


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


@pytest.mark.django_db
@pytest.mark.parametrize("given", [True, False], ids=["claims given", "claims read back"])
@pytest.mark.parametrize("seed", range(10))
def test_an_import_resuming_each_place_from_its_last_days_agrees_with_a_full_rebuild(
    zahour, seed, given, monkeypatch
):
    """An import session re-walks only each place's last claim days; the periods are the same.

    Reports come mostly in date order over 60 days (long retaken runs) with back-dated claims,
    several claims per report and place (primary or not), a second place, and editors adding
    claims between batches. The new claims are handed to the session (as an import does) or
    left for it to read back from the database.
    """
    monkeypatch.setattr(timeline, "WINDOW_DAYS", 3)
    resumed: list[int] = []
    real_resume = timeline._resume

    def resume(session, claim_days, new_claims):
        assert bool(new_claims) == given or not claim_days
        done = real_resume(session, claim_days, new_claims)
        resumed.extend(done)
        return done

    monkeypatch.setattr(timeline, "_resume", resume)
    rnd = random.Random(seed)
    places = [zahour, make_place("Kokjeli", slug="kokjeli")]
    fields = (
        "place_id",
        "start",
        "end",
        "status",
        "detail",
        "since",
        "last_report",
        "reports",
        "sources",
    )
    day0 = dt.datetime(2016, 10, 17, 12, tzinfo=dt.UTC)
    made = []
    with timeline.import_session():
        for batch in range(25):
            with transaction.atomic(), timeline.deferred():
                for n in range(rnd.randrange(1, 6)):
                    when = day0 + dt.timedelta(days=min(59, batch * 2 + rnd.randrange(3)))
                    article = make_article(
                        f"Report {batch}-{n}", source=rnd.choice("ABC"), published_at=when
                    )
                    rows = []
                    for place in rnd.sample(places, rnd.randrange(1, 3)):
                        for k in range(rnd.randrange(1, 3)):
                            back = rnd.choice([0, 0, 1, 2, 9]) if batch else 0
                            rows.append(
                                Mention(
                                    article=article,
                                    place=place,
                                    surface=place.name,
                                    normalised=place.name.lower(),
                                    start=k,
                                    end=k + 6,
                                    sentence=f"{place.name}.",
                                    status=rnd.choice([*STATUSES, *["retaken"] * 6]),
                                    event_date=(when - dt.timedelta(days=back)).date(),
                                    is_primary=k == 0 and rnd.random() < 0.5,
                                )
                            )
                    made.extend(Mention.objects.bulk_create(rows))
                    claims: dict[int, dt.date] = {}
                    for m in rows:
                        if m.status != Status.MENTIONED:
                            held = claims.get(m.place_id)
                            claims[m.place_id] = min(held or m.event_date, m.event_date)
                    new = [
                        frontline.Claim(
                            m.place_id,
                            article.pk,
                            timeline.source_key(article.source, article.pk),
                            m.event_date,
                            m.status,
                            m.is_primary,
                        )
                        for m in rows
                        if m.status != Status.MENTIONED
                    ]
                    timeline.added(claims, [m.place_id for m in rows], new if given else None)
            if batch in (8, 12, 16):
                # Between two batches an editor adds a claim from a new source at the start of a
                # place's current run (a save rebuilds it at once): every later count changes.
                place = places[batch // 4 % 2]
                run = PlaceStatusPeriod.objects.filter(place=place).order_by("start").last()
                if run.since:
                    least = {"contested": "advance", "retaken": "retaken"}.get(
                        run.status, run.status
                    )
                    editor = make_article(
                        f"Editor {batch}", source=f"Editor {batch}", published_at=day0
                    )
                    # As another process would: outside this import's session.
                    contextvars.Context().run(
                        make_mention, editor, place, status=least, event_date=run.since
                    )
    incremental = list(PlaceStatusPeriod.objects.order_by("place_id", "start").values_list(*fields))
    timeline.rebuild_all()
    rebuilt = list(PlaceStatusPeriod.objects.order_by("place_id", "start").values_list(*fields))
    assert rebuilt == incremental
    assert len(rebuilt) > 20
    assert len(resumed) > 10, "most batches resume their places from the remembered state"
