"""The flat figures table in the SQLite database: a ``figures`` view over the tables.

The view joins the tables in SQL. Only each figure's interval is not SQL's to compute: it is
the qualifier table's reading (``validate.intervals``), so it is stored once per figure in the
``figure_intervals`` table, written from the same rows as the flat CSV.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from publish.flat import COLUMNS, ID_SEPARATOR, SUMMARY_SEPARATOR, column_descriptions, flat_rows
from publish.package import Package
from publish.sql import quote

if TYPE_CHECKING:
    import sqlite3

VIEW = "figures"
INTERVALS = "figure_intervals"
INTERVAL_COLUMNS = ("low", "low_end", "high", "high_end", "interval")
ALIASES = {"outcomes": "o", "operations": "op", "metrics": "m", "qualifiers": "q", "sources": "s"}
INTERVALS_DESCRIPTION = (
    "The interval of possible true values each outcomes row denotes, read from its qualifier "
    "by the validator's qualifier table; derived, for the figures view."
)
VIEW_DESCRIPTION = (
    "One row per figure (outcomes row) with its operation, metric, qualifier and its reading as an "
    "interval, its source, position, line and quote, and the register entries that involve it. "
    "The same rows as derived/figures.csv."
)


def _linked(column: str, separator: str) -> str:
    """A subquery joining the column of the register entries that list the figure, in register order."""
    return (
        f"(SELECT group_concat(value, {_literal(separator)}) FROM ("
        f"SELECT d.{quote(column)} AS value FROM discrepancy_outcomes AS l "
        "JOIN discrepancies AS d ON d.discrepancy_id = l.discrepancy_id "
        "WHERE l.outcome_id = o.outcome_id ORDER BY d.rowid))"
    )


def _literal(text: str) -> str:
    """An SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def view_sql() -> str:
    """The CREATE VIEW statement, its columns in the flat table's order."""
    expressions = []
    for column in COLUMNS:
        if column.table is not None and column.field is not None:
            expression = f"{ALIASES[column.table]}.{quote(column.field)}"
        elif column.name in INTERVAL_COLUMNS:
            expression = f"i.{quote(column.name)}"
        elif column.name == "discrepancy_ids":
            expression = _linked("discrepancy_id", ID_SEPARATOR)
        else:
            expression = _linked("summary", SUMMARY_SEPARATOR)
        expressions.append(f"{expression} AS {quote(column.name)}")
    select = ",\n  ".join(expressions)
    return (
        f"CREATE VIEW {quote(VIEW)} AS SELECT\n  {select}\n"
        "FROM outcomes AS o\n"
        "JOIN operations AS op ON op.operation_id = o.operation_id\n"
        "JOIN metrics AS m ON m.metric_id = o.metric_id\n"
        "JOIN qualifiers AS q ON q.qualifier_id = o.qualifier\n"
        "JOIN sources AS s ON s.source_id = o.source_id\n"
        f"JOIN {quote(INTERVALS)} AS i ON i.outcome_id = o.outcome_id\n"
        "ORDER BY o.rowid"
    )


def add_figures_view(connection: sqlite3.Connection, package: Package) -> None:
    """Create figure_intervals with its rows, and the figures view over the tables."""
    connection.execute(
        f"CREATE TABLE {quote(INTERVALS)} (\n"
        "  outcome_id TEXT NOT NULL PRIMARY KEY REFERENCES outcomes (outcome_id),\n"
        "  low REAL NOT NULL,\n  low_end TEXT NOT NULL,\n  high REAL,\n  high_end TEXT NOT NULL,\n"
        "  interval TEXT NOT NULL\n)"
    )
    names = ("outcome_id", *INTERVAL_COLUMNS)
    connection.executemany(
        f"INSERT INTO {quote(INTERVALS)} VALUES ({', '.join('?' for _ in names)})",
        ([row[name] for name in names] for row in flat_rows(package)),
    )
    connection.execute(view_sql())


def figures_metadata(package: Package) -> dict[str, Any]:
    """Datasette metadata for the view and its intervals table."""
    described = {name: text for name, _, text in column_descriptions(package)}
    return {
        VIEW: {"title": "Figures (flat)", "description": VIEW_DESCRIPTION, "columns": described},
        INTERVALS: {
            "title": "Figure intervals",
            "description": INTERVALS_DESCRIPTION,
            "columns": {name: described[name] for name in INTERVAL_COLUMNS}
            | {"outcome_id": "The outcomes row the interval belongs to."},
        },
    }
