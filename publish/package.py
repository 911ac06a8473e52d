"""The release's view of the package, built from the validator's loaded model and verdict.

Publishing reads nothing beside the validator: ``load_package`` loads and judges the package
with ``validate`` and refuses (``InvalidPackage``, carrying the report) when it has errors, so
that nothing is written for a package the validator rejects. The views here only reshape the
validator's model (descriptor, Table Schemas, typed columns) for SQLite, datasette and the chart.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import validate.model
    from validate.options import Options
    from validate.runner import Report

Value = str | int | float | None

# Table Schema defaults, used only when a boolean field declares none of its own.
DEFAULT_TRUE_VALUES = ("true", "True", "TRUE", "1")
DEFAULT_FALSE_VALUES = ("false", "False", "FALSE", "0")


class PackageError(Exception):
    """The package cannot be published as it stands; the message says why."""


class InvalidPackage(PackageError):
    """The validator found errors; nothing may be published."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"the package is invalid: {report.counts().get('error', 0)} errors")
        self.report = report


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
    """The parts of the loaded package the release outputs need."""

    root: Path
    descriptor: Mapping[str, Any]
    name: str
    version: str
    title: str
    description: str
    tables: tuple[Table, ...]
    model: validate.model.Package
    """The validator's loaded model, which every row and byte is read from."""

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


def _as_tuple(value: object) -> tuple[str, ...]:
    """A field list that Table Schema allows as a string or a list."""
    if isinstance(value, str):
        return (value,)
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _field(raw: Mapping[str, Any]) -> Field:
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


def _table(resource: Mapping[str, Any], loaded: validate.model.Table) -> Table:
    """The view of one loaded table, its schema as the validator read (and checked) it."""
    schema = loaded.schema
    foreign = [fk for fk in schema.get("foreignKeys", []) if isinstance(fk, dict)]
    return Table(
        name=loaded.name,
        title=resource.get("title") or schema.get("title") or loaded.name,
        description=resource.get("description") or schema.get("description", ""),
        path=loaded.path,
        fields=tuple(_field(f) for f in schema["fields"]),
        primary_key=_as_tuple(schema.get("primaryKey")),
        foreign_keys=tuple(
            ForeignKey(
                _as_tuple(fk.get("fields")),
                fk["reference"].get("resource") or loaded.name,
                _as_tuple(fk["reference"].get("fields")),
            )
            for fk in foreign
        ),
        missing_values=tuple(v for v in schema.get("missingValues", [""]) if isinstance(v, str)),
    )


def _text(descriptor: Mapping[str, Any], key: str) -> str | None:
    value = descriptor.get(key)
    return value if isinstance(value, str) and value.strip() else None


def load_package(root: Path, options: Options | None = None) -> Package:
    """Load and judge the package with the validator; the release view, or an error saying why not."""
    from validate.runner import load_and_judge

    model, report = load_and_judge(root, options)
    if not report.valid or model.descriptor is None:
        raise InvalidPackage(report)
    descriptor = model.descriptor
    name, version = _text(descriptor, "name"), _text(descriptor, "version")
    missing = [key for key, value in (("name", name), ("version", version)) if value is None]
    if name is None or version is None:
        raise PackageError(
            f"datapackage.json has no {' or '.join(missing)}: a release is named "
            "<name>-<version>, so both are needed to publish"
        )
    tables = tuple(
        _table(r, model.tables[r["name"]])
        for r in model.resources
        if isinstance(r.get("name"), str) and r["name"] in model.tables
    )
    return Package(
        root=root,
        descriptor=descriptor,
        name=name,
        version=version,
        title=_text(descriptor, "title") or name,
        description=_text(descriptor, "description") or "",
        tables=tables,
        model=model,
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
            if all(fk.resource in names_done or fk.resource == table.name for fk in table.foreign_keys)
        ]
        if not ready:
            cycle = ", ".join(table.name for table in pending)
            raise PackageError(f"foreign keys form a cycle among: {cycle}")
        done.append(ready[0])
        pending.remove(ready[0])
    return done


def _column(values: Any, field: Field) -> list[Value]:
    """One typed column as Python values: dates as ISO text, booleans as 1/0, missing as None."""
    present = values.notna().tolist()
    if field.type == "date":
        cells = values.dt.strftime("%Y-%m-%d").tolist()
    elif field.type == "boolean":
        cells = [int(bool(v)) if ok else None for v, ok in zip(values.tolist(), present, strict=True)]
    elif field.type == "integer":
        cells = [int(v) if ok else None for v, ok in zip(values.tolist(), present, strict=True)]
    elif field.type == "number":
        cells = [float(v) if ok else None for v, ok in zip(values.tolist(), present, strict=True)]
    else:
        cells = values.astype(object).tolist()
    return [cell if ok else None for cell, ok in zip(cells, present, strict=True)]


def iter_rows(package: Package, table: Table) -> Iterator[dict[str, Value]]:
    """Yield the table's rows typed as the validator read them, missing values as None."""
    from validate.typed import typed_table

    frame = typed_table(package.model.tables[table.name]).frame
    names = [field.name for field in table.fields]
    columns = [_column(frame[field.name], field) for field in table.fields]
    for cells in zip(*columns, strict=True):
        yield dict(zip(names, cells, strict=True))


def read_rows(package: Package, table_name: str) -> list[dict[str, Value]]:
    """Return every typed row of the named table."""
    return list(iter_rows(package, package.table(table_name)))
