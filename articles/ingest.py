"""The one ingest pipeline: parse -> store -> geoparse, then geocode what is still unresolved.

Files, standard input, admin uploads and feed entries all end in `_store`, one transaction per
report (a savepoint when `ingest_paths` groups reports into batches: see `_batches`). Identity:
sha256 of the normalised headline and the dateline's wall-clock time (files), or
of "url:" + link (anything imported with a URL, i.e. feed entries). Same identity and same raw text
-> unchanged; same identity and different raw text -> updated: the previous raw text is kept as an
ArticleRevision, the fields and related items are replaced and the report is geoparsed again.
"""

from __future__ import annotations

import contextlib
import enum
import gc
import glob
import logging
import os
import stat as stat_mode
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from tqdm import tqdm

from articles import feeds, prepare, timeline
from articles.bulk import insert_rows
from articles.geocoding import geocode_unresolved
from articles.geoparse import Matcher
from articles.matcher import get_matcher
from articles.mentions import (
    geoparse_article,
    geoparse_new_article,
    refresh_report_statistics,
    store_new_mentions,
)
from articles.models import Article, ArticleRevision, RelatedItem
from articles.parsing import (
    ParsedReport,
    RelatedItemData,
    ReportRejected,
    content_hash,
    parse_report,
    report_identity,
    url_identity,
)

log = logging.getLogger(__name__)

STDIN = "<stdin>"
FEED_TIMEOUT = 20.0  # seconds to wait for a feed server
_MAX_ORIGIN = 1000
_GLOB_CHARS = frozenset("*?[")
_STDIN_KEY = (-1, -1)  # stands for "-" among the (device, inode) pairs of files read
# A commit per report costs more than parsing and geoparsing it; a batch commits every so many
# reports or seconds, which bounds what a killed import loses (a rerun imports it, once).
BATCH_REPORTS = 500
BATCH_SECONDS = 1.0


class Status(enum.StrEnum):
    IMPORTED = "imported"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"
    SKIPPED = "skipped"  # the same file or feed URL a second time in one run


@dataclass
class Outcome:
    """What happened to one input: a file, an upload or a feed entry."""

    status: Status
    article: Article | None = None
    reason: str = ""
    warnings: list[str] = field(default_factory=list)
    origin: str = ""


