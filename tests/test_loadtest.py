"""The load test in its short form, on this run's database vendor: wrk against gunicorn while
import_articles writes reports; no failed request, no lock error, every report imported."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from urllib.parse import quote

import pytest
from django.conf import settings

WRK = shutil.which("wrk") or "/usr/bin/wrk"
DURATION, CLIENTS, REPORTS = 10, 20, 400


def database_url(tmp_path) -> str:
    """A database of the same vendor as the test database, private to this run."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{tmp_path / 'load.sqlite3'}"
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgres://{user}{password}@{host}/newsmap_load_test_{os.getpid()}"


def test_the_map_serves_without_failures_while_reports_are_imported(tmp_path):
    if not os.path.exists(WRK):
        pytest.fail("wrk is not installed: `apt-get install wrk` (.ci/run does)")
    done = subprocess.run(
        [sys.executable, "-m", "loadtest", "--json"]
        + ["--duration", str(DURATION), "--clients", str(CLIENTS), "--reports", str(REPORTS)]
        + ["--database-url", database_url(tmp_path), "--workdir", str(tmp_path / "work")],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert done.stdout.strip(), done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["requests"] > 0
    assert result["failed_requests"] == 0, result["failures"]
    assert result["locked_messages"] == 0
    assert result["server_tracebacks"] == 0, (tmp_path / "work" / "gunicorn.log").read_text()
    assert result["import_status"] == 0, (tmp_path / "work" / "import.log").read_text()
    assert result["reports_imported"] == REPORTS
    assert result["ok"] is True
    assert done.returncode == 0
