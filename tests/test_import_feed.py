"""import_feed: RSS and Atom entries become reports, from files and from a loopback server."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import io
import threading
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.feeds import html_to_paragraphs
from articles.models import Article
from articles.parsing import parse_report

pytestmark = pytest.mark.django_db

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Front Line Wire</title>
  <link>https://wire.example/</link>
  <description>Test feed</description>
  {items}
</channel>
</rss>
"""

ITEM = """<item>
  <title>{title}</title>
  <link>{link}</link>
  <pubDate>{date}</pubDate>
  <description>{description}</description>
</item>"""


def rss_item(
    n: int,
    *,
    date: str = "Fri, 04 Nov 2016 15:47:52 GMT",
    link: str | None = None,
    description: str | None = None,
) -> str:
    return ITEM.format(
        title=f"Iraqi forces advance {n}",
        link=link or f"https://wire.example/story/{n}",
        date=date,
        description=description
        if description is not None
        else f"&lt;p&gt;Forces entered district {n} &amp;amp; cleared it.&lt;/p&gt;"
        f"&lt;p&gt;Second &lt;b&gt;paragraph&lt;/b&gt; {n}.&lt;/p&gt;",
    )


def write_rss(path: Path, *items: str) -> Path:
    path.write_text(RSS.format(items="\n".join(items)), encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_feed", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def served(tmp_path):
    """A directory served over HTTP on 127.0.0.1 from a thread; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def test_it_imports_each_rss_item_as_a_report(tmp_path):
    feed = write_rss(tmp_path / "feed.xml", rss_item(1), rss_item(2))
    code, out, err = run(str(feed))
    assert (code, out, err) == (0, "imported 2, updated 0, unchanged 0, rejected 0\n", "")
    article = Article.objects.get(url="https://wire.example/story/1")
    assert article.title == "Iraqi forces advance 1"
    assert article.source == "Front Line Wire"
    assert article.published_at == dt.datetime(2016, 11, 4, 15, 47, 52, tzinfo=dt.UTC)
    assert article.paragraphs() == [
        "Forces entered district 1 & cleared it.",
        "Second paragraph 1.",
    ]
    assert article.origin == f"{feed} entry 1 (https://wire.example/story/1)"


def test_the_stored_raw_text_of_an_entry_parses_back_to_the_same_report(tmp_path):
    run(str(write_rss(tmp_path / "feed.xml", rss_item(1))))
    article = Article.objects.get()
    parsed = parse_report(article.raw_text.encode(), source_timezone="Asia/Baghdad")
    assert parsed.title == article.title
    assert parsed.published_at == article.published_at
    assert parsed.paragraphs == article.paragraphs()


def test_a_second_run_changes_nothing_and_a_changed_entry_is_updated(tmp_path):
    feed = write_rss(tmp_path / "feed.xml", rss_item(1), rss_item(2))
    run(str(feed))
    assert run(str(feed))[1] == "imported 0, updated 0, unchanged 2, rejected 0\n"
    write_rss(feed, rss_item(1, description="A corrected story."), rss_item(2))
    assert run(str(feed))[1] == "imported 0, updated 1, unchanged 1, rejected 0\n"
    article = Article.objects.get(url="https://wire.example/story/1")
    assert article.paragraphs() == ["A corrected story."]
    assert article.revisions.count() == 1


def test_entries_are_deduplicated_by_link(tmp_path):
    first = write_rss(
        tmp_path / "a.xml", rss_item(1), rss_item(2, link="https://wire.example/story/1")
    )
    code, out, err = run(str(first))
    assert (code, out) == (0, "imported 1, updated 0, unchanged 0, rejected 0\n")
    assert err == (
        f"{first} entry 2 (https://wire.example/story/1): "
        "skipped: same link as an earlier entry in this run; imported once\n"
    )
    assert Article.objects.count() == 1


def test_bad_entries_are_rejected_by_name_and_the_good_ones_imported(tmp_path):
    feed = write_rss(
        tmp_path / "feed.xml",
        rss_item(1),
        rss_item(2, date="sometime last week"),
        rss_item(3, date="Fri, 01 Jan 2100 12:00:00 GMT"),
        rss_item(4, description=""),
        "<item><title>No link</title><pubDate>Fri, 04 Nov 2016 15:47:52 GMT</pubDate>"
        "<description>Text.</description></item>",
    )
    code, out, err = run(str(feed))
    assert code == 1
    assert out == "imported 1, updated 0, unchanged 0, rejected 4\n"
    story = f"{feed} entry {{}} (https://wire.example/story/{{}}): ".format
    assert err.splitlines() == [
        story(2, 2) + "entry date 'sometime last week' does not parse",
        story(3, 3) + "entry date 2100-01-01 12:00 UTC is in the future "
        "(more than a day after now)",
        story(4, 4) + "entry has a headline but no content or summary",
        f"{feed} entry 5: entry has no link, so it cannot be told apart from others",
    ]
    assert list(Article.objects.values_list("title", flat=True)) == ["Iraqi forces advance 1"]


def test_it_imports_an_atom_feed_preferring_content_over_summary(tmp_path):
    feed = tmp_path / "feed.atom"
    feed.write_text(
        """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Wire</title><id>urn:atom-wire</id><updated>2017-01-02T07:30:04Z</updated>
  <entry>
    <title type="html">Forces take &lt;em&gt;Intisar&lt;/em&gt;</title>
    <id>urn:1</id><link href="https://atom.example/1"/>
    <updated>2017-01-02T07:30:04Z</updated>
    <summary>Short teaser.</summary>
    <content type="html">&lt;div&gt;Full story about Intisar.
      &lt;script&gt;alert(1)&lt;/script&gt;&lt;/div&gt;
      &lt;ul&gt;&lt;li&gt;Point one&lt;/li&gt;&lt;li&gt;Point two&lt;/li&gt;&lt;/ul&gt;</content>
  </entry>
  <entry>
    <title>Plain entry</title><id>urn:2</id><link href="https://atom.example/2"/>
    <published>2017-01-03T08:00:00+03:00</published><updated>2017-01-04T08:00:00Z</updated>
    <content type="text">First paragraph.

Second paragraph &lt;not a tag&gt;.</content>
  </entry>
</feed>
""",
        encoding="utf-8",
    )
    code, out, err = run(str(feed))
    assert (code, out, err) == (0, "imported 2, updated 0, unchanged 0, rejected 0\n", "")
    first = Article.objects.get(url="https://atom.example/1")
    assert first.title == "Forces take Intisar"
    assert first.source == "Atom Wire"
    assert first.paragraphs() == ["Full story about Intisar.", "Point one", "Point two"]
    second = Article.objects.get(url="https://atom.example/2")
    assert second.published_at == dt.datetime(2017, 1, 3, 5, 0, tzinfo=dt.UTC)
    assert second.paragraphs() == ["First paragraph.", "Second paragraph <not a tag>."]


def test_it_imports_a_feed_served_over_http(tmp_path, served):
    write_rss(tmp_path / "feed.xml", rss_item(1), rss_item(2))
    code, out, err = run(f"{served}/feed.xml")
    assert (code, out, err) == (0, "imported 2, updated 0, unchanged 0, rejected 0\n", "")
    assert Article.objects.filter(source="Front Line Wire").count() == 2


def test_an_unreachable_or_bad_feed_is_rejected_and_the_others_still_import(tmp_path, served):
    write_rss(tmp_path / "feed.xml", rss_item(1))
    (tmp_path / "page.html").write_text("<html><body>Not a feed at all</body></html>")
    missing = str(tmp_path / "missing.xml")
    code, out, err = run(
        f"{served}/nothing.xml",
        f"{served}/page.html",
        missing,
        "ftp://example.org/f",
        str(tmp_path / "feed.xml"),
    )
    assert code == 1
    assert out == "imported 1, updated 0, unchanged 0, rejected 4\n"
    lines = err.splitlines()
    assert lines[0] == f"{served}/nothing.xml: the server answered HTTP 404 File not found"
    assert lines[1].startswith(f"{served}/page.html: not an RSS or Atom feed (")
    assert lines[2] == f"{missing}: cannot read the feed: No such file or directory"
    assert (
        lines[3]
        == "ftp://example.org/f: unsupported URL scheme 'ftp'; use http, https or a file path"
    )


def test_a_feed_over_the_size_limit_is_rejected(tmp_path, settings):
    settings.NEWSMAP_MAX_REPORT_BYTES = 500
    feed = write_rss(tmp_path / "feed.xml", rss_item(1), rss_item(2))
    code, _, err = run(str(feed))
    assert code == 1
    assert err == f"{feed}: feed is {feed.stat().st_size:,} bytes, over the 500-byte limit\n"


def test_html_is_reduced_to_visible_text_paragraphs():
    html = (
        "<h2>Title</h2><p>One &amp; <a href='#'>two</a>,<br>three</p>"
        "<style>p {color: red}</style><script>var x = '<p>';</script>"
        "<p>  spaced\n   out  </p><p></p>&lt;script&gt;"
    )
    assert html_to_paragraphs(html) == ["Title", "One & two,", "three", "spaced out", "<script>"]