@dataclass
class Summary:
    """Counts for one run; `line()` is the last line the commands print."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    skipped: int = 0

    def add(self, outcome: Outcome) -> None:
        setattr(self, outcome.status.value, getattr(self, outcome.status.value) + 1)

    def line(self) -> str:
        return (
            f"imported {self.imported}, updated {self.updated}, "
            f"unchanged {self.unchanged}, rejected {self.rejected}"
        )


OutcomeCallback = Callable[[Outcome], None]


def ingest_report(
    data: bytes, *, origin: str, url: str = "", source: str = "", geocode: bool = True
) -> Outcome:
    """Parse and store one report's bytes; a URL, when given, is its identity.

    Without `geocode` the caller geocodes later with `geocode_outcome` (after its commit).
    """
    try:
        parsed = parse_report(data, source_timezone=source_timezone())
    except ReportRejected as exc:
        return Outcome(Status.REJECTED, reason=exc.reason, origin=origin)
    identity = url_identity(url) if url else report_identity(parsed.title, parsed.published_at)
    outcome = _store(parsed, identity=identity, origin=origin, url=url, source=source)
    if geocode:
        geocode_outcome(outcome)
    return outcome


def ingest_feed_entry(entry: feeds.FeedEntry, *, origin: str, source: str) -> Outcome:
    """Store one feed entry as a report identified by its link."""
    try:
        parsed = feeds.entry_report(entry, source=source, source_timezone=source_timezone())
    except ReportRejected as exc:
        return Outcome(Status.REJECTED, reason=exc.reason, origin=origin)
    outcome = _store(
        parsed, identity=url_identity(entry.link), origin=origin, url=entry.link, source=source
    )
    geocode_outcome(outcome)
    return outcome


def ingest_feeds(locations: Iterable[str], *, on_outcome: OutcomeCallback | None = None) -> Summary:
    """Import every entry of each feed (URL or path), each link once per run."""
    summary, seen_links = Summary(), set()
    for location in locations:
        try:
            feed = feeds.read_feed(
                location, max_bytes=settings.NEWSMAP_MAX_REPORT_BYTES, timeout=FEED_TIMEOUT
            )
        except feeds.FeedRejected as exc:
            outcome = Outcome(Status.REJECTED, reason=exc.reason, origin=location)
            _record(summary, outcome, on_outcome)
            continue
        for number, entry in enumerate(feed.entries, 1):
            origin = f"{location} entry {number}" + (f" ({entry.link})" if entry.link else "")
            if entry.link and entry.link in seen_links:
                reason = "same link as an earlier entry in this run; imported once"
                outcome = Outcome(Status.SKIPPED, reason=reason, origin=origin)
            else:
                seen_links.add(entry.link)
                outcome = ingest_feed_entry(entry, origin=origin, source=feed.title)
            _record(summary, outcome, on_outcome)
    if summary.imported or summary.updated:
        refresh_report_statistics()
    return summary


def ingest_paths(
    paths: list[str],
    *,
    progress: bool,
    stdin: BinaryIO | None = None,
    on_outcome: OutcomeCallback | None = None,
) -> Summary:
    """Import files, directories (recursive *.txt), globs and "-" (standard input), streaming.

    Reading, parsing and geoparsing run ahead of the writes, in worker processes for a long run
    (see articles.prepare); the writes go in batches, one transaction each.
    """
    summary = Summary()
    seen: set[tuple[int, int]] = set()
    limit = settings.NEWSMAP_MAX_REPORT_BYTES
    zone = source_timezone()
    matcher = get_matcher()

    def screen(origin: str, path: Path | str | None) -> prepare.Job:
        if path is None and _STDIN_KEY in seen:
            reason = "standard input was already read in this run"
            return prepare.Refused(origin, Status.SKIPPED, reason)
        if path is None:
            seen.add(_STDIN_KEY)
            return _read_stream(stdin or sys.stdin.buffer, limit, zone, matcher)
        if isinstance(path, str):  # a problem found while expanding the argument
            return prepare.Refused(origin, Status.REJECTED, path)
        return screen_file(origin, path, limit=limit, seen=seen)

    jobs = (screen(origin, path) for origin, path in _expand(paths))
    # Two batches in flight: the workers prepare the next one while this process writes one.
    results = prepare.prepared(
        jobs,
        source_timezone=zone,
        matcher=matcher,
        workers=prepare.worker_count(),
        ahead=2 * BATCH_REPORTS,
    )
    with (
        tqdm(unit=" files", disable=not progress, file=sys.stderr, mininterval=0.5) as bar,
        timeline.import_session(),
        _fewer_collections(),
    ):
        for outcomes in _batches(results):
            # Only now, after the commit, is a report said to be imported, and geocoded: no
            # network call ever holds the database's write lock.
            for outcome in outcomes:
                geocode_outcome(outcome)
                bar.update(1)
                if progress and _has_message(outcome):
                    with tqdm.external_write_mode(file=sys.stderr):
                        _record(summary, outcome, on_outcome)
                else:
                    _record(summary, outcome, on_outcome)
    if summary.imported or summary.updated:
        refresh_report_statistics()
    return summary


_gc_lock = threading.Lock()
_gc_state: dict = {"imports": 0, "threshold": None}


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Spare a long import the cyclic garbage collector's walks over what it keeps alive.

    A batch holds thousands of rows and results at once, so with the default threshold the
    collector ran some 1,600 times in a 10,000-report import, 13 of them over the whole heap
    (the matcher, the session's places): about 1.7 s of a 10 s import. What exists when the
    import starts (the matcher) is frozen out of the collector's sight, and it runs a young
    collection every 50,000 surviving new containers instead of 700. The workers, forked
    inside, inherit both. The collector's settings belong to the process: imports that
    overlap (two uploads in one web process) share them, and the last to finish restores them.
    """
    with _gc_lock:
        _gc_state["imports"] += 1
        if _gc_state["imports"] == 1:
            _gc_state["threshold"] = threshold = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(max(threshold[0], 50_000), *threshold[1:])
    try:
        yield
    finally:
        with _gc_lock:
            _gc_state["imports"] -= 1
            if not _gc_state["imports"]:
                gc.set_threshold(*_gc_state["threshold"])
                gc.unfreeze()


