"""DuckDB for what Arrow compute lacks (searching each row's text for that row's own words).

One in-memory database serves the whole run, through one connection per thread: opening one
costs about 15 ms, and the checks ask several questions of small packages too.
"""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb
    import numpy as np


_local = threading.local()


def _connection() -> duckdb.DuckDBPyConnection:
    """This thread's connection: a DuckDB connection serves one call at a time, and the checks
    may run in two threads (validate.runner)."""
    db: duckdb.DuckDBPyConnection | None = getattr(_local, "db", None)
    if db is None:
        db = _local.db = _database().cursor()
    return db


@functools.cache
def _database() -> duckdb.DuckDBPyConnection:
    import duckdb

    # Every query's rows are used as a set or put back in place by a row number, never in the
    # order DuckDB returns them: not keeping insertion order saves it memory on large results.
    return duckdb.connect(config={"preserve_insertion_order": False})


def selected_rows(query: str, tables: dict[str, Any]) -> np.ndarray:
    """The ``row`` column the query selects, as int64, with the Arrow tables registered by name."""
    import numpy as np

    return np.asarray(selected(query, tables)["row"], dtype=np.int64)


def selected(query: str, tables: dict[str, Any]) -> dict[str, Any]:
    """Every column the query selects, as numpy arrays (masked where a column has nulls), with the
    Arrow tables registered by name."""
    db = _connection()
    for name, table in tables.items():
        db.register(name, table)
    try:
        return dict(db.execute(query).fetchnumpy())
    finally:
        for name in tables:
            db.unregister(name)
