"""Cells read as the types their Table Schema declares, with the cells that would not parse."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from validate.model import Table

PARTIAL_DATE = "x-partial-date"
_INTEGER = r"^[+-]?[0-9]+$"
_NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


@dataclass(frozen=True)
class BadCell:
    """A cell that does not read as its field's type."""

    row: int
    field: str
    code: str
    message: str


@dataclass
class TypedTable:
    """A table's cells as typed values (missing values as NA) and the cells that failed."""

    frame: pd.DataFrame
    bad: list[BadCell]


def missing_values(schema: dict[str, Any]) -> list[str]:
    """The strings that mean 'not stated' in this schema."""
    values = schema.get("missingValues", [""])
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else [""]


def typed_table(table: Table) -> TypedTable:
    """Read every column of the table as its declared type, once; later calls reuse it."""
    if table.typed is not None:
        return table.typed
    import pandas as pd

    missing = missing_values(table.schema)
    columns: dict[str, pd.Series] = {}
    bad: list[BadCell] = []
    for spec in table.fields:
        raw = table.frame[spec["name"]]
        absent = raw.isin(missing) if missing else pd.Series(False, index=raw.index)
        columns[spec["name"]] = _read_column(raw, absent, spec, bad)
    table.typed = TypedTable(pd.DataFrame(columns, index=table.frame.index), bad)
    return table.typed


def _read_column(raw: pd.Series, absent: pd.Series, spec: dict[str, Any], bad: list[BadCell]) -> pd.Series:
    """One column as its type; cells that fail are NA here and listed in bad."""
    import pandas as pd

    kind = spec.get("type", "string")
    name = spec["name"]
    present = raw[~absent]
    if kind in ("integer", "number"):
        pattern = _INTEGER if kind == "integer" else _NUMBER
        ok = present.str.match(pattern)
        _flag(present[~ok], name, "type-error", f"is not {'an integer' if kind == 'integer' else 'a number'}", bad)
        values = pd.to_numeric(raw.where(~absent & raw.str.match(pattern)), errors="coerce")
        return values.astype("Int64") if kind == "integer" else values.astype("float64")
    if kind == "boolean":
        true_values = spec.get("trueValues", ["true", "True", "TRUE", "1"])
        false_values = spec.get("falseValues", ["false", "False", "FALSE", "0"])
        known = present.isin(true_values) | present.isin(false_values)
        _flag(present[~known], name, "type-error",
              f"is not a boolean ({'/'.join(true_values)} or {'/'.join(false_values)})", bad)
        return raw.isin(true_values).astype("boolean").where(raw.isin(true_values) | raw.isin(false_values))
    if kind == "date":
        shaped = present.str.match(_DATE)
        _flag(present[~shaped], name, "type-error", "is not a date in YYYY-MM-DD form", bad)
        dates = pd.to_datetime(raw.where(~absent & raw.str.match(_DATE)), format="%Y-%m-%d", errors="coerce")
        impossible = present[shaped & dates[present.index].isna()]
        _flag(impossible, name, "invalid-date", "is not a real calendar date", bad)
        return dates
    # Strings stay in their Arrow-backed column (a copy as Python objects cost 760 MB at 1M
    # rows); missing cells become NA.
    column = raw.where(~absent)
    if spec.get(PARTIAL_DATE):
        for row, value in zip(present.index.tolist(), present.tolist(), strict=True):
            if not partial_date_exists(value):
                bad.append(BadCell(int(row), name, "invalid-date", f"{value!r} is not a real calendar date"))
    return column


def _flag(cells: pd.Series, name: str, code: str, message: str, bad: list[BadCell]) -> None:
    for row, value in zip(cells.index.tolist(), cells.tolist(), strict=True):
        bad.append(BadCell(int(row), name, code, f"{value!r} {message}"))


def partial_date_exists(value: str) -> bool:
    """True unless a YYYY-MM-DD (or YYYY-MM) value names a day or month that does not exist."""
    parts = value.split("-")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        return True  # the pattern check reports malformed values
    if len(numbers) >= 2 and not 1 <= numbers[1] <= 12:
        return False
    if len(numbers) == 3:
        return 1 <= numbers[2] <= calendar.monthrange(numbers[0], numbers[1])[1]
    return True
