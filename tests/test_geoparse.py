"""The pure geoparser on plain strings and the two seed reports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.geoparse import Matcher, NameEntry, geoparse
from articles.parsing import parse_report
from articles.summary_training import csv_matcher

SEEDS = Path(__file__).resolve().parent.parent / "articles" / "data" / "reports"
FRIDAY = dt.date(2016, 11, 4)

# slug, name, kind, parent, bank, common_word, lat, lon, aliases
PLACES = [
    ("iraq", "Iraq", "country", None, "", False, 33.0, 44.0, "Iraq"),
    ("nineveh", "Nineveh", "region", "iraq", "", False, 36.34, 43.13, "Nineveh|Ninewa"),
    ("mosul", "Mosul", "city", "nineveh", "", False, 36.34, 43.13, "Mosul|al-Mawsil"),
    (
        "east-mosul",
        "East Mosul",
        "region",
        "mosul",
        "east",
        False,
        36.355,
        43.19,
        "East Mosul|eastern Mosul|left bank",
    ),
    (
        "west-mosul",
        "West Mosul",
        "region",
        "mosul",
        "west",
        False,
        36.345,
        43.09,
        "West Mosul|western Mosul|right bank",
    ),
    (
        "zahour",
        "al-Zahour",
        "district",
        "mosul",
        "east",
        False,
        36.36,
        43.19,
        "al-Zahour|Zuhur|Zohour",
    ),
    (
        "kokjeli",
        "Kokjeli",
        "district",
        "mosul",
        "east",
        False,
        36.35,
        43.26,
        "Kokjeli|Gogjali|Kukjali",
    ),
    ("karama", "al-Karama", "district", "mosul", "east", True, 36.358, 43.247, "al-Karama"),
    ("intisar", "al-Intisar", "district", "mosul", "east", True, 36.33, 43.2, "Intisar"),
    ("salam", "al-Salam", "district", "mosul", "east", True, 36.33, 43.2, "al-Salam|Salaam"),
    ("siha", "al-Siha", "district", "mosul", "east", False, 36.33, 43.21, "Siha|Saha|Sihha"),
    ("yarmouk", "al-Yarmouk", "district", "mosul", "west", True, 36.33, 43.1, "Yarmouk"),
    ("baghdad", "Baghdad", "city", "iraq", "", False, 33.3, 44.4, "Baghdad"),
    ("old-bridge", "Old Bridge", "landmark", "mosul", "", False, 36.34, 43.13, "first bridge"),
    (
        "yarmouk-baghdad",
        "Yarmouk (Baghdad)",
        "district",
        "baghdad",
        "",
        True,
        33.3,
        44.35,
        "Yarmouk",
    ),
    (
        "hammam-al-alil",
        "Hammam al-Alil",
        "town",
        "nineveh",
        "",
        False,
        36.16,
        43.26,
        "Hammam al-Alil|Hamam al Alil",
    ),
    ("najaf", "Najaf", "city", "iraq", "", False, 31.99, 44.33, "Najaf"),
    ("erbil", "Erbil", "city", "iraq", "", False, 36.19, 44.01, "Erbil|Arbil|Irbil"),
    (
        "old-city",
        "Old City",
        "quarter",
        "mosul",
        "west",
        True,
        36.342,
        43.127,
        "Old City|old city of Mosul|Mosul Old City|Old Town",
    ),
    (
        "qadisiya-1",
        "al-Qadisiya 1",
        "district",
        "mosul",
        "east",
        True,
        36.37,
        43.17,
        "Qadisiya 1|Qadisiyah 1",
    ),
    (
        "17-tammuz",
        "17 Tammuz",
        "district",
        "mosul",
        "west",
        True,
        36.345,
        43.09,
        "17 Tammuz|17 July|July 17",
    ),
]


def make_matcher_entries() -> list[NameEntry]:
    entries = []
    for slug, name, kind, parent, bank, common, lat, lon, aliases in PLACES:
        for alias in {name, *aliases.split("|")}:
            entries.append(NameEntry(alias, slug, name, kind, parent, bank, common, lat, lon))
    return entries


def make_matcher() -> Matcher:
    return Matcher(make_matcher_entries())


MATCHER = make_matcher()


def parse(body: str, title: str = "Report", related: list[str] | None = None, day=FRIDAY):
    # The rules on their own: the summary model that then weighs a report's places is tested
    # in tests/test_summary.py; the seeds below go through both.
    return geoparse(title, body, related or [], day, MATCHER, summary=None)


def event_days(body: str) -> dict[str | None, dt.date]:
    """The event date of each place the body names (its last mention's)."""
    return {m.place_key: m.event_date for m in parse(body)}


def places(found) -> list[str | None]:
    return [m.place_key for m in found]


def seed(name: str):
    report = parse_report((SEEDS / name).read_bytes(), source_timezone="Asia/Baghdad")
    day = report.published_at.date()
    found = geoparse(report.title, report.body, [r.title for r in report.related], day, MATCHER)
    return report, found


def primary(found, key: str):
    (m,) = [m for m in found if m.place_key == key and m.is_primary]
    return m


def test_seed_000_names_its_districts_with_status_and_date():
    _, found = seed("000_e3a33125ca4d3b23.txt")
    assert set(places(found)) == {"zahour", "kokjeli", "karama", "hammam-al-alil", "mosul"}
    zahour = {(m.status, m.event_date) for m in found if m.place_key == "zahour"}
    assert zahour == {("advance", FRIDAY), ("fighting", FRIDAY)}
    # Of the two, the report's main claim is the advance: forces entered the district.
    assert primary(found, "zahour").status == "advance"
    assert primary(found, "kokjeli").status == "clearing"
    assert primary(found, "karama").status == "fighting"
    hammam = primary(found, "hammam-al-alil")
    assert (hammam.status, hammam.event_date) == ("advance", dt.date(2016, 11, 3))
    assert hammam.date_precision == "relative"
    assert [m.surface for m in found if m.place_key == "zahour"] == ["al-Zahour", "al-Zahour"]


def test_seed_002_names_intisar_siha_salam_and_not_the_general():
    _, found = seed("002_99120984bf29ea95.txt")
    assert set(places(found)) == {"intisar", "siha", "salam", "mosul", "najaf"}
    intisar = primary(found, "intisar")
    assert (intisar.status, intisar.event_date, intisar.date_precision) == (
        "retaken",
        dt.date(2017, 1, 1),
        "stated",
    )
    assert primary(found, "siha").status == "retaken"
    assert {m.surface for m in found if m.place_key == "siha"} == {"Siha", "Saha"}
    assert primary(found, "salam").status in {"clearing", "fighting"}
    najaf = [m for m in found if m.place_key == "najaf"]
    assert [m.section for m in najaf] == ["related"]
    assert not any("Lami" in m.surface or "Abadi" in m.surface for m in found)


def test_offsets_point_back_into_each_section():
    report, found = seed("002_99120984bf29ea95.txt")
    related = [r.title for r in report.related]
    for m in found:
        text = {"title": report.title, "body": report.body}.get(m.section)
        if m.section == "related":
            text = next(t for t in related if t == m.sentence)
        assert text[m.start : m.end] == m.surface


def test_one_primary_mention_per_place():
    _, found = seed("000_e3a33125ca4d3b23.txt")
    keys = [m.place_key for m in found if m.is_primary]
    assert sorted(keys) == sorted(set(places(found)))


def test_a_lowercase_common_word_is_never_a_place():
    found = parse("The talks brought salam and karama to the Intisar neighbourhood.")
    assert places(found) == ["intisar"]


def test_a_common_word_name_needs_a_place_cue():
    assert parse("Officials spoke of Karama and national unity.") == []
    assert places(parse("Troops entered the Karama neighbourhood.")) == ["karama"]
    assert places(parse("Troops entered Hay al-Salam on Friday.")) == ["salam"]
    assert places(parse("Troops entered Karama, in eastern Mosul.")) == ["karama", "mosul"]
    # The name a text gives a place word a few words before.
    found = parse("Troops reached the first district of the city from the east, called Karama.")
    assert places(found) == ["karama"]
    assert parse("In his speech the minister called Karama a symbol of unity.") == []


def test_a_common_word_name_in_a_list_with_a_known_place_counts():
    found = parse("Forces took control of Siha and Intisar.")
    assert places(found) == ["siha", "intisar"]


def test_a_cue_elsewhere_in_the_report_confirms_a_common_word_name():
    found = parse("Forces entered the Intisar district. A base in Intisar was shelled.")
    assert places(found) == ["intisar", "intisar"]


def test_personal_names_are_not_places():
    body = (
        "Abu Bakr al-Baghdadi spoke. Prime Minister Haider al-Abadi visited. "
        "Major General Ali Lami said Najaf al-Husseini agreed."
    )
    assert parse(body) == []
    # A name with an age after it is a person's.
    found = parse("Abu Saif, a 47-year-old resident, and Salam, 35, fled to Hammam al-Alil.")
    assert places(found) == ["hammam-al-alil"]


def test_country_and_province_names_are_not_output_but_east_mosul_is_mosul():
    found = parse("Iraq said fighting in Nineveh and in eastern Mosul went on.")
    assert places(found) == ["mosul"]
    assert found[0].surface == "eastern Mosul"


def test_transliteration_variants_and_suffixes_still_match():
    found = parse(
        "Forces reached Hamam al Alil Township, then Gogjali district's houses and Zohour."
    )
    assert places(found) == ["hammam-al-alil", "kokjeli", "zahour"]
    assert found[1].surface == "Gogjali"


def test_an_accent_typed_for_an_apostrophe_does_not_break_the_scan():
    # A real report (The News, AFP): "along Mosul´s frontlines" raised an IndexError.
    found = parse("Snipers along Mosul´s frontlines fired as troops entered Zahour.")
    assert [(m.place_key, m.surface) for m in found] == [("mosul", "Mosul´s"), ("zahour", "Zahour")]


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(codec="utf-8") | st.sampled_from("Mosul ´’-"), max_size=120))
def test_any_text_parses_and_each_surface_is_its_offsets(text):
    body = f"Forces entered Zahour. {text} Troops retook the Karama district."
    for m in parse(body):
        assert body[m.start : m.end] == m.surface


