"""The summary model: each report's main claim about a place, weighed from what the rules found."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from articles import status
from articles.geoparse import geoparse
from articles.summary import (
    MODEL_PATH,
    WINDOW,
    PlaceEvidence,
    SummaryModel,
    evidence,
    shipped_model,
)
from articles.summary_training import BATCH, csv_matcher, fit, labelled_rows, read_set

STATUSES = sorted(status.STATUS_RANK)
DAY = dt.date(2016, 11, 4)
TWO_DAYS = (
    "Iraqi forces entered the Kokjeli district on Thursday. "
    "Clearing operations went on in Kokjeli on Friday."
)


@pytest.fixture(scope="module")
def matcher():
    return csv_matcher()


@pytest.fixture(scope="module")
def rows(matcher):
    return labelled_rows(read_set(), matcher)


def favouring(status_name: str, feature: str = "kind=district") -> SummaryModel:
    """A model that gives every district `status_name`, whatever else it sees."""
    weights = {feature: [50.0 if s == status_name else 0.0 for s in STATUSES]}
    return SummaryModel(STATUSES, [0.0] * len(STATUSES), weights)


def test_packed_scores_are_the_weights_summed(rows):
    model = shipped_model()
    for row in rows[::7]:
        plain = list(model.intercept)
        for feature, count in Counter(row.place.features()).items():
            for i, w in enumerate(model.weights.get(feature, ())):
                plain[i] += count * w
        assert model.scores(row.place) == pytest.approx(plain, abs=1e-9)


def test_the_shipped_model_was_fitted_to_what_todays_rules_find(capsys):
    # After a change to the rules, the gazetteer or the set: manage.py train_status_model.
    call_command("train_status_model", "--check")
    assert "is up to date" in capsys.readouterr().out


def test_the_model_beats_the_rules_on_batches_it_was_not_fitted_to(rows):
    # The last six batches, as docs/evaluation.md tells: fitted to the others only. The rules
    # were read from these very batches, so they have the advantage here. Six, not three: on
    # three (about 350 places) the gain moved by a point from one batch to the next (+1.7 once
    # batch 50 joined, +2.0 on six: 0.664 against 0.644 over 669 places).
    cut = max(r.report for r in rows) + 1 - 6 * BATCH
    model = fit([r for r in rows if r.report < cut])
    test = [r for r in rows if r.report >= cut]
    by_rules = sum(r.rule == r.label for r in test) / len(test)
    by_model = sum(model.decide(r.place) == r.label for r in test) / len(test)
    print(f"last six batches: rules {by_rules:.3f}, model {by_model:.3f}")
    assert by_model >= by_rules + 0.01


@pytest.mark.parametrize(
    ("text", "key", "claim"),
    [
        ("Mosul was liberated on Sunday, the prime minister said.", "mosul", status.RETAKEN),
        ("The army announced the liberation of the city of Mosul.", "mosul", status.RETAKEN),
        ("Troops retook two neighbourhoods from the Islamic State group in Mosul on Sunday.",
         "mosul", status.ADVANCE),
        ("Forces liberated the northern part of Mosul.", "mosul", status.ADVANCE),
        ("Clashes in Baghdad killed four.", "baghdad", status.FIGHTING),
        ("Iraqi forces entered Gogjali on Friday.", "kokjeli", status.ADVANCE),
        ("ISIS still controls Tal Afar.", "tal-afar", status.ISIS_HELD),
    ],
)
def test_a_plain_claim_stands_however_rarely_the_set_gives_it(matcher, text, key, claim):
    # Cities are mostly only mentioned in the set, and Mosul retaken is rare: one sentence
    # that says otherwise still carries the report (PlaceEvidence weighs shares, not counts).
    found = geoparse("", text, [], dt.date(2017, 7, 11), matcher)
    (summary,) = [m for m in found if m.place_key == key and m.is_primary]
    assert summary.status == claim


def test_the_decision_moves_the_summary_to_the_mention_that_says_it(matcher):
    text = TWO_DAYS
    rules = [m for m in geoparse("", text, [], DAY, matcher, summary=None)
             if m.place_key == "kokjeli"]
    assert [m.status for m in rules] == [status.ADVANCE, status.CLEARING]
    assert [m.is_primary for m in rules] == [False, True]

    weighed = [m for m in geoparse("", text, [], DAY, matcher, summary=favouring(status.ADVANCE))
               if m.place_key == "kokjeli"]
    # Each mention keeps what its own sentence says; the summary is the one that says it.
    assert [m.status for m in weighed] == [status.ADVANCE, status.CLEARING]
    assert [m.is_primary for m in weighed] == [True, False]
    assert weighed[0].event_date == dt.date(2016, 11, 3)


def test_a_decision_no_sentence_says_alone_is_the_summary_s_own(matcher):
    text = "Iraqi forces entered the Kokjeli district on Thursday."
    found = geoparse("", text, [], DAY, matcher, summary=favouring(status.FIGHTING))
    kokjeli = [m for m in found if m.place_key == "kokjeli"]
    assert len(kokjeli) == 1 and kokjeli[0].is_primary
    assert kokjeli[0].status == status.FIGHTING
    assert kokjeli[0].sentence == text


def test_without_a_model_the_rules_choice_stands(matcher):
    text = TWO_DAYS
    a = geoparse("", text, [], DAY, matcher, summary=None)
    b = geoparse("", text, [], DAY, matcher, summary=favouring(status.CLEARING))
    assert [(m.status, m.is_primary) for m in a] == [(m.status, m.is_primary) for m in b]


def test_the_words_beside_a_name_are_read_within_reach_in_a_huge_sentence(matcher):
    filler = "and the convoy moved slowly " * 10_000
    text = f"{filler}as troops entered Kokjeli yesterday under heavy fire {filler}"
    found = geoparse("", text, [], DAY, matcher, summary=None)
    place = next(p for p in evidence(found, matcher.places, matcher.holding_parts)
                 if p.key == "kokjeli")
    assert place.left == ["convoy", "moved", "slowly", "as", "troops", "entered"]
    assert place.right == ["yesterd", "under", "heavy", "fire", "and", "the"][:WINDOW]
    assert place.first_left == ["entered"] and place.first_right == ["yesterd"]


def test_a_name_its_sentence_does_not_hold_as_written_gives_no_words_beside_it(matcher):
    found = geoparse("", "Iraqi forces entered Kokjeli.", [], DAY, matcher, summary=None)
    mention = next(m for m in found if m.place_key == "kokjeli")
    mention.surface = "Gogjali"  # as an editor might have re-spelt it
    place = PlaceEvidence("kokjeli", mention)
    place.add(mention)
    assert place.left == place.right == [] and place.tags == ["status=advance"]


def test_the_command_writes_weights_that_load_and_check(tmp_path, capsys):
    data = tmp_path / "set.json"
    data.write_text(json.dumps({"reports": read_set()[:40]}), encoding="utf-8")
    out = tmp_path / "model.json"
    call_command("train_status_model", "--data", str(data), "--output", str(out), "--no-folds")
    model = SummaryModel.from_json(json.loads(out.read_text(encoding="utf-8")))
    assert model.classes and model.weights and model.about["reports"] == 40
    call_command("train_status_model", "--data", str(data), "--output", str(out), "--check")
    assert "is up to date" in capsys.readouterr().out
    # Weights fitted to other rows are stale.
    stale = tmp_path / "stale.json"
    stale.write_text(MODEL_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(CommandError, match="stale.json was fitted to other rows"):
        call_command("train_status_model", "--data", str(data), "--output", str(stale),
                     "--check")


def test_the_command_names_a_file_it_cannot_read(tmp_path):
    bad = tmp_path / "set.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match=r"set\.json: cannot read the labelled reports"):
        call_command("train_status_model", "--data", str(bad), "--output",
                     str(tmp_path / "m.json"))
    assert not (tmp_path / "m.json").exists()


def test_a_model_file_of_another_format_is_refused():
    data = json.loads(favouring(status.ADVANCE).dumps())
    assert SummaryModel.from_json(data).weights == favouring(status.ADVANCE).weights
    data["format"] = 99
    with pytest.raises(ValueError, match="status model format 99"):
        SummaryModel.from_json(data)


def test_the_command_names_a_file_it_cannot_write(tmp_path):
    data = tmp_path / "set.json"
    data.write_text(json.dumps({"reports": read_set()[:10]}), encoding="utf-8")
    out = tmp_path / "no-such-dir" / "model.json"
    with pytest.raises(CommandError, match=r"model\.json: cannot write the weights"):
        call_command("train_status_model", "--data", str(data), "--output", str(out),
                     "--no-folds")
