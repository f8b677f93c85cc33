"""`manage.py evaluate`: scoring a labelled batch before it is read, and joining it to the set."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.summary_training import read_set

SET_HEAD = '{\n  "about": "A set for this test.",\n  "reports": [\n'
HELD = {
    "outlet": "Test Wire", "url": "https://example.org/held", "published": "2016-10-20",
    "title": "", "body": "Troops entered Bartella.", "expected": [["bartella", "advance", None]],
}
BATCH = [
    # Found with the status and date its reader gave.
    {"outlet": "One", "url": "https://example.org/one", "published": "2016-10-24",
     "title": "", "body": "Iraqi forces retook Bartella on Sunday.",
     "expected": [["bartella", "retaken", "2016-10-23"]]},
    # Qaraqosh found with another status; Erbil found and not labelled; a village missed.
    {"outlet": "Two", "url": "https://example.org/two", "published": "2016-10-24",
     "title": "", "body": "Forces entered Qaraqosh, the army said in Erbil. Kevrok was calm.",
     "expected": [["qaraqosh", "retaken", None], ["?Kevrok", "mentioned", None]]},
]


def write_set(path: Path, reports: list[dict]) -> None:
    body = ",\n".join(json.dumps(r, ensure_ascii=False) for r in reports)
    path.write_text(SET_HEAD + body + "\n  ]\n}\n", encoding="utf-8")


def evaluate(*argv: str) -> str:
    out = StringIO()
    call_command("evaluate", *argv, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def files(tmp_path):
    held, batch = tmp_path / "set.json", tmp_path / "batch.json"
    write_set(held, [HELD])
    batch.write_text(json.dumps(BATCH, ensure_ascii=False), encoding="utf-8")
    return held, batch


def test_a_batch_is_scored_as_the_issue_counts(files):
    held, batch = files
    out = evaluate(str(batch), "--set", str(held), "--misses")
    # Three labelled places, two found (Bartella, Qaraqosh), one found unlabelled (Erbil).
    assert f"{batch}: 2 reports, 3 labelled places" in out
    assert "place precision 0.667, recall 0.667" in out
    assert "status agreement 0.500 from the rules" in out
    assert "event date 1.000 (1 place with a date)" in out
    assert "unexpected erbil (mentioned)  https://example.org/two" in out
    assert "missed     ?Kevrok (mentioned)  https://example.org/two" in out
    assert "status     qaraqosh (retaken -> advance)  https://example.org/two" in out
    assert read_set(held) == [HELD]  # scoring writes nothing


def test_a_joined_batch_ends_the_set_in_its_own_layout_once(files):
    held, batch = files
    out = evaluate(str(batch), "--set", str(held), "--join")
    assert "Joined 2 reports" in out and "train_status_model" in out
    assert read_set(held) == [HELD, *BATCH]
    text = held.read_text(encoding="utf-8")
    assert text.endswith(
        '    {"outlet": "Two", "url": "https://example.org/two",\n'
        '     "published": "2016-10-24", "title": "",\n'
        '     "body": "Forces entered Qaraqosh, the army said in Erbil. Kevrok was calm.",\n'
        '     "expected": [["qaraqosh", "retaken", null], ["?Kevrok", "mentioned", null]]}\n'
        "  ]\n}\n"
    )
    with pytest.raises(CommandError, match=r"https://example.org/one\): 'url' is already in"):
        evaluate(str(batch), "--set", str(held), "--join")
    assert held.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"published": "24 October"}, r"report 2 \(https://example.org/two\): 'published' must"),
        ({"url": "example.org/two"}, r"report 2 \(example.org/two\): 'url' must be the"),
        ({"expected": [["qaraqosh", "won", None]]}, r"place 'qaraqosh': status 'won' is not"),
        ({"expected": [["karakosh", "retaken", None]]}, r"'karakosh' is no gazetteer slug"),
        ({"expected": [["east-mosul", "advance", None]]}, r"a half of Mosul is labelled 'mosul'"),
        ({"expected": [["qaraqosh", "retaken", "Sunday"]]}, r"date 'Sunday' is not YYYY-MM-DD"),
        ({"body": None}, r"'body' is missing or not text"),
    ],
)
def test_a_bad_batch_is_named_in_one_line_and_nothing_is_joined(files, change, message):
    held, batch = files
    batch.write_text(json.dumps([BATCH[0], {**BATCH[1], **change}]), encoding="utf-8")
    before = held.read_text(encoding="utf-8")
    with pytest.raises(CommandError, match=message) as raised:
        evaluate(str(batch), "--set", str(held), "--join")
    assert str(raised.value).startswith(f"{batch}: ") and "\n" not in str(raised.value)
    assert held.read_text(encoding="utf-8") == before


def test_every_problem_of_a_batch_is_listed_for_one_pass_of_mending(files):
    held, batch = files
    bad = [{**BATCH[0], "published": "soon"}, {**BATCH[1], "expected": [["nowhere", "x", 1]]}]
    batch.write_text(json.dumps(bad), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match=r"report 1 .*'published' must be a date, YYYY-MM-DD "
                       r"\(and 3 more problems above\)$"):
        call_command("evaluate", str(batch), "--set", str(held), stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        f"{batch}: report 2 (https://example.org/two): place 'nowhere' is no gazetteer slug "
        "(write '?Name' for a new place)",
        f"{batch}: report 2 (https://example.org/two): place 'nowhere': status 'x' is not one "
        "of advance, clearing, fighting, isis_held, mentioned, retaken",
        f"{batch}: report 2 (https://example.org/two): place 'nowhere': date 1 is not "
        "YYYY-MM-DD or null",
    ]


def test_unreadable_files_and_a_join_of_nothing_say_what_is_wrong(files, tmp_path):
    held, batch = files
    with pytest.raises(CommandError, match=r"cannot read the batch"):
        evaluate(str(tmp_path / "missing.json"), "--set", str(held))
    (tmp_path / "odd.json").write_text('{"rows": []}', encoding="utf-8")
    with pytest.raises(CommandError, match=r"odd.json: cannot read the batch: expected a JSON"):
        evaluate(str(tmp_path / "odd.json"), "--set", str(held))
    with pytest.raises(CommandError, match=r"--join needs a batch file"):
        evaluate("--set", str(held), "--join")
    with pytest.raises(CommandError, match=r"cannot read the evaluation set"):
        evaluate(str(batch), "--set", str(tmp_path / "none.json"))


def test_the_whole_set_is_scored_without_a_batch():
    out = evaluate()
    assert "reports.json: 1," in out and "(fitted to these very reports)" in out
