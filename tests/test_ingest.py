"""The ingest pipeline: one transaction per report, identity, updates and streaming many files."""

from __future__ import annotations

import datetime as dt
import gc
import os
import tracemalloc
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from articles import ingest
from articles.ingest import Status, ingest_paths, ingest_report, ingest_uploads
from articles.models import Article, ArticleRevision, RelatedItem
from articles.parsing import content_hash

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parent.parent / "articles" / "data" / "reports"
SEED = sorted(SEEDS.glob("*.txt"))[0]


def report(
    title: str = "Iraqi forces enter al-Zahour",
    body: str = "They entered on Friday.",
    tail: str = "",
) -> bytes:
    text = f"{title}\n\nFri Nov 4, 2016 18:47:52\n\n{body}\n"
    return (text + ("\n\n" + tail + "\n" if tail else "")).encode()


def related(*titles: str) -> str:
    items = ",".join(
        f'{{"id":"{n}","sort":"{n}","contenttypeid":"21","pic":"/2016/11/04/p{n}.jpg",'
        f'"title":"{t}"}}'
        for n, t in enumerate(titles, 1)
    )
    payload = f"[{items}]"
    return f'string({len(payload.encode())}) "{payload}"'


def fail_on_related_title(title: str) -> None:
    """A database trigger that makes inserting a related item with this title fail."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER fail_related BEFORE INSERT ON articles_relateditem "
                f"WHEN NEW.title = '{title}' BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION fail_related() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.title = '{title}' THEN RAISE EXCEPTION 'injected failure'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER fail_related BEFORE INSERT ON articles_relateditem "
                "FOR EACH ROW EXECUTE FUNCTION fail_related()"
            )


def test_it_stores_a_seed_report_with_its_related_items():
    data = SEED.read_bytes()
    outcome = ingest_report(data, origin=str(SEED))
    assert outcome.status == Status.IMPORTED
    article = Article.objects.get()
    assert outcome.article == article
    assert article.raw_text == data.decode()
    assert article.content_hash == content_hash(data.decode())
    assert article.origin == str(SEED)
    assert article.published_at == dt.datetime(2016, 11, 4, 15, 47, 52, tzinfo=dt.UTC)
    assert len(article.paragraphs()) == 7
    assert list(article.related_items.values_list("position", "external_id", "media_kind")) == [
        (0, "1881004", "video"),
        (1, "1881068", "image"),
        (2, "1881108", "image"),
        (3, "1881124", "video"),
        (4, "1881131", "image"),
    ]
    assert article.related_items.first().media_date == dt.date(2016, 11, 4)


def test_importing_the_same_report_twice_creates_nothing_new():
    first = ingest_report(SEED.read_bytes(), origin="a")
    outcome = ingest_report(SEED.read_bytes(), origin="b")
    assert outcome.status == Status.UNCHANGED
    assert outcome.article.pk == first.article.pk
    assert outcome.article.title == first.article.title
    assert outcome.article.origin == "a"
    assert Article.objects.count() == 1
    assert RelatedItem.objects.count() == 5
    assert ArticleRevision.objects.count() == 0


def test_a_changed_body_replaces_the_report_and_keeps_the_old_raw_text():
    first = report(tail=related("Old one", "Old two"))
    ingest_report(first, origin="first.txt")
    outcome = ingest_report(
        report(body="They entered on Saturday.", tail=related("New")), origin="second.txt"
    )
    assert outcome.status == Status.UPDATED
    article = Article.objects.get()
    assert article.body == "They entered on Saturday."
    assert article.origin == "second.txt"
    assert list(article.related_items.values_list("title", flat=True)) == ["New"]
    revision = article.revisions.get()
    assert revision.raw_text == first.decode()
    assert revision.content_hash == content_hash(first.decode())
    assert revision.origin == "first.txt"


def test_the_same_headline_with_another_dateline_is_another_report():
    ingest_report(report(), origin="a")
    ingest_report(report().replace(b"18:47:52", b"19:00:00"), origin="b")
    assert Article.objects.count() == 2


def test_a_report_with_a_url_is_identified_by_it():
    ingest_report(report(), origin="a", url="https://example.org/1", source="Example")
    outcome = ingest_report(report(title="Retitled"), origin="b", url="https://example.org/1")
    assert outcome.status == Status.UPDATED
    article = Article.objects.get()
    assert (article.title, article.url) == ("Retitled", "https://example.org/1")


def test_a_rejected_report_stores_nothing_and_says_why():
    outcome = ingest_report(b"Headline only\n", origin="bad.txt")
    assert outcome.status == Status.REJECTED
    assert outcome.reason.startswith("no dateline")
    assert outcome.origin == "bad.txt"
    assert Article.objects.count() == 0


def test_a_dropped_related_block_is_a_warning_and_the_report_still_imports():
    block = related("One", "Two")
    cut = block[: len(block) - 20]
    outcome = ingest_report(report(tail=cut), origin="cut.txt")
    assert outcome.status == Status.IMPORTED
    assert outcome.warnings[0].startswith("related block is cut short")
    assert outcome.article.raw_text.endswith(cut + "\n")
    assert RelatedItem.objects.count() == 0


def test_a_failure_in_the_middle_of_storing_leaves_no_rows_for_that_report(tmp_path):
    fail_on_related_title("EXPLODE")
    (tmp_path / "a.txt").write_bytes(report(title="Good one", tail=related("Fine")))
    (tmp_path / "b.txt").write_bytes(report(title="Bad one", tail=related("Fine", "EXPLODE")))
    (tmp_path / "c.txt").write_bytes(report(title="Good two"))
    outcomes = []
    summary = ingest_paths([str(tmp_path)], progress=False, on_outcome=outcomes.append)
    assert (summary.imported, summary.rejected) == (2, 1)
    bad = outcomes[1]
    assert bad.origin.endswith("b.txt")
    assert bad.reason.startswith("could not be stored (")
    assert "nothing of it was kept" in bad.reason
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Good one", "Good two"]
    assert list(RelatedItem.objects.values_list("title", flat=True)) == ["Fine"]


def test_a_bad_source_timezone_setting_is_a_configuration_error(settings):
    settings.NEWSMAP_SOURCE_TIMEZONE = "Mars/Olympus"
    with pytest.raises(ImproperlyConfigured, match="NEWSMAP_SOURCE_TIMEZONE='Mars/Olympus'"):
        ingest_report(report(), origin="a")


def test_uploads_go_through_the_same_rules(settings):
    settings.NEWSMAP_MAX_REPORT_BYTES = 1000
    outcomes = ingest_uploads(
        [
            SimpleUploadedFile("good.txt", report()),
            SimpleUploadedFile("empty.txt", b""),
            SimpleUploadedFile("huge.txt", report(body="x" * 2000)),
        ]
    )
    assert [o.status for o in outcomes] == [Status.IMPORTED, Status.REJECTED, Status.REJECTED]
    assert [o.origin for o in outcomes] == [
        "upload good.txt",
        "upload empty.txt",
        "upload huge.txt",
    ]
    assert outcomes[1].reason == "empty file"
    assert outcomes[2].reason.startswith("file is 2,")
    assert outcomes[2].reason.endswith("over the 1,000 bytes limit (NEWSMAP_MAX_REPORT_BYTES)")
    assert Article.objects.count() == 1


def test_the_same_file_twice_in_one_run_is_read_once(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(report())
    (tmp_path / "link.txt").symlink_to(path)
    outcomes = []
    summary = ingest_paths([str(path), str(tmp_path)], progress=False, on_outcome=outcomes.append)
    assert (summary.imported, summary.skipped, summary.unchanged) == (1, 2, 0)
    assert [o.status for o in outcomes] == [Status.IMPORTED, Status.SKIPPED, Status.SKIPPED]


def test_a_directory_is_walked_recursively_for_txt_files_only(tmp_path):
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "sub" / "deeper" / "one.TXT").write_bytes(report(title="One"))
    (tmp_path / "sub" / "two.txt").write_bytes(report(title="Two"))
    (tmp_path / "notes.md").write_bytes(b"not a report")
    summary = ingest_paths([str(tmp_path)], progress=False)
    assert (summary.imported, summary.rejected) == (2, 0)


def test_a_progress_bar_is_shown_when_asked(tmp_path, capsys):
    for n in range(3):
        (tmp_path / f"{n}.txt").write_bytes(report(title=f"Report {n}"))
    ingest_paths([str(tmp_path)], progress=True)
    assert "3 files" in capsys.readouterr().err


def test_a_directory_of_10000_files_streams_in_flat_memory(tmp_path):
    # Seed-sized files, mostly rejected at parse time (fast) with real reports among them: 20 MB
    # in all, so keeping their contents (or per-file results) would break the memory bound.
    filler = b"x" * 2000
    for n in range(10):
        (tmp_path / str(n)).mkdir()
    for n in range(10_000):
        data = report(title=f"Report {n}") if n % 100 == 0 else b"Headline %d\n%s\n" % (n, filler)
        (tmp_path / str(n // 1000) / f"{n:05}.txt").write_bytes(data)
    counts = {"seen": 0}

    def count(outcome):
        counts["seen"] += 1

    gc.collect()
    tracemalloc.start()
    try:
        summary = ingest_paths([str(tmp_path)], progress=False, on_outcome=count)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert counts["seen"] == 10_000
    assert (summary.imported, summary.rejected) == (100, 9_900)
    assert Article.objects.count() == 100
    # About 2 MB here (the set of files already read, statement caches); holding the 20 MB of
    # contents or 10,000 results would not fit.
    assert peak < 5 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


def _stored() -> dict:
    """Everything an import wrote, keyed by what stays the same from one import to another."""
    from articles.models import Mention, PlaceStatusPeriod

    articles = {
        a.pk: (a.identity, a.title, a.published_at, a.body, a.source, a.origin, a.content_hash)
        for a in Article.objects.all()
    }
    return {
        "articles": sorted(articles.values()),
        "related": sorted(
            (articles[r.article_id][0], r.position, r.title, r.media_kind, r.media_date)
            for r in RelatedItem.objects.all()
        ),
        "mentions": sorted(
            (
                articles[m.article_id][0],
                m.place_id,
                m.parent_place_id,
                m.surface,
                m.section,
                m.start,
                m.end,
                m.sentence,
                m.status,
                m.event_date,
                m.date_precision,
                m.confidence,
                m.is_primary,
                m.container,
            )
            for m in Mention.objects.all()
        ),
        "revisions": sorted(
            (articles[r.article_id][0], r.content_hash) for r in ArticleRevision.objects.all()
        ),
        "periods": sorted(
            PlaceStatusPeriod.objects.values_list(
                "place_id", "start", "end", "status", "detail", "since", "reports", "sources"
            )
        ),
    }


def retitled(text: str, suffix: str) -> str:
    """A seed under another headline (which some seeds print twice)."""
    title = text.split("\n", 1)[0]
    return text.replace(f"{title}\n", f"{title}{suffix}\n", 2)


def _long_run(folder: Path) -> None:
    """150 files: seeds under many headlines, bad files, a repeat and a changed report."""
    from django.core.management import call_command

    call_command("load_gazetteer", verbosity=0)
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    for n in range(140):
        (folder / f"{n:03}.txt").write_text(retitled(seeds[n % 2], f" ({n})"), encoding="utf-8")
    for n in range(5):
        (folder / f"bad{n}.txt").write_bytes(b"\xff\xfe\x00binary" if n % 2 else b"")
    (folder / "dupe.txt").symlink_to(folder / "000.txt")
    # Same headline and dateline as 006.txt, another body: the later file replaces it.
    changed = retitled(seeds[0], " (6)").replace("ISIL", "Daesh", 1)
    (folder / "zz-changed.txt").write_text(changed, encoding="utf-8")


def test_a_long_import_in_worker_processes_stores_what_one_process_stores(
    tmp_path, settings, monkeypatch
):
    from articles import prepare
    from articles.models import PlaceStatusPeriod

    _long_run(tmp_path)
    settings.NEWSMAP_IMPORT_WORKERS = 0
    before = transaction.savepoint()
    alone = ingest_paths([str(tmp_path)], progress=False)
    in_one_process = _stored()
    transaction.savepoint_rollback(before)
    assert not Article.objects.exists() and not PlaceStatusPeriod.objects.exists()
    # Which processes prepared the reports: forked workers inherit this wrapper.
    pids = tmp_path / "pids"
    real_run_job = prepare.run_job

    def run_job(job, *args):
        with pids.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return real_run_job(job, *args)

    monkeypatch.setattr(prepare, "run_job", run_job)
    settings.NEWSMAP_IMPORT_WORKERS = 2
    outcomes = []
    together = ingest_paths([str(tmp_path)], progress=False, on_outcome=outcomes.append)

    assert vars(together) == vars(alone)
    assert (together.imported, together.updated, together.rejected, together.skipped) == (
        140,
        1,
        5,
        1,
    )
    assert _stored() == in_one_process
    assert in_one_process["mentions"] and in_one_process["revisions"]
    assert [o.origin for o in outcomes] == sorted(o.origin for o in outcomes)
    workers = {int(pid) for pid in pids.read_text().split()} - {os.getpid()}
    assert len(workers) == 2, "the reports past the first hundred were prepared in two workers"


def test_the_same_report_twice_in_one_batch_is_imported_then_updated(tmp_path):
    (tmp_path / "a.txt").write_bytes(report(body="They entered on Friday."))
    (tmp_path / "b.txt").write_bytes(report(body="They entered al-Zahour on Friday."))
    outcomes = []
    ingest_paths([str(tmp_path)], progress=False, on_outcome=outcomes.append)
    assert [o.status for o in outcomes] == [Status.IMPORTED, Status.UPDATED]
    article = Article.objects.get()
    assert article.body == "They entered al-Zahour on Friday."
    assert article.revisions.get().raw_text == report(body="They entered on Friday.").decode()


def test_an_import_leaves_the_garbage_collector_as_it_found_it(tmp_path, monkeypatch):
    seen = []
    real_write_batch = ingest._write_batch

    def write_batch(batch):
        seen.append((gc.get_threshold()[0], gc.get_freeze_count() > 0))
        return real_write_batch(batch)

    monkeypatch.setattr(ingest, "_write_batch", write_batch)
    (tmp_path / "a.txt").write_bytes(report())
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    with pytest.raises(OSError):  # even when the import stops with an error
        ingest_paths([str(tmp_path / "a.txt")], progress=False, on_outcome=_fail)
    summary = ingest_paths([str(tmp_path)], progress=False)
    assert summary.unchanged == 1
    # While it wrote, few collections and none over what existed before; after, as before.
    assert seen and all(threshold >= 50_000 and was_frozen for threshold, was_frozen in seen)
    assert gc.get_threshold() == before and gc.get_freeze_count() == frozen


def _fail(outcome):
    raise OSError("the caller's disk is full")


def test_overlapping_imports_leave_the_collector_as_it_was_when_the_last_ends():
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    first, second = ingest._fewer_collections(), ingest._fewer_collections()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first import ends while the second still runs
    assert gc.get_threshold()[0] >= 50_000
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before and gc.get_freeze_count() == frozen


def test_an_upload_over_the_mention_limit_is_rejected_and_nothing_of_it_kept(settings):
    from articles.models import Mention
    from tests.factories import make_place

    settings.NEWSMAP_MAX_MENTIONS_PER_REPORT = 5
    make_place("Mosul", slug="mosul")
    outcomes = ingest_uploads(
        [
            SimpleUploadedFile("repeats.txt", report(body="Forces entered Mosul. " * 6)),
            SimpleUploadedFile("good.txt", report(title="Fine", body="Forces entered Mosul.")),
        ]
    )
    assert [o.status for o in outcomes] == [Status.REJECTED, Status.IMPORTED]
    assert outcomes[0].reason == (
        "names places at least 6 times, over the 5 limit (NEWSMAP_MAX_MENTIONS_PER_REPORT)"
    )
    assert list(Article.objects.values_list("title", flat=True)) == ["Fine"]
    assert Mention.objects.count() == 1


def test_a_write_that_lost_a_race_is_tried_once_more_and_its_refusal_still_reads(
    settings, monkeypatch
):
    # Another process stored the same report between the lookup and the insert: the second
    # try sees its row. A refusal found on that try is a refusal, not a failure to store.
    from django.db import IntegrityError

    from tests.factories import make_place

    write = ingest._write
    calls = []

    def racing(parsed, **fields):
        calls.append(parsed.title)
        if len(calls) == 1:
            raise IntegrityError("UNIQUE constraint failed: articles_article.identity")
        return write(parsed, **fields)

    monkeypatch.setattr(ingest, "_write", racing)
    assert ingest_report(report(), origin="a").status == Status.IMPORTED
    assert len(calls) == 2 and Article.objects.count() == 1

    calls.clear()
    settings.NEWSMAP_MAX_MENTIONS_PER_REPORT = 1
    make_place("Mosul", slug="mosul")
    outcome = ingest_report(report(title="Other", body="Troops entered Mosul. " * 2), origin="b")
    assert (outcome.status, outcome.reason) == (
        Status.REJECTED,
        "names places at least 2 times, over the 1 limit (NEWSMAP_MAX_MENTIONS_PER_REPORT)",
    )
    assert len(calls) == 2 and Article.objects.count() == 1