def _batches(results: Iterable[prepare.Prepared | prepare.Refused]) -> Iterator[list[Outcome]]:
    """Store prepared reports in transactions of up to BATCH_REPORTS or BATCH_SECONDS each.

    Reports are gathered first and written together, so the write lock is held only while
    writing. Each report that cannot go in with the batch's bulk insert is stored in its own
    savepoint: a report that fails rolls back alone and the batch goes on. A batch is yielded
    after its commit; a kill loses at most the uncommitted batch, never part of a report.
    """
    pending = iter(results)
    while True:
        batch: list[prepare.Prepared | prepare.Refused] = []
        started = time.monotonic()
        for result in pending:
            batch.append(result)
            if len(batch) >= BATCH_REPORTS or time.monotonic() - started > BATCH_SECONDS:
                break
        if not batch:
            return
        # Status periods are rebuilt once per batch, for every place it touched, before commit.
        with transaction.atomic(), timeline.deferred():
            outcomes = _write_batch(batch)
        yield outcomes


def _write_batch(batch: list[prepare.Prepared | prepare.Refused]) -> list[Outcome]:
    """Store a batch: new reports in one bulk insert, the rest one by one; outcomes in order."""
    outcomes: list[Outcome | None] = [None] * len(batch)
    reports = [(n, r) for n, r in enumerate(batch) if isinstance(r, prepare.Prepared)]
    for n, result in enumerate(batch):
        if isinstance(result, prepare.Refused):
            outcomes[n] = Outcome(Status(result.status), reason=result.reason, origin=result.origin)
    stored = set(
        Article.objects.filter(identity__in={r.identity for _, r in reports}).values_list(
            "identity", flat=True
        )
    )
    # New identities, once each, go in together; a stored or repeated one is an update or
    # unchanged, decided one by one after them (so a repeat sees the first).
    fresh: list[tuple[int, prepare.Prepared]] = []
    one_by_one: list[tuple[int, prepare.Prepared]] = []
    for n, report in reports:
        if report.identity in stored:
            one_by_one.append((n, report))
        else:
            fresh.append((n, report))
            stored.add(report.identity)
    try:
        with transaction.atomic():
            articles = _insert_new(fresh)
    except Exception:
        # Something in the bulk insert failed: store each report alone to find which.
        log.info("bulk insert of %d reports failed; storing them one by one", len(fresh))
        one_by_one = sorted(fresh + one_by_one, key=lambda pair: pair[0])
    else:
        for (n, report), article in zip(fresh, articles, strict=True):
            outcomes[n] = Outcome(
                Status.IMPORTED,
                article=article,
                warnings=list(report.parsed.warnings),
                origin=report.origin,
            )
    for n, report in one_by_one:
        outcomes[n] = _store(
            report.parsed, identity=report.identity, origin=report.origin, url="", source=""
        )
    return outcomes  # type: ignore[return-value]  # every slot is filled above


def _insert_new(fresh: list[tuple[int, prepare.Prepared]]) -> list[Article]:
    """INSERT new reports, their related items and mentions in a few statements; the articles."""
    if not fresh:
        return []
    articles = [
        Article(
            identity=r.identity,
            title=r.parsed.title,
            published_at=r.parsed.published_at,
            body=r.parsed.body,
            source=r.parsed.source,
            url="",
            origin=r.origin[-_MAX_ORIGIN:],
            raw_text=r.parsed.text,
            content_hash=r.digest,
        )
        for _, r in fresh
    ]
    insert_rows(
        Article,
        [
            {f.attname: getattr(a, f.attname) for f in Article._meta.concrete_fields}
            for a in articles
        ],
    )
    ids = dict(
        Article.objects.filter(identity__in=[a.identity for a in articles]).values_list(
            "identity", "pk"
        )
    )
    for article in articles:
        article.pk = ids[article.identity]
        article._state.adding = False
    insert_rows(
        RelatedItem,
        [
            _related_row(article.pk, position, item)
            for article, (_, r) in zip(articles, fresh, strict=True)
            for position, item in enumerate(r.parsed.related)
        ],
    )
    store_new_mentions([(a, r.found) for a, (_, r) in zip(articles, fresh, strict=True)])
    timeline.bump()  # new reports change the timeline's counts
    return articles


