"""Reading GeoNames dumps and importing them as places, on small dumps written by the tests."""

from __future__ import annotations

import json
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.geonames import (
    BBox,
    GeoName,
    LineError,
    WorldIndex,
    build_world_index,
    read_alternate_names,
    read_geonames,
)
from articles.models import Alias, Place


def main_line(gid, name, lat, lon, code="PPL", alternates="", population=0, cls="P") -> str:
    cols = [
        str(gid), name, name, alternates, str(lat), str(lon), cls, code, "IQ", "",
        "15", "", "", "", str(population), "", "250", "Asia/Baghdad", "2023-01-01",
    ]  # fmt: skip
    return "\t".join(cols) + "\n"


def alternate_line(aid, gid, lang, name, preferred="", historic="") -> str:
    return "\t".join([str(aid), str(gid), lang, name, preferred, "", "", historic, "", ""]) + "\n"


DUMP = [
    main_line(99072, "Mosul", 36.335, 43.11889, "PPLA", "Al Mawsil,OSM,Mawsil", 1683000),
    main_line(98245, "Bartella", 36.35139, 43.37972, "PPL", "Bartala,Bartellah", 10000),
    main_line(7932483, "Hayy az Zuhur", 36.3656, 43.1762, "PPLX", "Zuhur"),
    main_line(94787, "Kirkuk", 35.46806, 44.39222, "PPLA", "Karkuk", 1031000),
    main_line(99999, "Jabal Maqlub", 36.5, 43.4, "MT", "", 0, "T"),
    "98246\tBroken\tBroken\t\t36.3\tnot-a-number\tP\tPPL\tIQ\t\t15\t\t\t\t0\t\t\t\t\n",
    "short\tline\n",
]
ALTERNATES = [
    alternate_line(1, 99072, "ar", "الموصل", preferred="1"),
    alternate_line(2, 99072, "en", "Mosul City"),
    alternate_line(3, 99072, "link", "https://en.wikipedia.org/wiki/Mosul"),
    alternate_line(4, 99072, "en", "Nineveh-on-Tigris", historic="1"),
    alternate_line(5, 98245, "ar", "برطلة"),
    alternate_line(6, 12345, "en", "Somewhere else"),
    "not\tenough\n",
]


@pytest.fixture
def dump(tmp_path) -> Path:
    path = tmp_path / "IQ.txt"
    path.write_text("".join(DUMP), encoding="utf-8")
    return path


@pytest.fixture
def alternate_names(tmp_path) -> Path:
    path = tmp_path / "alternateNamesV2.txt"
    path.write_text("".join(ALTERNATES), encoding="utf-8")
    return path


def test_it_reads_features_and_reports_unreadable_lines_by_number():
    items = list(read_geonames(DUMP))

    features = [i for i in items if isinstance(i, GeoName)]
    errors = [i for i in items if isinstance(i, LineError)]
    assert [f.name for f in features] == [
        "Mosul", "Bartella", "Hayy az Zuhur", "Kirkuk", "Jabal Maqlub",
    ]  # fmt: skip
    assert features[0].alternatenames == ("Al Mawsil", "OSM", "Mawsil")
    assert [(e.line, e.reason) for e in errors] == [
        (6, 'latitude/longitude "36.3", "not-a-number" are not numbers'),
        (7, "expected 19 tab-separated columns, found 2"),
    ]


def test_feature_codes_and_a_bounding_box_filter_features():
    around_mosul = BBox.parse("36.0,42.8,36.7,43.6")

    kept = [
        f.name
        for f in read_geonames(DUMP, frozenset({"PPL", "PPLA", "PPLX"}), around_mosul)
        if isinstance(f, GeoName)
    ]

    assert kept == ["Mosul", "Bartella", "Hayy az Zuhur"]


def test_a_bounding_box_that_is_not_four_numbers_is_explained():
    with pytest.raises(ValueError, match="four numbers"):
        BBox.parse("36,42,37")
    with pytest.raises(ValueError, match="not south,west,north,east"):
        BBox.parse("37,42,36,43")


def test_alternate_names_skip_links_codes_history_and_other_features():
    names = [
        (a.geonameid, a.language, a.name)
        for a in read_alternate_names(ALTERNATES, {99072, 98245})
        if not isinstance(a, LineError)
    ]

    assert names == [(99072, "ar", "الموصل"), (99072, "en", "Mosul City"), (98245, "ar", "برطلة")]


def test_radius_and_kind_follow_the_feature_code():
    mosul, bartella, zuhur, _, mountain = [f for f in read_geonames(DUMP) if isinstance(f, GeoName)]

    assert (mosul.kind, mosul.radius_m) == ("city", 5000)
    assert (bartella.kind, bartella.radius_m) == ("town", 1500)
    assert (zuhur.kind, zuhur.radius_m) == ("district", 700)
    assert mountain.kind == "landmark"


