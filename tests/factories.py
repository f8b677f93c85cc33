"""Small builders for model rows, named for what they make."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

from articles.models import Alias, Article, Mention, Place, Status

_counter = itertools.count(1)


def make_place(name: str = "Zahour", **fields) -> Place:
    """A shipped-gazetteer place in east Mosul unless told otherwise."""
    n = next(_counter)
    defaults = {
        "slug": f"{name.lower().replace(' ', '-')}-{n}" if "slug" not in fields else fields["slug"],
        "kind": Place.Kind.DISTRICT,
        "latitude": 36.36,
        "longitude": 43.17,
        "precision": Place.Precision.EXACT,
        "radius_m": 500,
        "source": "Test fixture",
    }
    defaults.update(fields)
    place = Place.objects.create(name=name, **defaults)
    Alias.objects.create(place=place, text=name)
    return place


def make_article(title: str = "Iraqi forces enter al-Zahour", **fields) -> Article:
    """A stored report published on 4 November 2016 unless told otherwise."""
    n = next(_counter)
    raw = fields.pop("raw_text", f"{title}\n\nFri Nov 4, 2016 18:47:52\n\nBody {n}.\n")
    defaults = {
        "identity": hashlib.sha256(f"{title}|{n}".encode()).hexdigest(),
        "published_at": dt.datetime(2016, 11, 4, 15, 17, tzinfo=dt.UTC),
        "body": f"Body {n}.",
        "source": "FNA",
        "raw_text": raw,
        "content_hash": hashlib.sha256(raw.encode()).hexdigest(),
    }
    defaults.update(fields)
    return Article.objects.create(title=title, **defaults)


def make_mention(article: Article, place: Place | None, **fields) -> Mention:
    """An automatic mention of `place` in `article`, dated to its publication day."""
    surface = fields.pop("surface", place.name if place else "Unknown")
    defaults = {
        "normalised": surface.lower(),
        "start": 0,
        "end": len(surface),
        "sentence": f"Iraqi forces entered {surface}.",
        "status": Status.ADVANCE,
        "event_date": article.published_at.date(),
        "is_primary": True,
    }
    defaults.update(fields)
    return Mention.objects.create(article=article, place=place, surface=surface, **defaults)
