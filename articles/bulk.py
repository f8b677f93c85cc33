"""Plain INSERTs and DELETEs of many rows at once for the import's and the reparse's hot paths:
no model instances, no signals."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, models, router
from django.utils import timezone

_DATE_TYPES = frozenset({"DateField", "DateTimeField", "TimeField"})


def insert_rows(model: type[models.Model], rows: list[dict]) -> None:
    """INSERT rows (attname -> value) in one executemany.

    bulk_create costs several times the geoparsing of a report (an instance and a chain of field
    calls per value). Fields a row leaves out get their default (a callable one called per
    row), auto_now(_add) fields get now; the rest is insert_tuples. The primary key comes from
    the database.
    """
    if not rows:
        return
    fields = [f for f in _insertable(model) if not _sets_now(f)]
    per_row = [f for f in fields if f.has_default() and callable(f.default)]
    defaults = {f.attname: f.get_default() for f in fields if f not in per_row}
    attnames = [f.attname for f in fields]
    tuples = []
    for row in rows:
        merged = {**defaults, **row}
        for f in per_row:
            if f.attname not in row:
                merged[f.attname] = f.get_default()
        tuples.append(tuple([merged[a] for a in attnames]))
    insert_tuples(model, attnames, tuples)


def insert_tuples(model: type[models.Model], attnames: Sequence[str], rows: list[tuple]) -> None:
    """INSERT rows given as tuples of the `attnames` values, in that order, in one executemany.

    For the hottest table: no dict per row to build and merge. A field left out gets its
    default (which must not be a callable: see insert_rows) or now for auto_now(_add). Only
    dates and times need the backend's adaptation, each distinct value once per call (a
    batch's few days, one "now").
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    named = {f.attname: f for f in _insertable(model)}
    given = [named[a] for a in attnames]
    rest = [f for a, f in named.items() if a not in set(attnames)]
    now = timezone.now()
    constants = []
    for f in rest:
        if _sets_now(f):
            is_date = f.get_internal_type() in _DATE_TYPES
            constants.append(f.get_db_prep_save(now, connection) if is_date else now)
        elif f.has_default() and callable(f.default):
            raise ValueError(f"{model.__name__}.{f.attname} has a per-row default: use insert_rows")
        else:
            constants.append(f.get_default())
    tail = tuple(constants)
    dated = [(i, f) for i, f in enumerate(given) if f.get_internal_type() in _DATE_TYPES]
    if dated:
        params: list = [[*row, *tail] for row in rows]
        _adapt_dates(params, dated, connection)
    else:
        params = [row + tail for row in rows]
    _execute(connection, model, given + rest, params)


def _insertable(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _sets_now(field: models.Field) -> bool:
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)


def _adapt_dates(params: list[list], dated: list[tuple[int, models.Field]], connection) -> None:
    """Adapt the date and time columns (index, field) of rows of values for the backend, in
    place: each distinct value once per call (a batch's few days)."""
    for i, f in dated:
        adapted: dict = {}
        for values in params:
            value = values[i]
            if value not in adapted:
                adapted[value] = f.get_db_prep_save(value, connection)
            values[i] = adapted[value]


def _execute(connection, model: type[models.Model], fields: list[models.Field], params: list):
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One COPY stream: executemany sends an INSERT per row, each one bound on the client
            # and parsed by the server, which made PostgreSQL's import half as fast as SQLite's.
            # The driver's own error comes out as Django's (an IntegrityError stays one).
            with connection.wrap_database_errors, cursor.cursor.copy(
                f"COPY {table} ({columns}) FROM STDIN"
            ) as copy:
                for row in params:
                    copy.write_row(row)
            return
        # Built only from the model's own table and column names, quoted; values go as
        # parameters.
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608  # nosec B608
            table, columns, ", ".join(["%s"] * len(fields))
        )
        cursor.executemany(sql, params)


def delete_ids(model: type[models.Model], ids: Sequence[int], chunk: int = 500) -> None:
    """DELETE the rows with these primary keys: no instances, no signals, no history rows.

    Only for rows nothing else points at (a Mention): the database's own constraints still
    hold, but Django's cascades and its delete signals do not run. The caller does what the
    signals would have done.
    """
    if not ids:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        for i in range(0, len(ids), chunk):
            part = list(ids[i : i + chunk])
            # The table and key names are the model's own, quoted; the ids go as parameters.
            sql = "DELETE FROM {} WHERE {} IN ({})".format(  # noqa: S608  # nosec B608
                table, pk, ", ".join(["%s"] * len(part))
            )
            cursor.execute(sql, part)


# Rows of each index that SQLite's ANALYZE reads: enough for the planner's choices, and a few
# milliseconds on a database of a million mentions.
_SQLITE_ANALYSIS_ROWS = 1000


def refresh_statistics(*model_classes: type[models.Model]) -> None:
    """Let the query planner see these tables as a bulk change has left them (ANALYZE).

    SQLite keeps no statistics until ANALYZE runs, and keeps the old ones however much the
    tables grow after it. Without them it sorted every mention of a million-mention database to
    show an editor the first page of the mention list (0.4 s), instead of walking the newest
    reports' mentions by index (1 ms). PostgreSQL's autovacuum analyses a grown table in its own
    time; analysing at once serves the requests that follow an import too.
    """
    connection = connections[router.db_for_write(model_classes[0])]
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit = {_SQLITE_ANALYSIS_ROWS}")
        for model in model_classes:
            # The model's own table name, quoted: no outside text in the statement.
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")
