"""import_articles: every bad input rejected with a one-line reason, the good ones imported."""

from __future__ import annotations

import io
import json
import shutil
import tracemalloc
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from articles.models import Article, Mention, RelatedItem
from tests.factories import make_place

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parent.parent / "articles" / "data" / "reports"


def run(*args: str, stdin: io.BytesIO | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    extra = {"stdin": stdin} if stdin is not None else {}
    try:
        call_command("import_articles", *args, stdout=out, stderr=err, **extra)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def report(
    title: str = "Iraqi forces enter al-Zahour",
    *,
    dateline: str = "Fri Nov 4, 2016 18:47:52",
    body: str = "Iraqi forces entered al-Zahour on Friday.",
    tail: str = "",
) -> str:
    return f"{title}\n\n{dateline}\n\n{body}\n" + (f"\n\n{tail}\n" if tail else "")


@pytest.fixture
def good(tmp_path) -> Path:
    path = tmp_path / "good.txt"
    path.write_text(report(title="A good report"))
    return path


def assert_only_good_imported(good_path: Path) -> None:
    assert list(Article.objects.values_list("title", "origin")) == [
        ("A good report", str(good_path))
    ]


def test_it_imports_the_seeds_and_a_second_run_changes_nothing():
    code, out, err = run(str(SEEDS))
    assert (code, out, err) == (0, "imported 2, updated 0, unchanged 0, rejected 0\n", "")
    assert Article.objects.count() == 2
    assert RelatedItem.objects.count() == 8
    code, out, err = run(str(SEEDS))
    assert (code, out.splitlines()[-1]) == (0, "imported 0, updated 0, unchanged 2, rejected 0")


def test_it_reads_a_report_from_standard_input():
    code, out, _ = run("-", stdin=io.BytesIO(report().encode()))
    assert (code, out) == (0, "imported 1, updated 0, unchanged 0, rejected 0\n")
    assert Article.objects.get().origin == "<stdin>"


def test_standard_input_is_read_once_even_if_named_twice():
    code, out, err = run("-", "-", stdin=io.BytesIO(report().encode()))
    assert (code, out) == (0, "imported 1, updated 0, unchanged 0, rejected 0\n")
    assert err == "<stdin>: skipped: standard input was already read in this run\n"


def test_it_expands_globs(tmp_path):
    for name in ("a.txt", "b.txt", "c.md"):
        (tmp_path / name).write_text(report(title=name))
    code, out, _ = run(str(tmp_path / "*.txt"))
    assert (code, out) == (0, "imported 2, updated 0, unchanged 0, rejected 0\n")


def test_it_rejects_a_path_that_does_not_exist_and_a_glob_that_matches_nothing(tmp_path, good):
    missing, pattern = str(tmp_path / "missing.txt"), str(tmp_path / "nothing*.txt")
    code, out, err = run(missing, pattern, str(good))
    assert code == 1
    assert out == "imported 1, updated 0, unchanged 0, rejected 2\n"
    assert err.splitlines() == [
        f"{missing}: cannot read: No such file or directory",
        f"{pattern}: no file matches this pattern",
    ]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        (
            "binary.txt",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00",
            "binary file (contains NUL bytes), not a text report",
        ),
        (
            "ambiguous.txt",
            report(title="Mosul\x81x report").encode("latin-1"),
            "not UTF-8 and not unambiguously Windows-1256 (Arabic) or Latin-1; save it as UTF-8",
        ),
        (
            "no-dateline.txt",
            b"Forces advance\n\nThey advanced.\n",
            "no dateline after the headline: found 'They advanced.' "
            "(expected e.g. 'Fri Nov 4, 2016 18:47:52')",
        ),
        (
            "bad-dateline.txt",
            report(dateline="Fri Nov 31, 2016 18:47:52").encode(),
            "dateline 'Fri Nov 31, 2016 18:47:52' does not parse: day is out of range for month",
        ),
        (
            "no-body.txt",
            b"Forces advance\n\nFri Nov 4, 2016 18:47:52\n",
            "headline and dateline but no body",
        ),
    ],
)
def test_it_rejects_a_bad_file_by_name_and_imports_the_good_one(
    tmp_path, good, name, content, reason
):
    bad = tmp_path / name
    bad.write_bytes(content)
    code, out, err = run(str(bad), str(good))
    assert code == 1
    assert out == "imported 1, updated 0, unchanged 0, rejected 1\n"
    assert err == f"{bad}: {reason}\n"
    assert_only_good_imported(good)


def test_it_rejects_a_date_in_the_future(tmp_path, good):
    bad = tmp_path / "future.txt"
    bad.write_text(report(dateline="Fri Jan 1, 2100 12:00:00"))
    code, out, err = run(str(bad), str(good))
    assert code == 1
    assert err.startswith(f"{bad}: dateline 'Fri Jan 1, 2100 12:00:00' is in the future")
    assert_only_good_imported(good)


@pytest.mark.parametrize(
    ("encoding", "title"),
    [
        ("cp1256", "القوات العراقية تدخل حي الزهور"),
        ("latin-1", "Kämpfe um Mossul: Straße gesperrt"),
    ],
)
def test_it_decodes_legacy_encodings_where_unambiguous_and_warns(tmp_path, encoding, title):
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(
        report(title=title, body="النص" if encoding == "cp1256" else "Café.").encode(encoding)
    )
    code, out, err = run(str(path))
    assert (code, out) == (0, "imported 1, updated 0, unchanged 0, rejected 0\n")
    assert err.startswith(f"{path}: warning: not UTF-8; decoded as ")
    assert Article.objects.get().title == title


