"""The map in headless Chromium: first render, one slider step's redraw, bytes on first load."""

from __future__ import annotations

import logging
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import dbtasks
from benchmarks.api_bench import DAYS, SYNTHETIC_PLACES, percentile
from benchmarks.chromium import BLANK_TILE, CHROMIUM_ARGS, find_chromium
from benchmarks.import_bench import prepared_sqlite, sqlite_url
from benchmarks.report import WORK_DIR, Results, Row
from benchmarks.server import gunicorn

log = logging.getLogger(__name__)
# map.js sets these on the map container once a date's places, and a window's reports, are drawn.
PLACES_DRAWN = "data-places-date"
REPORTS_DRAWN = "data-reports-window"
# Evaluated through the DevTools protocol, which the page's CSP allows (no string eval).
FIRST_RENDER_SCRIPT = """async ([placesAttr, reportsAttr, timeoutMs]) => {
  const map = document.getElementById('map');
  const drawn = () => map.hasAttribute(placesAttr) && map.hasAttribute(reportsAttr);
  if (!drawn()) await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no first render in ' + timeoutMs + ' ms')),
                             timeoutMs);
    new MutationObserver((_, obs) => {
      if (drawn()) { obs.disconnect(); clearTimeout(timer); resolve(); }
    }).observe(map, {attributes: true});
  });
  return await new Promise(resolve => requestAnimationFrame(() => resolve(performance.now())));
}"""
STEP_SCRIPT = """async ([placesAttr, reportsAttr, timeoutMs]) => {
  const map = document.getElementById('map');
  const slider = document.getElementById('date-slider');
  const before = [map.getAttribute(placesAttr), map.getAttribute(reportsAttr)];
  if (Number(slider.value) >= Number(slider.max)) slider.value = slider.min;
  const t0 = performance.now();
  const changed = (attr, old) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(attr + ': no redraw in ' + timeoutMs + ' ms')),
                             timeoutMs);
    // The next frame after the layer update: the redraw has been painted.
    const done = () => { clearTimeout(timer);
                         requestAnimationFrame(() => resolve(performance.now() - t0)); };
    if (map.getAttribute(attr) !== old) return done();
    new MutationObserver((_, obs) => {
      if (map.getAttribute(attr) !== old) { obs.disconnect(); done(); }
    }).observe(map, {attributes: true, attributeFilter: [attr]});
  });
  const waits = [changed(placesAttr, before[0]), changed(reportsAttr, before[1])];
  slider.value = String(Number(slider.value) + 1);
  slider.dispatchEvent(new Event('input', {bubbles: true}));
  return await Promise.all(waits);
}"""


# The floor of a step: fetching and decoding the next day's places JSON, nothing drawn.
FETCH_SCRIPT = """async ([placesAttr, count]) => {
  const api = JSON.parse(document.getElementById('map-config').textContent).api.places;
  const day = new Date(document.getElementById('map').getAttribute(placesAttr) + 'T00:00:00Z');
  const times = [];
  for (let i = 1; i <= count; i++) {
    const d = new Date(day.getTime() + i * 86400000).toISOString().slice(0, 10);
    const t0 = performance.now();
    await (await fetch(api + '?date=' + d, {headers: {Accept: 'application/json'}})).json();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}"""


def collectstatic(url: str) -> str:
    """Production static files (hashed, compressed) into STATIC_ROOT; the reason if it fails."""
    done = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                          cwd=dbtasks.ROOT, env=dbtasks.child_env(url), timeout=300,
                          capture_output=True, text=True)
    if done.returncode == 0:
        return ""
    lines = [line for line in done.stderr.splitlines() if "Error" in line or "failed" in line]
    return (lines[-1] if lines else done.stderr.strip()[-300:]).strip()


