"""The embed framed by another origin, the map refusing to be framed, and the share dialog."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser

FRAME_REFUSED = ("frame-ancestors", "X-Frame-Options")


class OtherSite:
    """Pages of another origin (a second loopback port), each a page that frames one URL."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                body = site.pages.get(self.path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def frame(self, path: str, src: str) -> str:
        """Serve at `path` a page that frames `src`; return the page's URL."""
        self.pages[path] = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<title>Someone else's article</title><link rel='icon' href='data:,'></head><body>"
            "<h1>An article elsewhere</h1>"
            f"<iframe id='newsmap' src='{escape(src)}' width='800' height='600' "
            "title='Newsmap'></iframe></body></html>"
        ).encode()
        return self.url + path


@pytest.fixture
def other_site() -> Iterator[OtherSite]:
    site = OtherSite()
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()


def framed_document(page, timeout: float = 10.0):
    """The frame of #newsmap once it has committed a navigation (its URL is no longer blank)."""
    deadline = time.monotonic() + timeout
    while True:
        # Chromium replaces the frame when it swaps in an error page, so look it up each time.
        frame = page.locator("#newsmap").element_handle().content_frame()
        if frame and frame.url not in ("", "about:blank") or time.monotonic() > deadline:
            return frame
        page.wait_for_timeout(50)


