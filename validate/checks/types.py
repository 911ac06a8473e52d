"""Types and constraints from the Table Schemas: pandera for column constraints, keys across tables."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from validate.findings import Finding, finding
from validate.model import Package, Table
from validate.typed import typed_table

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pandera.pandas as pa
    import pyarrow as pa_lib

# pandera names a failed check by its function; the finding code says what it means here.
_CHECK_CODES = (
    (re.compile(r"^not_nullable"), "required-missing"),
    (re.compile(r"^field_uniqueness"), "duplicate-value"),
    (re.compile(r"^str_matches"), "pattern-mismatch"),
    (re.compile(r"^isin"), "enum-violation"),
    (re.compile(r"^(greater|less)_than|^in_range"), "out-of-range"),
)


def check_types(pkg: Package) -> Iterator[Finding]:
    """Every cell reads as its type and meets its field's constraints."""
    for table in pkg.tables.values():
        typed = typed_table(table)
        for cell in typed.bad:
            yield finding(cell.code, table.path, table.line(cell.row), cell.field, cell.message)
        yield from _constraints(table)


def pandera_schema(table: Table, frame: pd.DataFrame | None = None) -> pa.DataFrameSchema:
    """The table's pandera schema, derived from its Table Schema at run time.

    pandera's converter does the derivation; types are already read by validate.typed
    (the converter reads dates as strings and coerces 'false' to True), so dtypes are
    dropped here, and the constraints the converter ignores are added. Given the frame to be
    validated, a cell-by-cell check that holds for every distinct value of its column there
    (_distinct) is left out: it could fail no row.
    """
    import pandera.pandas as pa
    from pandera.io.pandas_io import from_frictionless_schema

    present = {f["name"] for f in table.fields}
    fields = [f for f in table.schema["fields"] if f["name"] in present]
    source = {"$schema": "https://datapackage.org/profiles/2.0/tableschema.json", "fields": fields, "primaryKey": []}
    derived = from_frictionless_schema(source)
    columns: dict[str, pa.Column] = {}
    for spec in fields:
        column = derived.columns[spec["name"]]
        checks = list(column.checks)
        constraints = spec.get("constraints", {})
        if spec.get("type") in ("date", "boolean"):
            checks = [c for c in checks if not str(c.name).startswith("str_")]
        if frame is not None and spec["name"] in frame.columns:
            distinct = _distinct(frame[spec["name"]])
            if distinct is not None:
                checks = [c for c in checks if not (c.name in _CELLWISE and c(distinct).check_passed)]
        if "exclusiveMinimum" in constraints:
            checks.append(pa.Check.greater_than(constraints["exclusiveMinimum"]))
        if "exclusiveMaximum" in constraints:
            checks.append(pa.Check.less_than(constraints["exclusiveMaximum"]))
        columns[spec["name"]] = pa.Column(
            None,
            checks=checks,
            nullable=column.nullable,
            unique=column.unique,
            name=spec["name"],
        )
    return pa.DataFrameSchema(columns, strict=False, coerce=False)


def _constraints(table: Table) -> Iterator[Finding]:
    """Run the derived pandera schema lazily and turn each failure case into a finding."""
    if not any(f.get("constraints") for f in table.fields):
        return  # nothing for pandera to check: a package without constraints does not import it
    import pandera.errors

    typed = typed_table(table)
    frame = typed.frame
    if frame.empty:
        return
    try:
        pandera_schema(table, frame).validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        # A cell that failed to read is NA here; its type finding is the only one it gets.
        seen: set[tuple[int, str]] = {(cell.row, cell.field) for cell in typed.bad}
        repeats: dict[str, Any] = {}
        for record in cases.to_dict("records"):
            index = record.get("index")
            column = record.get("column")
            if index is None or column is None or index != index:
                continue
            code = _code_for(str(record.get("check")))
            row, name = int(index), str(column)
            if (row, name) in seen:
                continue
            if code == "duplicate-value":
                if name not in repeats:
                    repeats[name] = frame[name].duplicated(keep="first")
                if not repeats[name].iloc[row]:
                    continue  # the first of the repeated rows stays unflagged
            seen.add((row, name))
            yield finding(
                code, table.path, table.line(row), name, _message(code, record.get("failure_case"), table, name)
            )


