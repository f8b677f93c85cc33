"""Import end to end (parse, geoparse, database writes) into SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import os
import shutil
import time
from pathlib import Path

from benchmarks import dbtasks
from benchmarks.corpus import CorpusGenerator, build_gazetteer, write_corpus
from benchmarks.report import WORK_DIR, Results, Row

log = logging.getLogger(__name__)
POSTGRES_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/test"
# One database per run (by process id), so two runs on one server never drop each other's.
POSTGRES_BENCH_DB = f"newsmap_bench_{os.getpid()}"
NAMES = 10_000


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def fresh_sqlite(name: str) -> Path:
    """A new empty SQLite path under var/bench/, with any old file and journal removed."""
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    path = WORK_DIR / name
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def prepared_sqlite(name: str, seed: int, results: Results,
                    max_synthetic: int | None = None) -> Path:
    """A migrated SQLite file with the shipped and synthetic gazetteer, copied from a template."""
    # Templates live in this run's work directory, removed at its end, so never stale.
    template = WORK_DIR / f"template-{seed}-{max_synthetic or 'all'}.sqlite3"
    if not template.exists():
        building = fresh_sqlite(f"{template.stem}.building.sqlite3")
        t0 = time.perf_counter()
        info = dbtasks.call("prepare", {"names": NAMES, "seed": seed,
                                        "max_synthetic": max_synthetic}, sqlite_url(building), 300)
        results.seconds[f"prepare {template.name} (migrate, gazetteer)"] = (
            time.perf_counter() - t0)
        results.notes.append(f"{name}: gazetteer in the database: {info['places']:,} places, "
                             f"{info['aliases']:,} aliases")
        building.rename(template)
    path = fresh_sqlite(name)
    shutil.copyfile(template, path)
    return path


def _postgres_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN_URL.replace("postgres://", "postgresql://"),
                         autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def parse_only_rate(paths: list[Path]) -> float:
    """Reports/s of reading and parsing the same files with no geoparsing and no database."""
    from articles.parsing import parse_report

    t0 = time.perf_counter()
    for path in paths:
        parse_report(path.read_bytes(), source_timezone="Asia/Baghdad")
    return len(paths) / (time.perf_counter() - t0)


def _row(results: Results, database: str, info: dict, wall: float, count: int,
         floor: float | None) -> None:
    rate = count / info["seconds"] if info["seconds"] else None
    target = "≥ 1,000 reports/s" if database == "SQLite" else ""
    results.add(Row(
        "Import", f"import_articles into {database}", rate, "reports/s",
        against="read + parse only", against_value=floor,
        ratio=rate / floor if rate and floor else None, target=target,
        passed=(rate >= 1_000) if (rate is not None and target) else None,
        note=f"{count:,} files, {info['mentions']:,} mentions; process wall {wall:.1f} s "
        "incl. start-up",
    ))
    if info["status"] != 0 or info["articles"] != count:
        results.errors.append(f"import into {database}: exit {info['status']}, "
                              f"{info['articles']} of {count} imported; {info['last_line']} "
                              f"{info['stderr'][-300:]}")


def run(results: Results, quick: bool, seed: int = 1) -> None:
    """Generate files, then import them into a fresh SQLite file and a fresh PostgreSQL database."""
    count = 200 if quick else 10_000
    gazetteer = build_gazetteer(NAMES, seed)
    corpus_dir = WORK_DIR / f"corpus-{seed}-{count}"
    if corpus_dir.exists():
        shutil.rmtree(corpus_dir)
    reports = list(CorpusGenerator(gazetteer, seed).reports(count))
    paths = write_corpus(corpus_dir, reports)
    floor = None
    try:
        floor = parse_only_rate(paths)
    except Exception as exc:  # noqa: BLE001 - one failed part must not lose the others
        results.errors.append(f"import: parser could not run: {exc!r}")
    try:
        path = prepared_sqlite("import.sqlite3", seed, results)
        t0 = time.perf_counter()
        info = dbtasks.call("import", {"directory": str(corpus_dir)}, sqlite_url(path),
                            timeout=120 if quick else 900)
        _row(results, "SQLite", info, time.perf_counter() - t0, count, floor)
        fresh_sqlite("import.sqlite3")
    except Exception as exc:  # noqa: BLE001 - one failed part must not lose the others
        results.errors.append(f"import into SQLite: {exc}")
    try:
        _postgres_admin(f"DROP DATABASE IF EXISTS {POSTGRES_BENCH_DB} WITH (FORCE)")
        _postgres_admin(f"CREATE DATABASE {POSTGRES_BENCH_DB}")
    except Exception as exc:  # noqa: BLE001
        results.errors.append(f"import into PostgreSQL: no server to use ({exc})")
        return
    try:
        url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{POSTGRES_BENCH_DB}"
        t0 = time.perf_counter()
        dbtasks.call("prepare", {"names": NAMES, "seed": seed}, url, 300)
        results.seconds["prepare PostgreSQL (migrate, gazetteer)"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        info = dbtasks.call("import", {"directory": str(corpus_dir)}, url,
                            timeout=120 if quick else 900)
        _row(results, "PostgreSQL", info, time.perf_counter() - t0, count, floor)
    except Exception as exc:  # noqa: BLE001
        results.errors.append(f"import into PostgreSQL: {exc}")
    finally:
        _postgres_admin(f"DROP DATABASE IF EXISTS {POSTGRES_BENCH_DB} WITH (FORCE)")
        shutil.rmtree(corpus_dir, ignore_errors=True)
