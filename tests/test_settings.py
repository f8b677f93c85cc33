"""The environment-driven settings module."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_requires_a_secret_key_when_debug_is_off():
    result = run_python("import newsmap.settings", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_it_runs_without_a_secret_key_in_debug():
    result = run_python("import newsmap.settings as s; print(s.DEBUG)", DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_it_rejects_a_debug_value_that_is_not_yes_or_no():
    result = run_python("import newsmap.settings", DJANGO_DEBUG="maybe")
    assert "DJANGO_DEBUG='maybe' is not a yes/no value" in result.stderr


def test_it_reads_postgresql_from_database_url():
    code = "import newsmap.settings as s; print(s.DATABASES['default']['ENGINE'])"
    result = run_python(
        code, DJANGO_DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1:5432/newsmap"
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_it_configures_sqlite_for_concurrent_reads_and_writes():
    code = "import newsmap.settings as s; print(s.DATABASES['default']['OPTIONS'])"
    result = run_python(code, DJANGO_DEBUG="1")
    assert "journal_mode=WAL" in result.stdout
    assert "'timeout': 20" in result.stdout


def test_deploy_checks_pass_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "a-long-random-production-key-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "newsmap.example.org",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
