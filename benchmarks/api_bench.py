"""API latency at 10k, 100k and 1M mentions, and requests/s under wrk beside a static file."""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from benchmarks import dbtasks
from benchmarks.import_bench import prepared_sqlite, sqlite_url
from benchmarks.report import WORK_DIR, Results, Row
from benchmarks.server import get, gunicorn

log = logging.getLogger(__name__)
DAYS = 300
FIRST_DAY = dt.date(2016, 10, 17)
WRK = shutil.which("wrk") or "/usr/bin/wrk"
# The map draws places that reports name: the shipped gazetteer plus some geocoded newcomers.
SYNTHETIC_PLACES = 500


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of `values` (share between 0 and 1)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def latencies(port: int, paths: list[str], count: int, max_seconds: float) -> dict:
    """Sequential GETs cycling through `paths`: p50, p95 in ms, mean body size, how many."""
    times: list[float] = []
    sizes: list[int] = []
    statuses: set[int] = set()
    get(port, paths[0])  # the first request of a worker pays for imports and connections
    start = time.perf_counter()
    for i in range(count):
        t0 = time.perf_counter()
        status, _, body = get(port, paths[i % len(paths)])
        times.append((time.perf_counter() - t0) * 1000)
        sizes.append(len(body))
        statuses.add(status)
        if time.perf_counter() - start > max_seconds:
            break
    return {"p50": percentile(times, 0.5), "p95": percentile(times, 0.95), "n": len(times),
            "bytes": statistics.mean(sizes), "statuses": sorted(statuses)}


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(port: int, path: str, seconds: int, headers: dict[str, str] | None = None) -> dict:
    """Requests/s and latency under `wrk -t2 -c20` for `seconds` on loopback."""
    cmd = [WRK, "-t2", "-c20", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:(.*)", out)
    return {"rps": float(rate.group(1)) if rate else None,
            "p99_ms": float(p99.group(1)) * _UNITS[p99.group(2)] if p99 else None,
            "non_2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(1).strip() if errors else ""}


def drain(port: int, max_seconds: float = 180.0) -> None:
    """Wait until the server has worked off the requests wrk left queued when it stopped.

    Sync workers go on serving queued requests after the client has gone; without this the
    next measurement would share the CPU with them."""
    deadline = time.monotonic() + max_seconds
    fast = 0
    while fast < 2 and time.monotonic() < deadline:
        t0 = time.perf_counter()
        try:
            get(port, "/api/openapi.json", timeout=max(1.0, deadline - time.monotonic()))
        except OSError:  # still busy past the deadline: measure anyway, the note says p99
            break
        fast = fast + 1 if time.perf_counter() - t0 < 0.2 else 0
    time.sleep(0.5)


def _paths(count: int) -> tuple[list[str], list[str]]:
    """Places-as-of and 7-day-window URLs over the date range, the same every run."""
    days = [FIRST_DAY + dt.timedelta(days=round(i * (DAYS - 8) / max(1, count - 1)) + 7)
            for i in range(count)]
    places = [f"/api/places.geojson?date={d:%Y-%m-%d}" for d in days]
    reports = [f"/api/reports.geojson?start={d - dt.timedelta(days=6):%Y-%m-%d}&end={d:%Y-%m-%d}"
               for d in days]
    return places, reports


def _tier(results: Results, port: int, mentions: int, quick: bool) -> None:
    requests, budget = (60, 4.0) if quick else (200, 40.0)
    places, reports = _paths(20)
    for label, paths in (("places", places), ("reports", reports)):
        found = latencies(port, paths, requests, budget)
        target = "p95 ≤ 50 ms at 1M mentions" if mentions >= 1_000_000 else ""
        results.add(Row(
            "API", f"/api/{label}.geojson p50 at {mentions:,} mentions", found["p50"], "ms",
            note=f"{found['n']} sequential requests, {found['bytes'] / 1000:,.0f} kB avg, "
            f"HTTP {'/'.join(map(str, found['statuses']))}",
        ))
        results.add(Row(
            "API", f"/api/{label}.geojson p95 at {mentions:,} mentions", found["p95"], "ms",
            target=target, passed=(found["p95"] <= 50) if target else None,
        ))
    seconds = 3 if quick else 10
    path = places[len(places) // 2]
    status, headers, body = get(port, path)
    static_dir = WORK_DIR / "static"
    static_dir.mkdir(parents=True, exist_ok=True)
    (static_dir / "places.geojson").write_bytes(body)
    ours = wrk(port, path, seconds)
    drain(port, max_seconds=60 + 20 * (ours["p99_ms"] or 10_000) / 1000)
    with gunicorn("benchmarks.server:application", "sqlite://:memory:", ready_path="/x",
                  NEWSMAP_BENCH_STATIC=str(static_dir)) as static_port:
        static = wrk(static_port, "/places.geojson", seconds)
    ratio = ours["rps"] / static["rps"] if ours["rps"] and static["rps"] else None
    results.add(Row(
        "API", f"/api/places.geojson req/s under wrk at {mentions:,} mentions", ours["rps"],
        "req/s", against="same bytes as a static file (WhiteNoise, same gunicorn)",
        against_value=static["rps"], ratio=ratio, target="≥ 0.5× static",
        passed=(ratio >= 0.5) if ratio is not None else None,
        note=f"wrk -t2 -c20 -d{seconds}s, {len(body) / 1000:,.0f} kB, p99 {ours['p99_ms']} ms"
        + (f", {ours['non_2xx']} non-2xx" if ours["non_2xx"] else ""),
    ))
    etag = headers.get("etag")
    if etag and not quick:
        revalidated = wrk(port, path, seconds, {"If-None-Match": etag})
        drain(port)
        results.add(Row(
            "API", "/api/places.geojson revalidation (304) req/s under wrk", revalidated["rps"],
            "req/s", against="static file", against_value=static["rps"],
            ratio=(revalidated["rps"] / static["rps"]
                   if revalidated["rps"] and static["rps"] else None),
            note="If-None-Match with the current ETag",
        ))
    if quick:
        return
    report_path = reports[len(reports) // 2]
    rep = wrk(port, report_path, seconds)
    drain(port, max_seconds=60 + 20 * (rep["p99_ms"] or 10_000) / 1000)
    results.add(Row("API", f"/api/reports.geojson req/s under wrk at {mentions:,} mentions",
                    rep["rps"], "req/s", note=f"wrk -t2 -c20 -d{seconds}s, p99 {rep['p99_ms']} ms"))


def run(results: Results, quick: bool, seed: int = 1) -> None:
    """Fill a bench SQLite file tier by tier and measure the APIs through gunicorn at each."""
    tiers = [10_000] if quick else [10_000, 100_000, 1_000_000]
    path = prepared_sqlite("api.sqlite3", seed, results, max_synthetic=SYNTHETIC_PLACES)
    url = sqlite_url(path)
    logfile = WORK_DIR / "gunicorn-api.log"
    logfile.unlink(missing_ok=True)
    filled = 0
    try:
        for mentions in tiers:
            t0 = time.perf_counter()
            info = dbtasks.call("fill", {"mentions": mentions - filled, "days": DAYS,
                                         "seed": seed}, url, 1800)
            filled = info["mentions"]
            results.seconds[f"api: fill to {mentions:,} mentions"] = time.perf_counter() - t0
            with gunicorn("newsmap.wsgi:application", url, ready_path="/api/openapi.json",
                          log=logfile) as port:
                _tier(results, port, filled, quick)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