@pytest.mark.parametrize(
    "sentence",
    [
        "Troops retook Zahour as Baghdad's troops fought on.",
        "Troops retook Zahour, easing tension between Erbil and Baghdad.",
        "Troops retook Zahour after they were told by Baghdad to enter.",
        "Troops retook Zahour; the shelling may be a way to anger Baghdad.",
        "Troops retook Zahour with the coalition led by Baghdad against the militants.",
        "Troops retook Zahour, Baghdad said in a statement.",
        "Troops retook Zahour in an operation Baghdad said was coordinated with the coalition.",
        "Troops retook Zahour in an operation run by Baghdad.",
        "Troops retook Zahour under an agreement between Ankara and Baghdad.",
        "Relations between Ankara and Baghdad were strained as troops retook Zahour.",
    ],
)
def test_a_distant_capital_named_for_its_government_is_no_place(sentence):
    assert places(parse(sentence)) == ["zahour"]


def test_a_distant_city_a_speaker_spoke_from_is_only_mentioned():
    found = parse(
        "Troops retook Zahour. A U.S. military spokesman in Baghdad called the capture a "
        "significant victory."
    )
    expected = [("zahour", "retaken"), ("baghdad", "mentioned")]
    assert [(m.place_key, m.status) for m in found] == expected
    # Not a place the fighting reached: "clashes in Baghdad".
    assert [m.status for m in parse("Clashes in Baghdad killed four.")] == ["fighting"]


def test_a_distant_capital_named_as_a_place_stays_one():
    found = parse("Troops retook Zahour. The envoy flew to Baghdad and met officials there.")
    assert places(found) == ["zahour", "baghdad"]


def test_a_whole_half_lost_is_the_city_retaken_and_forces_in_it_seize_its_parts():
    status = {m.place_key: m.status for m in parse("ISIS loses the eastern half of Mosul.")}
    assert status["mosul"] == "retaken"
    found = parse("Special forces in Mosul have seized a new neighbourhood.")
    assert [(m.place_key, m.status) for m in found] == [("mosul", "advance")]


def test_a_name_inside_a_longer_word_is_not_matched():
    assert parse("Mosuli traders and Najafis met.") == []


def test_an_unknown_named_neighbourhood_is_unresolved_at_its_bank():
    found = parse(
        "Troops liberated the Muhandiseen and Tameem neighbourhoods on Mosul's left bank."
    )
    unresolved = [m for m in found if m.place_key is None]
    assert [(m.surface, m.parent_key, m.status) for m in unresolved] == [
        ("Muhandiseen", "east-mosul", "retaken"),
        ("Tameem", "east-mosul", "retaken"),
    ]


def test_a_compass_point_before_a_side_of_the_city_names_that_bank():
    from articles.candidates import bank_in

    assert bank_in("a hospital complex in Wahda in southeastern Mosul") == "east"
    assert bank_in("the south-eastern Mosul front") == "east"
    assert bank_in("districts of northwestern Mosul") == "west"
    assert bank_in("the areas left in Al-Intisar in southeastern axis of Mosul") == "east"
    assert bank_in("the western part of Mosul") == "west"
    assert bank_in("troops in south Mosul") == ""


def test_a_common_word_name_in_a_bank_named_through_its_axis_is_a_place():
    found = parse("Police stormed the areas left in Al-Intisar in southeastern axis of Mosul.")
    assert places(found) == ["intisar", "mosul"]


def test_an_unresolved_name_without_a_bank_goes_to_mosul():
    found = parse("Clashes broke out in the district of Wadi Hajar.")
    assert [(m.surface, m.parent_key) for m in found] == [("Wadi Hajar", "mosul")]


def test_hai_before_an_unknown_name_is_the_word_for_neighbourhood():
    found = parse("Huda is from the Hai Sala area of western Mosul.")
    assert [m.place_key or m.surface for m in found] == ["Sala", "mosul"]


def test_an_unresolved_name_keeps_its_patronymic():
    found = parse("Forces took full control of Khaled ibn al-Walid and Bab al-Sijn neighbourhoods.")
    assert [m.surface for m in found] == ["Khaled ibn al-Walid", "Bab al-Sijn"]


def test_an_unresolved_name_keeps_its_article_written_apart_in_lower_case():
    found = parse("After recapturing al Ghofran district, troops raised the flag.")
    assert [m.surface for m in found] == ["al Ghofran"]


def test_the_popular_mobilization_forces_arabic_name_is_no_place():
    found = parse("After the liberation of Tal Shehab, Hashd Al-Sha’abi took two villages.")
    assert [m.surface for m in found] == ["Tal Shehab"]
    found = parse("An announcement from the Popular Mobilization Forces, Kharbat district is free.")
    assert [m.surface for m in found] == ["Kharbat"]


def test_an_unresolved_name_keeps_the_day_it_begins_with():
    # Mosul's "7th Nissan" neighbourhood is named after a day (7 April), like "17 Tammuz".
    found = parse("Troops entered the 7th Nissan neighbourhood and the 30 Tamouz district.")
    assert [m.surface for m in found] == ["7th Nissan", "30 Tamouz"]


def test_common_word_names_listed_beside_an_unresolved_one_are_places():
    found = parse("Troops retook the Intisar, Kharabat and Salam neighbourhoods on Thursday.")
    assert [m.place_key or m.surface for m in found] == ["intisar", "Kharabat", "salam"]
    # A man's name in the same sentence is still a man's.
    assert places(parse("Salam said the Kharabat district fell.")) == [None]


def test_ordinary_capitalised_words_before_district_are_not_unresolved_names():
    assert parse("Police said the Eastern district was calm. The Industrial district burned.") == []


def test_a_shared_name_resolves_to_the_report_side_of_the_river():
    found = parse("Forces entered the Yarmouk neighbourhood of western Mosul.")
    assert places(found) == ["yarmouk", "mosul"]
    found = parse("A car bomb hit the Yarmouk district of Baghdad.")
    assert places(found) == ["yarmouk-baghdad", "baghdad"]


def test_related_headlines_need_their_own_cues():
    found = parse(
        "Nothing here.", related=["VIDEO: Intisar Rally", "ISIS Attacks Police near Najaf"]
    )
    assert places(found) == ["najaf"]
    assert found[0].section == "related" and found[0].start == 25


def test_a_repeated_related_headline_gives_its_own_equal_mentions():
    headline = "ISIS Attacks Police near Najaf"
    found = parse("Nothing here.", related=[headline, "Other news", headline])
    first, again = found
    assert (again.place_key, again.start, again.sentence) == ("najaf", 25, headline)
    assert again is not first
    assert first.is_primary and not again.is_primary


def test_a_sentence_the_body_repeats_gets_the_same_status_and_date_each_time():
    line = "Troops recaptured the Zahour district on Sunday (January 1)."
    found = parse(f"{line}\n\nOther news.\n\n{line}", day=dt.date(2017, 1, 3))
    zahour = [m for m in found if m.place_key == "zahour"]
    assert [(m.status, m.event_date) for m in zahour] == [("retaken", dt.date(2017, 1, 1))] * 2
    assert zahour[0].start != zahour[1].start


@pytest.mark.parametrize(
    "dateline",
    [
        "ERBIL, Kurdistan Region (Kurdistan24) –",
        "ARBIL, Iraq (AFP) -",
        "IRBIL, Jan 19 (KUNA) --",
        "Erbil, Nov 3 :",
        "ERBIL, Dec 2, (Agencies):",
        "Erbil, Nov 4 (IANS)",
        "Erbil, Kurdistan, Iraq –",
        "Erbil, Kurdistan, Iraq ( –",
        "Erbil, Nov 14, 2016:",
        "Erbil (Iraq):",
        "Erbil (Reuters) -",
        # "An Iraqi" after the dateline is no nisba making the city a man's name.
        "ERBIL - An Iraqi officer said",
        "Erbil [Iraq], Feb. 24 (ANI):",
        "Erbil [Iraq], Feb. 24(ANI):",
        "Erbil - Iraqi officials said",
        "Erbil – Iraqi officials said",
        "ERBIL (FNA)-",
        "( Erbil –",
        "Erbil (Iraq) (AFP) -",
        "ERBIL // Iraqi officials said",
        "Erbil, Iraq (CNN) —",
        "Nov.7, Erbil:",
        "June 18, Erbil:",
        "(Erbil) –",
    ],
)
def test_an_agency_dateline_is_where_the_report_was_filed_not_the_event(dateline):
    found = parse(f"{dateline} Iraqi forces retook Zahour on Thursday.")
    summary = [(m.place_key, m.status) for m in found]
    assert summary == [("erbil", "mentioned"), ("zahour", "retaken")]


def test_the_day_a_dateline_names_is_when_the_story_was_filed():
    # FRIDAY is 4 Nov 2016: the story was filed that day, of Thursday's events; a later
    # paragraph that names no day carries the lead's.
    found = parse(
        "Erbil, Nov 4 (IANS) Iraqi forces on Thursday recaptured Zahour.\n\n"
        "The army freed the village of Kokjeli."
    )
    assert [(m.place_key, m.event_date) for m in found[1:]] == [
        ("zahour", dt.date(2016, 11, 3)),
        ("kokjeli", dt.date(2016, 11, 3)),
    ]
    # A vague time is read from the dateline's day.
    found = parse("Erbil, Nov 4 (UPI) -- Iraqi forces stormed Zahour overnight.")
    assert found[1].event_date in (dt.date(2016, 11, 3), dt.date(2016, 11, 4))


