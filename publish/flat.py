"""The flat figures table: one row per figure, with everything needed to read and cite it.

Derived from the validated package, never edited by hand: each ``outcomes`` row joined with
its operation, metric, qualifier and source, its reading as an interval (from the one
qualifier table, ``validate.intervals``) and the register entries that list it. It is
committed as ``derived/figures.csv`` (a test fails when it drifts from the tables), shipped
in the release zip and as a release asset, and is the ``figures`` sheet of the workbook and
the ``figures`` view of the SQLite database.

The CSV is UTF-8 without a byte-order mark and LF line endings, like the package's own
tables; spreadsheet users open the workbook instead (see ``publish.workbook``).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from publish.package import Package, PackageError, Value, read_rows

if TYPE_CHECKING:
    from validate.intervals import Interval

FLAT_PATH = "derived/figures.csv"
"""Where the flat table lives in the repository and in the release zip."""

ID_SEPARATOR = "; "
SUMMARY_SEPARATOR = " | "


@dataclass(frozen=True)
class Column:
    """One column of the flat table: copied from a table's field, or computed here."""

    name: str
    type: str
    """Table Schema type of the values: string, number or integer."""
    table: str | None = None
    """The table the value is copied from (None: computed here)."""
    field: str | None = None
    """The field it is copied from."""
    note: str = ""
    """Description of a computed column; a copied column takes its field's description."""


def _copied(name: str, table: str, field: str | None = None, kind: str = "string") -> Column:
    """A column copied from field (default: the same name) of table."""
    return Column(name, kind, table, field or name)


COLUMNS: tuple[Column, ...] = (
    _copied("outcome_id", "outcomes"),
    _copied("operation_id", "outcomes"),
    _copied("operation_name", "operations", "name"),
    _copied("period_start", "operations"),
    _copied("period_end", "operations"),
    _copied("metric_id", "outcomes"),
    _copied("metric_label", "metrics", "label"),
    _copied("unit", "metrics"),
    _copied("number", "outcomes", kind="number"),
    _copied("qualifier", "outcomes"),
    _copied("qualifier_label", "qualifiers", "label"),
    _copied("qualifier_text", "outcomes"),
    _copied("rounding_unit", "outcomes", kind="number"),
    Column("low", "number", note="Lowest true value the figure allows, as read from its qualifier."),
    Column("low_end", "string", note="'closed' when the low bound itself is allowed, 'open' when it is excluded."),
    Column("high", "number", note="Highest true value the figure allows; empty when it has no upper bound."),
    Column("high_end", "string", note="'closed' when the high bound itself is allowed, 'open' when it is excluded."),
    Column(
        "interval",
        "string",
        note="The reading as an interval, '[' or ']' for a closed end and '(' or ')' for an open one: "
        "'[1550, 1650)' is 1,550 up to but not including 1,650; '(1600, ∞)' is more than 1,600.",
    ),
    _copied("breakdown_dimension", "outcomes"),
    _copied("breakdown_value", "outcomes"),
    _copied("source_id", "outcomes"),
    _copied("source_title", "sources", "title"),
    _copied("publisher", "sources"),
    _copied("published_as_printed", "sources"),
    _copied("archive_path", "sources"),
    _copied("position", "outcomes"),
    _copied("line", "outcomes", kind="integer"),
    _copied("quote", "outcomes"),
    Column(
        "discrepancy_ids",
        "string",
        note="The register entries (discrepancies.csv) that list this figure in discrepancy_outcomes.csv, "
        f"in register order, separated by '{ID_SEPARATOR}'; empty when none.",
    ),
    Column(
        "discrepancy_summaries",
        "string",
        note=f"The summaries of those entries, in the same order, separated by '{SUMMARY_SEPARATOR}'.",
    ),
)

# What the join itself needs besides the copied fields.
JOIN_FIELDS = {
    "outcomes": ("outcome_id", "operation_id", "metric_id", "qualifier", "source_id", "number", "rounding_unit"),
    "operations": ("operation_id",),
    "metrics": ("metric_id",),
    "qualifiers": ("qualifier_id",),
    "sources": ("source_id",),
    "discrepancies": ("discrepancy_id", "summary"),
    "discrepancy_outcomes": ("discrepancy_id", "outcome_id"),
}


def column_descriptions(package: Package) -> list[tuple[str, str, str]]:
    """(name, type, description) of every flat column; copied ones say where they come from."""
    check_tables(package)
    described = []
    for column in COLUMNS:
        if column.table is None or column.field is None:
            described.append((column.name, column.type, column.note))
            continue
        text = package.table(column.table).field(column.field).description
        described.append((column.name, column.type, f"{text} (from {column.table}.{column.field})".strip()))
    return described


def check_tables(package: Package) -> None:
    """Refuse, with one message naming them all, a package without the tables and fields the join reads."""
    needed: dict[str, set[str]] = {table: set(fields) for table, fields in JOIN_FIELDS.items()}
    for column in COLUMNS:
        if column.table is not None and column.field is not None:
            needed[column.table].add(column.field)
    names = {table.name: {field.name for field in table.fields} for table in package.tables}
    missing = [
        f"{table}.{field}"
        for table in sorted(needed)
        for field in sorted(needed[table])
        if field not in names.get(table, ())
    ]
    if missing:
        raise PackageError("the flat figures table needs " + ", ".join(missing) + ", which the package lacks")


