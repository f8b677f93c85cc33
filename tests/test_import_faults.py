"""An import killed halfway and run again ends with every report imported once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from articles.models import Article, RelatedItem

ROOT = Path(__file__).resolve().parent.parent
SEED = (ROOT / "articles/data/reports/000_e3a33125ca4d3b23.txt").read_text(encoding="utf-8")


def database_url() -> str:
    """The URL of the test database, so a subprocess writes where the test reads."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}"


def write_reports(folder: Path, count: int) -> None:
    title, rest = SEED.split("\n", 1)
    for i in range(count):
        # Distinct headlines make distinct reports; the body and related block stay seed-like.
        (folder / f"report-{i:04}.txt").write_text(
            f"{title} (part {i})\n" + rest.replace(f"{title}\n", f"{title} (part {i})\n", 1),
            encoding="utf-8",
        )


def children(pid: int) -> list[int]:
    """The child processes of `pid` (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(n) for n in (task / "children").read_text().split()]
    return found


def alive(pid: int) -> bool:
    """Whether a process still runs (a zombie waiting to be reaped does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in {"Z", "X"}


def import_command(folder: Path) -> list[str]:
    return [sys.executable, "manage.py", "import_articles", str(folder)]


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_halfway_then_rerun_imports_every_report_once(tmp_path):
    from django.core.management import call_command

    call_command("load_gazetteer", verbosity=0)
    count = 1000
    write_reports(tmp_path, count)
    env = {**os.environ, "DATABASE_URL": database_url()}

    process = subprocess.Popen(
        import_command(tmp_path),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while Article.objects.count() < count // 10 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    killed_at = Article.objects.count()
    assert 0 < killed_at < count, "the kill must land halfway for this test to mean anything"
    assert workers, "a run of this size reads and geoparses in worker processes"
    # Orphaned workers notice and exit, rather than linger holding the database's sockets.
    deadline = time.monotonic() + 10
    while any(map(alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(alive, workers))

    rerun = subprocess.run(
        import_command(tmp_path), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )

    assert rerun.returncode == 0, rerun.stderr
    last_line = rerun.stdout.strip().splitlines()[-1]
    assert (
        last_line == f"imported {count - killed_at}, updated 0, unchanged {killed_at}, rejected 0"
    )
    assert Article.objects.count() == count
    # Nothing half-written: every report has its whole related list and its mentions.
    assert RelatedItem.objects.count() == count * 5
    assert not Article.objects.filter(mentions__isnull=True).exists()
