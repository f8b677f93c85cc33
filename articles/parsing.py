"""Report text as the source site exported it -> a structured report (pure: no Django, no I/O)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

# Field sizes of the models the parsed values end up in; checked here so a bad file never fails
# half-way through a database write.
_MAX_ID = 50
_MAX_MEDIA_PATH = 500
_MAX_SOURCE = 200
_EARLIEST_YEAR = 1900
_FUTURE_GRACE = dt.timedelta(days=1)

_WEEKDAY_NAMES = [
    "mon monday",
    "tue tues tuesday",
    "wed wednesday",
    "thu thur thurs thursday",
    "fri friday",
    "sat saturday",
    "sun sunday",
]
_MONTH_NAMES = [
    "jan january",
    "feb february",
    "mar march",
    "apr april",
    "may",
    "jun june",
    "jul july",
    "aug august",
    "sep sept september",
    "oct october",
    "nov november",
    "dec december",
]
_WEEKDAYS = {name: i for i, names in enumerate(_WEEKDAY_NAMES) for name in names.split()}
_MONTHS = {name: i for i, names in enumerate(_MONTH_NAMES, 1) for name in names.split()}

# "Fri Nov 4, 2016 18:47:52": the site's dateline, local time with no zone.
_DATELINE = re.compile(
    r"(?P<weekday>[A-Za-z]{3,9})\.?,?\s+(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2}),?\s+"
    r"(?P<year>\d{4}),?\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
)
_LOOKS_LIKE_DATE = re.compile(
    r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.?\s+\d{1,2}\b.*\b\d{4}\b",
    re.IGNORECASE,
)
# "Alalam - Iraq": an outlet and a place on a line of their own.
_SOURCE_LINE = re.compile(
    r"[A-Z][\w.&']*(?: [A-Z][\w.&']*){0,3} [-–—] [A-Z][\w.&']*(?: [A-Z][\w.&']*){0,3}"
)
_RELATED_START = re.compile(r"^string\(", re.MULTILINE)
_RELATED_HEADER = re.compile(r'string\((\d+)\) "')
_MEDIA_DATE = re.compile(r"/(\d{4})/(\d{1,2})/(\d{1,2})/")
_VIDEO = {"mp4", "m4v", "webm", "mov", "flv", "avi", "mkv", "3gp"}
_IMAGE = {"jpg", "jpeg", "png", "gif", "webp", "bmp"}
# Control characters (Unicode category Cc) other than tab, line breaks and form feed.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_EXAMPLE = "expected e.g. 'Fri Nov 4, 2016 18:47:52'"


class ReportRejected(Exception):  # noqa: N818 - named for what happened to the report
    """The input is not a report we can import; `reason` is one line saying why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RelatedItemData:
    """One entry of the publisher's related-stories list."""

    external_id: str
    sort: str
    content_type_id: str
    title: str
    media_kind: str  # "video", "image" or "other", as RelatedItem.MediaKind
    media_path: str
    media_date: dt.date | None


@dataclass(frozen=True)
class ParsedReport:
    """A report split into its parts; `text` is the decoded input, verbatim."""

    title: str
    published_at: dt.datetime
    paragraphs: list[str]
    source: str
    related: list[RelatedItemData]
    warnings: list[str]
    text: str
    encoding: str = "utf-8"

    @property
    def body(self) -> str:
        """Paragraphs separated by blank lines, as Article.body stores them."""
        return "\n\n".join(self.paragraphs)


def report_identity(title: str, published_at: dt.datetime) -> str:
    """What makes two files the same report: the headline and the dateline's wall-clock time."""
    headline = " ".join(unicodedata.normalize("NFKC", title).casefold().split())
    # The wall-clock time as printed, so changing NEWSMAP_SOURCE_TIMEZONE keeps identities.
    stamp = published_at.replace(tzinfo=None).isoformat()
    return hashlib.sha256(f"{headline}\n{stamp}".encode()).hexdigest()


def url_identity(url: str) -> str:
    """What makes two feed entries the same report: their link."""
    return hashlib.sha256(f"url:{url.strip()}".encode()).hexdigest()