_FEW = 10_000
"""Rows of a column sampled for its distinct values; a column showing at most a tenth of them as
distinct has its cell-by-cell checks run over its distinct values first."""


_CELLWISE = {
    "str_matches",
    "str_length",
    "isin",
    "notin",
    "in_range",
    "greater_than",
    "greater_than_or_equal_to",
    "less_than",
    "less_than_or_equal_to",
}
"""pandera's built-in checks that judge each cell alone, so that a value passes or fails
wherever it stands."""


def _distinct(column: pd.Series) -> pd.Series | None:
    """The distinct values of a large column of few of them, in the column's type; else None.

    pandera runs each check over every row: a million rows of source ids, five columns of
    them, cost a quarter of a second for their patterns, and as much again for the qualifiers'
    and metrics' value lists, for a thousand distinct values. A check that judges each cell
    alone (_CELLWISE) gives the same answer to a value wherever it stands, so where it passes
    on every distinct value no row can fail, and it is left out (pandera_schema). A column of
    mostly distinct values (an id) is left to pandera: hashing them would cost more than
    checking them.
    """
    import pandas as pd

    if len(column) <= _FEW or column.iloc[:_FEW].nunique() > _FEW // 10:
        return None
    return pd.Series(column.unique(), dtype=column.dtype)


def _code_for(check: str) -> str:
    for pattern, code in _CHECK_CODES:
        if pattern.search(check):
            return code
    return "constraint-violation"


def _message(code: str, value: object, table: Table, name: str) -> str:
    spec = next(f for f in table.fields if f["name"] == name)
    constraints = spec.get("constraints", {})
    if code == "required-missing":
        return "the field is required but the cell is empty"
    if code == "duplicate-value":
        return f"{value!r} repeats a value of an earlier row; the field is unique"
    if code == "pattern-mismatch":
        return f"{value!r} does not match the pattern {constraints.get('pattern')}"
    if code == "enum-violation":
        return f"{value!r} is not one of {', '.join(map(str, constraints.get('enum', [])))}"
    if code == "out-of-range":
        bounds = {k: v for k, v in constraints.items() if "imum" in k}
        return f"{value!r} is out of range ({', '.join(f'{k} {v}' for k, v in bounds.items())})"
    return f"{value!r} breaks a constraint of the field"


def check_keys(pkg: Package) -> Iterator[Finding]:
    """Primary keys are unique and every foreign key finds its row."""
    # One finding per missing key value, wherever it is referenced: a renamed source would
    # otherwise give a finding at every row of every table that cites it.
    missing: dict[tuple[str, tuple[str, ...], tuple[str, ...]], list[tuple[Table, int, str]]] = {}
    for table in pkg.tables.values():
        yield from _primary_key(table)
        for parent, parent_fields, values, row, fields in _foreign_keys(pkg, table):
            missing.setdefault((parent, parent_fields, values), []).append((table, row, fields))
    for (parent, parent_fields, values), places in missing.items():
        table, row, fields = places[0]
        yield finding(
            "foreign-key",
            table.path,
            table.line(row),
            fields,
            f"({', '.join(values)}) is not a {'/'.join(parent_fields)} of {parent}" + _also(places[1:]),
        )


PLACES = 5
"""Other referencing rows a foreign-key finding names; the rest are counted."""


def _also(places: list[tuple[Table, int, str]]) -> str:
    """'; also cited at FILE line N, ... and K more rows', or nothing for a single reference."""
    if not places:
        return ""
    named = ", ".join(f"{table.path} line {table.line(row)}" for table, row, _ in places[:PLACES])
    rest = len(places) - PLACES
    return f"; also cited at {named}" + (f" and {rest:,} more row{'s' if rest > 1 else ''}" if rest > 0 else "")