def _related_row(article_id: int, position: int, item: RelatedItemData) -> dict:
    return {
        "article_id": article_id,
        "position": position,
        "external_id": item.external_id,
        "sort": item.sort,
        "content_type_id": item.content_type_id,
        "title": item.title,
        "media_kind": item.media_kind,
        "media_path": item.media_path,
        "media_date": item.media_date,
    }


def ingest_uploads(files: Iterable[UploadedFile]) -> list[Outcome]:
    """Import files uploaded through the admin, under the same rules as the command."""
    outcomes = []
    limit = settings.NEWSMAP_MAX_REPORT_BYTES
    for upload in files:
        origin = f"upload {upload.name}"
        if upload.size is not None and upload.size > limit:
            outcomes.append(_too_big(origin, upload.size, limit))
            continue
        data = b"".join(upload.chunks())
        if len(data) > limit:
            outcomes.append(_too_big(origin, len(data), limit))
            continue
        outcomes.append(ingest_report(data, origin=origin))
    return outcomes


def source_timezone() -> str:
    """NEWSMAP_SOURCE_TIMEZONE, checked: the zone datelines without one are read in."""
    name = settings.NEWSMAP_SOURCE_TIMEZONE
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"NEWSMAP_SOURCE_TIMEZONE={name!r} is not an IANA time zone such as 'Asia/Baghdad'"
        ) from None
    return name


def _store(parsed: ParsedReport, *, identity: str, origin: str, url: str, source: str) -> Outcome:
    warnings = list(parsed.warnings)
    fields = {"identity": identity, "origin": origin, "url": url, "source": source}
    try:
        status, article = _write_racing(parsed, **fields)
    except ReportRejected as exc:  # found while geoparsing, inside the write: rolled back
        return Outcome(Status.REJECTED, reason=exc.reason, origin=origin)
    except Exception as exc:
        return _failed(origin, exc)
    return Outcome(status, article=article, warnings=warnings, origin=origin)


def _write_racing(parsed: ParsedReport, **fields: str) -> tuple[Status, Article]:
    try:
        return _write(parsed, **fields)
    except IntegrityError:
        # Another process stored the same identity between our lookup and insert; once more
        # sees its row and becomes an update or "unchanged".
        return _write(parsed, **fields)


def geocode_outcome(outcome: Outcome) -> None:
    """Geocode a stored report's unresolved mentions, if a geocoder is set; failures warn."""
    if (
        outcome.article is None
        or outcome.status not in {Status.IMPORTED, Status.UPDATED}
        or settings.NEWSMAP_GEOCODER == "none"
    ):
        return
    try:
        geocode_unresolved(outcome.article.mentions.unresolved())
    except Exception as exc:
        log.exception("geocoding after importing %s failed", outcome.origin)
        outcome.warnings.append(
            f"geocoding failed ({type(exc).__name__}); run geocode_pending later"
        )


def _write(
    parsed: ParsedReport, *, identity: str, origin: str, url: str, source: str
) -> tuple[Status, Article]:
    digest = content_hash(parsed.text)
    with transaction.atomic():
        # One light query per report (values, not a model: the ORM's cost dominates at 1,000
        # reports/s); the stored raw text is loaded only when it is about to be replaced.
        found = list(
            Article.objects.select_for_update()
            .filter(identity=identity)
            .values_list("pk", "content_hash")
        )
        if found and found[0][1] == digest:
            # A deferred instance: its other fields load if someone reads them.
            stored = Article.from_db(Article.objects.db, ["id", "content_hash"], found[0])
            return Status.UNCHANGED, stored
        if not found:
            status, article = Status.IMPORTED, Article(identity=identity)
        else:
            status, article = Status.UPDATED, Article.objects.get(pk=found[0][0])
            ArticleRevision.objects.create(
                article=article,
                raw_text=article.raw_text,
                content_hash=article.content_hash,
                origin=article.origin,
            )
            article.related_items.all().delete()
        article.title = parsed.title
        article.published_at = parsed.published_at
        article.body = parsed.body
        article.source = source or parsed.source
        article.url = url or article.url
        article.origin = origin[-_MAX_ORIGIN:]
        article.raw_text = parsed.text
        article.content_hash = digest
        article.save()
        insert_rows(
            RelatedItem,
            [_related_row(article.pk, n, item) for n, item in enumerate(parsed.related)],
        )
        if status == Status.IMPORTED:
            geoparse_new_article(article, [item.title for item in parsed.related])
        else:
            geoparse_article(article)
    return status, article