def test_overnight_names_no_day_and_takes_the_one_the_report_tells():
    # Friday's report of Friday's news: the raid is part of it, not of Thursday.
    found = parse(
        "Iraqi forces on Friday recaptured Intisar.\n\n"
        "An elite team stormed Zahour in an overnight raid, a spokesman said."
    )
    assert [(m.place_key, m.event_date) for m in found] == [
        ("intisar", dt.date(2016, 11, 4)),
        ("zahour", dt.date(2016, 11, 4)),
    ]


def test_a_dateline_after_the_lead_is_still_a_dateline():
    found = parse(
        "Troops are clearing Kokjeli, a spokesman told Sputnik.\n\n"
        "ERBIL (Sputnik) – Iraqi forces retook Zahour on Thursday."
    )
    assert [(m.place_key, m.status) for m in found] == [
        ("kokjeli", "clearing"),
        ("erbil", "mentioned"),
        ("zahour", "retaken"),
    ]
    # Later in the body only a place in capitals with its agency is read as one.
    found = parse("Troops moved on.\n\nIn ERBIL (Sputnik) – forces retook Zahour.")
    assert [(m.place_key, m.status) for m in found] == [("erbil", "retaken"), ("zahour", "retaken")]


def test_a_joint_dateline_names_both_cities_as_mentioned():
    found = parse("MOSUL/ERBIL, Iraq – Iraqi forces pushed into Zahour.")
    # Mosul's summary is the advance into its district (the dateline itself claims nothing).
    assert [(m.place_key, m.status) for m in found] == [
        ("mosul", "advance"),
        ("erbil", "mentioned"),
        ("zahour", "advance"),
    ]


def test_a_camp_keeps_its_word_and_a_pronoun_is_no_camp():
    found = parse("Families arrived at Debaga camp on Thursday. They camp on muddy corners.")
    assert [(m.surface, m.parent_key) for m in found] == [("Debaga camp", "nineveh")]


def test_a_list_of_common_word_names_with_their_articles():
    found = parse("Forces are working to clear the al-Karama, al-Salam and Intisar neighbourhoods.")
    assert [(m.place_key, m.status) for m in found] == [
        ("karama", "clearing"),
        ("salam", "clearing"),
        ("intisar", "clearing"),
    ]


def test_a_hyphenated_word_at_the_start_is_no_dateline():
    found = parse("US-led strikes hit Erbil as troops retook Zahour.")
    assert ("erbil", "mentioned") not in [(m.place_key, m.status) for m in found]


def test_a_common_word_name_of_capitalised_words_is_a_place_without_a_cue():
    found = parse("Troops pushed into the Old City on Thursday.")
    assert [(m.place_key, m.status) for m in found] == [("old-city", "advance")]
    # Written as everyday words, it is not.
    assert places(parse("They walked through the old city streets.")) == []


def test_a_spelling_that_names_the_city_names_it_as_the_container():
    # Unlike everyday words, "Mosul's old city" is a place in lower case too; and it names Mosul.
    found = parse("Troops pushed into Mosul's old city on Thursday.")
    summary = [(m.place_key, m.surface, m.status, m.container) for m in found]
    assert summary == [
        ("mosul", "Mosul's", "advance", True),
        ("old-city", "old city", "advance", False),
    ]
    found = parse("Troops stormed the Old City of Mosul.")
    assert [(m.place_key, m.surface, m.container) for m in found] == [
        ("old-city", "Old City", False),
        ("mosul", "Mosul", True),
    ]
    # Without the possessive the spelling is one name; a city in lower case names nothing.
    assert [m.surface for m in parse("Troops stormed the Mosul Old City.")] == ["Mosul Old City"]
    assert places(parse("Troops stormed the old city of mosul.")) == []


def test_a_city_before_the_parts_of_it_a_sentence_is_about_is_their_container():
    # Parts of the city retaken are ground gained in it: an advance, not the city retaken.
    for sentence in (
        "Troops retook two more Mosul neighbourhoods on Thursday.",
        "Iraqi forces capture Mosul city's eastern districts",
        "U.S.-Backed Iraqi Forces Capture Mosul Bridge, Close In on Gov't Buildings",
    ):
        found = parse(sentence)
        assert [(m.place_key, m.status, m.container) for m in found] == [
            ("mosul", "advance", True)
        ], sentence
    # What the report says of the city itself is its main claim, however strong the other.
    found = parse(
        "Troops moved deeper into Mosul on Thursday, recapturing two central Mosul neighbourhoods."
    )
    primary = [(m.status, m.container) for m in found if m.is_primary]
    assert primary == [("advance", False)]


@pytest.mark.parametrize(
    "sentence",
    [
        "Troops retook two neighbourhoods from the Islamic State group in Mosul on Sunday.",
        "Forces retook an area in the western half of the city of Mosul.",
        "Iraqi Forces Take New Western Mosul Neighborhood",
        "Forces liberated the northern part of Mosul.",
    ],
)
def test_a_city_named_after_the_parts_retaken_in_it_saw_an_advance(sentence):
    assert [(m.place_key, m.status, m.container) for m in parse(sentence)] == [
        ("mosul", "advance", True)
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Troops captured the al-Faruq neighbourhood, in the northwestern side of the Old City.",
        "The army retook two more neighbourhoods from Islamic State in Mosul's Old City.",
    ],
)
def test_a_quarter_named_after_neighbourhoods_retaken_in_it_saw_an_advance(sentence):
    (old_city,) = [m for m in parse(sentence) if m.place_key == "old-city"]
    assert (old_city.status, old_city.container) == ("advance", True)


def test_a_district_named_new_mosul_is_the_city_where_new_is_only_its_adjective():
    jadida = ("jadida", "al-Jadida", "district", "mosul", "west", False, 36.33, 43.11, "New Mosul")
    west = ("west-mosul", "West Mosul", "region", "mosul", "west", False, 36.3, 43.1, "west Mosul")
    entries = [
        NameEntry(alias, slug, name, kind, parent, bank, common, lat, lon)
        for slug, name, kind, parent, bank, common, lat, lon, aliases in [*PLACES, jadida, west]
        for alias in {name, *aliases.split("|")}
    ]
    matcher = Matcher(entries)

    def named(text: str) -> list[tuple[str | None, str]]:
        return [(m.place_key, m.surface) for m in geoparse(text, "", [], FRIDAY, matcher)]

    assert named("As new Mosul offensive unfolds, sheltering the displaced comes into focus") == [
        ("mosul", "Mosul")
    ]
    assert named("Troops pushed into the New Mosul neighbourhood") == [("jadida", "New Mosul")]
    # A half of the city is named whole, whatever its case: it tells the bank.
    assert named("Troops pushed into west Mosul") == [("mosul", "west Mosul")]


def test_a_quarter_is_known_by_its_kind_not_by_its_name():
    # The same place and sentence; only the gazetteer's kind for the Old City differs.
    sentence = "The army retook two more neighbourhoods from Islamic State in the Old City."

    def old_city(kind: str):
        places = [row if row[0] != "old-city" else (*row[:2], kind, *row[3:]) for row in PLACES]
        entries = [
            NameEntry(alias, slug, name, kind, parent, bank, common, lat, lon)
            for slug, name, kind, parent, bank, common, lat, lon, aliases in places
            for alias in {name, *aliases.split("|")}
        ]
        found = geoparse("Report", sentence, [], FRIDAY, Matcher(entries))
        return [(m.status, m.container) for m in found if m.place_key == "old-city"]

    assert old_city("quarter") == [("advance", True)]
    assert old_city("district") == [("retaken", False)]


def test_a_city_or_its_half_retaken_is_retaken_and_parts_of_a_district_are_not_the_district():
    assert [(m.place_key, m.status) for m in parse("Forces retook eastern Mosul.")] == [
        ("mosul", "retaken")
    ]
    assert [m.container for m in parse("Forces retook the eastern part of Mosul.")] == [False]
    found = parse("Forces retook parts of the Old City on Sunday.")
    assert [(m.place_key, m.status, m.container) for m in found] == [
        ("old-city", "advance", True)
    ]
    # Its last part taken leaves none; more of its last few parts leave some.
    found = parse("Forces recaptured the last ISIS-held area in the Old City district.")
    assert [(m.place_key, m.status, m.container) for m in found] == [
        ("old-city", "retaken", False)
    ]
    found = parse("Forces recaptured more of the last few remaining areas in the Old City.")
    assert [(m.place_key, m.status) for m in found] == [("old-city", "advance")]
    # A share of a half is not the half: "about 90 per cent of east Mosul" was taken.
    found = parse("He said “about 90 per cent” of east Mosul was now under government control.")
    assert [(m.place_key, m.status) for m in found] == [("mosul", "advance")]
    found = parse("East Mosul was now under government control.")
    assert [(m.place_key, m.status) for m in found] == [("mosul", "retaken")]
    # The district of a town is the town's; parts of it are still its parts.
    found = parse("The army took control of the district of Erbil on Sunday.")
    assert [(m.place_key, m.status, m.container) for m in found] == [("erbil", "retaken", False)]
    found = parse("The army liberated parts of the district of Erbil on Sunday.")
    assert [(m.place_key, m.container) for m in found] == [("erbil", True)]


