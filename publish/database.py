"""Write every tabular resource into one SQLite database typed by the Table Schemas."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from publish.package import Package, PackageError, Table, insertion_order, iter_rows
from publish.sql import quote

if TYPE_CHECKING:
    import sqlite3

# Dates stay ISO text and booleans 0/1: SQLite has no native type for either.
SQLITE_TYPES = {
    "string": "TEXT",
    "integer": "INTEGER",
    "number": "REAL",
    "boolean": "INTEGER",
    "date": "TEXT",
}


def _column_list(names: Sequence[str]) -> str:
    """Render a parenthesised list of quoted column names."""
    return "(" + ", ".join(quote(name) for name in names) + ")"


def sqlite_type(field_type: str) -> str:
    """Map a Table Schema field type to its SQLite column type."""
    try:
        return SQLITE_TYPES[field_type]
    except KeyError:
        raise PackageError(f"no SQLite mapping for field type {field_type!r}") from None


def _referenced_keys(package: Package, table: Table) -> list[tuple[str, ...]]:
    """Field tuples of table that other tables reference and that need a UNIQUE clause."""
    # SQLite rejects a foreign key whose parent columns are neither the primary key
    # nor UNIQUE ("foreign key mismatch"), so such targets get a UNIQUE constraint.
    single_unique = {(field.name,) for field in table.fields if field.unique}
    keys: list[tuple[str, ...]] = []
    for other in package.tables:
        for fk in other.foreign_keys:
            target = fk.reference_fields
            if fk.resource != table.name or target == table.primary_key:
                continue
            if target not in single_unique and target not in keys:
                keys.append(target)
    return keys


def create_table_sql(package: Package, table: Table) -> str:
    """Return the CREATE TABLE statement for table."""
    lines = []
    for field in table.fields:
        column = f"{quote(field.name)} {sqlite_type(field.type)}"
        if field.required:
            column += " NOT NULL"
        if field.unique and (field.name,) != table.primary_key:
            column += " UNIQUE"
        lines.append(column)
    if table.primary_key:
        lines.append(f"PRIMARY KEY {_column_list(table.primary_key)}")
    lines.extend(f"UNIQUE {_column_list(key)}" for key in _referenced_keys(package, table))
    for fk in table.foreign_keys:
        lines.append(
            f"FOREIGN KEY {_column_list(fk.fields)} REFERENCES {quote(fk.resource)} {_column_list(fk.reference_fields)}"
        )
    body = ",\n  ".join(lines)
    return f"CREATE TABLE {quote(table.name)} (\n  {body}\n)"


def _load_table(connection: sqlite3.Connection, package: Package, table: Table) -> None:
    """Create table and insert its rows."""
    connection.execute(create_table_sql(package, table))
    names = [field.name for field in table.fields]
    placeholders = ", ".join("?" for _ in names)
    sql = f"INSERT INTO {quote(table.name)} {_column_list(names)} VALUES ({placeholders})"
    connection.executemany(sql, ([row[name] for name in names] for row in iter_rows(package, table)))


def foreign_key_violations(path: Path) -> list[tuple[str, int, str, int]]:
    """Return the rows of ``PRAGMA foreign_key_check`` for the database at path."""
    import sqlite3

    connection = sqlite3.connect(path)
    try:
        return [tuple(row) for row in connection.execute("PRAGMA foreign_key_check")]
    finally:
        connection.close()


def build_database(package: Package, out_dir: Path) -> Path:
    """Write ``<name>-<version>.sqlite`` into out_dir and return its path."""
    from validate.writer import Writer

    def write(path: Path) -> None:
        """The database, written at a private path the writer then renames into place."""
        import sqlite3

        connection = sqlite3.connect(path)
        try:
            # Foreign keys stay unenforced while loading so a broken package still yields
            # a database whose PRAGMA foreign_key_check shows exactly what is wrong.
            with connection:
                for table in insertion_order(package.tables):
                    _load_table(connection, package, table)
                from publish.flat_sqlite import add_figures_view

                add_figures_view(connection, package)
            connection.execute("VACUUM")
        finally:
            connection.close()

    # Readers never see a half-written file under the release name, and nothing is left behind.
    return Writer(out_dir, create=True).produce(f"{package.stem}.sqlite", write)