def box_centre(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_another_site_frames_the_embed_focused_on_a_place(
    page, live_server, seeded, other_site, screenshot
):
    src = f"{live_server.url}/embed/?date=2017-01-02&place=intisar"
    page.goto(other_site.frame("/embed.html", src))
    frame = page.locator("#newsmap").element_handle().content_frame()
    frame.wait_for_selector("#map[data-places-date='2017-01-02']")
    frame.wait_for_function("() => Number(document.getElementById('map').dataset.zoom) >= 14")
    frame.wait_for_selector(".leaflet-popup .popup-place")

    # Focused on Intisar: its marker selected, near the middle of the frame's map, zoomed in.
    marker = frame.locator(".place-marker[data-slug='intisar']")
    assert "selected" in marker.get_attribute("class")
    assert marker.get_attribute("data-status") == "retaken"
    map_box = frame.locator("#map").bounding_box()
    x, y = box_centre(marker)
    assert map_box["x"] < x < map_box["x"] + map_box["width"]
    assert map_box["y"] < y < map_box["y"] + map_box["height"]
    centre_x, centre_y = box_centre(frame.locator("#map"))
    assert abs(x - centre_x) < map_box["width"] / 4
    assert abs(y - centre_y) < map_box["height"] / 3
    popup = frame.locator(".leaflet-popup .popup-place")
    assert "Intisar" in popup.locator("h3").inner_text()

    # The slider stands at 2 January 2017 and moves the map; links open in a new tab.
    assert frame.locator("#date-label").inner_text() == "2 January 2017"
    assert frame.locator("#date-input").input_value() == "2017-01-02"
    slider = frame.locator("#date-slider")
    assert slider.is_visible()
    link = popup.locator("a")
    assert (link.get_attribute("target"), link.get_attribute("rel")) == ("_blank", "noopener")
    assert link.get_attribute("href") == "/articles/?place=intisar"
    credit = frame.locator("a.embed-credit")
    assert (credit.get_attribute("target"), credit.get_attribute("rel")) == ("_blank", "noopener")
    # The other site's page, cropped to its heading and the frame.
    frame_box = page.locator("#newsmap").bounding_box()
    margin = frame_box["x"]
    screenshot(
        page,
        "screenshot-embed",
        clip={
            "x": 0,
            "y": 0,
            "width": frame_box["x"] + frame_box["width"] + margin,
            "height": frame_box["y"] + frame_box["height"] + margin,
        },
    )

    slider.press("ArrowLeft")
    frame.wait_for_selector("#map[data-places-date='2017-01-01']")
    assert frame.locator("#date-label").inner_text() == "1 January 2017"
    assert page.url == other_site.url + "/embed.html"
    assert page.console_errors == []
    assert page.dialogs == []


@pytest.mark.parametrize("path", ["/", "/articles/"])
def test_another_site_cannot_frame_the_other_pages(
    page, live_server, transactional_db, other_site, path
):
    page.goto(other_site.frame("/map.html", live_server.url + path + "?date=2017-01-02"))
    frame = framed_document(page)
    assert frame.url == "chrome-error://chromewebdata/"
    assert frame.query_selector("#map") is None
    assert frame.query_selector("main") is None
    # The browser reports the refusal on the console; nothing else may go wrong.
    assert page.console_errors
    assert all(any(word in error for word in FRAME_REFUSED) for error in page.console_errors)


def read_code(page) -> dict[str, str]:
    """The attributes of the iframe in the dialog's embed code, parsed by the browser itself."""
    return page.evaluate(
        """() => {
          const doc = new DOMParser().parseFromString(
            document.getElementById("share-code").value, "text/html");
          const frame = doc.querySelector("iframe");
          return Object.fromEntries([...frame.attributes].map((a) => [a.name, a.value]));
        }"""
    )


def wait_for_status(page, text: str) -> None:
    page.wait_for_function(
        "(text) => document.getElementById('share-status').textContent.includes(text)", arg=text
    )


def test_the_share_dialog_gives_the_permalink_and_embed_code_of_the_view(page, live_server, seeded):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    query = "?date=2016-12-26&window=30&lat=36.33000&lng=43.20000&zoom=15&place=intisar"
    page.goto(live_server.url + "/" + query)
    page.wait_for_selector("#map[data-places-date='2016-12-26']")
    dialog = page.locator("#share-dialog")
    assert not dialog.is_visible()

    page.get_by_role("button", name="Share / embed").click()
    assert dialog.is_visible()
    assert page.get_by_role("dialog", name="Share or embed this view").is_visible()
    assert page.locator("#share-link").input_value() == live_server.url + "/" + query
    code = read_code(page)
    src = urlsplit(code["src"])
    assert f"{src.scheme}://{src.netloc}{src.path}" == live_server.url + "/embed/"
    assert parse_qs(src.query) == parse_qs(query[1:])
    assert (code["width"], code["height"]) == ("800", "600")
    assert code["loading"] == "lazy"
    assert code["title"] == "Newsmap: front-line map on 26 December 2016"

    page.get_by_label("Small (480 × 360)").check()
    assert (read_code(page)["width"], read_code(page)["height"]) == ("480", "360")
    page.get_by_label("Large (1024 × 768)").check()
    assert (read_code(page)["width"], read_code(page)["height"]) == ("1024", "768")

    page.get_by_role("button", name="Copy code").click()
    wait_for_status(page, "Copied the embed code")
    assert (
        page.evaluate("() => navigator.clipboard.readText()")
        == page.locator("#share-code").input_value()
    )
    page.get_by_role("button", name="Copy link").click()
    wait_for_status(page, "Copied the link")
    assert page.evaluate("() => navigator.clipboard.readText()") == live_server.url + "/" + query

    page.get_by_role("button", name="Close").click()
    assert not dialog.is_visible()
    assert page.evaluate("() => document.activeElement.id") == "share-open"

    # The dialog follows the view: move the date and open it again.
    page.locator("#date-slider").press("PageUp")
    page.wait_for_selector("#map[data-places-date='2017-01-02']")
    page.get_by_role("button", name="Share / embed").click()
    assert "date=2017-01-02" in page.locator("#share-link").input_value()
    assert parse_qs(urlsplit(read_code(page)["src"]).query)["date"] == ["2017-01-02"]
    assert read_code(page)["width"] == "1024"
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert page.console_errors == []


def test_the_share_dialog_selects_the_text_when_the_clipboard_is_refused(page, live_server, seeded):
    page.goto(live_server.url + "/?date=2017-01-02")
    page.wait_for_selector("#map[data-places-date='2017-01-02']")
    page.evaluate("() => { Object.defineProperty(navigator, 'clipboard', { value: undefined }); }")
    page.get_by_role("button", name="Share / embed").click()
    page.get_by_role("button", name="Copy link").click()
    wait_for_status(page, "press Ctrl+C")
    selected = page.evaluate(
        "() => { const f = document.getElementById('share-link');"
        " return f.value.slice(f.selectionStart, f.selectionEnd); }"
    )
    assert selected == page.locator("#share-link").input_value()
    assert "date=2017-01-02" in selected
    assert page.console_errors == []