def test_common_word_districts_of_one_city_listed_together_are_places():
    found = parse("Intisar and Salam had been cleared once before, and Karama three times.")
    assert [(m.place_key, m.status) for m in found] == [
        ("intisar", "retaken"),
        ("salam", "retaken"),
    ]
    # One name alone may be a man's.
    assert parse("Salam had been cleared of charges once before.") == []


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("Forces pushed into Intisar on the morning of Jan. 16.", "advance"),
        ("There was ongoing fighting in Intisar as well.", "fighting"),
        ("The army entered Intisar on Thursday.", "advance"),
        ("Salam was also declared freed for the second time.", "retaken"),
        ("Salam is being searched house to house, he said.", "clearing"),
        ("The 9th Division was able to clear Salam in the northeast.", "clearing"),
        ("Fighting continued in Intisar.", "fighting"),
    ],
)
def test_a_common_word_name_with_a_front_line_verb_next_to_it_is_a_place(sentence, status):
    (found,) = parse(sentence)
    name = "Intisar" if "Intisar" in sentence else "Salam"
    assert (found.surface, found.status) == (name, status)


@pytest.mark.parametrize(
    "sentence",
    [
        "Salam was freed from jail after two years.",
        "Salam said the victory had entered history.",
        "Intisar entered the final of the league.",
        "Their victory (intisar) was freed of doubt.",
        # Verbs done to people as often as to places are no cue.
        "Gunmen attacked Salam in his house.",
        "Police captured Salam on Sunday.",
    ],
)
def test_a_common_word_name_near_such_a_verb_in_another_sense_is_not_a_place(sentence):
    assert parse(sentence) == []


def test_a_district_s_name_in_a_list_of_villages_is_a_village():
    found = parse("The army recaptured the villages of al-Buweir, al-Salam and Khazna on Thursday.")
    summary = [(m.place_key, m.surface, m.parent_key) for m in found]
    assert summary == [
        (None, "al-Buweir", "nineveh"),
        (None, "al-Salam", "nineveh"),
        (None, "Khazna", "nineveh"),
    ]
    # In a list of neighbourhoods it is still the district.
    found = parse("The army recaptured the al-Salam and Khazna neighbourhoods on Thursday.")
    assert [m.place_key for m in found] == ["salam", None]


def test_an_unknown_village_or_camp_is_unresolved_in_the_province():
    found = parse("Troops retook the villages of Khazna and Hsunah on Thursday.")
    summary = [(m.place_key, m.surface, m.parent_key, m.status) for m in found]
    assert summary == [
        (None, "Khazna", "nineveh", "retaken"),
        (None, "Hsunah", "nineveh", "retaken"),
    ]
    (camp,) = parse("Families arrived at Debaga camp on Thursday.")
    assert (camp.surface, camp.parent_key, camp.status) == ("Debaga camp", "nineveh", "mentioned")
    # Peoples and forces are not places.
    assert parse("Christian villages and the Peshmerga area were quiet.") == []
    # Named as among the villages or districts a sentence speaks of.
    found = parse("Forces retook villages south of Hammam, including Athbah, on Sunday.")
    assert [(m.surface, m.parent_key, m.status) for m in found if m.place_key is None] == [
        ("Athbah", "nineveh", "retaken")
    ]
    found = parse("Troops retook five districts of eastern Mosul, including Nasr and Aden.")
    assert [(m.surface, m.parent_key) for m in found if m.place_key is None] == [
        ("Nasr", "east-mosul"),
        ("Aden", "east-mosul"),
    ]
    assert parse("Forces retook villages, including some that were mined.") == []
    found = parse("The liberated villages include Bashkira, Tarjala and Kharbat Sultan.")
    assert [m.surface for m in found] == ["Bashkira", "Tarjala", "Kharbat Sultan"]
    # A paragraph that ends on "the town" without a full stop does not lend the next one's
    # first word to it.
    assert parse("Forces close in on the town\nCivilians are fleeing in large numbers.") == []
    # A list after a colon, however the villages are placed before it.
    found = parse("Forces cleared six villages in North and East of Mosul: Kevrok and Khrab Bet.")
    assert [(m.surface, m.status) for m in found if m.place_key is None] == [
        ("Kevrok", "retaken"),
        ("Khrab Bet", "retaken"),
    ]
    # An agency after a list is no village.
    found = parse("The ground taken lies north of the town of Baaj, Reuters reported.")
    assert [m.surface for m in found] == ["Baaj"]
    # A village's two halves in one item of the list.
    found = parse("The flag flew in the villages of Bawira, lower and upper Sharikhan and Bisan.")
    assert [m.surface for m in found] == ["Bawira", "Sharikhan", "Bisan"]
    # "The villages" is no name: the list after "of" is still read.
    found = parse('"The villages of Al-Nomaniyah and Khazna were recaptured," he said.')
    assert [m.surface for m in found] == ["Al-Nomaniyah", "Khazna"]
    # Listed after a colon.
    found = parse(
        "Our forces killed scores of Daesh members during the liberation of the following "
        "villages: Al-Sheikh Khamis, Kazkan and Shaquli."
    )
    assert [(m.surface, m.parent_key, m.status) for m in found] == [
        ("Al-Sheikh Khamis", "nineveh", "retaken"),
        ("Kazkan", "nineveh", "retaken"),
        ("Shaquli", "nineveh", "retaken"),
    ]
    found = parse("Troops entered two neighbourhoods of eastern Mosul: Karkukli and Maliyin.")
    assert [(m.surface, m.parent_key) for m in found if m.place_key is None] == [
        ("Karkukli", "east-mosul"),
        ("Maliyin", "east-mosul"),
    ]
    found = parse("Police retook two crowded neighbourhoods, Al-Kur and Al-Tawafa, in west Mosul.")
    assert [(m.surface, m.parent_key, m.status) for m in found if m.place_key is None] == [
        ("Al-Kur", "west-mosul", "retaken"),
        ("Al-Tawafa", "west-mosul", "retaken"),
    ]
    # Not a list of names: "the districts, Iraqi officials said".
    found = parse("Police retook the districts, Iraqi officials said on Sunday.")
    assert [m for m in found if m.place_key is None] == []


def test_a_name_listed_among_towns_or_districts_the_gazetteer_holds_is_one_more():
    # The shipped gazetteer: this module's own holds too few towns to list.
    shipped = csv_matcher()

    def unknown(text: str) -> list[str]:
        found = geoparse("Report", text, [], FRIDAY, shipped, summary=None)
        return [m.surface for m in found if m.place_key is None]

    # Between two of them, or last after two.
    assert unknown("Peshmerga cut the roads from Bashiqa, Batnaya, Filfel and Nawaran.") == [
        "Filfel"
    ]
    assert unknown("Offensives resumed on the Bartella, Qaraqosh and Tahrawa fronts.") == [
        "Tahrawa"
    ]
    # Not beside cities, which are listed with capitals and governments; not a word that
    # names no place.
    assert unknown("Envoys flew to Baghdad, Erbil and Washington.") == []
    assert unknown("Troops left Bashiqa, Batnaya and Iraqi lines behind.") == []
    # Districts of one city list the rest of the list's names as its districts too, at the
    # bank they are on; the everyday-word districts among them are then its districts.
    found = geoparse(
        "Report",
        "Hadbaa, Falah, Barid, Nassir, Salam, Younis Sabawi, and Palestine were still being "
        "fought over.",
        [], FRIDAY, shipped, summary=None,
    )
    assert [(m.place_key or m.surface, m.parent_key, m.status) for m in found] == [
        ("hadba", None, "fighting"),
        ("falah", None, "fighting"),
        ("Barid", "east-mosul", "fighting"),
        ("Nassir", "east-mosul", "fighting"),
        ("salam", None, "fighting"),
        ("Younis Sabawi", "east-mosul", "fighting"),
        ("palestine", None, "fighting"),
    ]
    assert unknown("Troops freed Hadbaa and Falah, Reuters and AP said.") == []


def test_names_a_taking_verb_took_are_unresolved_places_when_the_text_places_them():
    found = parse("The Hashd also took back Maflakieh, al-Fatseh and al-Ajbouri on Sunday.")
    assert [(m.surface, m.parent_key, m.status) for m in found] == [
        ("Maflakieh", "nineveh", "retaken"),
        ("al-Fatseh", "nineveh", "retaken"),
        ("al-Ajbouri", "nineveh", "retaken"),
    ]
    found = parse("Our forces seized control of the villages Juhaina and Ghahoni after clashes.")
    assert [m.surface for m in found] == ["Juhaina", "Ghahoni"]
    # One name counts when the text places it.
    found = parse("Another brigade freed Tal al-Dala, in the south of Qairawan.")
    assert [m.surface for m in found if m.place_key is None] == ["Tal al-Dala"]
    assert parse("Another brigade freed Kashif al-Dala after a long siege.") == []
    # Men, peoples and days are not places.
    assert parse("The forces captured Ali and Hassan, two senior ISIS leaders.") == []
    assert parse("Troops freed Yazidi women and captured Abu Bakr al-Baghdadi's aide.") == []
    assert parse("Troops retook Tuesday and Wednesday what they had lost.") == []
    # A man after his title: "Prime Minister Haider" after a list of what was taken.
    found = parse("Troops recaptured the al-Nuri Mosque Thursday, Prime Minister Haider said.")
    assert [m.place_key or m.surface for m in found] == ["al-Nuri Mosque"]


def test_a_list_that_names_what_the_sentence_before_told_of_takes_its_status():
    found = parse(
        "In less than 24 hours nine villages were cleared. The villages include Bashkira, "
        "Tarjala and Shaquli."
    )
    assert [(m.surface, m.status) for m in found] == [
        ("Bashkira", "retaken"),
        ("Tarjala", "retaken"),
        ("Shaquli", "retaken"),
    ]
    # A place the list names only to locate one of them keeps to itself.
    found = parse(
        "Nine villages were cleared. The villages include Tarjala and a farm west of Kokjeli."
    )
    assert [(m.surface, m.status) for m in found] == [
        ("Tarjala", "retaken"),
        ("Kokjeli", "mentioned"),
    ]
    # A list that follows no such sentence tells of nothing.
    found = parse("The villages include Bashkira, Tarjala and Shaquli.")
    assert {m.status for m in found} == {"mentioned"}


