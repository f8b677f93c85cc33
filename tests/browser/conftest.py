"""Playwright fixtures: a real Chromium against Django's live server.

The browser is found in this order: the path in NEWSMAP_CHROMIUM; Playwright's own Chromium
(`playwright install chromium`); a system Chromium on PATH (Debian's `chromium`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from benchmarks.chromium import BLANK_TILE, CHROMIUM_ARGS, find_chromium

# Playwright's sync API runs an event loop in this thread; Django's live server and ORM calls
# made from the test are still synchronous, so allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")



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
