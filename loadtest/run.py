"""Load test: wrk drives the map and its APIs on gunicorn while import_articles writes reports.

Steps: a fresh database (an SQLite file, or a PostgreSQL database named newsmap_load*), migrate,
the shipped gazetteer and seeds, collectstatic; gunicorn on a free loopback port; then wrk for a
fixed time across `/` and the APIs while `import_articles` stores N generated reports. Passes when
no request failed, no process said "database is locked", the server logged no traceback and every
generated report is in the database. Everything stays on 127.0.0.1 and stops when it is done.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

import dj_database_url

log = logging.getLogger("loadtest")

BASE_DIR = Path(__file__).resolve().parent.parent
SEEDS = BASE_DIR / "articles" / "data" / "reports"
MIX = Path(__file__).with_name("mix.lua")
DEFAULT_WORKDIR = BASE_DIR / "var" / "loadtest"
MARKER = "(load test report"
# The Mosul campaign, over which the generated reports are spread as real ones would be.
CAMPAIGN_START = dt.datetime(2016, 10, 17, 6, 0)
CAMPAIGN_END = dt.datetime(2017, 7, 10, 18, 0)
LOCKED = re.compile(r"database is locked", re.IGNORECASE)
DATELINE = re.compile(r"[A-Z][a-z]{2} [A-Z][a-z]{2} \d{1,2}, \d{4} \d\d:\d\d:\d\d$")
WRK_RESULT = re.compile(r"^WRK_RESULT (\{.*\})$", re.MULTILINE)


@dataclass
class Result:
    """What one run measured and found."""

    database: str
    duration_s: float
    clients: int
    requests: int
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    failed_requests: int
    failures: dict
    locked_messages: int
    server_tracebacks: int
    import_status: int
    import_seconds: float
    reports_expected: int
    reports_imported: int

    @property
    def ok(self) -> bool:
        return (
            self.requests > 0
            and self.failed_requests == 0
            and self.locked_messages == 0
            and self.server_tracebacks == 0
            and self.import_status == 0
            and self.reports_imported == self.reports_expected
        )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m loadtest", description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent connections (50)")
    parser.add_argument("--reports", type=int, default=5000, help="reports to import (5000)")
    parser.add_argument(
        "--database-url",
        default=f"sqlite:///{DEFAULT_WORKDIR / 'newsmap.sqlite3'}",
        help="an SQLite file (replaced) or a PostgreSQL database named newsmap_load* "
        "(dropped and created); default: var/loadtest/newsmap.sqlite3",
    )
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2)
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help="logs and files")
    parser.add_argument("--import-timeout", type=int, default=1800, help="seconds (1800)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    if min(args.duration, args.clients, args.reports, args.workers, args.threads) < 1:
        parser.error("--duration, --clients, --reports, --workers and --threads must be positive")
    return args


def fresh_database(url: str) -> str:
    """Empty the database the URL names; return its vendor."""
    config = dj_database_url.parse(url)
    engine = config["ENGINE"]
    if engine.endswith("sqlite3"):
        path = Path(config["NAME"])
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return "sqlite"
    if "postgresql" in engine:
        _postgres(config, create=True)
        return "postgresql"
    raise SystemExit(f"--database-url: {engine} is not supported; use sqlite:// or postgres://")


def drop_database(url: str) -> None:
    config = dj_database_url.parse(url)
    if "postgresql" in config["ENGINE"]:
        _postgres(config, create=False)


def _postgres(config: dict, *, create: bool) -> None:
    import psycopg
    from psycopg import sql

    name = config["NAME"]
    if not name.startswith("newsmap_load"):
        raise SystemExit(f"--database-url: refusing to drop {name!r}; name it newsmap_load…")
    with psycopg.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        autocommit=True,
    ) as conn:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        conn.execute(drop.format(sql.Identifier(name)))
        if create:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def environment(url: str, workdir: Path) -> dict[str, str]:
    """Production settings on plain loopback HTTP, with no online geocoder."""
    return {
        **os.environ,
        "PYTHONPATH": str(BASE_DIR),
        "DJANGO_SETTINGS_MODULE": "loadtest.settings",
        "NEWSMAP_LOADTEST_STATIC_ROOT": str(workdir / "static"),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DATABASE_URL": url,
        "NEWSMAP_GEOCODER": "none",
        "NEWSMAP_LOG_LEVEL": "WARNING",
    }


def manage(env: dict[str, str], *args: str) -> str:
    """Run a management command; its output, or SystemExit with it on failure."""
    done = subprocess.run(  # noqa: S603 - our own argv, no shell
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def generate_reports(directory: Path, count: int) -> None:
    """`count` seed-like reports, each with its own headline, spread over the campaign's days."""
    directory.mkdir(parents=True, exist_ok=True)
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    step = (CAMPAIGN_END - CAMPAIGN_START) / count
    for i in range(count):
        lines = seeds[i % len(seeds)].split("\n")
        headline = f"{lines[0]} {MARKER} {i})"
        body = lines[next(n for n, line in enumerate(lines) if DATELINE.match(line)) + 1 :]
        moment = CAMPAIGN_START + step * i
        dateline = f"{moment:%a %b} {moment.day}, {moment:%Y %H:%M:%S}"
        text = "\n".join([headline, "", dateline, *body])
        (directory / f"load_{i:05d}.txt").write_text(text, encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(url: str, server: subprocess.Popen, timeout: float = 60) -> dict:
    """Poll the timeline until gunicorn answers; return it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(url + "/api/timeline.json", timeout=5) as response:  # noqa: S310 - loopback
                return json.load(response)
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer within {timeout:.0f} s")


def request_paths(timeline: dict) -> list[str]:
    """The page and every API, on days that have reports."""
    first = dt.date.fromisoformat(timeline["first"])
    last = dt.date.fromisoformat(timeline["last"])
    middle = first + (last - first) / 2
    week = dt.timedelta(days=6)
    return [
        "/",
        f"/api/places.geojson?date={last}",
        f"/api/reports.geojson?start={last - week}&end={last}",
        "/api/timeline.json",
        f"/api/places.geojson?date={middle}",
        f"/api/reports.geojson?start={first}&end={first + week}",
        f"/?date={first}&window=7",
        f"/api/places.geojson?date={first}",
    ]


def run_wrk(url: str, paths: list[str], clients: int, duration: int) -> tuple[dict, str]:
    wrk = shutil.which("wrk") or "/usr/bin/wrk"
    threads = max(1, min(clients, os.cpu_count() or 1))
    done = subprocess.run(  # noqa: S603 - our own argv, no shell
        [wrk, "-t", str(threads), "-c", str(clients), "-d", f"{duration}s", "--timeout", "10s"]
        + ["--latency", "-s", str(MIX), url, "--", *paths],
        capture_output=True,
        text=True,
        timeout=duration + 120,
    )
    found = WRK_RESULT.search(done.stdout)
    if done.returncode != 0 or not found:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return json.loads(found[1]), done.stdout


def stop(process: subprocess.Popen) -> None:
    """Ask a process we started to stop, and make sure it did."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run(args: argparse.Namespace) -> Result:
    """Prepare, load, import, check; the measured result."""
    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    vendor = fresh_database(args.database_url)
    env = environment(args.database_url, workdir)
    try:
        log.info("preparing the %s database", vendor)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "--clear", "-v0")
        manage(env, "load_gazetteer")
        manage(env, "import_articles", str(SEEDS))
        reports = workdir / "reports"
        shutil.rmtree(reports, ignore_errors=True)
        generate_reports(reports, args.reports)
        return _measure(args, env, vendor, workdir, reports)
    finally:
        drop_database(args.database_url)