def test_an_article_glued_to_a_name_as_one_word_is_still_the_article():
    # A blog writes "Alzahour" for al-Zahour; a name the gazetteer lacks stays unresolved.
    assert places(parse("Troops entered the Alzahour neighbourhood.")) == ["zahour"]
    found = parse("Troops entered the Alzaytoun neighbourhood.")
    assert [(m.place_key, m.surface) for m in found] == [(None, "Alzaytoun")]


def test_an_article_glued_to_a_name_is_part_of_it():
    found = parse("The PMU captured the villages of Tawal, Wasme AlMaroki, Al-Jaer and Abhiri.")
    assert [m.surface for m in found] == ["Tawal", "Wasme AlMaroki", "Al-Jaer", "Abhiri"]


def test_a_name_the_text_calls_a_village_or_that_begins_with_a_place_word_is_a_place():
    found = parse("Forces had already captured a small outlying village called Hsunah.")
    assert [(m.surface, m.parent_key, m.status) for m in found] == [
        ("Hsunah", "nineveh", "retaken")
    ]
    found = parse("Troops went on to liberate an adjacent village, called the Sada Village.")
    assert [m.surface for m in found] == ["Sada"]
    # In apposition, even first in its sentence.
    found = parse("Army forces struck IS targets in Khazna. Sada, a village in the north, fell.")
    assert [m.surface for m in found] == ["Sada"]
    found = parse("Some 200 families from Markaz, a Mosul sub-district, reached the camp.")
    assert [(m.surface, m.parent_key) for m in found if m.place_key is None] == [
        ("Markaz", "mosul")
    ]
    # A hill, a village, a market or a gate by the first word of its name.
    found = parse("We have taken Tal al-Rayyan and Qaryat Tawilah, he said.")
    assert [(m.surface, m.parent_key) for m in found] == [
        ("Tal al-Rayyan", "nineveh"),
        ("Qaryat Tawilah", "nineveh"),
    ]
    found = parse("Troops retook Bab-Shams and Souq al-Ghanam in eastern Mosul.")
    assert [(m.surface, m.parent_key) for m in found if m.place_key is None] == [
        ("Bab-Shams", "east-mosul"),
        ("Souq al-Ghanam", "east-mosul"),
    ]
    # A rank after a list, a people's adjective before a place word: no names.
    found = parse("Police seized the village of Khazna, Gen. Abdal Amir Yarallah said.")
    assert [m.surface for m in found] == ["Khazna"]
    found = parse("The SDF retook the northern Syrian village of Jawees.")
    assert [m.surface for m in found] == ["Jawees"]
    # Lower case is an English word, not a place.
    assert parse("The tal grass grew by the bab of the souq.") == []


def test_a_place_name_that_qualifies_something_else_is_not_a_place():
    assert parse("The Baghdad Post said Baghdad-backed units and Erbil-based men saw it.") == []
    assert parse("Militants fled to the Erbil governorate and Baghdad province.") == []
    assert parse("A sheikh told The Times of Erbil that the militants were hiding.") == []
    found = parse("BAGHDAD (Reuters) - The Mosul-led push reached Baghdad.")
    assert places(found) == ["baghdad", "baghdad"]


def test_a_site_named_with_its_kind_is_an_unresolved_place():
    found = parse("Police dislodged insurgents from the Ziwani Mosque and Ibn Sina Hospital.")
    assert [(m.surface, m.status) for m in found] == [
        ("Ziwani Mosque", "retaken"),
        ("Ibn Sina Hospital", "retaken"),
    ]
    # A hospital or mosque may be written in lower case after its name.
    found = parse("Police recaptured the Ibn Sina hospital and the Omar al-Aswad mosque.")
    assert [m.surface for m in found] == ["Ibn Sina hospital", "Omar al-Aswad mosque"]
    assert parse("Police recaptured the hospital and the mosque.") == []
    # Or its kind first.
    found = parse("Soldiers entered the Mosque of Aisha and the Church of Mar Korkeis.")
    assert [m.surface for m in found] == ["Mosque of Aisha", "Church of Mar Korkeis"]
    assert parse("Soldiers entered the Mosque of the Prophet.") == []
    # An article cut from its name by a dash (a machine translation's "Al – Nouri") names
    # nothing on its own.
    assert parse("Police surrounded the Mosque of Al – Nouri from three sides.") == []
    (found,) = parse("The group destroyed much of the Historic Mar Behnam Monastery.")
    assert found.surface == "Mar Behnam Monastery"
    # A saint's monastery or church in lower case too; a plain one is no site.
    (found,) = parse("Fighters recaptured the Catholic Mar Behnam monastery on Sunday.")
    assert (found.surface, found.status) == ("Mar Behnam monastery", "retaken")
    assert parse("Fighters recaptured the Catholic monastery and the Syriac church.") == []
    # A saint's church keeps its saint, however long its name.
    found = parse("Priests went to St. Shmoni Church and Mart Shmoni Syriac Orthodox Church.")
    assert [m.surface for m in found] == [
        "St. Shmoni Church",
        "Mart Shmoni Syriac Orthodox Church",
    ]
    # A kind with no name, or an area named after a street, is no site of its own.
    assert parse("Forces controlled the Central Mosque and the Main Street.") == []
    assert parse("Police invaded the Easternmost area and the Westernmost district.") == []
    assert [m.surface for m in parse("They were forced out of the Kornish Street area.")] == [
        "Kornish Street"
    ]


def test_an_english_word_that_spells_an_article_is_not_kept_with_the_name():
    # "at", "as" and "an" are articles too ("at-Tamim"); before a space they are English.
    assert [m.surface for m in parse("Clashes broke out at Kokjeli as Zahour fell.")] == [
        "Kokjeli",
        "Zahour",
    ]
    assert [m.surface for m in parse("Troops entered az-Zahour and al Karama.")] == [
        "az-Zahour",
        "al Karama",
    ]


def test_a_towns_airport_is_a_place_of_its_own_within_the_town():
    (found,) = parse("Militias seized Erbil Airport on Wednesday.")
    assert (found.place_key, found.parent_key, found.surface) == (None, "erbil", "Erbil Airport")
    assert (found.status, found.normalised) == ("retaken", "irbil airpurt")
    # A mountain named after a town is no more the town: "fighting on Sinjar Mountain".
    (found,) = parse("Fighting went on at Erbil Mountain on Wednesday.")
    assert (found.place_key, found.surface) == (None, "Erbil Mountain")
    # Nor is "Mount Sinjar", the same mountain the other way round.
    (found,) = parse("Fighting went on at Mount Erbil on Wednesday.")
    assert (found.place_key, found.parent_key, found.surface) == (None, "erbil", "Mount Erbil")


def test_the_citys_airport_is_the_airport_of_the_city_last_named():
    airport = ("Mosul International Airport", "mosul-airport", "Mosul International Airport",
               "landmark", "mosul", "west", False, 36.303, 43.147)
    matcher = Matcher([*make_matcher_entries(), NameEntry(*airport)])
    found = geoparse(
        "Report",
        "Iraqi forces pushed into western Mosul. Troops retook the city’s airport on Thursday.",
        [], FRIDAY, matcher,
    )
    site = found[-1]
    assert (site.place_key, site.surface, site.status) == ("mosul-airport", "city’s airport",
                                                          "retaken")
    assert site.event_date == dt.date(2016, 11, 3)
    # A city with no airport in the gazetteer, or no city named before: no airport.
    for body in ("Officials in Erbil said troops retook the city's airport.",
                 "Troops retook the city's airport.",
                 "Troops retook the city's airport, south of Mosul."):
        found = geoparse("Report", body, [], FRIDAY, matcher)
        assert "mosul-airport" not in [m.place_key for m in found], body


def test_the_provincial_government_headquarters_is_the_seat_in_the_city_last_named():
    complex_ = ("Nineveh government complex", "nineveh-government-complex",
                "Nineveh government complex", "landmark", "mosul", "west", False, 36.34, 43.13)
    matcher = Matcher([*make_matcher_entries(), NameEntry(*complex_)])

    def sites(body: str) -> list[tuple[str | None, str, str]]:
        found = geoparse("Report", body, [], FRIDAY, matcher, summary=None)
        return [(m.place_key, m.surface, m.status) for m in found if m.place_key != "mosul"]

    assert sites("Forces in Mosul retook the provincial government headquarters.") == [
        ("nineveh-government-complex", "provincial government headquarters", "retaken")
    ]
    assert sites("In Mosul, troops were 500 yards from the main government complex.") == [
        ("nineveh-government-complex", "main government complex", "mentioned")
    ]
    # Not where the place last named is another city, nor another seat ("of Anbar"), nor a
    # town's compound.
    for body in ("Protesters in Erbil stormed the government complex.",
                 "Mosul police retook the government headquarters of Anbar.",
                 "Forces entered Mosul. They captured the government compound."):
        found = geoparse("Report", body, [], FRIDAY, matcher, summary=None)
        assert "nineveh-government-complex" not in [m.place_key for m in found], body


def test_the_state_television_building_is_mosuls_where_mosul_is_named():
    # The shipped gazetteer's landmark, which reports write in lower case.
    shipped = csv_matcher()

    def keys(body: str) -> list[str | None]:
        return [m.place_key for m in geoparse("Report", body, [], FRIDAY, shipped, summary=None)]

    assert keys("Special forces entered Mosul, taking the state television building.") == [
        "mosul",
        "mosul-tv-station",
    ]
    assert keys("Troops took control of a state TV building on the eastern edge of Mosul.") == [
        "mosul-tv-station",
        "mosul",
    ]
    # Not another city's, nor one in a report that does not name Mosul.
    assert keys("In Baghdad, protesters stormed the state television building.") == ["baghdad"]
    assert keys("Protesters stormed the state television building.") == []