def number_text(value: float) -> str:
    """A number as the CSV writes it: whole numbers without a decimal point, others as Python's shortest repr."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def interval_text(reading: Interval) -> str:
    """The interval in bracket notation, with ∞ for no upper bound."""
    high = "∞" if reading.hi == math.inf else number_text(reading.hi)
    left, right = "(" if reading.lo_open else "[", ")" if reading.hi_open else "]"
    return f"{left}{number_text(reading.lo)}, {high}{right}"


def _reading(row: dict[str, Value]) -> Interval:
    """The interval the figure denotes, as the validator reads it."""
    from validate.intervals import QUALIFIERS, read_figure

    qualifier = str(row["qualifier"])
    unit = row["rounding_unit"]
    if qualifier in QUALIFIERS and QUALIFIERS[qualifier].needs_unit and unit is None:
        raise PackageError(f"outcome {row['outcome_id']}: {qualifier} needs a rounding_unit")
    reading = read_figure(float(row["number"] or 0), qualifier, None if unit is None else float(unit), whole=False)
    if reading is None:
        raise PackageError(f"outcome {row['outcome_id']}: no interval reading for qualifier {qualifier!r}")
    return reading


def _index(rows: Sequence[dict[str, Value]], key: str) -> dict[Value, dict[str, Value]]:
    """Rows by their key; the validator has checked the key is unique."""
    return {row[key]: row for row in rows}


def flat_rows(package: Package) -> list[dict[str, Value]]:
    """One row per outcomes row, in the outcomes table's order, with the columns of COLUMNS."""
    check_tables(package)
    parents = {
        "operations": _index(read_rows(package, "operations"), "operation_id"),
        "metrics": _index(read_rows(package, "metrics"), "metric_id"),
        "qualifiers": _index(read_rows(package, "qualifiers"), "qualifier_id"),
        "sources": _index(read_rows(package, "sources"), "source_id"),
    }
    keys = {"operations": "operation_id", "metrics": "metric_id", "qualifiers": "qualifier", "sources": "source_id"}
    register = read_rows(package, "discrepancies")
    order = {row["discrepancy_id"]: place for place, row in enumerate(register)}
    summaries = {row["discrepancy_id"]: row["summary"] for row in register}
    links: dict[Value, list[Value]] = {}
    for link in read_rows(package, "discrepancy_outcomes"):
        links.setdefault(link["outcome_id"], []).append(link["discrepancy_id"])
    rows = []
    for outcome in read_rows(package, "outcomes"):
        joined: dict[str, dict[str, Value]] = {"outcomes": outcome}
        for table, key in keys.items():
            parent = parents[table].get(outcome[key])
            if parent is None:  # the validator's foreign-key check rules this out
                raise PackageError(f"outcome {outcome['outcome_id']}: no {table} row {outcome[key]!r}")
            joined[table] = parent
        row: dict[str, Value] = {}
        for column in COLUMNS:
            if column.table is not None and column.field is not None:
                row[column.name] = joined[column.table][column.field]
        reading = _reading(outcome)
        row["low"] = reading.lo
        row["low_end"] = "open" if reading.lo_open else "closed"
        row["high"] = None if reading.hi == math.inf else reading.hi
        row["high_end"] = "open" if reading.hi_open else "closed"
        row["interval"] = interval_text(reading)
        entries = sorted(set(links.get(outcome["outcome_id"], [])), key=lambda entry: order.get(entry, len(order)))
        row["discrepancy_ids"] = ID_SEPARATOR.join(str(entry) for entry in entries) or None
        texts = [str(summaries.get(entry, "")) for entry in entries]
        row["discrepancy_summaries"] = SUMMARY_SEPARATOR.join(texts) or None
        rows.append({column.name: row[column.name] for column in COLUMNS})
    return rows


def cell_text(value: Value) -> str:
    """A value as the CSV writes it: empty for missing, numbers by number_text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return number_text(value)
    return value


def flat_csv(package: Package) -> bytes:
    """The flat table as CSV bytes: UTF-8 without a byte-order mark, LF line endings, a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([column.name for column in COLUMNS])
    for row in flat_rows(package):
        writer.writerow([cell_text(row[column.name]) for column in COLUMNS])
    return buffer.getvalue().encode("utf-8")


def write_file(target: Path, data: bytes) -> Path:
    """Write data to target through the guarded writer: a temporary file renamed last, never
    through a link, so no reader sees half a file."""
    from validate.writer import Writer

    return Writer(target.parent, create=True).replace(target.name, data)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("package_dir", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--write", is_flag=True, help=f"Rewrite {FLAT_PATH}; without it, exit 1 when it is out of date.")
def main(package_dir: Path, write: bool) -> None:
    """Regenerate (--write) or check the committed flat figures table."""
    from publish.guard import guarded as _guarded

    target = package_dir / FLAT_PATH

    def work(package: Package) -> bool:
        """Write the table, or say whether the committed copy matches it."""
        if write:
            write_file(target, flat_csv(package))
            return True
        return target.is_file() and target.read_bytes() == flat_csv(package)

    if not _guarded(package_dir, work):
        raise click.ClickException(f"{target} is out of date: run python -m publish.flat --write")
    if write:
        click.echo(target)


if __name__ == "__main__":
    main()
