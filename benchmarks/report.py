"""Benchmark results: one row per figure, printed as a table and saved as JSON in var/bench/."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sqlite3
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent / "var" / "bench"
# Scratch files (corpora, databases, logs) of this run only, so two runs never share them.
WORK_DIR = BENCH_DIR / f"work-{os.getpid()}"


@dataclass
class Row:
    """One measured figure, what it was measured against, and the target it answers to."""

    section: str
    figure: str
    value: float | None
    unit: str
    against: str = ""
    against_value: float | None = None
    ratio: float | None = None
    target: str = ""
    passed: bool | None = None
    note: str = ""


@dataclass
class Results:
    """Everything one run measured, with the machine it ran on."""

    quick: bool
    started_at: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat())
    load_at_start: list[float] = field(
        default_factory=lambda: [round(x, 2) for x in os.getloadavg()]
        if hasattr(os, "getloadavg") else []
    )
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        return row


def machine_info() -> dict[str, object]:
    """CPU model, cores, Python, SQLite and PostgreSQL client versions."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info: dict[str, object] = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
    }
    if hasattr(os, "getloadavg"):
        info["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    try:
        meminfo = Path("/proc/meminfo").read_text().split("\n", 1)[0]
        info["memory_kb"] = int(meminfo.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    for name, cmd in (("wrk", ["wrk", "--version"]), ("chromium", ["chromium", "--version"])):
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
            info[name] = (out.stdout or out.stderr).strip().splitlines()[0]
        except (OSError, subprocess.SubprocessError, IndexError):
            info[name] = None
    return info


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


def table(results: Results) -> str:
    """A Markdown table, so the same text reads on a terminal and pastes into the README."""
    head = ["Section", "Figure", "Value", "Against", "Ratio", "Target", "Result"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in results.rows:
        against = row.against
        if row.against_value is not None:
            against = f"{row.against}: {_fmt(row.against_value, row.unit)}"
        verdict = "" if row.passed is None else ("pass" if row.passed else "MISS")
        ratio = "" if row.ratio is None else f"{row.ratio:.2f}×"
        figure = row.figure + (f" ({row.note})" if row.note else "")
        cells = [row.section, figure, _fmt(row.value, row.unit), against or "",
                 ratio, row.target, verdict]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)


def write(results: Results, directory: Path = BENCH_DIR) -> Path:
    """Save the run as var/bench/<timestamp>.json and var/bench/latest.json."""
    directory.mkdir(parents=True, exist_ok=True)
    payload = {
        "started_at": results.started_at,
        "finished_at": dt.datetime.now(dt.UTC).isoformat(),
        "quick": results.quick,
        "machine": {**machine_info(), "load_average_at_start": results.load_at_start},
        "seconds": results.seconds,
        "rows": [asdict(row) for row in results.rows],
        "notes": results.notes,
        "errors": results.errors,
    }
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"{stamp}.json"
    text = json.dumps(payload, indent=2, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    (directory / "latest.json").write_text(text, encoding="utf-8")
    return path