def test_a_numbered_name_is_a_place_written_as_a_name():
    assert places(parse("Troops entered Qadisiyah 1 on Thursday.")) == ["qadisiya-1"]
    assert places(parse("Troops entered qadisiyah 1 on Thursday.")) == []


def test_an_empty_gazetteer_finds_nothing_but_unresolved_names():
    empty = Matcher([])
    found = geoparse("T", "Troops entered the Zuhur neighbourhood.", [], FRIDAY, empty)
    assert [(m.place_key, m.surface) for m in found] == [(None, "Zuhur")]


def test_the_fold_cache_starts_again_past_its_limit_and_finds_the_same():
    matcher = make_matcher()
    matcher.fold_cache_limit = 50
    body = "Troops entered the Zahour district on Sunday (January 1).\n\n"
    summary = [(m.place_key, m.start, m.status) for m in parse(body)]
    for n in range(20):
        filler = " ".join(f"Word{n}x{i}" for i in range(10))
        found = geoparse("Report", body + filler + ".", [], FRIDAY, matcher)
        # At most the limit plus the words of one text (the body's 19); unbounded, 200 and more.
        assert len(matcher.fold_cache) <= 50 + 19
        assert [(m.place_key, m.start, m.status) for m in found] == summary


@pytest.mark.parametrize("alias", ["al-Zahour", "Zuhur", "Zohour", "ZOHOUR"])
def test_every_spelling_of_a_place_is_found(alias):
    assert places(parse(f"Troops entered {alias} on Friday.")) == ["zahour"]


@pytest.mark.django_db
def test_the_geoparse_command_previews_files_as_json_without_writing(tmp_path, settings):
    import json
    from io import StringIO

    from django.core.management import call_command

    from articles.models import Mention, Place
    from tests.factories import make_place

    settings.NEWSMAP_MATCHER_CHECK_SECONDS = 0
    mosul = make_place("Mosul", slug="mosul", kind=Place.Kind.CITY, latitude=36.34, radius_m=9000)
    make_place(
        "East Mosul",
        slug="east-mosul",
        kind=Place.Kind.REGION,
        parent=mosul,
        bank=Place.Bank.EAST,
        radius_m=8000,
    )
    make_place("al-Zahour", slug="zahour", parent=mosul, bank=Place.Bank.EAST, radius_m=1500)
    out = StringIO()
    call_command("geoparse", str(SEEDS / "000_e3a33125ca4d3b23.txt"), "--json", stdout=out)

    (result,) = json.loads(out.getvalue())
    assert result["title"].startswith("Iraqi Forces Continue Their Advance")
    assert result["published_at"].startswith("2016-11-04T18:47:52")
    zahour = [m for m in result["mentions"] if m["slug"] == "zahour"]
    assert zahour[0] == {
        "place": "al-Zahour",
        "slug": "zahour",
        "surface": "al-Zahour",
        "status": "advance",
        "event_date": "2016-11-04",
        "lat": 36.36,
        "lon": 43.17,
        "precision_m": 1500,
        "sentence": "The Iraqi forces opened their way into al-Zahour region on the Eastern side "
        "of the city of Mosul.",
        "container": False,
    }
    # The same sentence names Mosul around al-Zahour: its status, but not a claim on the map.
    (around,) = [m for m in result["mentions"] if m["sentence"] == zahour[0]["sentence"]
                 and m["slug"] == "mosul"]
    assert (around["status"], around["container"]) == ("advance", True)
    assert not Mention.objects.exists()


