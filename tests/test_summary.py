"""The summary model: each report's main claim about a place, weighed from what the rules found."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from articles import status
from articles.geoparse import geoparse
from articles.summary import (
    WINDOW,
    PlaceEvidence,
    SummaryModel,
    evidence,
)
from articles.summary_training import csv_matcher

STATUSES = sorted(status.STATUS_RANK)
DAY = dt.date(2016, 11, 4)
TWO_DAYS = (
    "Iraqi forces entered the Kokjeli district on Thursday. "
    "Clearing operations went on in Kokjeli on Friday."
)


@pytest.fixture(scope="module")
def matcher():
    return csv_matcher()


def favouring(status_name: str, feature: str = "kind=district") -> SummaryModel:
    """A model that gives every district `status_name`, whatever else it sees."""
    weights = {feature: [50.0 if s == status_name else 0.0 for s in STATUSES]}
    return SummaryModel(STATUSES, [0.0] * len(STATUSES), weights)


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
    place = PlaceEvidence("kokjeli", mention, [])
    place.add(mention)
    assert place.left == place.right == [] and place.tags == ["status=advance"]


def test_a_model_file_of_another_format_is_refused():
    data = json.loads(favouring(status.ADVANCE).dumps())
    assert SummaryModel.from_json(data).weights == favouring(status.ADVANCE).weights
    data["format"] = 99
    with pytest.raises(ValueError, match="status model format 99"):
        SummaryModel.from_json(data)