@pytest.mark.django_db
def test_the_command_imports_populated_places_with_their_spellings(dump, alternate_names):
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError) as caught:
        call_command(
            "import_geonames", str(dump), alternate_names=str(alternate_names),
            stdout=out, stderr=err,
        )  # fmt: skip

    assert caught.value.returncode == 1
    assert err.getvalue().splitlines() == [
        'IQ.txt:6: latitude/longitude "36.3", "not-a-number" are not numbers',
        "IQ.txt:7: expected 19 tab-separated columns, found 2",
        "alternateNamesV2.txt:7: expected 4 to 10 tab-separated columns, found 2",
    ]
    assert out.getvalue().strip() == (
        "created 4, updated 0, unchanged 0, kept 0 (edited by editors), skipped 3 bad line(s)"
    )
    mosul = Place.objects.get(geonames_id=99072)
    assert mosul.provenance == Place.Provenance.GEONAMES
    assert mosul.source == "GeoNames 99072"
    assert mosul.precision == Place.Precision.EXACT
    assert mosul.radius_m == 5000
    assert mosul.name_ar == "الموصل"
    spellings = set(Alias.objects.filter(place=mosul).values_list("text", flat=True))
    # "Mawsil" folds to the same key as "Al Mawsil", so it is stored once.
    assert {"Mosul", "Al Mawsil", "الموصل", "Mosul City"} <= spellings
    assert "OSM" not in spellings  # an airport code, not a spelling
    assert "Nineveh-on-Tigris" not in spellings
    assert not Place.objects.filter(name="Jabal Maqlub").exists()  # not a populated place


@pytest.mark.django_db
def test_reimporting_updates_geonames_places_but_never_an_editors_or_the_shipped_point(
    dump, tmp_path
):
    good = tmp_path / "good.txt"
    good.write_text("".join(DUMP[:4]), encoding="utf-8")
    call_command("import_geonames", str(good), stdout=StringIO())
    Place.objects.filter(geonames_id=98245).update(
        latitude=36.3522, review_state=Place.Review.CONFIRMED
    )
    Place.objects.filter(geonames_id=99072).update(
        latitude=36.34, provenance=Place.Provenance.GAZETTEER, source="Shipped"
    )
    Place.objects.filter(geonames_id=94787).update(latitude=35.0)
    out = StringIO()

    call_command("import_geonames", str(good), stdout=out)

    assert out.getvalue().strip() == (
        "created 0, updated 1, unchanged 2, kept 1 (edited by editors), skipped 0 bad line(s)"
    )
    assert Place.objects.get(geonames_id=98245).latitude == 36.3522
    assert Place.objects.get(geonames_id=99072).latitude == 36.34
    assert Place.objects.get(geonames_id=94787).latitude == 35.46806


@pytest.mark.django_db
def test_it_reads_a_geonames_zip_with_feature_codes_and_a_bbox(dump, tmp_path):
    archive = tmp_path / "IQ.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(dump, "IQ.txt")
        z.writestr("readme.txt", "GeoNames readme")

    with pytest.raises(CommandError):  # the dump's two bad lines
        call_command(
            "import_geonames", str(archive), feature_codes="PPL,PPLX", bbox="36,42.8,36.7,43.6",
            stdout=StringIO(), stderr=StringIO(),
        )  # fmt: skip

    assert sorted(Place.objects.values_list("name", flat=True)) == ["Bartella", "Hayy az Zuhur"]


@pytest.mark.django_db
def test_a_bad_bbox_or_missing_file_is_refused_before_anything_is_read(dump, tmp_path):
    with pytest.raises(CommandError, match="--bbox"):
        call_command("import_geonames", str(dump), bbox="north")
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_geonames", str(tmp_path / "missing.txt"))


def city(gid, name, country, population, *alternates) -> dict:
    return {
        "geonameid": gid, "name": name, "latitude": 36.0, "longitude": 43.0,
        "countrycode": country, "population": population, "alternatenames": list(alternates),
    }  # fmt: skip


def test_the_world_index_prefers_the_area_then_the_own_name_then_the_bigger_city():
    records = [
        city(1, "Hamdaniyah", "SY", 900_000, "Al Hamdaniya"),
        city(2, "Qaraqosh", "IQ", 50_000, "Al Hamdaniya", "Bakhdida"),
        city(3, "Karama", "JO", 20_000),
        city(4, "Al Karama", "AE", 90_000, "Karama"),
        city(5, "Salamiyah", "SY", 90_000, "OSM"),
    ]

    index = build_world_index(records, str.casefold, ["iq"])

    assert index.lookup("al hamdaniya")["geonameid"] == 2  # in the area of interest
    assert index.lookup("karama")["geonameid"] == 3  # its own name, though smaller
    assert index.lookup("osm") is None  # an airport code is not a spelling
    assert WorldIndex.from_json(json.loads(json.dumps(index.to_json()))) == index
