"""The benchmark program: a reproducible, seed-like corpus; a quick mode that runs and reports."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from articles.names import normalise
from articles.parsing import parse_report
from benchmarks.corpus import CorpusGenerator, build_gazetteer, file_name, write_corpus

ROOT = Path(__file__).resolve().parent.parent
DATELINE = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d{1,2}, \d{4} \d\d:\d\d:\d\d$", re.MULTILINE
)
RELATED = re.compile(r'^string\((\d+)\) "(.*)"$', re.MULTILINE | re.DOTALL)


def texts(seed: int, count: int = 30) -> list[str]:
    gazetteer = build_gazetteer(2_000, seed)
    return [r.text() for r in CorpusGenerator(gazetteer, seed).reports(count)]


def test_the_same_seed_gives_the_same_reports():
    assert texts(7) == texts(7)


def test_another_seed_gives_other_reports():
    assert texts(7) != texts(8)


def test_the_gazetteer_is_padded_to_the_requested_number_of_names():
    gazetteer = build_gazetteer(3_000, seed=3)
    assert gazetteer.name_count in range(3_000, 3_004)
    assert gazetteer.spelling_count >= gazetteer.name_count
    assert len({p.key for p in gazetteer.places}) == len(gazetteer.places)


def test_the_gazetteer_keeps_the_real_mosul_places_and_their_variants():
    gazetteer = build_gazetteer(3_000, seed=3)
    names = {normalise(a) for p in gazetteer.real for a in p.aliases}
    for spelling in ("al-Zahour", "Zuhur", "Kokjeli", "Gogjali", "Hammam al-Alil", "Intisar"):
        assert normalise(spelling) in names
    assert gazetteer.synthetic, "synthetic names pad the real ones"


def test_every_report_is_in_the_seed_format_and_parses_whole():
    gazetteer = build_gazetteer(2_000, seed=5)
    for report in CorpusGenerator(gazetteer, seed=5).reports(60):
        text = report.text()
        assert text.splitlines()[0] == report.title
        assert DATELINE.search(text)
        block = RELATED.search(text)
        assert block and int(block.group(1)) == len(block.group(2).encode("utf-8"))
        assert 1_000 < len(text.encode("utf-8")) < 4_000, "seed-sized"
        parsed = parse_report(text.encode("utf-8"), source_timezone="Asia/Baghdad")
        assert parsed.warnings == []
        assert parsed.title == report.title
        assert parsed.paragraphs == report.paragraphs
        assert parsed.source == report.source_line
        assert [item.title for item in parsed.related] == report.related_titles


def test_reports_name_places_from_the_gazetteer_in_the_seeds_sentences():
    gazetteer = build_gazetteer(2_000, seed=5)
    spellings = {a for p in gazetteer.places for a in p.aliases}
    reports = list(CorpusGenerator(gazetteer, seed=5).reports(40))
    for report in reports:
        assert 3 <= len(report.places) <= 6
        assert any(s in report.body for s in spellings if len(s) > 3)
    bodies = " ".join(r.body for r in reports)
    assert "neighbourhood of eastern Mosul" in bodies or "neighbourhood of western Mosul" in bodies
    assert "Heavy fighting is underway" in bodies or "Clashes in" in bodies


def test_reports_are_dated_in_order_within_the_range_and_unique():
    gazetteer = build_gazetteer(2_000, seed=5)
    generator = CorpusGenerator(gazetteer, seed=5, days=30)
    reports = list(generator.reports(200))
    stamps = [r.published_at for r in reports]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == len(stamps)
    assert all((s.date() - generator.start).days < 30 for s in stamps)


def test_the_corpus_is_written_one_utf8_file_per_report(tmp_path):
    gazetteer = build_gazetteer(2_000, seed=5)
    reports = list(CorpusGenerator(gazetteer, seed=5).reports(5))
    paths = write_corpus(tmp_path, reports)
    assert [p.name for p in paths] == [file_name(i, r) for i, r in enumerate(reports)]
    assert paths[2].read_text(encoding="utf-8") == reports[2].text()


@pytest.mark.bench
def test_quick_mode_runs_every_part_and_writes_its_json(tmp_path):
    env = {**os.environ, "DJANGO_SECRET_KEY": "test-only-not-secret", "DJANGO_DEBUG": "0"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--out", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    saved = json.loads((tmp_path / "latest.json").read_text())
    assert saved["errors"] == [], done.stdout[-3000:]
    assert done.returncode == 0, done.stderr[-3000:]
    assert saved["quick"] is True
    assert {"cpu", "cores", "python", "sqlite"} <= set(saved["machine"])
    sections = {row["section"] for row in saved["rows"]}
    assert sections == {"Geoparse (1 core)", "Import", "API", "Browser"}
    for row in saved["rows"]:
        assert set(row) >= {"figure", "value", "unit", "against", "ratio", "target", "passed"}
        assert row["value"] is not None, row
        if row["target"]:
            assert row["passed"] in (True, False)
    assert "| Section | Figure | Value |" in done.stdout
    assert len(list(tmp_path.glob("*.json"))) == 2
