"""An editor drags a place's marker in a real Chromium, saves, and the API shows the new point."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.contrib.auth.models import Group, Permission, User

from articles.models import Place
from articles.names import normalise
from tests.factories import make_article, make_mention, make_place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long and proper passphrase"


@pytest.fixture
def editors() -> Group:
    """The group the data migration makes; a transactional test's flush wipes it, so remake it."""
    migration = importlib.import_module("articles.migrations.0002_editors_group")
    group, _ = Group.objects.get_or_create(name=migration.GROUP)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="articles", codename__in=migration.PERMISSIONS
        )
    )
    return group


@pytest.fixture
def editor(editors) -> User:
    user = User.objects.create_user("editor", password=PASSWORD, is_staff=True)
    user.groups.add(editors)
    return user


@pytest.fixture
def reported_place() -> Place:
    """A district with a report, so the public places API draws it."""
    make_place("Mosul", kind=Place.Kind.CITY, latitude=36.34, longitude=43.13, radius_m=6000)
    place = make_place("Zahour", latitude=36.36, longitude=43.17, radius_m=500)
    article = make_article(published_at=dt.datetime(2016, 11, 4, 15, 17, tzinfo=dt.UTC))
    make_mention(article, place)
    return place


def log_in(page, base_url: str, next_path: str) -> None:
    page.goto(f"{base_url}/admin/login/?next={next_path}")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}{next_path}")


def test_an_editor_drags_the_marker_saves_and_the_api_has_the_new_point(
    page, live_server, editor, reported_place
):
    change_path = f"/admin/articles/place/{reported_place.pk}/change/"
    log_in(page, live_server.url, change_path)
    page.wait_for_selector("#newsmap-place-map[data-ready=true]")
    # Context: the neighbouring city is drawn faintly.
    assert page.locator("#newsmap-place-map .newsmap-neighbour").count() == 1
    assert page.locator("#newsmap-place-map .newsmap-uncertainty").count() == 1

    marker = page.locator("#newsmap-place-map .leaflet-marker-icon")
    page.locator("#newsmap-place-map").scroll_into_view_if_needed()
    box = marker.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 4
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y - 40, steps=8)
    page.mouse.move(x + 120, y - 80, steps=8)
    page.mouse.up()

    latitude = float(page.input_value("#id_latitude"))
    longitude = float(page.input_value("#id_longitude"))
    assert latitude > 36.36 and longitude > 43.17, (latitude, longitude)

    # Typing in the fields moves the marker, and the radius field resizes the circle.
    circle = page.locator("#newsmap-place-map .newsmap-uncertainty")
    before = circle.bounding_box()["width"]
    page.fill("#id_radius_m", "900")
    page.dispatch_event("#id_radius_m", "input")
    assert circle.bounding_box()["width"] > before * 1.5

    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/articles/place/")
    assert "was changed successfully" in page.content()

    reported_place.refresh_from_db()
    assert (reported_place.latitude, reported_place.longitude) == (latitude, longitude)
    assert reported_place.radius_m == 900
    assert reported_place.provenance == Place.Provenance.EDITOR
    assert reported_place.review_state == Place.Review.CONFIRMED
    assert reported_place.history.latest().history_user == editor

    response = page.request.get(f"{live_server.url}/api/places.geojson")
    assert response.ok
    features = {f["id"]: f for f in response.json()["features"]}
    assert features[reported_place.slug]["geometry"]["coordinates"] == [longitude, latitude]
    assert page.console_errors == []
    assert page.dialogs == []


def test_typing_coordinates_moves_the_marker(page, live_server, editor, reported_place):
    log_in(page, live_server.url, f"/admin/articles/place/{reported_place.pk}/change/")
    page.wait_for_selector("#newsmap-place-map[data-ready=true]")
    marker = page.locator("#newsmap-place-map .leaflet-marker-icon")
    container = page.locator("#newsmap-place-map")

    def marker_in_map() -> tuple[float, float]:
        # Relative to the map, since filling a field may scroll the page.
        m, c = marker.bounding_box(), container.bounding_box()
        return m["x"] - c["x"], m["y"] - c["y"]

    start_x, start_y = marker_in_map()
    page.fill("#id_latitude", "36.3650")  # about 550 m north: some 35 px at zoom 13
    page.dispatch_event("#id_latitude", "input")
    page.fill("#id_longitude", "43.1640")  # about 540 m west
    page.dispatch_event("#id_longitude", "input")
    moved_x, moved_y = marker_in_map()
    assert moved_y < start_y - 10
    assert moved_x < start_x - 10
    assert page.console_errors == []


def test_an_unresolved_name_becomes_a_place_in_two_clicks(
    page, live_server, editor, settings, screenshot
):
    settings.NEWSMAP_GEOCODER = "none"
    east = make_place(
        "East Mosul", slug="east-mosul", kind=Place.Kind.CITY, latitude=36.35, longitude=43.2
    )
    for title in ("Clashes in Gogjali on Mosul's edge", "Iraqi troops hold Gogjali"):
        make_mention(
            make_article(title),
            None,
            surface="Gogjali",
            normalised="gugjali",
            parent_place=east,
            sentence="Clashes went on in Gogjali.",
        )
    make_mention(
        make_article("Villagers return to Bazwaya"),
        None,
        surface="Bazwaya",
        normalised=normalise("Bazwaya"),
        parent_place=east,
        sentence="Families returned to Bazwaya after it was retaken.",
    )
    log_in(page, live_server.url, "/admin/articles/mention/review/")
    # The most widely reported name comes first.
    rows = page.locator("tr.newsmap-queue-row")
    assert [rows.nth(i).get_attribute("data-name") for i in range(rows.count())] == [
        "gugjali",
        normalise("Bazwaya"),
    ]
    screenshot(page, "screenshot-review")
    page.click("tr[data-name=gugjali] a.newsmap-create")
    page.wait_for_selector("#newsmap-place-map[data-ready=true]")
    # Prefilled honestly: at the parent area, precision 3, with a source that says so.
    assert page.input_value("#id_precision") == str(Place.Precision.PARENT_AREA.value)
    assert page.input_value("#id_source").startswith("Editor: placed at the parent area")
    screenshot(page, "screenshot-admin", full_page=True)
    page.click("#place_form input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/articles/mention/review/")
    assert "resolved: 2 mention(s)" in page.content()

    place = Place.objects.get(name="Gogjali")
    assert place.provenance == Place.Provenance.EDITOR
    assert (place.latitude, place.longitude) == (36.35, 43.2)
    assert place.mentions.count() == 2
    assert page.console_errors == []


def test_the_history_page_shows_the_correction_and_breaks_no_policy(
    page, live_server, editor, reported_place
):
    reported_place.latitude = 36.37
    reported_place._change_reason = "moved to the district's centre"
    reported_place.save()
    path = f"/admin/articles/place/{reported_place.pk}/history/"
    log_in(page, live_server.url, path)
    assert page.locator("#change-history tbody tr").count() == 2
    assert "moved to the district's centre" in page.content()
    # The history list's paginator carries an inline style: the policy allows that one only.
    assert page.console_errors == []