@pytest.mark.django_db
def test_the_geoparse_command_fails_on_a_file_that_is_not_a_report(tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    bad = tmp_path / "empty.txt"
    bad.write_text("\n\n")
    with pytest.raises(CommandError, match="1 of 1 files"):
        call_command("geoparse", str(bad), "--json", stdout=StringIO(), stderr=StringIO())


@pytest.mark.django_db
def test_the_geoparse_command_refuses_what_an_import_would_and_previews_the_rest(
    tmp_path, settings
):
    # A preview of a file the import refuses (too big, too many places) says why, as the
    # import would, and never reads an oversized file in; the good file beside it still shows.
    import json
    from io import StringIO

    from django.core.management import CommandError, call_command

    from articles.models import Place
    from tests.factories import make_place

    settings.NEWSMAP_MATCHER_CHECK_SECONDS = 0
    mosul = make_place("Mosul", slug="mosul", kind=Place.Kind.CITY)
    make_place("al-Zahour", slug="zahour", parent=mosul, bank=Place.Bank.EAST)
    make_place("Kokjeli", slug="kokjeli", parent=mosul, bank=Place.Bank.EAST)
    seed = SEEDS / "000_e3a33125ca4d3b23.txt"
    (tmp_path / "big.txt").write_bytes(b"x" * 5_000)
    many = tmp_path / "many.txt"
    many.write_bytes(seed.read_bytes().replace(b"al-Zahour", b"al-Zahour and Kokjeli, " * 20, 1))
    limit = settings.NEWSMAP_MAX_REPORT_BYTES = seed.stat().st_size + 1_000
    settings.NEWSMAP_MAX_MENTIONS_PER_REPORT = 30
    out, err = StringIO(), StringIO()
    paths = [str(tmp_path / "big.txt"), str(many), str(seed)]
    with pytest.raises(CommandError, match="2 of 3 files are refused, as an import would"):
        call_command("geoparse", *paths, "--json", stdout=out, stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0] == (
        f"{paths[0]}: file is 5,000 bytes, over the {limit:,} bytes limit "
        "(NEWSMAP_MAX_REPORT_BYTES)"
    )
    assert lines[1].startswith(f"{paths[1]}: names places at least ")
    assert lines[1].endswith(" times, over the 30 limit (NEWSMAP_MAX_MENTIONS_PER_REPORT)")
    big, over, good = json.loads(out.getvalue())
    assert (big["mentions"], over["mentions"]) == ([], [])
    assert {m["slug"] for m in good["mentions"]} - {None} == {"zahour", "kokjeli", "mosul"}


def test_a_sentence_without_a_day_takes_the_day_of_the_one_before():
    body = (
        "On Wednesday, Iraqi forces began a push into Zahour. Troops entered Kokjeli.\n\n"
        "The following day, they retook the Intisar district.\n\n"
        "The battles came a day after police cleared the Karama district.\n\n"
        "Residents returned to Mosul."
    )
    days = {m.place_key: (m.event_date, m.date_precision) for m in parse(body)}
    wednesday = dt.date(2016, 11, 2)
    assert days["zahour"] == (wednesday, "relative")
    assert days["kokjeli"] == (wednesday, "relative")  # same paragraph
    assert days["intisar"] == (wednesday + dt.timedelta(days=1), "relative")
    # "a day after" the day the paragraph before speaks of (Thursday): Wednesday.
    assert days["karama"] == (wednesday, "relative")
    # A later paragraph with no word of a day tells of the lead's day, as wire stories do.
    assert days["mosul"] == (wednesday, "relative")


def test_a_month_and_a_number_is_a_district_only_beside_a_place_word():
    found = parse("Troops fought in the neighborhoods of Rifai and July 17 on Sunday.")
    assert [(m.place_key or m.surface, m.event_date) for m in found] == [
        ("Rifai", dt.date(2016, 10, 30)),
        ("17-tammuz", dt.date(2016, 10, 30)),
    ]
    found = parse("Troops entered the July 17 district.")
    assert [(m.place_key, m.event_date) for m in found] == [("17-tammuz", FRIDAY)]
    # A day, not a district.
    found = parse("On July 17, troops entered Zahour.")
    assert [(m.place_key, m.event_date) for m in found] == [("zahour", dt.date(2016, 7, 17))]


def test_a_later_paragraph_takes_the_lead_s_day_only_when_it_is_that_week_s_news():
    lead = "Iraqi forces entered Zahour on {}.\n\nTroops retook the Intisar district."
    days = event_days(lead.format("Wednesday"))
    assert days["intisar"] == dt.date(2016, 11, 2)
    # A lead that looks back weeks is background: what follows is the report's day.
    days = event_days(lead.format("October 17"))
    assert days["zahour"] == dt.date(2016, 10, 17)
    assert days["intisar"] == FRIDAY


def test_a_name_one_letter_off_a_place_the_report_names_is_that_place_misspelt():
    body = (
        "Forces encircled the town of Hammam al-Alil. Police surrounded the town of Hamam "
        "al-Ali after assaulting it."
    )
    found = parse(body)
    assert [(m.surface, m.place_key) for m in found] == [
        ("Hammam al-Alil", "hammam-al-alil"),
        ("Hamam al-Ali", "hammam-al-alil"),
    ]
    # With no such place named elsewhere in the report, it stays a name the gazetteer lacks.
    found = parse("Police surrounded the town of Hamam al-Ali.")
    assert [(m.surface, m.place_key) for m in found] == [("Hamam al-Ali", None)]


def test_a_body_whose_lead_names_no_day_takes_the_headline_s():
    body = "Troops fought in Zahour.\n\nPolice cleared the Karama district."
    found = parse(body, title="Mosul campaign, day 18: Thursday")
    assert {m.place_key: m.event_date for m in found} == {
        "mosul": dt.date(2016, 11, 3),
        "zahour": dt.date(2016, 11, 3),
        "karama": dt.date(2016, 11, 3),
    }
    # A lead's own day comes first, and a headline that looks back weeks is background.
    found = parse("On Wednesday troops fought in Zahour.", title="Thursday's news")
    assert [m.event_date for m in found] == [dt.date(2016, 11, 2)]
    found = parse(body, title="Campaign notes: since October 17")
    assert {m.event_date for m in found} == {FRIDAY}


def test_a_first_sentence_without_a_day_takes_the_next_one_s():
    body = (
        "Forces recaptured the Zahour district. They raised the flag there, the commander "
        "announced on Wednesday.\n\nPolice cleared the Karama district."
    )
    found = parse(body, title="Forces retake district")
    assert {m.place_key: m.event_date for m in found if m.section == "body"} == {
        "zahour": dt.date(2016, 11, 2),
        "karama": dt.date(2016, 11, 2),
    }
    # A lead of one sentence is dated by the paragraph after it, as wire stories tell it.
    found = parse("Forces recaptured the Zahour district.\n\nOn Wednesday police cleared Karama.")
    assert [(m.place_key, m.event_date) for m in found if m.place_key == "zahour"] == [
        ("zahour", dt.date(2016, 11, 2))
    ]
    # A lead of two sentences that name no day is dated by the third, even in the paragraph
    # after it: readers date it so (the set: six dates gained, none lost, when this changed).
    found = parse(
        "Forces recaptured the Zahour district. Residents came out.\n\n"
        "On Wednesday police cleared Karama."
    )
    assert [(m.place_key, m.event_date) for m in found if m.place_key == "zahour"] == [
        ("zahour", dt.date(2016, 11, 2))
    ]
    # The fourth sentence does not date it.
    found = parse(
        "Forces recaptured the Zahour district. Residents came out. Shops opened.\n\n"
        "On Wednesday police cleared Karama."
    )
    assert [(m.place_key, m.event_date) for m in found if m.place_key == "zahour"] == [
        ("zahour", FRIDAY)
    ]


def test_a_later_also_on_a_day_dates_a_lead_that_names_none():
    body = (
        "Forces recaptured the Zahour district. Residents came out.\n\n"
        "Clashes went on in the Karama district.\n\n"
        "Also on Wednesday, police cleared the Kokjeli district."
    )
    days = event_days(body)
    assert days == dict.fromkeys(["zahour", "karama", "kokjeli"], dt.date(2016, 11, 2))
    # A lead with its own day keeps it; a later "also" weeks back is background.
    assert parse(body.replace("came out", "came out on Thursday"))[0].event_date == dt.date(
        2016, 11, 3
    )
    assert parse(body.replace("Wednesday", "October 1"))[0].event_date == FRIDAY


def test_a_lead_s_news_may_be_dated_in_the_sentence_after_it():
    # A bare dateline, the lead, then the day the lead's assault was announced.
    body = (
        "BAGHDAD\n\nIraqi forces have stormed the Kokjeli district. The assault was announced "
        "by the military on Wednesday."
    )
    found = parse(body, title="Forces storm Kokjeli")
    assert [(m.place_key, m.event_date) for m in found if m.section == "title"] == [
        ("kokjeli", dt.date(2016, 11, 2))
    ]


def test_a_quote_that_opens_a_paragraph_tells_of_the_day_the_paragraph_before_names():
    body = (
        "Troops fought in the Zahour district on Thursday.\n\n"
        "The ministry announced that villages fell to the police on Wednesday.\n\n"
        "“Police retook the Kokjeli district,” the ministry said."
    )
    days = event_days(body)
    assert days["kokjeli"] == dt.date(2016, 11, 2)
    # A paragraph that does not open with a quote tells of the lead's day.
    days = event_days(body.replace("“", "").replace("”", ""))
    assert days["kokjeli"] == dt.date(2016, 11, 3)


def test_a_headline_without_a_day_takes_the_lead_s():
    found = parse(
        "MOSUL, Iraq (AP) — Troops fought on Wednesday in Zahour.", title="Troops fight in Zahour"
    )
    title = [m for m in found if m.section == "title"]
    assert [(m.place_key, m.event_date) for m in title] == [("zahour", dt.date(2016, 11, 2))]
    # With no day in the lead, it stays the report's day.
    found = parse("Troops fought in Zahour.", title="Troops fight in Zahour")
    assert {m.event_date for m in found} == {FRIDAY}
    # A lead that looks back weeks is background: the headline is the report's day.
    found = parse("Since October 17, troops have fought in Zahour.", title="Zahour holds out")
    title = [m for m in found if m.section == "title"]
    assert [(m.place_key, m.event_date) for m in title] == [("zahour", FRIDAY)]


def test_this_weeks_news_of_a_place_is_its_claim_before_background():
    found = parse(
        "Car bombs killed 23 people today at a market in Kokjeli, the army said.\n\n"
        "Kokjeli was retaken by government forces on November 1.",
        day=dt.date(2016, 12, 22),
    )
    primary = [(m.place_key, m.status, m.event_date) for m in found if m.is_primary]
    assert primary == [("kokjeli", "fighting", dt.date(2016, 12, 22))]


def test_a_claim_told_as_long_past_is_background():
    found = parse(
        "Iraqi forces clashed on Thursday with militants in western Mosul.\n\n"
        "Eastern Mosul was retaken last month.",
        day=dt.date(2017, 2, 24),
    )
    ((key, status, day, precision),) = [
        (m.place_key, m.status, m.event_date, m.date_precision) for m in found if m.is_primary
    ]
    assert (key, status, day, precision) == ("mosul", "fighting", dt.date(2017, 2, 23), "relative")
    # Told on its own, the background claim is the report's, with no day of its own: not even
    # the one a paragraph would carry.
    found = parse("Forces pushed on Monday. Eastern Mosul was retaken in January.",
                  day=dt.date(2017, 2, 24))
    ((status, day, precision, background),) = [
        (m.status, m.event_date, m.date_precision, m.background) for m in found
    ]
    assert (status, day, precision, background) == (
        "retaken", dt.date(2017, 2, 24), "publication", True
    )



def test_a_day_stated_long_before_the_news_or_a_place_already_cleared_is_background():
    found = parse(
        "ISIS took over the city of Mosul in 10 June 2014.\n\n"
        "Iraqi troops shelled Mosul on Thursday.\n\n"
        "A car bomb killed 23 people in Kokjeli on December 22.",
        day=dt.date(2017, 2, 10),
    )
    primary = {m.place_key: (m.status, m.event_date, m.background) for m in found if m.is_primary}
    assert primary == {
        "mosul": ("fighting", dt.date(2017, 2, 9), False),
        # Background still dated by the day the text gives it.
        "kokjeli": ("fighting", dt.date(2016, 12, 22), True),
    }
    # "Already cleared" tells of before the news, as a day would.
    for text, background in (
        ("Militants attacked areas of already cleared western Mosul.", True),
        ("Militants attacked areas of cleared western Mosul.", False),
    ):
        assert [m.background for m in parse(text, day=dt.date(2017, 6, 26))] == [background]

def test_a_bridge_named_by_its_age_or_order_or_the_old_city_may_be_in_lower_case():
    found = parse("Federal Police controlled the old bridge in Mosul on Wednesday.")
    assert [(m.place_key, m.surface, m.status) for m in found][:1] == [
        ("old-bridge", "old bridge", "retaken")
    ]
    assert "old-bridge" in places(parse("Troops reached the first bridge of Mosul."))
    # The old city too, after "the" and up to two words, or after the city's possessive.
    assert places(parse("Troops neared the densely populated old city of Mosul.")) == [
        "old-city", "mosul"
    ]
    assert places(parse("Clashes went on in Mosul’s old town.")) == ["mosul", "old-city"]
    assert places(parse("An old town in Mosul was shelled.")) == ["mosul"]
    # Only as "the" bridge, and in a report on the city.
    assert places(parse("Troops crossed an old bridge in Mosul.")) == ["mosul"]
    assert places(parse("Troops crossed the old bridge near the village.")) == []
    # A count is no name: "the first bridge to be struck this week".
    found = parse("Jets hit a bridge in Mosul. It was the first bridge to be struck this week.")
    assert places(found) == ["mosul"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Elite forces on Thursday retook a town on the eastern edge of Mosul.",
        "Hashd al-Shaabi also took back Maflakieh and al-Fatseh on the Western side of Mosul.",
        "Forces recaptured 60 percent of the regions on the western side of Mosul.",
    ],
)
def test_a_city_near_or_around_the_places_retaken_is_not_itself_retaken(sentence):
    (mosul,) = [m for m in parse(sentence) if m.place_key == "mosul"]
    assert mosul.status == "advance"


@pytest.mark.parametrize(
    "sentence",
    [
        "Mosul was liberated on Sunday, the prime minister said.",
        "Iraqi forces retook the whole of western Mosul.",
        "The army announced the liberation of the city of Mosul.",
        "Abadi hailed Mosul's liberation.",
    ],
)
def test_a_city_the_sentence_says_was_retaken_is_retaken(sentence):
    assert [(m.place_key, m.status) for m in parse(sentence)] == [("mosul", "retaken")]


def test_a_city_told_only_as_old_news_saw_an_advance_where_its_districts_fell_this_week():
    found = parse(
        "The army recaptured eastern Mosul in January and is now fighting in the west.\n\n"
        "Iraqi troops on Monday captured the 17 Tammuz district.",
        day=dt.date(2017, 6, 29),
    )
    primary = {m.place_key: (m.status, m.container) for m in found if m.is_primary}
    assert primary == {"mosul": ("advance", True), "17-tammuz": ("retaken", False)}
    # With no district's news that week, the old news stays the report's claim of the city.
    found = parse(
        "The army recaptured eastern Mosul in January.", day=dt.date(2017, 6, 29)
    )
    assert [(m.status, m.container) for m in found if m.is_primary] == [("retaken", False)]


