"""RSS and Atom feeds -> reports: fetching, feedparser, and HTML reduced to text (no Django)."""

from __future__ import annotations

import datetime as dt
import urllib.error
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import feedparser

from articles.parsing import ParsedReport, ReportRejected, format_dateline

USER_AGENT = "newsmap/0.1 (feed import)"
_FUTURE_GRACE = dt.timedelta(days=1)
_MAX_URL = 1000
_MAX_SOURCE = 200


class FeedRejected(ReportRejected):
    """The whole feed could not be read; `reason` says why in one line."""


@dataclass(frozen=True)
class FeedEntry:
    """One feed item reduced to what a report needs."""

    title: str
    link: str
    published_at: dt.datetime | None
    date_text: str
    paragraphs: list[str]


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its title (the report source) and its entries in document order."""

    title: str
    entries: list[FeedEntry]


def read_feed(location: str, *, max_bytes: int, timeout: float) -> Feed:
    """Fetch (http/https) or read (a local path) a feed and parse it with feedparser."""
    data, headers = _fetch(location, max_bytes=max_bytes, timeout=timeout)
    parsed = feedparser.parse(data, response_headers=headers)
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception") or "no RSS or Atom elements"
        raise FeedRejected(f"not an RSS or Atom feed ({_one_line(str(problem))})")
    title = _one_line(parsed.feed.get("title", ""))[:_MAX_SOURCE]
    return Feed(title=title, entries=[_entry(item) for item in parsed.entries])


def entry_report(
    entry: FeedEntry, *, source: str, source_timezone: str, now: dt.datetime | None = None
) -> ParsedReport:
    """A feed entry as a report, its raw text rendered in the site's layout so it parses back."""
    if not entry.title:
        raise ReportRejected("entry has no title")
    if not entry.link:
        raise ReportRejected("entry has no link, so it cannot be told apart from others")
    if len(entry.link) > _MAX_URL:
        raise ReportRejected(f"entry link is longer than {_MAX_URL} characters")
    if entry.published_at is None:
        if entry.date_text:
            raise ReportRejected(f"entry date {entry.date_text!r} does not parse")
        raise ReportRejected("entry has no published or updated date")
    now = now or dt.datetime.now(dt.UTC)
    if entry.published_at > now + _FUTURE_GRACE:
        raise ReportRejected(
            f"entry date {entry.published_at:%Y-%m-%d %H:%M} UTC is in the future "
            "(more than a day after now)"
        )
    if not entry.paragraphs:
        raise ReportRejected("entry has a headline but no content or summary")
    dateline = format_dateline(entry.published_at, source_timezone)
    text = "\n\n".join([entry.title, dateline, *entry.paragraphs]) + "\n"
    return ParsedReport(
        title=entry.title,
        published_at=entry.published_at.astimezone(dt.UTC),
        paragraphs=list(entry.paragraphs),
        source=source,
        related=[],
        warnings=[],
        text=text,
    )


def html_to_paragraphs(html: str) -> list[str]:
    """Visible text of an HTML fragment, one string per block element, whitespace collapsed."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return extractor.paragraphs


def text_to_paragraphs(text: str) -> list[str]:
    """Plain text split at blank lines, whitespace collapsed."""
    blocks = text.replace("\r\n", "\n").split("\n\n")
    return [" ".join(block.split()) for block in blocks if block.strip()]


class _TextExtractor(HTMLParser):
    _BLOCKS = frozenset(
        "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 "
        "h5 h6 header hr li main nav ol p pre section table td th tr ul".split()
    )
    _HIDDEN = frozenset("script style template head noscript iframe object".split())

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._pieces: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._pieces.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        text = " ".join("".join(self._pieces).split())
        if text:
            self.paragraphs.append(text)
        self._pieces = []


def _fetch(location: str, *, max_bytes: int, timeout: float) -> tuple[bytes, dict[str, str]]:
    scheme = location.split(":", 1)[0].lower() if "://" in location else ""
    if scheme in {"http", "https"}:
        # The scheme is checked above: only http and https reach urllib.
        request = urllib.request.Request(location, headers={"User-Agent": USER_AGENT})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  # nosec B310
                data = response.read(max_bytes + 1)
                headers = {k.lower(): v for k, v in response.headers.items()}
        except urllib.error.HTTPError as exc:
            raise FeedRejected(f"the server answered HTTP {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FeedRejected(f"cannot fetch the feed: {_one_line(str(reason))}") from None
    elif scheme:
        raise FeedRejected(f"unsupported URL scheme {scheme!r}; use http, https or a file path")
    else:
        path = Path(location)
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise FeedRejected(f"feed is {size:,} bytes, over the {max_bytes:,}-byte limit")
            with path.open("rb") as handle:
                data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise FeedRejected(f"cannot read the feed: {exc.strerror or exc}") from None
        headers = {}
    if len(data) > max_bytes:
        raise FeedRejected(f"feed is over the {max_bytes:,}-byte limit")
    return data, headers


def _entry(item: Any) -> FeedEntry:
    title = item.get("title", "")
    if item.get("title_detail", {}).get("type", "") == "text/html":
        title = " ".join(html_to_paragraphs(title))
    stamp = item.get("published_parsed") or _own(item, "updated_parsed")
    try:
        published_at = dt.datetime(*stamp[:5], min(stamp[5], 59), tzinfo=dt.UTC) if stamp else None
    except (TypeError, ValueError):
        published_at = None
    return FeedEntry(
        title=_one_line(title),
        link=(item.get("link") or "").strip(),
        published_at=published_at,
        date_text=item.get("published") or _own(item, "updated") or "",
        paragraphs=_entry_paragraphs(item),
    )


def _own(item: Any, key: str) -> Any:
    # feedparser answers a missing "updated" with "published" and a DeprecationWarning; ask
    # with `in`, which does not.
    return item.get(key) if key in item else None


def _entry_paragraphs(item: Any) -> list[str]:
    # Atom <content> is the whole story when present; <summary>/<description> may be a teaser.
    candidates = [*item.get("content", []), item.get("summary_detail")]
    for detail in candidates:
        if not detail or not detail.get("value", "").strip():
            continue
        if detail.get("type", "text/html") == "text/plain":
            return text_to_paragraphs(detail["value"])
        return html_to_paragraphs(detail["value"])
    return []


def _one_line(text: str) -> str:
    return " ".join(text.split())