def content_hash(text: str) -> str:
    """SHA-256 of the decoded raw text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def format_dateline(moment: dt.datetime, source_timezone: str) -> str:
    """A dateline in the site's style, e.g. 'Fri Nov 4, 2016 18:47:52', in the source's zone."""
    local = moment.astimezone(ZoneInfo(source_timezone))
    return f"{local:%a %b} {local.day}, {local:%Y %H:%M:%S}"


def parse_report(
    data: bytes, *, source_timezone: str, now: dt.datetime | None = None
) -> ParsedReport:
    """Parse one report file; raise ReportRejected with a one-line reason if it is not one."""
    text, encoding, warnings = decode_report(data)
    zone = ZoneInfo(source_timezone)
    now = now or dt.datetime.now(dt.UTC)

    lines = text.splitlines()
    index = _next_nonblank(lines, 0)
    if index is None:
        raise ReportRejected("empty file (only blank lines)")
    title = lines[index].strip()
    if _DATELINE.fullmatch(title):
        raise ReportRejected(f"no headline: the first line is the dateline {title!r}")

    index = _next_nonblank(lines, index + 1)
    if index is not None and _same_text(lines[index], title):
        index = _next_nonblank(lines, index + 1)
    if index is None:
        raise ReportRejected(f"no dateline after the headline ({_EXAMPLE})")
    dateline = lines[index].strip()
    published_at = _parse_dateline(dateline, zone, warnings)
    if published_at > now + _FUTURE_GRACE:
        raise ReportRejected(
            f"dateline {dateline!r} is in the future "
            f"(more than a day after {now:%Y-%m-%d %H:%M} UTC)"
        )

    rest = "\n".join(lines[index + 1 :])
    related: list[RelatedItemData] = []
    match = _RELATED_START.search(rest)
    if match:
        related = _parse_related(rest[match.start() :].strip(), warnings)
        rest = rest[: match.start()]

    paragraphs = _paragraphs(rest)
    if paragraphs and _same_text(paragraphs[0], title):
        paragraphs.pop(0)
    source = ""
    for i, paragraph in enumerate(paragraphs):
        if len(paragraph) <= _MAX_SOURCE and _SOURCE_LINE.fullmatch(paragraph):
            source = paragraphs.pop(i)
            break
    if not paragraphs:
        raise ReportRejected("headline and dateline but no body")
    return ParsedReport(
        title=title,
        published_at=published_at,
        paragraphs=paragraphs,
        source=source,
        related=related,
        warnings=warnings,
        text=text,
        encoding=encoding,
    )


def decode_report(data: bytes) -> tuple[str, str, list[str]]:
    """Bytes -> (text, encoding, warnings): UTF-8, else an unambiguous Windows-1256 or -1252."""
    if not data.strip():
        raise ReportRejected("empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReportRejected("UTF-16 text is not supported; save the file as UTF-8")
    if b"\x00" in data:
        raise ReportRejected("binary file (contains NUL bytes), not a text report")
    warnings: list[str] = []
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = _decode_legacy(data)
        warnings.append(f"not UTF-8; decoded as {encoding}")
    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise ReportRejected(
            f"binary file (control character U+{ord(control[0]):04X} on line {line}), "
            "not a text report"
        )
    return text, encoding, warnings


def _decode_legacy(data: bytes) -> tuple[str, str]:
    # Windows-1256 maps every byte, so it "decodes" anything; take it only when the result reads
    # as Arabic: it has Arabic letters and no word mixes them with Latin ones (Latin-1 accents
    # decoded as Windows-1256 land inside Latin words: "Straße" -> "Straكe").
    arabic = data.decode("cp1256")
    words = [w for w in re.split(r"[\s\d!-/:-@\[-`{-~]+", arabic) if w]
    arabic_words = [w for w in words if any(_is_arabic_letter(c) for c in w)]
    if arabic_words and not any(any(c.isascii() and c.isalpha() for c in w) for w in arabic_words):
        return arabic, "Windows-1256"
    try:
        return data.decode("cp1252"), "Windows-1252 (Latin-1)"
    except UnicodeDecodeError:
        raise ReportRejected(
            "not UTF-8 and not unambiguously Windows-1256 (Arabic) or Latin-1; save it as UTF-8"
        ) from None


def _is_arabic_letter(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff" and char.isalpha()


def _next_nonblank(lines: list[str], start: int) -> int | None:
    for i in range(start, len(lines)):
        if lines[i].strip():
            return i
    return None


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _parse_dateline(line: str, zone: ZoneInfo, warnings: list[str]) -> dt.datetime:
    match = _DATELINE.fullmatch(line)
    if not match:
        if len(line) <= 80 and _LOOKS_LIKE_DATE.search(line):
            raise ReportRejected(f"dateline {line!r} does not parse ({_EXAMPLE})")
        raise ReportRejected(f"no dateline after the headline: found {_clip(line)!r} ({_EXAMPLE})")
    weekday = _WEEKDAYS.get(match["weekday"].lower())
    month = _MONTHS.get(match["month"].lower())
    if weekday is None or month is None:
        bad = match["weekday"] if weekday is None else match["month"]
        raise ReportRejected(
            f"dateline {line!r} does not parse: {bad!r} is not a day or month name"
        )
    year = int(match["year"])
    if year < _EARLIEST_YEAR:
        raise ReportRejected(f"dateline {line!r} does not parse: year {year} is before 1900")
    try:
        moment = dt.datetime(
            year,
            month,
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"]),
            int(match["second"] or 0),
            tzinfo=zone,
        )
    except ValueError as exc:
        raise ReportRejected(f"dateline {line!r} does not parse: {exc}") from None
    if moment.weekday() != weekday:
        warnings.append(
            f"dateline {line!r} names the wrong weekday: "
            f"{moment:%b} {moment.day}, {moment.year} was a {moment:%A}"
        )
    return moment


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _paragraphs(text: str) -> list[str]:
    paragraphs, current = [], []
    for line in text.splitlines():
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _parse_related(block: str, warnings: list[str]) -> list[RelatedItemData]:
    # The site printed its related list with PHP's var_dump: string(N) "<JSON>", N in UTF-8 bytes.
    try:
        return _related_items(block)
    except ValueError as exc:
        warnings.append(f"related block {exc}; dropped (the report is imported without it)")
        return []


def _related_items(block: str) -> list[RelatedItemData]:
    header = _RELATED_HEADER.match(block)
    if not header:
        raise ValueError(f'does not start like string(N) "…": {_clip(block, 30)!r}')
    stated = int(header[1])
    payload = block[header.end() :].encode("utf-8", "surrogatepass")
    if payload[stated : stated + 1] == b'"' and not payload[stated + 1 :].strip():
        raw = payload[:stated]
    elif payload.rstrip().endswith(b'"'):
        held = len(payload.rstrip()) - 1
        raise ValueError(f"says {stated} bytes but holds {held}")
    else:
        raise ValueError(
            f"is cut short: says {stated} bytes, holds {len(payload)} and no closing quote"
        )
    try:
        entries = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"is not valid JSON ({exc})") from None
    if not isinstance(entries, list):
        raise ValueError("is not a JSON list")
    return [_related_item(entry, n) for n, entry in enumerate(entries, 1)]


def _related_item(entry: object, n: int) -> RelatedItemData:
    if not isinstance(entry, dict) or "id" not in entry or "title" not in entry:
        raise ValueError(f"entry {n} is not an object with an id and a title")
    keys = ("id", "sort", "contenttypeid", "pic")
    values = {key: _scalar(entry.get(key), key, n) for key in keys}
    title = _scalar(entry["title"], "title", n).strip()
    for key in ("id", "sort", "contenttypeid"):
        if len(values[key]) > _MAX_ID:
            raise ValueError(f"entry {n} has a {key} longer than {_MAX_ID} characters")
    path = values["pic"].strip()
    if len(path) > _MAX_MEDIA_PATH:
        raise ValueError(f"entry {n} has a media path longer than {_MAX_MEDIA_PATH} characters")
    return RelatedItemData(
        external_id=values["id"],
        sort=values["sort"],
        content_type_id=values["contenttypeid"],
        title=title,
        media_kind=_media_kind(path),
        media_path=path,
        media_date=_media_date(path),
    )


def _scalar(value: object, key: str, n: int) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"entry {n} has a {key} that is not text or a number")
    return str(value)


def _media_kind(path: str) -> str:
    extension = path.rsplit("?", 1)[0].rsplit(".", 1)[-1].lower() if "." in path else ""
    if extension in _VIDEO:
        return "video"
    if extension in _IMAGE:
        return "image"
    return "other"


def _media_date(path: str) -> dt.date | None:
    match = _MEDIA_DATE.search(path)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
