"""Plain INSERTs of many rows at once for the import's hot path: no model instances, no signals."""

from __future__ import annotations

from django.db import connections, models, router
from django.utils import timezone

_DATE_TYPES = frozenset({"DateField", "DateTimeField", "TimeField"})


def insert_rows(model: type[models.Model], rows: list[dict]) -> None:
    """INSERT rows (attname -> value) in one executemany.

    bulk_create costs several times the geoparsing of a report (an instance and a chain of field
    calls per value). Fields a row leaves out get their default, or now for auto_now(_add);
    only dates and times need the backend's adaptation, each distinct value once per call (a
    report's few days, one "now"). The primary key comes from the database.
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    attnames = [f.attname for f in fields]
    now = timezone.now()
    defaults: dict[str, object] = {}  # what a row that leaves a field out gets
    per_row: list[models.Field] = []  # fields whose default is a callable, called per row
    fixed: dict[str, object] = {}  # auto_now(_add): the same for every row
    dated: list[tuple[int, models.Field, dict]] = []  # columns whose values need adapting
    for i, f in enumerate(fields):
        is_date = f.get_internal_type() in _DATE_TYPES
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            fixed[f.attname] = f.get_db_prep_save(now, connection) if is_date else now
            continue
        if callable(f.default):
            per_row.append(f)
        else:
            defaults[f.attname] = f.get_default()
        if is_date:
            dated.append((i, f, {}))
    params = []
    for row in rows:
        merged = {**defaults, **row, **fixed}
        for f in per_row:
            if f.attname not in row:
                merged[f.attname] = f.get_default()
        values = [merged[a] for a in attnames]
        for i, f, adapted in dated:
            value = values[i]
            if value not in adapted:
                adapted[value] = f.get_db_prep_save(value, connection)
            values[i] = adapted[value]
        params.append(values)
    quote = connection.ops.quote_name
    # Built only from the model's own table and column names, quoted; values go as parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608  # nosec B608
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
