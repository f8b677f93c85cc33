"""Playwright fixtures: a real Chromium against Django's live server.

The browser is found in this order: the path in NEWSMAP_CHROMIUM; Playwright's own Chromium
(`playwright install chromium`); a system Chromium on PATH (Debian's `chromium`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from benchmarks.chromium import BLANK_TILE, CHROMIUM_ARGS, find_chromium

# Playwright's sync API runs an event loop in this thread; Django's live server and ORM calls
# made from the test are still synchronous, so allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Screenshots are opt-in: `make screenshots` sets this to docs/ to refresh the README's pictures.
SCREENSHOTS = "NEWSMAP_SCREENSHOTS"
# Resolves once every Leaflet map in a document has stood still for ten animation frames: no
# zoom animation running and its map pane not moving (a pan, or a popup's autopan).
MAPS_AT_REST = """async () => {
  const panes = [...document.querySelectorAll(".leaflet-map-pane")];
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const look = () => panes.map((p) => p.className + getComputedStyle(p).transform).join();
  let last = null;
  for (let still = 0; panes.length && still < 10; ) {
    await frame();
    const now = look();
    const moving = now !== last || panes.some((p) => p.classList.contains("leaflet-zoom-anim"));
    still = moving ? 0 : still + 1;
    last = now;
  }
}"""


@pytest.fixture(scope="session", autouse=True)
def plain_http_live_server() -> Iterator[None]:
    """Serve the live server over plain HTTP, with static files straight from the source tree.

    Middleware reads these settings once, when the server starts; WhiteNoise otherwise serves
    only what collectstatic last gathered, which may be stale or missing on a fresh clone.
    """
    from django.test import override_settings

    with override_settings(
        SECURE_SSL_REDIRECT=False, WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True
    ):
        yield


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    try:
        executable = find_chromium()
    except LookupError as exc:
        pytest.fail(str(exc))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server) -> Iterator:
    """A fresh page pinned to a locale and time zone, tiles served blank, console errors kept."""
    context = browser.new_context(
        locale="en-GB", timezone_id="UTC", viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    page.route(
        "https://*.openstreetmap.org/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=BLANK_TILE),
    )
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.dialogs = dialogs
    yield page
    context.close()


@pytest.fixture
def seeded(transactional_db) -> None:
    """The shipped gazetteer and the seed reports, loaded and geoparsed by the real commands."""
    from django.conf import settings
    from django.core.management import call_command

    call_command("load_gazetteer", verbosity=0)
    call_command("import_articles", str(settings.BASE_DIR / "articles/data/reports"), verbosity=0)


@pytest.fixture
def screenshot() -> Callable[..., Path | None]:
    """`screenshot(target, name, **options)` saves `target` (a page or a locator) as NAME.png.

    Only when NEWSMAP_SCREENSHOTS names a directory; otherwise it does nothing, so a test run
    leaves the work tree as it found it. Before the shot every Leaflet map on the page, in
    frames too, is let come to rest and the focused element is blurred, so no half-finished
    zoom or focus ring shows. `options` go to Playwright's `screenshot` (`clip`, `full_page`).
    """
    directory = os.environ.get(SCREENSHOTS)

    def take(target, name: str, **options) -> Path | None:
        if not directory:
            return None
        path = Path(directory) / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page = getattr(target, "page", target)
        for frame in page.frames:
            frame.evaluate(MAPS_AT_REST)
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        target.screenshot(path=str(path), animations="disabled", caret="hide", **options)
        return path

    return take
