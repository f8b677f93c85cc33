"""The database-free half of an import: read a file, parse it, geoparse it (in worker processes).

Reading, parsing and geoparsing a report cost more than storing it, and need nothing from the
database but the matcher. A long import runs them in worker processes forked from the importing
one, which inherit its matcher, so they use the gazetteer as it was when the import started; the
importing process keeps every database write. Results come back in input order, a bounded number
of chunks ahead, so memory stays flat however many files there are.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections

from articles.geoparse import FoundMention, Matcher, TooManyMentions, geoparse
from articles.parsing import (
    ParsedReport,
    ReportRejected,
    content_hash,
    parse_report,
    report_identity,
)

# Files per chunk sent to a worker.
CHUNK = 16
# Runs shorter than this stay in-process: forking costs more than it saves.
MIN_FILES_FOR_WORKERS = 100

# The matcher workers geoparse with: set before forking, inherited by the workers.
_worker_matcher: Matcher | None = None


@dataclass
class Prepared:
    """A parsed report, its identity and content hash, and what the geoparser found in it."""

    origin: str
    parsed: ParsedReport
    identity: str
    digest: str
    found: list[FoundMention]


@dataclass
class Refused:
    """An input that will not be stored, and why (status is an ingest.Status value)."""

    origin: str
    status: str
    reason: str


@dataclass(frozen=True)
class FileJob:
    """A regular file of known size, checked against the size limit, to read and prepare."""

    origin: str
    path: str
    size: int
    limit: int


Job = FileJob | Prepared | Refused


def publication_day(published_at: dt.datetime, source_timezone: str) -> dt.date:
    """The day the source published a report, in the source's own time zone."""
    return published_at.astimezone(ZoneInfo(source_timezone)).date()


def prepare_bytes(
    data: bytes, *, origin: str, source_timezone: str, matcher: Matcher
) -> Prepared | Refused:
    """Parse one report's bytes and geoparse it as a new report would be."""
    try:
        parsed = parse_report(data, source_timezone=source_timezone)
        found = geoparse_within_limit(
            parsed.title,
            parsed.body,
            [item.title for item in parsed.related],
            publication_day(parsed.published_at, source_timezone),
            matcher,
        )
    except ReportRejected as exc:
        return Refused(origin, "rejected", exc.reason)
    identity = report_identity(parsed.title, parsed.published_at)
    return Prepared(origin, parsed, identity, content_hash(parsed.text), found)


def geoparse_within_limit(
    title: str, body: str, related_titles: list[str], published: dt.date, matcher: Matcher
) -> list[FoundMention]:
    """geoparse, stopped as soon as the report names places more often than
    NEWSMAP_MAX_MENTIONS_PER_REPORT: then ReportRejected, saying so."""
    try:
        return geoparse(
            title,
            body,
            related_titles,
            published,
            matcher,
            limit=settings.NEWSMAP_MAX_MENTIONS_PER_REPORT,
        )
    except TooManyMentions as exc:
        setting = "NEWSMAP_MAX_MENTIONS_PER_REPORT"
        reason = f"names places at least {exc.at_least:,} times, over the {exc.limit:,} limit"
        raise ReportRejected(f"{reason} ({setting})") from None


def read_file(path: Path, size: int, limit: int) -> bytes:
    """A file's bytes, reading no more than `limit` + 1 of them; OSError if it cannot be read."""
    with path.open("rb") as handle:
        # read(n) allocates n bytes up front: ask for the size stat gave, not the limit.
        data = handle.read(size + 1)
        if len(data) > size:  # it grew after stat
            data += handle.read(limit + 1 - len(data))
    return data


def too_big(origin: str, size: int, limit: int, *, what: str = "file is") -> Refused:
    reason = f"{what} {_size(size)}, over the {_size(limit)} limit (NEWSMAP_MAX_REPORT_BYTES)"
    return Refused(origin, "rejected", reason)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


def run_job(job: Job, source_timezone: str, matcher: Matcher) -> Prepared | Refused:
    """Carry out one job; a job that is already a result is returned as it is."""
    if not isinstance(job, FileJob):
        return job
    try:
        data = read_file(Path(job.path), job.size, job.limit)
    except OSError as exc:
        return Refused(job.origin, "rejected", f"cannot read: {exc.strerror or exc}")
    if len(data) > job.limit:
        return too_big(job.origin, len(data), job.limit)
    return prepare_bytes(data, origin=job.origin, source_timezone=source_timezone, matcher=matcher)


def _run_chunk(jobs: list[Job], source_timezone: str) -> list[Prepared | Refused]:
    """In a worker: carry out a chunk of jobs with the inherited matcher."""
    assert _worker_matcher is not None, "workers are forked after the matcher is set"  # noqa: S101  # nosec B101
    return [run_job(job, source_timezone, _worker_matcher) for job in jobs]


def _watch_parent(parent: int) -> None:
    """In a worker: exit when the importing process is gone (killed), rather than linger."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="newsmap-parent-watch", daemon=True).start()


def worker_count() -> int:
    """NEWSMAP_IMPORT_WORKERS, or one per core.

    One per core, not one fewer to leave the importing process its own: it waits on the disk at
    each commit and the two halves never balance exactly, so on two cores two workers beside it
    imported a quarter faster than one (interleaved runs of 10,000 reports). 0 keeps everything
    in the importing process. Workers need the fork start method (Linux and other Unix
    systems); elsewhere an import runs in one process.
    """
    configured = getattr(settings, "NEWSMAP_IMPORT_WORKERS", None)
    if configured is not None:
        return max(0, int(configured))
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, cores or 1)


def prepared(
    jobs: Iterable[Job],
    *,
    source_timezone: str,
    matcher: Matcher,
    workers: int,
    ahead: int = 4 * CHUNK,
) -> Iterator[Prepared | Refused]:
    """Results of the jobs in input order: in this process, or in workers for a long run.

    Workers keep up to `ahead` jobs in flight beyond the one the caller waits for. While the
    caller is busy (writing a batch), that is all the work they can do: a window smaller than
    the caller's batch leaves them idle for most of each write.
    """
    jobs = iter(jobs)
    head = list(islice(jobs, MIN_FILES_FOR_WORKERS)) if workers > 0 else []
    if len(head) < MIN_FILES_FOR_WORKERS:
        for job in chain(head, jobs):
            yield run_job(job, source_timezone, matcher)
        return
    window = max(2 * workers, -(-ahead // CHUNK))
    yield from _in_workers(head, jobs, source_timezone, matcher, workers, window)


def _in_workers(
    head: list[Job],
    rest: Iterator[Job],
    source_timezone: str,
    matcher: Matcher,
    workers: int,
    window_chunks: int,
) -> Iterator[Prepared | Refused]:
    global _worker_matcher
    _worker_matcher = matcher
    # Workers never touch the database; outside a transaction, close the connections so they
    # do not even inherit the sockets (reopened on the next query).
    if not any(conn.in_atomic_block for conn in connections.all(initialized_only=True)):
        connections.close_all()
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_watch_parent,
        initargs=(os.getpid(),),
    )
    try:
        window: deque[Future] = deque()
        chunks = _chunks(chain(head, rest))
        for chunk in chunks:
            window.append(pool.submit(_run_chunk, chunk, source_timezone))
            if len(window) >= window_chunks:
                yield from window.popleft().result()
        while window:
            yield from window.popleft().result()
    finally:
        _worker_matcher = None
        pool.shutdown(wait=True, cancel_futures=True)


def _chunks(jobs: Iterator[Job]) -> Iterator[list[Job]]:
    while chunk := list(islice(jobs, CHUNK)):
        yield chunk