def _as_list(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _primary_key(table: Table) -> Iterator[Finding]:
    key = _as_list(table.schema.get("primaryKey"))
    if not key or any(k not in table.frame.columns for k in key):
        return
    if len(key) == 1:
        spec = next(f for f in table.fields if f["name"] == key[0])
        if spec.get("constraints", {}).get("unique"):
            return  # the unique constraint already reports it, once
    frame = typed_table(table).frame[key]
    complete = frame.notna().all(axis=1)
    repeated = frame[complete].duplicated(keep="first")
    for row in repeated[repeated].index:
        values = ", ".join(str(frame.at[row, k]) for k in key)
        yield finding(
            "duplicate-key",
            table.path,
            table.line(int(row)),
            ",".join(key),
            f"primary key ({values}) repeats an earlier row",
        )


def _joined(frame: pd.DataFrame, fields: list[str]) -> pa_lib.Array:
    """A key of one or more columns as one Arrow string array, so that the lookup is one hash pass.

    ``pyarrow.compute.is_in`` hashes the parent's keys once and probes every child row in C:
    at 1,000,000 rows it takes about 0.1 s where pandas' ``isin`` on strings took 6 s. Missing
    cells stay null, so a partly missing key matches nothing (callers skip those rows).
    """
    import pyarrow as pa_lib
    import pyarrow.compute as pc

    columns = [pa_lib.array(frame[name].astype(str), type=pa_lib.large_string()) for name in fields]
    if len(columns) == 1:
        return columns[0]
    separator = pa_lib.scalar("\x1f", type=pa_lib.large_string())  # a separator no identifier holds
    return pc.binary_join_element_wise(*columns, separator)


def missing_keys(child: pd.DataFrame, parent: pd.DataFrame) -> np.ndarray:
    """Per child row, True when its key (every cell filled) is no complete key of the parent.

    A key with a missing cell is null once joined (_joined), on either side: a child's is not
    judged, and a parent's matches no child key that is."""
    import pyarrow.compute as pc

    filled = child.notna().all(axis=1).to_numpy(dtype=bool)
    keys = _joined(child, list(child.columns))
    found = pc.is_in(keys, value_set=_present(_joined(parent, list(parent.columns)), keys))
    missing: np.ndarray = filled & ~found.to_numpy(zero_copy_only=False).astype(bool)
    return missing


def _present(parent: pa_lib.Array, child: pa_lib.Array) -> pa_lib.Array:
    """The parent's distinct keys, or, for a child smaller than its parent, those of them the child
    holds: hashing the smaller side, since a table of a few rows pointing into a million outcomes
    spent 0.45 s hashing the million."""
    import pyarrow.compute as pc

    if len(child) < len(parent):
        parent = pc.filter(parent, pc.is_in(parent, value_set=pc.unique(child)))
    return pc.unique(parent)


def _foreign_keys(pkg: Package, table: Table) -> Iterator[tuple[str, tuple[str, ...], tuple[str, ...], int, str]]:
    """(parent, its fields, the missing values, row, the child's fields) for each row whose
    foreign key finds no row."""
    foreign = table.schema.get("foreignKeys", [])
    if not isinstance(foreign, list):
        return
    for spec in foreign:
        if not isinstance(spec, dict) or not isinstance(spec.get("reference"), dict):
            continue
        fields = _as_list(spec.get("fields"))
        reference = spec["reference"]
        parent_name = reference.get("resource") or table.name
        parent_fields = _as_list(reference.get("fields"))
        parent = pkg.table(parent_name)
        if (
            parent is None
            or parent.incomplete
            or len(fields) != len(parent_fields)
            or not fields
            or any(f not in table.frame.columns for f in fields)
            or any(f not in parent.frame.columns for f in parent_fields)
        ):
            continue  # the unreadable parent or broken schema has its own finding
        import numpy as np

        child = typed_table(table).frame[fields]
        missing = missing_keys(child, typed_table(parent).frame[parent_fields])
        for row in child.index[np.flatnonzero(missing)]:
            values = tuple(str(child.at[row, f]) for f in fields)
            yield parent_name, tuple(parent_fields), values, int(row), ",".join(fields)