def _failed(origin: str, exc: Exception) -> Outcome:
    log.exception("storing %s failed; nothing of it was kept", origin)
    reason = f"could not be stored ({type(exc).__name__}: {exc}); nothing of it was kept"
    return Outcome(Status.REJECTED, reason=" ".join(reason.split()), origin=origin)


def _has_message(outcome: Outcome) -> bool:
    return outcome.status in {Status.REJECTED, Status.SKIPPED} or bool(outcome.warnings)


def _record(summary: Summary, outcome: Outcome, on_outcome: OutcomeCallback | None) -> None:
    summary.add(outcome)
    if on_outcome is not None:
        on_outcome(outcome)


def screen_file(origin: str, path: Path, *, limit: int, seen: set[tuple[int, int]]) -> prepare.Job:
    """What can be told of a file without reading it: gone, a repeat, too big, or a job."""
    try:
        stat = path.stat()
    except OSError as exc:
        return prepare.Refused(origin, Status.REJECTED, f"cannot read: {exc.strerror or exc}")
    if not stat_mode.S_ISREG(stat.st_mode):
        return prepare.Refused(origin, Status.REJECTED, "not a regular file")
    key = (stat.st_dev, stat.st_ino)
    if key in seen:
        reason = "same file as one already read in this run; read once"
        return prepare.Refused(origin, Status.SKIPPED, reason)
    seen.add(key)
    # Checked before opening, so an oversized file is never read into memory.
    if stat.st_size > limit:
        return prepare.too_big(origin, stat.st_size, limit)
    return prepare.FileJob(origin, str(path), stat.st_size, limit)


def _read_stream(
    stream: BinaryIO, limit: int, zone: str, matcher: Matcher
) -> prepare.Prepared | prepare.Refused:
    stream = getattr(stream, "buffer", stream)
    data = stream.read(limit + 1)
    if isinstance(data, str):
        data = data.encode()
    if len(data) > limit:
        return prepare.too_big(STDIN, len(data), limit, what="input is at least")
    return prepare.prepare_bytes(data, origin=STDIN, source_timezone=zone, matcher=matcher)


def _too_big(origin: str, size: int, limit: int) -> Outcome:
    refused = prepare.too_big(origin, size, limit)
    return Outcome(Status.REJECTED, reason=refused.reason, origin=origin)


def _expand(paths: Iterable[str]) -> Iterator[tuple[str, Path | str | None]]:
    """(origin, Path) per file to read; None for stdin; a str is a reason the argument failed."""
    for raw in paths:
        if raw == "-":
            yield STDIN, None
            continue
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path)
        elif path.exists() or path.is_symlink() or not _GLOB_CHARS.intersection(raw):
            yield raw, path
        else:
            matched = False
            for match in sorted(glob.iglob(raw, recursive=True)):
                matched = True
                match_path = Path(match)
                yield from (_walk(match_path) if match_path.is_dir() else [(match, match_path)])
            if not matched:
                yield raw, "no file matches this pattern"


def _walk(directory: Path) -> Iterator[tuple[str, Path]]:
    # os.walk lists one directory at a time, so a huge tree never becomes one big list.
    for root, dirs, files in os.walk(directory):
        dirs.sort()
        for name in sorted(files):
            if name.lower().endswith(".txt"):
                full = Path(root, name)
                yield str(full), full
