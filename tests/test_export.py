"""Export of places and reports for safekeeping: the command and the admin downloads."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.export import neutralise
from articles.models import Alias, Place
from tests.factories import make_article, make_mention, make_place

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor() -> User:
    user = User.objects.create_user("editor", password="correct horse battery", is_staff=True)
    user.groups.add(Group.objects.get(name="editors"))
    return user


@pytest.fixture
def corrected_place(editor) -> Place:
    """A gazetteer place an editor has since moved and given another spelling."""
    place = make_place("Zahour", latitude=36.36, longitude=43.17, radius_m=500)
    place.latitude = 36.3712
    place.provenance = Place.Provenance.EDITOR
    place._history_user = editor
    place.save()
    alias = Alias(place=place, text="al-Zuhur")
    alias._history_user = editor
    alias.save()
    return place


@pytest.fixture
def report(corrected_place):
    article = make_article("Iraqi forces enter al-Zahour", url="https://example.org/zahour")
    make_mention(article, corrected_place, surface="al-Zahour")
    make_mention(article, None, surface="=HYPERLINK(\"http://evil\")", normalised="hyperlink")
    return article


def run_export(*args: str) -> str:
    out = io.StringIO()
    call_command("export", *args, stdout=out)
    return out.getvalue()


def test_the_geojson_export_has_each_place_with_provenance_precision_and_history(report, editor):
    data = json.loads(run_export("--format", "geojson"))
    assert data["type"] == "FeatureCollection"
    features = data["features"]
    places = {f["properties"]["slug"]: f for f in features if f["properties"]["record"] == "place"}
    zahour = next(f for slug, f in places.items() if slug.startswith("zahour"))
    props = zahour["properties"]
    assert zahour["geometry"] == {"type": "Point", "coordinates": [43.17, 36.3712]}
    assert props["provenance"] == "editor" and props["precision"] == 1 and props["radius_m"] == 500
    assert props["source"] == "Test fixture"
    assert props["review_state"] == "unreviewed"
    assert {a["text"] for a in props["aliases"]} == {"Zahour", "al-Zuhur"}

    history = props["history"]
    moved = [h for h in history if h["what"] == "place" and h["change"] == "changed"]
    assert len(moved) == 1 and moved[0]["who"] == "editor"
    fields = {c["field"]: (c["old"], c["new"]) for c in moved[0]["fields"]}
    assert fields["latitude"] == (36.36, 36.3712)
    assert fields["provenance"] == ("gazetteer", "editor")
    assert "updated_at" not in fields
    added = [h for h in history if h["what"] == "alias" and h["change"] == "created"]
    assert {h["fields"][0]["new"] for h in added} == {"Zahour", "al-Zuhur"}
    assert [h["when"] for h in history] == sorted(h["when"] for h in history)


def test_the_geojson_export_has_each_report_with_its_mentions(report, corrected_place):
    data = json.loads(run_export("--format", "geojson"))
    reports = [f for f in data["features"] if f["properties"]["record"] == "report"]
    assert len(reports) == 1
    props = reports[0]["properties"]
    assert props["title"] == "Iraqi forces enter al-Zahour"
    assert props["url"] == "https://example.org/zahour" and props["source"] == "FNA"
    assert props["published_at"].startswith("2016-11-04")
    surfaces = {m["surface"]: m for m in props["mentions"]}
    assert surfaces["al-Zahour"]["place"] == corrected_place.slug
    assert surfaces["al-Zahour"]["status"] == "advance"
    assert surfaces["=HYPERLINK(\"http://evil\")"]["place"] is None
    assert reports[0]["geometry"] == {"type": "MultiPoint", "coordinates": [[43.17, 36.3712]]}


def test_the_csv_export_has_places_and_reports_with_formulas_neutralised(report):
    rows = list(csv.DictReader(io.StringIO(run_export("--format", "csv"))))
    kinds = [r["record"] for r in rows]
    assert kinds.count("place") == 1 and kinds.count("report") == 1
    place = next(r for r in rows if r["record"] == "place")
    assert (place["latitude"], place["longitude"]) == ("36.3712", "43.17")
    assert place["provenance"] == "editor"
    assert any(c["field"] == "latitude" for h in json.loads(place["history"]) for c in h["fields"])
    article = next(r for r in rows if r["record"] == "report")
    assert article["name"] == "Iraqi forces enter al-Zahour"
    assert len(json.loads(article["mentions"])) == 2


def test_text_cells_that_a_spreadsheet_would_run_are_neutralised(editor):
    make_place("=cmd|' /C calc'!A0", slug="formula", source="+SUM(A1)", provenance_detail="@x")
    make_article("-2+3 reported", source="=1+1")
    rows = list(csv.DictReader(io.StringIO(run_export("--format", "csv"))))
    place = next(r for r in rows if r["record"] == "place")
    assert place["name"] == "'=cmd|' /C calc'!A0"
    assert place["source"] == "'+SUM(A1)" and place["provenance_detail"] == "'@x"
    report = next(r for r in rows if r["record"] == "report")
    assert report["name"] == "'-2+3 reported" and report["source"] == "'=1+1"
    assert neutralise(-43.5) == -43.5  # numbers are data, not formulas


def test_the_export_writes_a_file_whole(report, tmp_path):
    target = tmp_path / "newsmap.geojson"
    call_command("export", "--format", "geojson", "--output", str(target), stderr=io.StringIO())
    assert json.loads(target.read_text(encoding="utf-8"))["features"]
    assert not list(tmp_path.glob("*.partial"))


def test_an_unwritable_output_is_a_clear_error(report, tmp_path):
    with pytest.raises(CommandError, match="cannot write"):
        call_command("export", "--format", "csv", "--output", str(tmp_path / "missing" / "x.csv"))


def test_an_unknown_format_is_refused():
    with pytest.raises(CommandError):
        call_command("export", "--format", "xml")


def test_editors_download_every_place_and_report_from_the_admin(client, editor, report):
    client.force_login(editor)
    response = client.get("/admin/articles/place/export/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    assert "al-Zuhur" in response.content.decode()

    response = client.get("/admin/articles/article/export/", {"format": "geojson"})
    assert response["Content-Type"].startswith("application/geo+json")
    features = json.loads(response.content)["features"]
    assert [f["properties"]["record"] for f in features] == ["report"]

    assert client.get("/admin/articles/place/export/", {"format": "xml"}).status_code == 400


def test_editors_download_the_selected_places_with_an_action(client, editor, corrected_place):
    other = make_place("Karama")
    client.force_login(editor)
    response = client.post(
        "/admin/articles/place/",
        {"action": "download_geojson", "_selected_action": [other.pk]},
    )
    assert response.status_code == 200
    names = [f["properties"]["name"] for f in json.loads(response.content)["features"]]
    assert names == ["Karama"]


def test_anonymous_users_cannot_download(client, report):
    response = client.get("/admin/articles/place/export/", {"format": "csv"})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
