"""Finding and launching Chromium the same way in the benchmark and the browser tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

# Headless on a machine with no display, as root, with no outside network to reach.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A 1x1 transparent PNG served for every map tile, so no test or measurement leaves loopback.
BLANK_TILE = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
NOT_FOUND = (
    "No Chromium found: run `playwright install chromium`, install your system's "
    "chromium package, or set NEWSMAP_CHROMIUM to a Chromium executable."
)


def find_chromium() -> str | None:
    """NEWSMAP_CHROMIUM, else None for Playwright's own build, else a system Chromium."""
    explicit = os.environ.get("NEWSMAP_CHROMIUM")
    if explicit:
        return explicit
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        if Path(p.chromium.executable_path).exists():
            return None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    raise LookupError(NOT_FOUND)
