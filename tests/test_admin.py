"""The admin for places, aliases, reports and mentions: permissions, forms, actions, history."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.matcher import forget_matcher
from articles.models import Alias, Article, Mention, Place, Status
from tests.factories import make_article, make_mention, make_place
from tests.plans import query_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_matcher():
    """Drop the cached gazetteer matcher around each test: a rollback sends no signal to drop it."""
    forget_matcher()
    yield
    forget_matcher()

REPORT = Path(__file__).resolve().parent.parent / "articles/data/reports/000_e3a33125ca4d3b23.txt"
EDITOR_PERMISSIONS = {
    "view_place",
    "add_place",
    "change_place",
    "view_alias",
    "add_alias",
    "change_alias",
    "delete_alias",
    "view_mention",
    "change_mention",
    "view_article",
    "add_article",
    "view_relateditem",
    "view_historicalplace",
    "view_historicalalias",
    "view_historicalmention",
}


@pytest.fixture
def editor() -> User:
    user = User.objects.create_user("editor", password="correct horse battery", is_staff=True)
    user.groups.add(Group.objects.get(name="editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def zahour() -> Place:
    return make_place("Zahour", latitude=36.36, longitude=43.17, radius_m=500)


def place_form_data(place: Place, **changes) -> dict:
    """The place change form as the browser would post it back, with `changes` applied."""
    data = {
        "name": place.name,
        "slug": place.slug,
        "name_ar": place.name_ar,
        "kind": place.kind,
        "parent": place.parent_id or "",
        "bank": place.bank,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "precision": place.precision,
        "radius_m": place.radius_m,
        "source": place.source,
        "review_state": place.review_state,
        "geonames_id": place.geonames_id or "",
        "osm_id": place.osm_id,
        "wikidata_id": place.wikidata_id,
        "population": place.population or "",
        "aliases-TOTAL_FORMS": 0,
        "aliases-INITIAL_FORMS": 0,
        "aliases-MIN_NUM_FORMS": 0,
        "aliases-MAX_NUM_FORMS": 1000,
    }
    aliases = list(place.aliases.all())
    data["aliases-TOTAL_FORMS"] = data["aliases-INITIAL_FORMS"] = len(aliases)
    for i, alias in enumerate(aliases):
        data[f"aliases-{i}-id"] = alias.pk
        data[f"aliases-{i}-place"] = place.pk
        data[f"aliases-{i}-text"] = alias.text
        data[f"aliases-{i}-language"] = alias.language
    data.update(changes)
    return data


def test_the_migration_gives_editors_exactly_their_permissions():
    group = Group.objects.get(name="editors")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert codenames == EDITOR_PERMISSIONS
    assert not group.permissions.exclude(content_type__app_label="articles").exists()


def test_anonymous_users_get_the_login_page(client, zahour):
    change = f"/admin/articles/place/{zahour.pk}/change/"
    for url in ["/admin/", change, "/admin/articles/mention/review/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_an_editor_is_refused_the_user_and_group_admin(editor_client):
    assert editor_client.get("/admin/auth/user/").status_code == 403
    assert editor_client.get("/admin/auth/group/").status_code == 403
    index = editor_client.get("/admin/").content.decode()
    assert "/admin/auth/user/" not in index


def test_an_editor_reaches_places_aliases_reports_mentions_and_the_queue(editor_client, zahour):
    for url in [
        "/admin/",
        "/admin/articles/place/",
        "/admin/articles/alias/",
        "/admin/articles/article/",
        "/admin/articles/mention/",
        "/admin/articles/mention/review/",
        "/admin/articles/article/import/",
        f"/admin/articles/place/{zahour.pk}/history/",
    ]:
        assert editor_client.get(url).status_code == 200, url
    index = editor_client.get("/admin/").content.decode()
    assert "/admin/articles/mention/review/" in index
    assert "/admin/articles/article/import/" in index


def test_the_place_form_has_a_map_bound_to_the_fields_with_neighbours_and_mentions(
    editor_client, zahour
):
    make_place("Karama", latitude=36.35, longitude=43.19)
    make_place("Basra", latitude=30.5, longitude=47.8)
    article = make_article("Troops enter <b>Zahour</b>")
    mention = make_mention(article, zahour)
    html = editor_client.get(f"/admin/articles/place/{zahour.pk}/change/").content.decode()

    assert 'id="newsmap-place-map"' in html
    assert "leaflet/leaflet.js" in html and "newsmap/admin-map.js" in html
    script = r'<script id="newsmap-map-config" type="application/json">(.*?)</script>'
    config = json.loads(re.search(script, html, re.S).group(1))
    fields = {"lat": "id_latitude", "lon": "id_longitude", "radius": "id_radius_m"}
    assert config["fields"] == fields
    assert config["centre"] == [36.36, 43.17]
    assert [n["name"] for n in config["neighbours"]] == ["Karama"]
    assert f"/admin/articles/mention/{mention.pk}/change/" in html
    assert "Troops enter &lt;b&gt;Zahour&lt;/b&gt;" in html
    assert "<b>Zahour</b>" not in html


def test_the_place_form_carries_no_inline_script_or_style(editor_client, zahour):
    html = editor_client.get(f"/admin/articles/place/{zahour.pk}/change/").content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert 'id="newsmap-place-map"' in html
    map_block = html[html.index('id="newsmap-place-map"') - 200 :][:2000]
    assert "style=" not in map_block


def test_moving_the_point_by_hand_makes_it_an_editor_confirmed_place(editor_client, zahour):
    response = editor_client.post(
        f"/admin/articles/place/{zahour.pk}/change/",
        place_form_data(zahour, latitude="36.3712", longitude="43.1801"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    zahour.refresh_from_db()
    assert (zahour.latitude, zahour.longitude) == (36.3712, 43.1801)
    assert zahour.provenance == Place.Provenance.EDITOR
    assert zahour.review_state == Place.Review.CONFIRMED


def test_changing_the_radius_alone_is_a_hand_correction_too(editor_client, zahour):
    editor_client.post(
        f"/admin/articles/place/{zahour.pk}/change/", place_form_data(zahour, radius_m=1500)
    )
    zahour.refresh_from_db()
    assert zahour.radius_m == 1500
    assert zahour.provenance == Place.Provenance.EDITOR


def test_saving_without_touching_the_point_keeps_its_provenance(editor_client, zahour):
    editor_client.post(
        f"/admin/articles/place/{zahour.pk}/change/",
        place_form_data(zahour, name_ar="الزهور"),
    )
    zahour.refresh_from_db()
    assert zahour.name_ar == "الزهور"
    assert zahour.provenance == Place.Provenance.GAZETTEER
    assert zahour.review_state == Place.Review.UNREVIEWED


def test_a_latitude_off_the_globe_is_refused(editor_client, zahour):
    response = editor_client.post(
        f"/admin/articles/place/{zahour.pk}/change/", place_form_data(zahour, latitude="136.3")
    )
    assert response.status_code == 200
    assert "Latitude must be between -90 and 90" in response.content.decode()
    zahour.refresh_from_db()
    assert zahour.latitude == 36.36


def test_history_keeps_who_moved_a_place_and_can_revert_it(editor_client, editor, zahour):
    editor_client.post(
        f"/admin/articles/place/{zahour.pk}/change/", place_form_data(zahour, latitude="36.40")
    )
    latest = zahour.history.latest()
    assert latest.history_user == editor
    delta = latest.diff_against(latest.prev_record)
    assert {c.field: (c.old, c.new) for c in delta.changes}["latitude"] == (36.36, 36.40)

    page = editor_client.get(f"/admin/articles/place/{zahour.pk}/history/").content.decode()
    assert "editor" in page and "36.4" in page

    original = zahour.history.earliest()
    revert_url = f"/admin/articles/place/{zahour.pk}/history/{original.history_id}/"
    assert editor_client.get(revert_url).status_code == 200
    moved = Place.objects.get(pk=zahour.pk)
    response = editor_client.post(revert_url, place_form_data(moved, latitude="36.36"))
    assert response.status_code == 302
    zahour.refresh_from_db()
    assert zahour.latitude == 36.36
    assert zahour.history.count() == 3


def test_alias_changes_made_inline_are_kept_in_history(editor_client, editor, zahour):
    data = place_form_data(zahour)
    data["aliases-TOTAL_FORMS"] = 2
    data.update(
        {"aliases-1-place": zahour.pk, "aliases-1-text": "al-Zuhur", "aliases-1-language": "en"}
    )
    assert editor_client.post(f"/admin/articles/place/{zahour.pk}/change/", data).status_code == 302
    added = Alias.history.filter(place_id=zahour.pk, text="al-Zuhur").get()
    assert added.history_type == "+" and added.history_user == editor
    page = editor_client.get(f"/admin/articles/place/{zahour.pk}/change/").content.decode()
    assert "added “al-Zuhur”" in page


def test_places_are_found_by_any_spelling_of_an_alias(editor_client, zahour):
    Alias.objects.create(place=zahour, text="al-Zuhoor")
    make_place("Karama")
    for term in ["Zuhoor", "al-Zouhour", "zahur"]:
        html = editor_client.get("/admin/articles/place/", {"q": term}).content.decode()
        assert f"/admin/articles/place/{zahour.pk}/change/" in html, term
        assert "Karama" not in html


def test_the_list_filters_by_kind_precision_provenance_and_review(editor_client, zahour):
    make_place("Qayyarah", kind=Place.Kind.TOWN, precision=3, provenance=Place.Provenance.GEOCODER)
    html = editor_client.get(
        "/admin/articles/place/", {"provenance__exact": "geocoder", "precision__exact": 3}
    ).content.decode()
    assert "Qayyarah" in html and f"/admin/articles/place/{zahour.pk}/" not in html
    html = editor_client.get("/admin/articles/place/", {"kind__exact": "district"}).content.decode()
    assert "Qayyarah" not in html


def test_mark_confirmed_confirms_the_selected_places(editor_client, zahour):
    other = make_place("Karama")
    response = editor_client.post(
        "/admin/articles/place/",
        {"action": "mark_confirmed", "_selected_action": [zahour.pk]},
    )
    assert response.status_code == 302
    zahour.refresh_from_db()
    other.refresh_from_db()
    assert zahour.review_state == Place.Review.CONFIRMED
    assert other.review_state == Place.Review.UNREVIEWED
    assert zahour.history.latest().history_type == "~"


def mention_form_data(mention: Mention, **changes) -> dict:
    data = {
        "place": mention.place_id or "",
        "status": mention.status,
        "event_date": mention.event_date.isoformat(),
        "date_precision": mention.date_precision,
        "is_primary": "on" if mention.is_primary else "",
        "parent_place": mention.parent_place_id or "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_editing_a_mention_reassigns_it_and_makes_it_an_editors_decision(editor_client, zahour):
    karama = make_place("Karama")
    mention = make_mention(make_article(), zahour)
    response = editor_client.post(
        f"/admin/articles/mention/{mention.pk}/change/",
        mention_form_data(mention, place=karama.pk, status=Status.RETAKEN, event_date="2016-11-03"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    mention.refresh_from_db()
    assert mention.place == karama
    assert mention.status == Status.RETAKEN
    assert str(mention.event_date) == "2016-11-03"
    assert mention.decided_by == Mention.DecidedBy.EDITOR


def test_the_mention_form_autocompletes_places_by_alias(editor_client, zahour):
    Alias.objects.create(place=zahour, text="az-Zuhoor")
    response = editor_client.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "mention", "field_name": "place", "term": "Zuhur"},
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(zahour.pk)]


def test_rejecting_as_false_positive_marks_the_mentions_and_the_editor(editor_client, zahour):
    article = make_article()
    bad, good = make_mention(article, zahour), make_mention(article, zahour, start=40, end=46)
    response = editor_client.post(
        "/admin/articles/mention/",
        {"action": "reject_false_positive", "_selected_action": [bad.pk]},
    )
    assert response.status_code == 302
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.rejected and bad.decided_by == Mention.DecidedBy.EDITOR
    assert not good.rejected and good.decided_by == Mention.DecidedBy.AUTO

    editor_client.post(
        "/admin/articles/mention/", {"action": "restore", "_selected_action": [bad.pk]}
    )
    bad.refresh_from_db()
    assert not bad.rejected and bad.decided_by == Mention.DecidedBy.EDITOR


def test_the_mention_list_filters_by_status_decider_and_rejection(editor_client, zahour):
    article = make_article()
    make_mention(article, zahour, surface="Zahour", status=Status.FIGHTING)
    make_mention(article, None, surface="Qudes", rejected=True, decided_by="editor")
    html = editor_client.get(
        "/admin/articles/mention/", {"rejected__exact": 1, "decided_by__exact": "editor"}
    ).content.decode()
    assert "Qudes" in html and ">Zahour<" not in html
    html = editor_client.get("/admin/articles/mention/", {"status__exact": "fighting"})
    html = html.content.decode()
    assert "Qudes" not in html


def test_editors_cannot_add_or_delete_mentions(editor_client, zahour):
    mention = make_mention(make_article(), zahour)
    assert editor_client.get("/admin/articles/mention/add/").status_code == 403
    assert editor_client.get(f"/admin/articles/mention/{mention.pk}/delete/").status_code == 403


def test_the_report_admin_searches_and_shows_related_items_read_only(editor_client):
    article = make_article("Iraqi forces retake Bartella")
    article.related_items.create(external_id="1", title="VIDEO: Bartella", position=0)
    make_article("Fighting in Bashiqa")
    html = editor_client.get("/admin/articles/article/", {"q": "Bartella"}).content.decode()
    assert "retake Bartella" in html and "Bashiqa" not in html
    html = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "VIDEO: Bartella" in html
    assert 'name="related_items-0-title"' not in html


def test_uploading_a_good_and_a_bad_file_imports_one_and_explains_the_other(editor_client):
    good = SimpleUploadedFile("zahour.txt", REPORT.read_bytes(), content_type="text/plain")
    bad = SimpleUploadedFile("empty.txt", b"   \n", content_type="text/plain")
    response = editor_client.post("/admin/articles/article/import/", {"files": [good, bad]})
    assert response.status_code == 200
    html = response.content.decode()
    assert Article.objects.count() == 1
    article = Article.objects.get()
    assert "Enter another Region in Mosul" in article.title
    assert "zahour.txt" in html and "empty.txt" in html
    assert f"/admin/articles/article/{article.pk}/change/" in html
    rows = re.findall(r'<tr class="newsmap-outcome newsmap-outcome-(\w+)">', html)
    assert rows == ["imported", "rejected"]
    rejected_row = html[html.index("newsmap-outcome-rejected") :]
    assert re.search(r'class="newsmap-reason">\S', rejected_row)


def test_uploading_nothing_asks_for_a_file(editor_client):
    response = editor_client.post("/admin/articles/article/import/", {})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert Article.objects.count() == 0


def test_a_correction_shows_in_the_places_api_at_once_with_a_new_etag(editor_client, zahour):
    make_mention(make_article(), zahour)
    before = editor_client.get("/api/places.geojson")
    assert before.status_code == 200
    editor_client.post(
        f"/admin/articles/place/{zahour.pk}/change/",
        place_form_data(zahour, latitude="36.3712", longitude="43.1801"),
    )
    after = editor_client.get("/api/places.geojson", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    features = {f["id"]: f for f in after.json()["features"]}
    assert features[zahour.slug]["geometry"]["coordinates"] == [43.1801, 36.3712]


def test_a_reports_earlier_texts_show_on_its_admin_page(client, django_user_model):
    from articles.models import ArticleRevision
    from tests.factories import make_article

    admin_user = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin_user)
    article = make_article("Forces enter Zahour")
    ArticleRevision.objects.create(
        article=article, raw_text="The earlier text of the report", content_hash="abc"
    )
    response = client.get(f"/admin/articles/article/{article.pk}/change/")
    assert response.status_code == 200
    assert "The earlier text of the report" in response.content.decode()


def test_deleting_reports_keeps_history_rows_for_editors_decisions_only(client, zahour):
    from articles import timeline
    from articles.models import PlaceStatusPeriod

    admin_user = User.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin_user)
    kokjeli = make_place("Kokjeli")
    first, second = make_article("Forces enter Zahour"), make_article("Kokjeli cleared")
    make_mention(first, zahour, status=Status.ADVANCE)
    make_mention(second, kokjeli, status=Status.CLEARING)
    confirmed = make_mention(second, zahour, status=Status.RETAKEN)
    confirmed.decided_by = Mention.DecidedBy.EDITOR
    confirmed.save()
    timeline.rebuild_all()
    assert PlaceStatusPeriod.objects.filter(place=kokjeli).exists()
    rows = Mention.history.count()

    # The single delete view, then the list's "delete selected" action.
    response = client.post(f"/admin/articles/article/{first.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    response = client.post(
        "/admin/articles/article/",
        {"action": "delete_selected", "_selected_action": [second.pk], "post": "yes"},
    )
    assert response.status_code == 302

    assert not Article.objects.exists() and not Mention.objects.exists()
    # One row: the editor's decision, deleted; none for the geoparser's two mentions.
    assert list(Mention.history.filter(history_type="-").values_list("id", flat=True)) == [
        confirmed.pk
    ]
    assert Mention.history.count() == rows + 1
    # The map no longer shows what only the deleted reports said.
    assert not PlaceStatusPeriod.objects.filter(place__in=[zahour, kokjeli]).exists()


# Report times either side of midnight, month ends and year ends in UTC and in Baghdad (UTC+3).
REPORT_TIMES = [
    dt.datetime(2016, 10, 17, 4, 0, tzinfo=dt.UTC),
    dt.datetime(2016, 11, 4, 15, 17, tzinfo=dt.UTC),
    dt.datetime(2016, 11, 30, 22, 30, tzinfo=dt.UTC),  # 1 December in Baghdad
    dt.datetime(2016, 12, 31, 21, 30, tzinfo=dt.UTC),  # 2017 in Baghdad
    dt.datetime(2017, 1, 1, 9, 0, tzinfo=dt.UTC),
    dt.datetime(2017, 7, 10, 12, 0, tzinfo=dt.UTC),
]


@pytest.mark.parametrize("zone", ["UTC", "Asia/Baghdad"])
def test_the_report_lists_date_bar_finds_the_periods_django_would(zone):
    from django.utils import timezone

    from articles.admin import ReportListQuerySet

    for n, moment in enumerate(REPORT_TIMES):
        make_article(f"Report {n}", published_at=moment, source="AP" if n % 2 else "FNA")
    with timezone.override(zone):
        for reports in (Article.objects.all(), Article.objects.filter(source="FNA")):
            seeking = ReportListQuerySet(model=Article, query=reports.query)
            for kind in ("year", "month", "day"):
                expected = list(reports.datetimes("published_at", kind))
                assert expected  # the comparison below is of something
                assert seeking.datetimes("published_at", kind) == expected, (zone, kind)
            within = seeking.filter(published_at__year=2016)
            assert within.datetimes("published_at", "month") == list(
                reports.filter(published_at__year=2016).datetimes("published_at", "month")
            )
        assert Article.objects.none().datetimes("published_at", "year").count() == 0
        assert ReportListQuerySet(model=Article).none().datetimes("published_at", "year") == []


def test_the_report_list_counts_mentions_without_a_query_per_row(admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    place = make_place("Intisar")

    def add_reports(count: int) -> dict[int, int]:
        made = {}
        for n in range(count):
            article = make_article(f"Report {n}")
            for start in range(n % 3):
                make_mention(article, place, start=start * 10)
            made[article.pk] = n % 3
        return made

    def page() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as ctx:
            html = admin_client.get("/admin/articles/article/").content.decode()
        return html, len(ctx.captured_queries)

    counts = add_reports(3)
    html, few = page()
    counts |= add_reports(7)
    html, many = page()
    assert many == few
    for pk, count in counts.items():
        row = re.search(rf"/admin/articles/article/{pk}/change/.*?</tr>", html, re.S)
        assert row and f'<td class="field-mention_count">{count}</td>' in row[0], pk


@pytest.mark.parametrize(
    ("lookup", "index"),
    [
        ({"rejected": True}, "mention_rejected"),
        ({"decided_by": "editor"}, "mention_editor_decided"),
    ],
)
def test_the_mention_lists_filters_on_editors_decisions_read_an_index(lookup, index):
    article, place = make_article(), make_place("Intisar")
    for start in range(30):
        make_mention(article, place, start=start)
    make_mention(article, place, start=99, rejected=True, decided_by="editor")
    # The admin's list query with the filter the editor picked, ordered as the list is.
    chosen = Mention.objects.filter(**lookup).select_related("place", "article")
    assert index in query_plan(chosen.order_by("article", "section", "start", "-pk")[:100])
    assert list(chosen.values_list("start", flat=True)) == [99]