def test_a_day_the_place_s_own_sentence_names_comes_before_one_it_borrows():
    # The second sentence borrows Sunday from the first; the later paragraph names Saturday for
    # the same claim, and that is the day of the recapture.
    body = (
        "Troops began on Sunday the assault on the Old City.\n\n"
        "The army completed the recapture of the Zahour district from the south.\n\n"
        "Troops recaptured Zahour on Saturday and pushed on."
    )
    zahour = primary(parse(body, day=dt.date(2017, 6, 11)), "zahour")
    assert (zahour.status, zahour.event_date) == ("retaken", dt.date(2017, 6, 10))


def test_a_city_named_only_as_a_dateline_saw_an_advance_where_its_districts_fell():
    # The convention the set is labelled to: Mosul is retaken only when the report says the
    # whole city or a half was; where its districts fall, the city saw an advance.
    found = parse("MOSUL, Iraq (AP) - Iraqi forces retook Zahour on Thursday.")
    assert (primary(found, "mosul").status, primary(found, "zahour").status) == (
        "advance",
        "retaken",
    )
    # Not where the district's news is old.
    found = parse("MOSUL, Iraq (AP) - Families returned to Zahour, retaken last month.")
    assert primary(found, "mosul").status == "mentioned"
    # The city's advance is dated by its district's news.
    found = parse(
        "Iraqi soldiers pushed into the Zahour district on Wednesday.\n\n"
        "The Islamic State captured Mosul three years ago."
    )
    mosul = primary(found, "mosul")
    assert (mosul.status, mosul.event_date) == ("advance", dt.date(2016, 11, 2))


def test_an_ordinal_bridge_counted_from_a_bank_is_a_count_not_the_name():
    found = parse(
        "Troops in Mosul reached the first bridge from the south, known as the Fourth Bridge."
    )
    assert "old-bridge" not in [m.place_key for m in found]
    found = parse("Troops in Mosul took the first bridge on Monday.")
    assert primary(found, "old-bridge").status == "retaken"


def test_a_site_taken_in_a_city_makes_the_city_its_container():
    found = parse("Police imposed their complete control over the market in Mosul on Friday.")
    mosul = primary(found, "mosul")
    assert (mosul.status, mosul.container) == ("advance", True)


@pytest.mark.parametrize(
    ("sentence", "surface"),
    [
        # "the area of" names a place as "the villages of" does.
        ("Forces fully recaptured the area of al-Atshana Hills on Tuesday.", "al-Atshana Hills"),
        # "the village X", without "of", as translations write it.
        ("Troops cleared the village Numaniya on the outskirts of the city.", "Numaniya"),
        # An apposition with "the" as with "a".
        ("The PMU recaptured Sahaji, the last ISIS-held village on the road.", "Sahaji"),
    ],
)
def test_a_phrase_that_marks_a_village_finds_one_the_gazetteer_lacks(sentence, surface):
    found = parse(sentence)
    assert [(m.surface, m.parent_key, m.status) for m in found] == [
        (surface, "nineveh", "retaken")
    ]


def test_a_man_named_before_a_village_s_elder_is_no_village():
    assert parse("Saleh, the village elder, said troops retook Zahour.")[0].place_key == "zahour"
    assert len(parse("Saleh, the village elder, said troops retook Zahour.")) == 1


def test_a_nisba_makes_a_man_only_when_it_follows_the_name_in_its_sentence():
    # "Siha al-Obeidi", "Siha Al Obeidi": a man, not the district.
    assert places(parse("Siha al-Obeidi said troops had moved.")) == []
    assert places(parse("Siha Al Obeidi said troops had moved.")) == []
    # The next sentence's man leaves the place a place.
    found = parse("An officer in Mosul told AP from Erbil. Al-Maturi said the area was calm.")
    assert "erbil" in places(found)


def test_the_old_city_in_lower_case_needs_no_other_cue_in_a_report_on_its_city():
    # "old city" is a common word ("Jerusalem's old city"); beside Mosul's name it is Mosul's.
    body = (
        "Iraqi forces fought in Mosul on Thursday.\n\nThe advance could pave the way for an "
        "attack on the heavily-populated old city, where the militants are still entrenched."
    )
    assert places(parse(body)) == ["mosul", "old-city"]
    # Just after another town's name, the old city is that town's.
    body = "Troops fought in Mosul. Hammam al-Alil lies west of the ruins of the old city."
    assert places(parse(body)) == ["mosul", "hammam-al-alil"]


def test_villages_taken_in_a_town_s_countryside_are_an_advance_for_the_town():
    found = parse("Fighters recaptured Tal Ezzo and Tal Banat villages in Hammam al-Alil.")
    assert [(m.place_key, m.status) for m in found if m.place_key] == [
        ("hammam-al-alil", "advance")
    ]


def test_a_site_taken_inside_a_district_is_an_advance_there():
    # The district did not change hands: a row of its buildings, or one end of it, did.
    for sentence in (
        "An officer said that the first row of buildings in Kokjeli had been seized.",
        "Commandos freed the northern part of the industrial area of Kokjeli on Tuesday.",
    ):
        assert [(m.place_key, m.status) for m in parse(sentence)] == [("kokjeli", "advance")]
    assert [m.status for m in parse("Commandos freed Kokjeli on Tuesday.")] == ["retaken"]


def test_a_run_of_text_with_no_sentence_end_is_read_in_sentences_of_bounded_length(monkeypatch):
    # A list of thousands of names with no full stop (hostile or garbled input): each name is
    # weighed against each cue of its sentence, so a sentence as long as the body would cost
    # the square of its length. It is cut at spaces into sentences no real one is longer than.
    from articles import status
    from articles.geoparse import _LONGEST_SENTENCE

    longest = 0
    status_for = status.status_for

    def measured(sentence, *args):
        nonlocal longest
        longest = max(longest, len(sentence))
        return status_for(sentence, *args)

    monkeypatch.setattr(status, "status_for", measured)
    body = "Iraqi forces retook " + "al-Zahour and Kokjeli and " * 2_000 + "Mosul"
    found = parse(body)
    assert 0 < longest <= _LONGEST_SENTENCE
    assert all(len(m.sentence) <= _LONGEST_SENTENCE for m in found)
    # Cut at spaces: every name is still found whole.
    assert [m.surface for m in found if m.place_key == "kokjeli"] == ["Kokjeli"] * 2_000
    assert len([m for m in found if m.place_key == "zahour"]) == 2_000
    assert found[0].status == "retaken"


def test_a_report_over_the_mention_limit_is_refused_before_its_mentions_are_built(monkeypatch):
    # A hostile body of a million names would otherwise be geoparsed whole (seconds and hundreds
    # of megabytes) only to be refused for its count.
    from articles import geoparse as module
    from articles.geoparse import TooManyMentions

    body = "Iraqi forces retook " + "al-Zahour and Kokjeli and " * 50 + "Mosul."
    everything = parse(body)
    assert len(everything) == 101
    built = []
    mentions_in = module._mentions_in

    def counted(section, *args):
        built.append(section.name)
        return mentions_in(section, *args)

    monkeypatch.setattr(module, "_mentions_in", counted)
    with pytest.raises(TooManyMentions) as refused:
        geoparse("Report", body, [], FRIDAY, MATCHER, limit=100)
    assert (refused.value.at_least, refused.value.limit) == (101, 100)
    assert "body" not in built
    # At the limit nothing is refused, and the limit changes nothing found.
    kept = geoparse("Report", body, [], FRIDAY, MATCHER, limit=101)
    assert [(m.place_key, m.start, m.status) for m in kept] == [
        (m.place_key, m.start, m.status) for m in everything
    ]
    # Related headlines count too.
    with pytest.raises(TooManyMentions):
        geoparse("Report", body, ["Clashes in Mosul"], FRIDAY, MATCHER, limit=101)


def test_the_word_before_a_full_stop_is_read_from_a_short_window():
    from articles.geoparse import _word_before

    assert _word_before("Troops reached the Gen. Staff", 22) == "gen"
    assert _word_before("No.", 2) == "no"
    # A "word" thousands of letters long is no abbreviation: its tail stands for it.
    text = "x" * 10_000 + "Mosul."
    word = _word_before(text, len(text) - 1)
    assert word.endswith("xmosul") and len(word) == 64


def test_a_sentence_read_again_on_another_day_takes_that_day():
    # The rules of a sentence are kept for the next report that repeats it: a sentence that
    # names a day ("on Thursday") reads differently in a report of another week.
    sentence = "Iraqi forces entered Kokjeli on Thursday."
    later = FRIDAY + dt.timedelta(days=7)
    assert event_days(sentence) == {"kokjeli": dt.date(2016, 11, 3)}
    assert {m.place_key: m.event_date for m in parse(sentence, day=later)} == {
        "kokjeli": dt.date(2016, 11, 10)
    }
    assert event_days(sentence) == {"kokjeli": dt.date(2016, 11, 3)}


def test_a_related_headline_another_report_listed_reads_the_same_and_is_not_shared():
    headline = "Iraqi forces retake Siha district"
    first = parse("Troops fought in Mosul.", related=[headline])
    second = parse("Troops entered Kokjeli district.", related=[headline, headline])
    fresh = geoparse("Report", "Troops entered Kokjeli district.", [headline] * 2, FRIDAY,
                     make_matcher())
    fields = [(m.place_key, m.section, m.status, m.event_date, m.is_primary) for m in fresh]
    assert [(m.place_key, m.section, m.status, m.event_date, m.is_primary) for m in second] == (
        fields
    )
    related = [m for m in first + second if m.section == "related"]
    assert len(related) == 3 and len({id(m) for m in related}) == 3


def test_the_related_headline_cache_stays_within_its_limit(monkeypatch):
    matcher = make_matcher()
    monkeypatch.setattr(matcher, "related_cache_limit", 5)
    for n in range(12):
        geoparse("Report", "Troops fought.", [f"Clashes in Siha, day {n}"], FRIDAY, matcher)
        assert len(matcher.related_cache) <= 5
