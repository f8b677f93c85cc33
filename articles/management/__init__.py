"""Newsmap's management commands, and what they share."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection


def require_tables() -> None:
    """Stop with what to do when the database has no Newsmap tables yet (a fresh checkout)."""
    from articles.models import Place

    try:
        tables = connection.introspection.table_names()
    except DatabaseError as exc:
        raise CommandError(f"cannot reach the database: {exc}") from None
    if Place._meta.db_table not in tables:
        raise CommandError(
            "the database has no Newsmap tables yet: run `make setup` (or `python manage.py "
            "migrate` and then `python manage.py load_gazetteer`) first"
        )


class NewsmapCommand(BaseCommand):
    """A command that works on Newsmap's tables: on a database without them it stops at once
    and says what to run, before any argument is acted on."""

    def execute(self, *args, **options):
        require_tables()
        return super().execute(*args, **options)