def test_it_rejects_a_file_over_the_size_limit(tmp_path, good, settings):
    settings.NEWSMAP_MAX_REPORT_BYTES = 2_000
    bad = tmp_path / "big.txt"
    bad.write_text(report(body="x" * 3_000))
    code, out, err = run(str(bad), str(good))
    assert code == 1
    assert err == (
        f"{bad}: file is {bad.stat().st_size:,} bytes, over the 2,000 bytes limit "
        "(NEWSMAP_MAX_REPORT_BYTES)\n"
    )
    assert_only_good_imported(good)


def test_it_rejects_a_huge_file_without_reading_it(tmp_path, good):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # sparse: 3 GB on paper, nothing on disk
        handle.truncate(3 * 1024**3)
    tracemalloc.start()
    try:
        code, _, err = run(str(huge), str(good))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 1
    assert err == (f"{huge}: file is 3072.0 MB, over the 5.0 MB limit (NEWSMAP_MAX_REPORT_BYTES)\n")
    assert peak < 1024 * 1024  # less than the 5 MB limit: not even the first 5 MB were read
    assert_only_good_imported(good)


def test_a_related_block_with_a_wrong_byte_count_is_a_warning_and_the_report_imports(tmp_path):
    payload = json.dumps([{"id": "1", "title": "Related", "pic": "/2016/11/04/a.jpg"}])
    path = tmp_path / "related.txt"
    path.write_text(report(tail=f'string({len(payload) + 5}) "{payload}"'))
    code, out, err = run(str(path))
    assert (code, out) == (0, "imported 1, updated 0, unchanged 0, rejected 0\n")
    assert err == (
        f"{path}: warning: related block says {len(payload) + 5} bytes but holds {len(payload)}; "
        "dropped (the report is imported without it)\n"
    )
    assert Article.objects.get().related_items.count() == 0


def test_a_related_block_cut_short_is_a_warning_and_the_report_imports(tmp_path):
    seed = sorted(SEEDS.glob("*.txt"))[0].read_text()
    path = tmp_path / "cut.txt"
    path.write_text(seed[: seed.index('"title":"US-Led')])
    code, out, err = run(str(path))
    assert (code, out) == (0, "imported 1, updated 0, unchanged 0, rejected 0\n")
    assert err.startswith(f"{path}: warning: related block is cut short: says 949 bytes")
    article = Article.objects.get()
    assert len(article.paragraphs()) == 7
    assert article.related_items.count() == 0


def test_the_same_file_twice_in_one_run_is_imported_once_and_reported(tmp_path, good):
    code, out, err = run(str(good), str(tmp_path), str(good))
    assert (code, out) == (0, "imported 1, updated 0, unchanged 0, rejected 0\n")
    assert (
        err.splitlines()
        == [
            f"{good}: skipped: same file as one already read in this run; read once",
        ]
        * 2
    )
    assert Article.objects.count() == 1


def test_a_changed_report_is_counted_as_updated(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(report())
    run(str(path))
    path.write_text(report(body="A corrected body."))
    code, out, _ = run(str(path))
    assert (code, out) == (0, "imported 0, updated 1, unchanged 0, rejected 0\n")
    assert Article.objects.get().revisions.count() == 1


def test_a_directory_of_mixed_files_imports_the_good_and_names_each_bad_one(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "seeds" / "empty.txt").write_bytes(b"")
    (tmp_path / "seeds" / "readme.md").write_text("not a report")
    code, out, err = run(str(tmp_path))
    assert code == 1
    assert out == "imported 2, updated 0, unchanged 0, rejected 1\n"
    assert err == f"{tmp_path / 'seeds' / 'empty.txt'}: empty file\n"


def test_it_rejects_a_report_that_names_places_over_the_mention_limit(tmp_path, good, settings):
    # Each mention is a row with its sentence: a few megabytes repeating one name would be a
    # gigabyte of rows. The limit is a setting; the rest of the run goes through.
    from tests.factories import make_place

    settings.NEWSMAP_MAX_MENTIONS_PER_REPORT = 20
    make_place("Mosul", slug="mosul")
    bad = tmp_path / "repeats.txt"
    bad.write_text(report(body="Forces entered Mosul. " * 30))
    code, out, err = run(str(bad), str(good))
    assert code == 1
    assert err == (
        f"{bad}: names places at least 30 times, over the 20 limit "
        "(NEWSMAP_MAX_MENTIONS_PER_REPORT)\n"
    )
    assert out == "imported 1, updated 0, unchanged 0, rejected 1\n"
    assert_only_good_imported(good)


def _planner_rows(table: str) -> int:
    """How many rows the query planner believes `table` holds (0 if it holds no statistics)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if not cursor.fetchone()[0]:
                return 0
            # One row per index, each counting its own rows: a partial index counts fewer.
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
            return max((int(stat.split()[0]) for (stat,) in cursor.fetchall()), default=0)
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return max(0, int(cursor.fetchone()[0]))


def test_an_import_leaves_the_planner_statistics_of_the_tables_it_grew():
    from articles.mentions import refresh_report_statistics

    make_place("Zahour", slug="zahour")
    refresh_report_statistics()  # what the planner knows before: empty tables
    assert _planner_rows("articles_article") == 0
    assert run(str(SEEDS))[0] == 0
    assert _planner_rows("articles_article") == Article.objects.count() == 2
    assert _planner_rows("articles_relateditem") == RelatedItem.objects.count() == 8
    assert _planner_rows("articles_mention") == Mention.objects.count() > 0
