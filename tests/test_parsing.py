"""The report parser: plain bytes in, a ParsedReport or a one-line rejection out."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from articles.parsing import (
    ReportRejected,
    format_dateline,
    parse_report,
    report_identity,
    url_identity,
)

SEEDS = Path(__file__).resolve().parent.parent / "articles" / "data" / "reports"
BAGHDAD = ZoneInfo("Asia/Baghdad")
NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def seed(name: str) -> bytes:
    return next(SEEDS.glob(f"{name}_*.txt")).read_bytes()


def related_block(items: list[dict], *, count: int | None = None) -> str:
    payload = json.dumps(items, ensure_ascii=False)
    n = len(payload.encode()) if count is None else count
    return f'string({n}) "{payload}"'


def report(
    title: str = "Iraqi forces enter al-Zahour",
    dateline: str = "Fri Nov 4, 2016 18:47:52",
    body: tuple[str, ...] = ("Iraqi forces entered al-Zahour on Friday.",),
    tail: str = "",
) -> str:
    return "\n\n".join([title, dateline, *body]) + ("\n\n\n" + tail if tail else "\n")


def parse(data: bytes | str, **kwargs):
    if isinstance(data, str):
        data = data.encode()
    return parse_report(data, source_timezone=kwargs.pop("tz", "Asia/Baghdad"), now=NOW, **kwargs)


def test_it_parses_the_first_seed_into_headline_dateline_body_and_related_items():
    parsed = parse(seed("000"))
    assert parsed.title.startswith("Iraqi Forces Continue Their Advance against ISIS")
    assert parsed.published_at == dt.datetime(2016, 11, 4, 18, 47, 52, tzinfo=BAGHDAD)
    assert parsed.published_at.utcoffset() == dt.timedelta(hours=3)
    assert len(parsed.paragraphs) == 7
    assert parsed.paragraphs[0].startswith("Iraqi anti-terrorism units continued")
    assert parsed.paragraphs[-1].endswith("FNA reported.")
    assert not any(parsed.title in p or "Nov 4, 2016" in p for p in parsed.paragraphs)
    assert not any("string(" in p for p in parsed.paragraphs)
    assert parsed.source == ""
    assert parsed.warnings == []
    assert [item.media_kind for item in parsed.related] == [
        "video",
        "image",
        "image",
        "video",
        "image",
    ]
    first = parsed.related[0]
    assert first.external_id == "1881004"
    assert first.sort == "3657277"
    assert first.content_type_id == "21"
    assert first.media_path == "/2016/11/04/alalam_636138515625499855_25f_4x3.mp4"
    assert first.media_date == dt.date(2016, 11, 4)
    assert first.title == "MOSUL FRONTLINE VID: ISF Starts Advancing Deeper into Mosul Districts"


def test_it_takes_the_source_line_out_of_the_body_of_the_second_seed():
    parsed = parse(seed("002"))
    assert parsed.title == "New VIDEO: Iraqi Forces Make Advance in Mosul Eastern Intisar District"
    assert parsed.published_at == dt.datetime(2017, 1, 2, 10, 30, 4, tzinfo=BAGHDAD)
    assert parsed.source == "Alalam - Iraq"
    assert "Alalam - Iraq" not in parsed.paragraphs
    assert len(parsed.paragraphs) == 12
    assert len(parsed.related) == 3
    assert parsed.related[2].media_kind == "image"


def test_it_keeps_the_decoded_text_verbatim():
    data = seed("000")
    assert parse(data).text == data.decode("utf-8")


def test_it_reads_the_dateline_in_the_configured_source_timezone():
    parsed = parse(report(), tz="UTC")
    assert parsed.published_at == dt.datetime(2016, 11, 4, 18, 47, 52, tzinfo=dt.UTC)


def test_it_reads_crlf_line_endings_and_a_utf8_byte_order_mark():
    text = report(body=("First paragraph,", "second paragraph.")).replace("\n", "\r\n")
    parsed = parse(b"\xef\xbb\xbf" + text.encode())
    assert parsed.title == "Iraqi forces enter al-Zahour"
    assert parsed.paragraphs == ["First paragraph,", "second paragraph."]
    assert parsed.text == text


def test_it_joins_the_lines_of_a_paragraph():
    parsed = parse(report(body=("A sentence broken\nover two lines.",)))
    assert parsed.paragraphs == ["A sentence broken over two lines."]


def test_it_decodes_windows_1256_arabic():
    text = report(title="القوات العراقية تدخل حي الزهور", body=("تقدمت القوات في الموصل.",))
    parsed = parse(text.encode("cp1256"))
    assert parsed.title == "القوات العراقية تدخل حي الزهور"
    assert parsed.paragraphs == ["تقدمت القوات في الموصل."]
    assert parsed.encoding == "Windows-1256"
    assert "not UTF-8; decoded as Windows-1256" in parsed.warnings


def test_it_decodes_latin_1_text():
    text = report(title="Straße nach Mossul: Ärger über Kämpfe", body=("Café, déjà vu, naïve.",))
    parsed = parse(text.encode("latin-1"))
    assert parsed.title == "Straße nach Mossul: Ärger über Kämpfe"
    assert parsed.paragraphs == ["Café, déjà vu, naïve."]
    assert parsed.encoding.startswith("Windows-1252")


def test_it_rejects_text_that_is_neither_utf8_nor_unambiguously_arabic_or_latin_1():
    # \x81 is a letter in Windows-1256 but undefined in Windows-1252, and here it sits inside a
    # Latin word, so neither reading is plausible.
    data = report(title="Mosul\x81x report").encode("latin-1")
    with pytest.raises(ReportRejected, match="not UTF-8 and not unambiguously"):
        parse(data)


@pytest.mark.parametrize("data", [b"", b"   \n\n \t\n"])
def test_it_rejects_an_empty_file(data):
    with pytest.raises(ReportRejected, match="empty file"):
        parse(data)


def test_it_rejects_a_binary_file():
    with pytest.raises(ReportRejected, match="binary file .*NUL"):
        parse(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_it_rejects_control_characters_naming_the_line():
    with pytest.raises(ReportRejected, match=r"control character U\+0007 on line 3"):
        parse(report(dateline="Fri Nov 4, 2016 18:47:52\x07"))


def test_it_rejects_utf16_saying_to_save_as_utf8():
    with pytest.raises(ReportRejected, match="UTF-16"):
        parse(report().encode("utf-16"))


def test_it_rejects_a_report_without_a_dateline():
    with pytest.raises(ReportRejected, match="no dateline after the headline: found 'Iraqi forces"):
        parse("Iraqi forces enter al-Zahour\n\nIraqi forces entered al-Zahour on Friday.\n")


def test_it_rejects_a_headline_alone_as_having_no_dateline():
    with pytest.raises(ReportRejected, match="no dateline"):
        parse("Iraqi forces enter al-Zahour\n")


@pytest.mark.parametrize(
    "dateline",
    [
        "Fri Nov 31, 2016 18:47:52",
        "Fri Nov 4, 2016 25:47:52",
        "Fri Nov 4 2016 at noon",
        "Fri Noo 4, 2016 18:47:52",
        "Fri Nov 4, 1016 18:47:52",
    ],
)
def test_it_rejects_a_dateline_that_does_not_parse(dateline):
    with pytest.raises(ReportRejected, match=f"dateline '{dateline}' does not parse"):
        parse(report(dateline=dateline))


def test_it_rejects_a_dateline_more_than_a_day_in_the_future():
    with pytest.raises(ReportRejected, match="is in the future"):
        parse(report(dateline="Wed Jan 3, 2024 06:00:00"))


def test_it_accepts_a_dateline_less_than_a_day_ahead_for_clock_skew():
    parsed = parse(report(dateline="Mon Jan 1, 2024 20:00:00"))
    assert parsed.published_at.date() == dt.date(2024, 1, 1)


def test_it_rejects_a_headline_with_no_body():
    with pytest.raises(ReportRejected, match="headline and dateline but no body"):
        parse("Iraqi forces enter al-Zahour\n\nFri Nov 4, 2016 18:47:52\n\n\n")


def test_it_rejects_a_headline_with_only_a_repeated_headline_and_a_source_line():
    text = (
        "Headline here\nHeadline here\nFri Nov 4, 2016 18:47:52\n\nHeadline here\n\nAlalam - Iraq\n"
    )
    with pytest.raises(ReportRejected, match="no body"):
        parse(text)


def test_it_rejects_a_dateline_in_place_of_the_headline():
    with pytest.raises(ReportRejected, match="no headline"):
        parse("Fri Nov 4, 2016 18:47:52\n\nSome body.\n")


def test_it_drops_the_repeated_headline():
    text = "Forces advance\n\nForces advance\nFri Nov 4, 2016 18:47:52\n\nThey advanced.\n"
    assert parse(text).paragraphs == ["They advanced."]


def test_it_warns_when_the_dateline_names_the_wrong_weekday():
    parsed = parse(report(dateline="Mon Nov 4, 2016 18:47:52"))
    assert parsed.published_at.day == 4
    assert parsed.warnings == [
        "dateline 'Mon Nov 4, 2016 18:47:52' names the wrong weekday: Nov 4, 2016 was a Friday"
    ]


ITEM = {"id": "7", "sort": "1", "contenttypeid": "21", "pic": "/2016/11/04/a.jpg", "title": "T"}


def test_it_counts_the_related_block_in_utf8_bytes():
    items = [dict(ITEM, title="الموصل: تقدم القوات", pic="/2016/11/05/b.mp4")]
    parsed = parse(report(tail=related_block(items)))
    assert parsed.warnings == []
    assert parsed.related[0].title == "الموصل: تقدم القوات"
    assert parsed.related[0].media_kind == "video"
    assert parsed.related[0].media_date == dt.date(2016, 11, 5)


def test_it_drops_a_related_block_with_a_wrong_byte_count_and_warns():
    payload = json.dumps([ITEM])
    stated = len(payload.encode()) + 3
    parsed = parse(report(tail=related_block([ITEM], count=stated)))
    assert parsed.related == []
    assert parsed.paragraphs == ["Iraqi forces entered al-Zahour on Friday."]
    assert parsed.warnings == [
        f"related block says {stated} bytes but holds {stated - 3}; "
        "dropped (the report is imported without it)"
    ]


def test_it_drops_a_related_block_cut_short_and_warns():
    block = related_block([ITEM, ITEM])
    parsed = parse(report(tail=block[: len(block) // 2]))
    assert parsed.related == []
    assert len(parsed.warnings) == 1
    assert parsed.warnings[0].startswith("related block is cut short: says")


def test_it_drops_a_related_block_that_is_not_json_and_warns():
    payload = '[{"id": "7", "title": "T",}]'
    parsed = parse(report(tail=f'string({len(payload)}) "{payload}"'))
    assert parsed.related == []
    assert parsed.warnings[0].startswith("related block is not valid JSON")


def test_it_drops_a_related_block_whose_entries_lack_an_id():
    parsed = parse(report(tail=related_block([{"title": "no id"}])))
    assert parsed.related == []
    assert "entry 1 is not an object with an id and a title" in parsed.warnings[0]


def test_it_classifies_media_that_is_neither_video_nor_image_as_other():
    parsed = parse(report(tail=related_block([dict(ITEM, pic="/x/y.pdf")])))
    assert parsed.related[0].media_kind == "other"
    assert parsed.related[0].media_date is None


def test_report_identity_ignores_case_and_spacing_but_not_the_dateline():
    a = dt.datetime(2016, 11, 4, 18, 47, 52, tzinfo=BAGHDAD)
    assert report_identity("Forces  Enter Zahour", a) == report_identity("forces enter zahour", a)
    assert report_identity("Forces enter Zahour", a) != report_identity(
        "Forces enter Zahour", a + dt.timedelta(minutes=1)
    )
    assert url_identity("https://example.org/a") != url_identity("https://example.org/b")


def test_a_formatted_dateline_parses_back_to_the_same_moment():
    moment = dt.datetime(2017, 1, 2, 7, 30, 4, tzinfo=dt.UTC)
    dateline = format_dateline(moment, "Asia/Baghdad")
    assert dateline == "Mon Jan 2, 2017 10:30:04"
    assert parse(report(dateline=dateline)).published_at == moment