def _measure(
    args: argparse.Namespace, env: dict[str, str], vendor: str, workdir: Path, reports: Path
) -> Result:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server_log = workdir / "gunicorn.log"
    import_log = workdir / "import.log"
    server_log.unlink(missing_ok=True)
    server = subprocess.Popen(  # noqa: S603 - our own argv, no shell
        [sys.executable, "-m", "gunicorn", "newsmap.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)]
        + ["--worker-class", "gthread", "--threads", str(args.threads)]
        + ["--error-logfile", str(server_log), "--capture-output", "--log-level", "warning"],
        cwd=BASE_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        paths = request_paths(wait_until_serving(url, server))
        log.info(
            "wrk: %d clients for %d s on %s while importing %d reports",
            args.clients,
            args.duration,
            url,
            args.reports,
        )
        with open(import_log, "w", encoding="utf-8") as out:
            started = time.monotonic()
            importer = subprocess.Popen(  # noqa: S603 - our own argv, no shell
                [sys.executable, "manage.py", "import_articles", str(reports)],
                cwd=BASE_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            try:
                stats, wrk_output = run_wrk(url, paths, args.clients, args.duration)
                status = importer.wait(timeout=args.import_timeout)
            finally:
                stop(importer)
            import_seconds = time.monotonic() - started
    finally:
        stop(server)
    (workdir / "wrk.log").write_text(wrk_output, encoding="utf-8")
    count = manage(
        env,
        "shell",
        "-c",
        "from articles.models import Article; "
        f"print(Article.objects.filter(title__contains={MARKER!r}).count())",
    )
    server_text = server_log.read_text(encoding="utf-8", errors="replace")
    import_text = import_log.read_text(encoding="utf-8", errors="replace")
    failures = {k: stats[k] for k in ("connect", "read", "write", "status", "timeout")}
    seconds = stats["duration_us"] / 1e6
    return Result(
        database=vendor,
        duration_s=round(seconds, 1),
        clients=args.clients,
        requests=stats["requests"],
        requests_per_s=round(stats["requests"] / seconds, 1),
        p50_ms=round(stats["p50_us"] / 1000, 1),
        p95_ms=round(stats["p95_us"] / 1000, 1),
        p99_ms=round(stats["p99_us"] / 1000, 1),
        failed_requests=sum(failures.values()),
        failures=failures,
        locked_messages=len(LOCKED.findall(server_text)) + len(LOCKED.findall(import_text)),
        server_tracebacks=server_text.count("Traceback"),
        import_status=status,
        import_seconds=round(import_seconds, 1),
        reports_expected=args.reports,
        reports_imported=int(count.strip().splitlines()[-1]),
    )


def main(argv: list[str] | None = None) -> int:
    """Run the load test; exit status 0 when it passed, 1 when a check failed."""
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    args = parse_args(argv)
    result = run(args)
    if args.json:
        sys.stdout.write(json.dumps({**asdict(result), "ok": result.ok}) + "\n")
    else:
        log.info(
            "%s: %d requests in %.1f s = %.1f requests/s; latency p50 %.1f ms, p95 %.1f ms, "
            "p99 %.1f ms; failed requests %d %s; 'database is locked' %d; server tracebacks %d; "
            "import exit %d, %d/%d reports in %.1f s",
            result.database,
            result.requests,
            result.duration_s,
            result.requests_per_s,
            result.p50_ms,
            result.p95_ms,
            result.p99_ms,
            result.failed_requests,
            result.failures,
            result.locked_messages,
            result.server_tracebacks,
            result.import_status,
            result.reports_imported,
            result.reports_expected,
            result.import_seconds,
        )
        log.info("PASSED" if result.ok else "FAILED")
    return 0 if result.ok else 1
