"""What the database plans to do with a query: for tests that an index serves it."""

from __future__ import annotations

from django.db import connection


def query_plan(queryset) -> str:
    """The database's plan for a queryset, as text. PostgreSQL is told to avoid whole-table
    scans, which it prefers on a test's few rows whatever the indexes; SQLite plans by rules."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row) for row in cursor.fetchall())
