"""gunicorn on a free loopback port, for the API and browser benchmarks; and a static-file app."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.dbtasks import ROOT, child_env

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def get(port: int, path: str, headers: dict[str, str] | None = None,
        timeout: float = 60.0) -> tuple[int, dict[str, str], bytes]:
    """One GET on loopback: status, headers (lower-cased names), body."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        conn.close()


@contextmanager
def gunicorn(app: str, database_url: str, workers: int = 2, ready_path: str = "/",
             log: Path | None = None, **env: str) -> Iterator[int]:
    """Serve `app` with gunicorn (sync workers) on a free loopback port; yield the port."""
    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", app, "--workers", str(workers),
           "--bind", f"{HOST}:{port}", "--timeout", "300", "--graceful-timeout", "5",
           "--log-level", "warning"]
    out = log.open("ab") if log else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, cwd=ROOT, env=child_env(database_url, **env), stdout=out,
                            stderr=out)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn {app} exited with {proc.returncode} (see {log})")
            try:
                get(port, ready_path, timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn {app} did not answer in 60 s") from None
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        if log:
            out.close()


def static_app(environ, start_response):
    """WhiteNoise over the directory in NEWSMAP_BENCH_STATIC, as production serves static files."""
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]


def _wrapped():
    from whitenoise import WhiteNoise

    return WhiteNoise(static_app, root=os.environ.get("NEWSMAP_BENCH_STATIC", "."), prefix="/",
                      max_age=0, autorefresh=False)


application = _wrapped() if os.environ.get("NEWSMAP_BENCH_STATIC") else static_app
