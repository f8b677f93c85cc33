"""Keep the map's derived data in step with single saves and deletes (the admin's writes).

Bulk writes send no signals; the code that makes them calls `articles.timeline` itself.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save

from articles import timeline
from articles.models import Alias, Article, Mention, Place


def remember_place(sender: type, instance: Mention, raw: bool = False, **_: Any) -> None:
    """Note where a mention pointed before this save, so a reassignment rebuilds both places."""
    previous = None
    if instance.pk is not None and not raw:
        previous = Mention.objects.filter(pk=instance.pk).values_list("place_id", flat=True).first()
    instance._previous_place_id = previous


def mention_saved(sender: type, instance: Mention, raw: bool = False, **_: Any) -> None:
    if not raw:
        timeline.touch({instance.place_id, getattr(instance, "_previous_place_id", None)})


def mention_deleted(sender: type, instance: Mention, **_: Any) -> None:
    timeline.touch({instance.place_id})


def article_saved(
    sender: type, instance: Article, created: bool = False, raw: bool = False, **_: Any
) -> None:
    if raw:
        return
    if created:
        timeline.bump()
    else:
        # Its source counts towards corroboration of every place it names.
        timeline.touch(instance.mentions.values_list("place_id", flat=True))


def shown_data_changed(sender: type, raw: bool = False, **_: Any) -> None:
    if not raw:
        timeline.bump()


def connect() -> None:
    """Connect the receivers; called once from the app's ready()."""
    pre_save.connect(remember_place, sender=Mention, dispatch_uid="timeline-mention-pre")
    post_save.connect(mention_saved, sender=Mention, dispatch_uid="timeline-mention-saved")
    post_delete.connect(mention_deleted, sender=Mention, dispatch_uid="timeline-mention-deleted")
    post_save.connect(article_saved, sender=Article, dispatch_uid="timeline-article-saved")
    post_delete.connect(shown_data_changed, sender=Article, dispatch_uid="timeline-article-del")
    for model in (Place, Alias):
        name = model.__name__
        post_save.connect(shown_data_changed, sender=model, dispatch_uid=f"timeline-{name}-saved")
        post_delete.connect(shown_data_changed, sender=model, dispatch_uid=f"timeline-{name}-del")