def measure_page(browser, port: int, steps: int, max_seconds: float) -> dict:
    """Load `/`, wait for the first render, then time slider steps; bytes of the first load."""
    context = browser.new_context(locale="en-GB", timezone_id="UTC",
                                  viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.route("https://*.openstreetmap.org/**", lambda route: route.fulfill(
            status=200, content_type="image/png", body=BLANK_TILE))
        responses = []
        page.on("requestfinished", lambda request: responses.append(request))
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"http://127.0.0.1:{port}/", wait_until="load", timeout=60_000)
        first = page.evaluate(FIRST_RENDER_SCRIPT, [PLACES_DRAWN, REPORTS_DRAWN, 60_000])
        page.wait_for_load_state("networkidle", timeout=30_000)
        loaded = counted = 0
        for request in list(responses):
            if not request.url.startswith("http://127.0.0.1"):
                continue
            counted += 1
            sizes = request.sizes()
            loaded += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        args = [PLACES_DRAWN, REPORTS_DRAWN, 30_000]
        places, settled = [], []
        start = time.perf_counter()
        page.evaluate(STEP_SCRIPT, args)  # the first step warms the code path
        for _ in range(steps):
            a, b = page.evaluate(STEP_SCRIPT, args)
            places.append(a)
            settled.append(b)
            if time.perf_counter() - start > max_seconds:
                break
        fetch_ms = page.evaluate(FETCH_SCRIPT, [PLACES_DRAWN, min(10, len(places))])
        return {"first_ms": first, "bytes": loaded, "requests": counted, "fetch_ms": fetch_ms,
                "step_median": statistics.median(places), "step_p95": percentile(places, 0.95),
                "settled_median": statistics.median(settled), "steps": len(places),
                "errors": errors}
    finally:
        context.close()


def run(results: Results, quick: bool, seed: int = 1) -> None:
    """Fill tiers of reports and measure the map page through gunicorn in headless Chromium."""
    from playwright.sync_api import sync_playwright

    tiers = [1_000] if quick else [1_000, 10_000, 50_000]
    steps, budget = (10, 5.0) if quick else (30, 30.0)
    path = prepared_sqlite("browser.sqlite3", seed, results, max_synthetic=SYNTHETIC_PLACES)
    url = sqlite_url(path)
    logfile = WORK_DIR / "gunicorn-browser.log"
    logfile.unlink(missing_ok=True)
    t0 = time.perf_counter()
    failed = collectstatic(url)
    results.seconds["browser: collectstatic"] = time.perf_counter() - t0
    server_env: dict[str, str] = {}
    if failed:
        # Without collected files production settings cannot serve the page at all; debug
        # settings serve the same files from the finders, uncompressed, so bytes are an upper bound.
        server_env["DJANGO_DEBUG"] = "1"
        results.errors.append(f"browser: collectstatic failed ({failed}); measured with "
                              "DJANGO_DEBUG=1, static files uncompressed")
    filled = 0
    executable = find_chromium()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                for reports in tiers:
                    info = dbtasks.call("fill", {"reports": reports - filled, "days": DAYS,
                                                 "seed": seed}, url, 600)
                    filled = info["articles"]
                    with gunicorn("newsmap.wsgi:application", url, ready_path="/api/openapi.json",
                                  log=logfile, **server_env) as port:
                        found = measure_page(browser, port, steps, budget)
                    _rows(results, filled, found)
            finally:
                browser.close()
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def _rows(results: Results, reports: int, found: dict) -> None:
    section = "Browser"
    big = reports >= 50_000
    results.add(Row(section, f"first map render at {reports:,} reports", found["first_ms"], "ms",
                    note="performance.now() once places and reports are drawn"))
    results.add(Row(section, f"slider step redraw at {reports:,} reports (median)",
                    found["step_median"], "ms", against="fetch + parse of the places JSON only",
                    against_value=found["fetch_ms"],
                    ratio=found["step_median"] / found["fetch_ms"] if found["fetch_ms"] else None,
                    note=f"{found['steps']} steps, input event to the frame after the places "
                    "layer is redrawn"))
    results.add(Row(section, f"slider step redraw at {reports:,} reports (p95)", found["step_p95"],
                    "ms", target="≤ 50 ms at 50k reports" if big else "",
                    passed=(found["step_p95"] <= 50) if big else None))
    results.add(Row(section, f"first load transfer at {reports:,} reports",
                    found["bytes"] / 1000, "kB", target="≤ 300 kB before tiles",
                    passed=found["bytes"] <= 300_000,
                    note=f"{found['requests']} requests, compressed as served, tiles excluded"))
    results.add(Row(section, f"slider step, reports layer too, at {reports:,} reports (median)",
                    found["settled_median"], "ms",
                    note="includes map.js's 120 ms debounce of the reports request"))
    if found["errors"]:
        results.errors.append(f"browser at {reports:,} reports: page errors {found['errors'][:3]}")
