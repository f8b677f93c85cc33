"""The import's plain INSERTs (COPY on PostgreSQL): what they store is what the ORM would have
stored."""

from __future__ import annotations

import datetime as dt

import pytest

from articles.bulk import delete_ids, insert_tuples
from articles.models import GeocodeLookup, Mention
from tests.factories import make_article, make_place

pytestmark = pytest.mark.django_db


def test_tuples_go_in_as_the_orm_would_store_them_with_defaults_for_the_rest():
    article, place = make_article(), make_place()
    day = dt.date(2016, 11, 4)
    columns = ("article_id", "place_id", "surface", "normalised", "start", "end", "sentence")
    values = (article.pk, place.pk, "al-Zahour", "zahur", 10, 19, "They entered al-Zahour.")
    insert_tuples(
        Mention,
        (*columns, "status", "event_date"),
        [(*values, "advance", day), (*values, "fighting", day + dt.timedelta(days=1))],
    )

    stored = list(Mention.objects.order_by("event_date"))
    assert [(m.status, m.event_date) for m in stored] == [
        ("advance", day),
        ("fighting", day + dt.timedelta(days=1)),
    ]
    first = stored[0]
    assert tuple(getattr(first, c) for c in columns) == values
    # Left out: each field's default, and one "now" for both timestamps.
    assert (first.section, first.decided_by, first.rejected, first.is_primary) == (
        "body",
        "auto",
        False,
        False,
    )
    assert first.parent_place_id is None and first.confidence == 1.0
    assert first.created_at == first.updated_at == stored[1].created_at
    assert first.created_at.tzinfo is not None


def test_a_field_whose_default_is_made_per_row_must_be_given():
    with pytest.raises(ValueError, match=r"GeocodeLookup\.raw .*insert_rows"):
        insert_tuples(
            GeocodeLookup,
            ("provider", "query", "normalised", "outcome"),
            [("nominatim", "Zahour", "zahur", "found")],
        )
    assert not GeocodeLookup.objects.exists()


def test_no_rows_is_no_statement(django_assert_num_queries):
    with django_assert_num_queries(0):
        insert_tuples(Mention, ("article_id",), [])


def test_delete_ids_removes_exactly_those_rows_in_chunks(django_assert_num_queries):
    article = make_article()
    day = dt.date(2016, 11, 4)
    columns = ("article_id", "surface", "normalised", "start", "end", "sentence", "event_date")
    rows = [(article.pk, f"Name{i}", f"name{i}", i, i + 5, "S.", day) for i in range(7)]
    insert_tuples(Mention, columns, rows)
    ids = list(Mention.objects.order_by("start").values_list("pk", flat=True))

    with django_assert_num_queries(3):  # five ids, two per statement
        delete_ids(Mention, ids[1:6], chunk=2)

    assert list(Mention.objects.order_by("start").values_list("pk", flat=True)) == [ids[0], ids[6]]
    # No signal ran: a delete through the ORM would have left a history row for each.
    assert not Mention.history.filter(history_type="-").exists()


def test_deleting_no_ids_is_no_statement(django_assert_num_queries):
    with django_assert_num_queries(0):
        delete_ids(Mention, [])


def test_text_that_a_copy_stream_must_escape_goes_in_unchanged():
    # PostgreSQL takes the rows as one COPY stream, whose text format gives tabs, line ends,
    # backslashes and "\N" (its NULL) meanings of their own; SQLite takes them as parameters.
    article = make_article()
    odd = [
        "tab\there",
        "line\nend\r\nand \\. alone:\n\\.\n",
        "\\N",
        "back\\slash and 'quotes' \"both\"",
        "ال‮موصل 🙂",
    ]
    columns = ("article_id", "place_id", "surface", "normalised", "start", "end", "sentence")
    rows = [(article.pk, None, text, text, n, n + 1, text) for n, text in enumerate(odd)]
    insert_tuples(Mention, (*columns, "event_date"), [(*r, dt.date(2016, 11, 4)) for r in rows])
    stored = Mention.objects.order_by("start").values_list(*columns)
    assert list(stored) == rows


def test_a_duplicate_key_is_djangos_integrity_error_and_nothing_of_the_batch_stays():
    from django.db import IntegrityError, transaction

    from articles.bulk import insert_rows
    from articles.models import Article

    taken = make_article()
    fresh = {f.attname: getattr(taken, f.attname) for f in Article._meta.concrete_fields}
    del fresh["id"]
    other = {**fresh, "identity": "another"}
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(Article, [other, fresh])
    assert list(Article.objects.values_list("identity", flat=True)) == [taken.identity]
