"""The geoparser's matcher built from the Place and Alias tables, cached per process.

Staleness check, cheap and good across processes (several gunicorn workers): a fingerprint of
Place (count, latest updated_at), Alias (count, highest id) and the alias history (highest
history_id: simple_history records every alias save and delete made through the ORM, so an
edited spelling changes it even though Alias has no timestamp). It is read at most once every
NEWSMAP_MATCHER_CHECK_SECONDS (default 2) per process; saves and deletes in this process drop
the cache at once through signals. Not seen: QuerySet.update() on Alias without history.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save

from articles.geoparse import Matcher, NameEntry
from articles.models import Alias, Place

_lock = threading.Lock()
_state: dict = {"fingerprint": None, "matcher": None, "place_ids": {}, "checked": 0.0}


def _fingerprint() -> tuple:
    places = Place.objects.aggregate(n=Count("id"), latest=Max("updated_at"))
    aliases = Alias.objects.aggregate(n=Count("id"), top=Max("id"))
    history = Alias.history.aggregate(top=Max("history_id"))
    return (places["n"], places["latest"], aliases["n"], aliases["top"], history["top"])


def _build() -> tuple[Matcher, dict[str, int]]:
    rows = list(
        Place.objects.values_list(
            "id",
            "slug",
            "name",
            "name_ar",
            "kind",
            "parent__slug",
            "bank",
            "common_word",
            "latitude",
            "longitude",
        )
    )
    by_id = {row[0]: row for row in rows}
    entries: list[NameEntry] = []

    def entry(alias: str, row: tuple) -> NameEntry:
        _, slug, name, _, kind, parent, bank, common, lat, lon = row
        return NameEntry(alias, slug, name, kind, parent, bank or "", common, lat, lon)

    for row in rows:
        entries.append(entry(row[2], row))
        if row[3]:
            entries.append(entry(row[3], row))
    for place_id, text in Alias.objects.values_list("place_id", "text"):
        entries.append(entry(text, by_id[place_id]))
    return Matcher(entries), {row[1]: row[0] for row in rows}


def _current() -> dict:
    now = time.monotonic()
    state = _state
    wait = float(getattr(settings, "NEWSMAP_MATCHER_CHECK_SECONDS", 2.0))
    if state["matcher"] is not None and now - state["checked"] < wait:
        return state
    with _lock:
        fingerprint = _fingerprint()
        if state["matcher"] is None or fingerprint != state["fingerprint"]:
            matcher, place_ids = _build()
            state.update(fingerprint=fingerprint, matcher=matcher, place_ids=place_ids)
        state["checked"] = now
    return state


def get_matcher() -> Matcher:
    """The matcher for the current gazetteer, rebuilt when the gazetteer has changed."""
    return _current()["matcher"]


def place_ids() -> dict[str, int]:
    """Place primary keys by slug, from the same gazetteer version as get_matcher()."""
    return _current()["place_ids"]


def forget_matcher(**_: object) -> None:
    """Drop the cached matcher; the next call rebuilds it."""
    _state.update(matcher=None, fingerprint=None, checked=0.0)


for _model in (Place, Alias):
    post_save.connect(forget_matcher, sender=_model, dispatch_uid=f"matcher-save-{_model.__name__}")
    post_delete.connect(
        forget_matcher, sender=_model, dispatch_uid=f"matcher-delete-{_model.__name__}"
    )
