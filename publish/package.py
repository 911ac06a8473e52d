"""Read the data package descriptor, its Table Schemas and typed CSV rows."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Value = str | int | float | None

# Table Schema defaults, used only when a boolean field declares none of its own.
DEFAULT_TRUE_VALUES = ("true", "True", "TRUE", "1")
DEFAULT_FALSE_VALUES = ("false", "False", "FALSE", "0")


class PackageError(Exception):
    """The descriptor or a table cannot be read as the schemas declare."""


@dataclass(frozen=True)
class Field:
    """One column of a Table Schema."""

    name: str
    type: str
    description: str
    required: bool
    unique: bool
    true_values: tuple[str, ...]
    false_values: tuple[str, ...]


@dataclass(frozen=True)
class ForeignKey:
    """A foreign key: local fields pointing at fields of another table."""

    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A tabular resource with its schema resolved."""

    name: str
    title: str
    description: str
    path: str
    encoding: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    missing_values: tuple[str, ...]

    def field(self, name: str) -> Field:
        """Return the field called name."""
        for field in self.fields:
            if field.name == name:
                return field
        raise PackageError(f"table {self.name!r} has no field {name!r}")


@dataclass(frozen=True)
class Package:
    """The parts of datapackage.json the release outputs need."""

    root: Path
    descriptor: Mapping[str, Any]
    name: str
    version: str
    title: str
    description: str
    tables: tuple[Table, ...]

    @property
    def stem(self) -> str:
        """Return the release file stem, ``<name>-<version>``."""
        return f"{self.name}-{self.version}"

    def table(self, name: str) -> Table:
        """Return the table called name."""
        for table in self.tables:
            if table.name == name:
                return table
        raise PackageError(f"package has no table {name!r}")


def _as_tuple(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """Normalise a field list that Table Schema allows as a string or a list."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _read_json(path: Path) -> dict[str, Any]:
    """Load a JSON object from path."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise PackageError(f"cannot read {path.name}: {error}") from error
    if not isinstance(data, dict):
        raise PackageError(f"{path.name} is not a JSON object")
    return data


def _parse_field(raw: Mapping[str, Any]) -> Field:
    """Build a Field from its schema descriptor."""
    constraints = raw.get("constraints", {})
    return Field(
        name=raw["name"],
        type=raw.get("type", "any"),
        description=raw.get("description", ""),
        required=bool(constraints.get("required", False)),
        unique=bool(constraints.get("unique", False)),
        true_values=tuple(raw.get("trueValues", DEFAULT_TRUE_VALUES)),
        false_values=tuple(raw.get("falseValues", DEFAULT_FALSE_VALUES)),
    )


def _parse_foreign_key(raw: Mapping[str, Any], own_name: str) -> ForeignKey:
    """Build a ForeignKey, reading an empty or absent resource as a self-reference."""
    reference = raw["reference"]
    return ForeignKey(
        fields=_as_tuple(raw["fields"]),
        resource=reference.get("resource") or own_name,
        reference_fields=_as_tuple(reference["fields"]),
    )


def _parse_table(root: Path, resource: Mapping[str, Any]) -> Table:
    """Resolve a tabular resource and its schema (inline or by path)."""
    schema = resource.get("schema")
    if isinstance(schema, str):
        schema = _read_json(root / schema)
    if not isinstance(schema, dict):
        raise PackageError(f"resource {resource.get('name')!r} has no table schema")
    name = resource["name"]
    return Table(
        name=name,
        title=resource.get("title") or schema.get("title") or name,
        description=resource.get("description") or schema.get("description", ""),
        path=resource["path"],
        encoding=resource.get("encoding", "utf-8"),
        fields=tuple(_parse_field(field) for field in schema["fields"]),
        primary_key=_as_tuple(schema.get("primaryKey")),
        foreign_keys=tuple(_parse_foreign_key(fk, name) for fk in schema.get("foreignKeys", [])),
        missing_values=tuple(schema.get("missingValues", [""])),
    )


def load_package(root: Path) -> Package:
    """Read datapackage.json under root and every table schema it names."""
    descriptor = _read_json(root / "datapackage.json")
    tables = tuple(
        _parse_table(root, resource)
        for resource in descriptor.get("resources", [])
        if resource.get("type") == "table"
    )
    return Package(
        root=root,
        descriptor=descriptor,
        name=descriptor["name"],
        version=descriptor["version"],
        title=descriptor.get("title", descriptor["name"]),
        description=descriptor.get("description", ""),
        tables=tables,
    )


def insertion_order(tables: Sequence[Table]) -> list[Table]:
    """Order tables so every referenced table comes before the tables pointing at it."""
    pending = list(tables)
    done: list[Table] = []
    while pending:
        names_done = {table.name for table in done}
        # Descriptor order breaks ties so the order, and so the database, is stable.
        ready = [
            table
            for table in pending
            if all(
                fk.resource in names_done or fk.resource == table.name for fk in table.foreign_keys
            )
        ]
        if not ready:
            cycle = ", ".join(table.name for table in pending)
            raise PackageError(f"foreign keys form a cycle among: {cycle}")
        done.append(ready[0])
        pending.remove(ready[0])
    return done


def convert(field: Field, text: str) -> Value:
    """Turn one non-missing CSV cell into the Python value its field type declares."""
    try:
        if field.type == "integer":
            return int(text)
        if field.type == "number":
            return float(text)
        if field.type == "boolean":
            return _convert_boolean(field, text)
        if field.type == "date":
            # Kept as text: ISO 8601 sorts and compares correctly in SQLite as a string.
            return dt.date.fromisoformat(text).isoformat()
    except ValueError as error:
        raise PackageError(f"field {field.name!r}: {text!r} is not a valid {field.type}") from error
    return text


def _convert_boolean(field: Field, text: str) -> int:
    """Map a boolean cell to 1 or 0 using the field's own true and false values."""
    if text in field.true_values:
        return 1
    if text in field.false_values:
        return 0
    raise ValueError(text)


def iter_rows(package: Package, table: Table) -> Iterator[dict[str, Value]]:
    """Yield the table's rows with missing values as None and cells typed by the schema."""
    names = [field.name for field in table.fields]
    path = package.root / table.path
    with path.open(encoding=table.encoding, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header != names:
            raise PackageError(f"{table.path}: header {header} does not match the schema {names}")
        for number, cells in enumerate(reader, start=2):
            if len(cells) != len(names):
                raise PackageError(
                    f"{table.path} row {number}: {len(cells)} cells, expected {len(names)}"
                )
            yield {
                field.name: None if text in table.missing_values else convert(field, text)
                for field, text in zip(table.fields, cells, strict=True)
            }


def read_rows(package: Package, table_name: str) -> list[dict[str, Value]]:
    """Return every typed row of the named table."""
    return list(iter_rows(package, package.table(table_name)))
