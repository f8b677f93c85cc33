"""SQLite serves reads while an import holds a write transaction (WAL + busy timeout)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from articles.models import Article
from tests.factories import make_article, make_place

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="WAL and the busy timeout are SQLite settings"
)


@pytest.mark.django_db(transaction=True)
def test_requests_and_a_second_writer_overlap_a_write_transaction_without_locking():
    make_place("Zahour", slug="zahour")
    make_article("Existing report")
    in_transaction = threading.Event()
    errors: list[BaseException] = []
    statuses: list[int] = []

    def long_import() -> None:
        try:
            with transaction.atomic():
                for i in range(20):
                    make_article(f"Imported report {i}")
                in_transaction.set()
                time.sleep(1.0)  # hold the write lock while the readers run
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    def reader() -> None:
        try:
            in_transaction.wait(5)
            response = Client().get("/api/places.geojson?date=2016-11-04")
            statuses.append(response.status_code)
            # Readers see the last committed state, not the open transaction.
            statuses.append(Article.objects.count())
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    def second_writer() -> None:
        try:
            in_transaction.wait(5)
            make_article("Written while the import holds the lock")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=long_import)]
    threads += [threading.Thread(target=reader) for _ in range(4)]
    threads.append(threading.Thread(target=second_writer))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert not errors, errors
    assert statuses.count(200) == 4
    assert statuses.count(1) == 4
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert Article.objects.count() == 22
