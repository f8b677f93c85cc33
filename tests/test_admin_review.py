"""The review queue of unresolved names: listing, add-as-alias, create place, not a place."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from articles.ingest import ingest_report
from articles.matcher import forget_matcher
from articles.models import Alias, Mention, Place
from articles.names import normalise
from tests.factories import make_article, make_mention, make_place
from tests.nominatim_server import running_nominatim

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_matcher():
    """Drop the cached gazetteer matcher around each test: a rollback sends no signal to drop it."""
    forget_matcher()
    yield
    forget_matcher()

QUEUE = "/admin/articles/mention/review/"
CREATE = "/admin/articles/mention/review/create/"
ALIAS = "/admin/articles/mention/review/alias/"


@pytest.fixture
def editor_client(client):
    user = User.objects.create_user("editor", password="correct horse battery", is_staff=True)
    user.groups.add(Group.objects.get(name="editors"))
    client.force_login(user)
    return client


@pytest.fixture
def east_mosul() -> Place:
    return make_place(
        "East Mosul", kind=Place.Kind.CITY, latitude=36.35, longitude=43.20, radius_m=4000
    )


def unresolved(surface: str, reports: int, parent: Place | None = None) -> list[Mention]:
    """`reports` reports each mentioning the unresolved `surface` once."""
    return [
        make_mention(
            make_article(f"Report {n} on {surface}"),
            None,
            surface=surface,
            normalised=normalise(surface),
            parent_place=parent,
            sentence=f"Clashes went on in {surface} ({n}).",
        )
        for n in range(reports)
    ]


def test_the_queue_groups_names_by_their_folded_form_most_reported_first(editor_client):
    unresolved("Qudes", 1)
    unresolved("Intisar", 3)
    mosul_article = make_article("Two mentions, one report")
    for start in (0, 30):
        make_mention(mosul_article, None, surface="Gogjali", normalised="gogjali", start=start)
    unresolved("al-Intissar", 1)
    make_mention(make_article(), None, surface="Rejected", normalised="rejected", rejected=True)
    make_mention(make_article(), make_place("Zahour"), surface="Zahour")

    html = editor_client.get(QUEUE).content.decode()
    names = re.findall(r'<tr class="newsmap-queue-row" data-name="([^"]+)">', html)
    assert names == ["intisar", "gogjali", "qudis"]
    assert "also: al-Intissar" in html
    assert "Clashes went on in Intisar (0)." in html
    assert f"{CREATE}?unresolved=intisar" in html and f"{ALIAS}?unresolved=intisar" in html


def test_the_queue_shows_report_text_as_text(editor_client):
    make_mention(
        make_article(),
        None,
        surface="<img src=x onerror=alert(1)>",
        normalised="img src x onerror alert 1",
        sentence="Fighting in <script>alert(1)</script>.",
    )
    html = editor_client.get(QUEUE).content.decode()
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_adding_a_name_as_alias_resolves_every_mention_of_it(editor_client, east_mosul):
    qudes = make_place("Qudes", kind=Place.Kind.DISTRICT)
    mentions = unresolved("al-Quds", 3, parent=east_mosul)
    other = unresolved("Intisar", 1)[0]

    page = editor_client.get(ALIAS, {"unresolved": "quds"})
    assert page.status_code == 200 and "Clashes went on in al-Quds" in page.content.decode()
    response = editor_client.post(ALIAS, {"unresolved": "quds", "place": qudes.pk})
    assert response.status_code == 302 and response["Location"] == QUEUE

    assert Alias.objects.filter(place=qudes, text="al-Quds", normalised="quds").exists()
    for mention in mentions:
        mention.refresh_from_db()
        assert mention.place == qudes
        assert mention.decided_by == Mention.DecidedBy.AUTO
    other.refresh_from_db()
    assert other.place is None
    html = editor_client.get(QUEUE).content.decode()
    assert 'data-name="quds"' not in html and 'data-name="intisar"' in html


def test_adding_a_spelling_the_place_already_has_adds_no_duplicate_alias(editor_client):
    intisar = make_place("Intisar")
    mention = unresolved("al-Intissar", 1)[0]
    editor_client.post(ALIAS, {"unresolved": "intisar", "place": intisar.pk})
    assert intisar.aliases.count() == 1
    mention.refresh_from_db()
    assert mention.place == intisar


def test_adding_an_alias_needs_a_place(editor_client):
    unresolved("Qudes", 1)
    response = editor_client.post(ALIAS, {"unresolved": "qudis"})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert Mention.objects.filter(place__isnull=True).count() == 1


def test_create_place_is_prefilled_at_the_parent_area_without_a_geocoder(
    editor_client, east_mosul, settings
):
    settings.NEWSMAP_GEOCODER = "none"
    unresolved("Gogjali", 2, parent=east_mosul)
    html = editor_client.get(CREATE, {"unresolved": "gugjali"}).content.decode()
    assert 'name="name" value="Gogjali"' in html
    assert 'name="latitude" value="36.35"' in html
    assert 'name="longitude" value="43.2"' in html
    assert 'name="radius_m" value="4000"' in html
    assert '<option value="3" selected>' in html
    assert "Editor: placed at the parent area, East Mosul" in html
    assert 'id="newsmap-place-map"' in html


def test_create_place_is_prefilled_from_the_online_geocoder_when_configured(
    editor_client, east_mosul, settings
):
    unresolved("Gogjali", 1, parent=east_mosul)
    with running_nominatim() as nominatim:
        nominatim.add(
            "Gogjali", lat=36.3591, lon=43.2391, display_name="Gogjali, Nineveh, Iraq", osm_id=77
        )
        settings.NEWSMAP_GEOCODER = "nominatim"
        settings.NEWSMAP_GEOCODER_DOMAIN = nominatim.domain
        settings.NEWSMAP_GEOCODER_SCHEME = "http"
        settings.NEWSMAP_GEOCODER_MIN_DELAY = 0
        html = editor_client.get(CREATE, {"unresolved": "gugjali"}).content.decode()
    assert 'name="latitude" value="36.3591"' in html
    assert 'name="longitude" value="43.2391"' in html
    assert '<option value="1" selected>' in html
    assert "Gogjali, Nineveh, Iraq" in html


def test_create_place_in_two_clicks_resolves_the_name(editor_client, east_mosul, settings):
    settings.NEWSMAP_GEOCODER = "none"
    mentions = unresolved("Gogjali", 2, parent=east_mosul)
    queue = editor_client.get(QUEUE).content.decode()
    link = re.search(r'href="([^"]*/review/create/\?unresolved=gugjali[^"]*)"', queue)
    create_link = link.group(1)
    # First click: the queue's "Create place" opens the prefilled form.
    form_page = editor_client.get(create_link.replace("&amp;", "&"))
    assert form_page.status_code == 200
    # Second click: "Save" posts the prefilled form as it stands.
    response = editor_client.post(CREATE, _as_form_posts(form_page.content.decode()))
    assert response.status_code == 302, response.context["form"].errors

    place = Place.objects.get(name="Gogjali")
    assert place.provenance == Place.Provenance.EDITOR
    assert place.precision == Place.Precision.PARENT_AREA
    assert place.review_state == Place.Review.NEEDS_REVIEW
    assert place.source.startswith("Editor: placed at the parent area")
    assert (place.latitude, place.longitude, place.radius_m) == (36.35, 43.20, 4000)
    assert place.aliases.filter(normalised="gugjali").exists()
    for mention in mentions:
        mention.refresh_from_db()
        assert mention.place == place
    assert 'data-name="gugjali"' not in editor_client.get(QUEUE).content.decode()


def _as_form_posts(html: str) -> dict:
    """The fields of the page's place form with the values the browser would send."""
    form = html[html.index('id="place_form"') :]
    form = form[: form.index("</form>")]
    data: dict[str, str] = {}
    for tag in re.findall(r"<input\b[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and "type=\"submit\"" not in tag:
            data.setdefault(name.group(1), value.group(1) if value else "")
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        data[name] = chosen.group(1) if chosen else ""
    for name, body in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = body.strip().replace("&quot;", '"').replace("&#x27;", "'")
    return data


def test_create_place_needs_a_source_beyond_the_editor_prefix(editor_client, settings):
    settings.NEWSMAP_GEOCODER = "none"
    unresolved("Qudes", 1)
    data = {
        "unresolved": "qudis",
        "name": "Qudes",
        "kind": "district",
        "latitude": "36.3",
        "longitude": "43.1",
        "precision": "2",
        "radius_m": "800",
        "source": "Editor: ",
    }
    response = editor_client.post(CREATE, data)
    assert response.status_code == 200
    assert "Say where this coordinate comes from" in response.content.decode()
    assert not Place.objects.exists()


def test_not_a_place_rejects_every_mention_of_the_name(editor_client):
    mentions = unresolved("Abu Bakr", 2)
    response = editor_client.post(QUEUE, {"unresolved": "abu bakr"})
    assert response.status_code == 302
    for mention in mentions:
        mention.refresh_from_db()
        assert mention.rejected and mention.decided_by == Mention.DecidedBy.EDITOR


def test_a_user_without_mention_rights_cannot_resolve(client):
    unresolved("Qudes", 1)
    user = User.objects.create_user("viewer", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(QUEUE).status_code == 403
    assert client.post(ALIAS, {"unresolved": "qudis", "place": make_place().pk}).status_code == 403
    assert Mention.objects.get().place is None


def mosul_areas() -> None:
    """Mosul and its east bank, where the geoparser draws an unresolved east-side name."""
    make_place("Mosul", slug="mosul", kind=Place.Kind.CITY, latitude=36.34, longitude=43.13)
    make_place(
        "East Mosul", slug="east-mosul", kind=Place.Kind.CITY, latitude=36.35, longitude=43.2,
        radius_m=4000,
    )


REPORT = """Iraqi Forces Storm Gogjali, Push toward Mosul

Iraqi Forces Storm Gogjali, Push toward Mosul
Fri Nov 4, 2016 18:47:52

Iraqi special forces stormed the Gogjali district on the Eastern side of Mosul on Friday.

Heavy fighting is underway in the Gogjali district, sources said.
"""


def test_after_creating_a_place_reparse_leaves_the_name_resolved(editor_client, settings):
    settings.NEWSMAP_GEOCODER = "none"
    mosul_areas()
    outcome = ingest_report(REPORT.encode(), origin="test")
    assert outcome.article is not None, outcome.reason
    pending = Mention.objects.filter(article=outcome.article, place__isnull=True, rejected=False)
    assert pending.exists(), list(outcome.article.mentions.values_list("surface", "place"))
    key = pending.first().normalised

    page = editor_client.get(CREATE, {"unresolved": key})
    response = editor_client.post(CREATE, _as_form_posts(page.content.decode()))
    assert response.status_code == 302, response.context["form"].errors
    place = Place.objects.get(provenance=Place.Provenance.EDITOR)
    assert not Mention.objects.filter(normalised=key, place__isnull=True).exists()

    call_command("reparse")
    again = Mention.objects.filter(article=outcome.article, normalised=key)
    assert again.exists()
    assert set(again.values_list("place", flat=True)) == {place.pk}


def test_after_adding_an_alias_reparse_leaves_the_name_resolved(editor_client, settings):
    settings.NEWSMAP_GEOCODER = "none"
    mosul_areas()
    kokjali = make_place("Kokjali", kind=Place.Kind.VILLAGE, latitude=36.36, longitude=43.24)
    outcome = ingest_report(REPORT.encode(), origin="test")
    pending = Mention.objects.filter(article=outcome.article, place__isnull=True, rejected=False)
    assert pending.exists()
    key = pending.first().normalised

    response = editor_client.post(ALIAS, {"unresolved": key, "place": kokjali.pk})
    assert response.status_code == 302

    call_command("reparse")
    again = Mention.objects.filter(article=outcome.article, normalised=key)
    assert again.exists()
    assert set(again.values_list("place", flat=True)) == {kokjali.pk}
    assert dt.date(2016, 11, 4) in set(again.values_list("event_date", flat=True))
