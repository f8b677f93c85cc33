"""Whatever bytes arrive, the parser answers with a report or a ReportRejected, never a crash."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from articles.parsing import ParsedReport, ReportRejected, parse_report

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)

# Pieces of real reports, so generated inputs get past the first checks often enough to
# exercise the dateline, body and related-block code and not only the "empty"/"binary" paths.
FRAGMENTS = st.sampled_from(
    [
        "Iraqi forces enter al-Zahour",
        "Fri Nov 4, 2016 18:47:52",
        "Mon Jan 2, 2017 10:30:04",
        "Sat Feb 30, 2016 18:47:52",
        "Fri Nov 4, 9999 23:59:59",
        "Alalam - Iraq",
        'string(12) "[{"id":"1"}]"',
        'string(2) "[]"',
        'string(999) "[{"id":"1","title":"x","pic":"/2016/13/40/a.mp4"}',
        "\n",
        "\n\n",
        "\r\n",
        "\ufeff",
        "القوات العراقية",
    ]
)


def outcome(data: bytes) -> ParsedReport | ReportRejected:
    try:
        return parse_report(data, source_timezone="Asia/Baghdad", now=NOW)
    except ReportRejected as exc:
        assert exc.reason and "\n" not in exc.reason
        return exc


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_a_report_or_a_one_line_rejection(data):
    assert isinstance(outcome(data), ParsedReport | ReportRejected)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_arbitrary_text_gives_a_report_or_a_one_line_rejection(text):
    assert isinstance(outcome(text.encode("utf-8", "surrogatepass")), ParsedReport | ReportRejected)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(FRAGMENTS, st.text(max_size=40)), max_size=30))
def test_report_shaped_text_gives_a_report_with_a_body_or_a_rejection(pieces):
    result = outcome("\n".join(pieces).encode("utf-8", "surrogatepass"))
    if isinstance(result, ParsedReport):
        assert result.title and result.paragraphs
        assert result.published_at.tzinfo is not None
        assert result.published_at <= NOW + dt.timedelta(days=1)
        assert all("\n" not in w for w in result.warnings)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_legacy_encodings_never_crash_the_decoder(data):
    # High bytes without valid UTF-8 sequences: the Windows-1256/1252 fallback paths.
    data = b"Headline \xc7\xe1\n\nFri Nov 4, 2016 18:47:52\n\n" + data
    assert isinstance(outcome(data), ParsedReport | ReportRejected)
