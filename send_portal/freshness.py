"""A key that changes whenever the data behind a page changes, read in one small query.

A page that shows the same facts to everyone who signs in (the dashboard, a list of actions) is worked out
once and kept in Django's cache (shared by every worker when CACHE_URL names a shared cache) under a key
made of what it reads: for each table, the number of rows and the latest time one was saved. A deletion
lowers a count, any save moves a latest time, so the next request after any change works the page out
again. `today` is part of the key too, because actions become overdue as days pass.

The query is one UNION ALL of aggregates, built by the ORM once per process for each set of tables (building
it took the ORM longer than the database took to answer). This module knows no app: callers name the
models and the fields that move when a row is saved.
"""

import functools
import hashlib

from django.db import connection
from django.db.models import Count, Max, Value


def data_key(prefix, tables, today=None):
    """`prefix` plus, for each (model, field) in `tables`, the row count and the latest value of that field
    (e.g. `updated`), and `today` when given. One query."""
    with connection.cursor() as cursor:
        cursor.execute(*_key_query(tuple(tables)))
        rows = sorted(cursor.fetchall())
    # The latest time as the driver gives it: a datetime (PostgreSQL) or its text (SQLite), no spaces.
    parts = [f"{name}={count}@{str(latest or '-').replace(' ', 'T')}" for name, count, latest in rows]
    day = today.isoformat() if today else "-"
    facts = hashlib.sha256(":".join(parts).encode()).hexdigest()  # a cache key stays under 250 characters
    return f"{prefix}:{day}:{facts}"


@functools.cache
def _key_query(tables):
    facts = [
        model._base_manager.order_by()
        .values(table=Value(f"{model._meta.label}.{field}"))  # a constant: one row, no GROUP BY
        .annotate(count=Count("pk"), latest=Max(field))
        .values_list("table", "count", "latest")
        for model, field in tables
    ]
    return facts[0].union(*facts[1:], all=True).order_by().query.sql_with_params()
