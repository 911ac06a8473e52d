"""Cells read as the types their Table Schema declares, with the cells that would not parse."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from validate.cells import BadCell, TypedTable

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from validate.model import Table

PARTIAL_DATE = "x-partial-date"
_INTEGER = r"^[+-]?[0-9]+$"
_NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def missing_values(schema: dict[str, Any]) -> list[str]:
    """The strings that mean 'not stated' in this schema."""
    values = schema.get("missingValues", [""])
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else [""]


def typed_table(table: Table) -> TypedTable:
    """Read every column of the table as its declared type, once; later calls reuse it."""
    if table.typed is not None:
        return table.typed
    with table.filling:
        if table.typed is None:
            table.typed = _typed(table)
        return table.typed


def _typed(table: Table) -> TypedTable:
    import pandas as pd

    missing = missing_values(table.schema)
    columns: dict[str, pd.Series] = {}
    bad: list[BadCell] = list(table.preset_bad)
    for spec in table.fields:
        raw = table.frame[spec["name"]]
        if spec.get("type") in ("integer", "number") and _few_distinct(raw):
            columns[spec["name"]] = _by_distinct(raw, missing, spec, bad)
            continue
        absent = raw.isin(missing) if missing else pd.Series(False, index=raw.index)
        columns[spec["name"]] = _read_column(raw, absent, spec, bad)
    return TypedTable(pd.DataFrame(columns, index=table.frame.index), bad)


_FEW = 10_000
"""Rows sampled for a column's distinct values; a column showing at most a tenth of them as
distinct there is read once per distinct value (_by_distinct)."""


def _few_distinct(raw: pd.Series) -> bool:
    """A large column of strings, none missing, whose first rows hold few distinct values."""
    import pandas as pd

    return (
        len(raw) > _FEW
        and pd.api.types.is_string_dtype(raw.dtype)
        and not raw.isna().any()
        and raw.iloc[:_FEW].nunique() <= _FEW // 10
    )


def _by_distinct(raw: pd.Series, missing: list[str], spec: dict[str, Any], bad: list[BadCell]) -> pd.Series:
    """_read_column of a column, reading each distinct value once and giving every row its
    value's reading: a million numbers of a few thousand values were matched against the
    number pattern and cast one by one (0.35 s over three columns at 1,000,000 rows). A value
    that does not read is a bad cell at each row that holds it, in row order."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(raw)
    distinct = pd.Series(uniques, dtype=raw.dtype)
    absent = distinct.isin(missing) if missing else pd.Series(False, index=distinct.index)
    unread: list[BadCell] = []
    values = _read_column(distinct, absent, spec, unread)
    if unread:
        order = np.argsort(codes, kind="stable")
        cuts = np.searchsorted(codes[order], np.arange(len(distinct) + 1))
        cells = [
            BadCell(row, cell.field, cell.code, cell.message)
            for cell in unread
            for row in order[cuts[cell.row] : cuts[cell.row + 1]].tolist()
        ]
        bad.extend(sorted(cells, key=lambda cell: cell.row))
    return pd.Series(values.array.take(codes), index=raw.index, dtype=values.dtype)


def _read_column(raw: pd.Series, absent: pd.Series, spec: dict[str, Any], bad: list[BadCell]) -> pd.Series:
    """One column as its type; cells that fail are NA here and listed in bad."""
    import numpy as np
    import pandas as pd

    kind = spec.get("type", "string")
    name = spec["name"]
    # Without missing cells the column is its own present part: no copy (at 1,000,000 rows
    # each copy of a string column is tens of MB).
    some_absent = bool(absent.any())
    present = raw[~absent] if some_absent else raw
    if kind in ("integer", "number"):
        pattern = _INTEGER if kind == "integer" else _NUMBER
        matches = raw.str.match(pattern).to_numpy(dtype=bool, na_value=False)
        readable = matches & ~absent.to_numpy(dtype=bool)
        wrong = ~matches & ~absent.to_numpy(dtype=bool)
        # Cells the pattern refuses are read as frictionless reads them (' 12', '1_000'), one by one.
        plain = not {"groupChar", "decimalChar", "bareNumber"} & set(spec)
        rescued = _frictionless_numbers(raw[wrong], kind) if plain else {}
        refused = raw[wrong][~raw[wrong].isin(list(rescued))]
        _flag(refused, name, "type-error", f"is not {'an integer' if kind == 'integer' else 'a number'}", bad)
        values = _numbers(raw, readable, kind)
        # Cells of the pattern that still did not read: integers past 64 bits, which frictionless
        # reads (Python's int has no limit) and this validator cannot compare.
        _flag(raw[readable & values.isna().to_numpy()], name, "type-error", "is an integer past 64 bits", bad)
        if kind == "number":
            # A number past float range ('1e309', or 400 digits) reads as infinite: no interval or
            # sum can hold it, and frictionless's Decimal reading is not one this validator compares.
            infinite = readable & np.isinf(values.to_numpy(dtype="float64", na_value=np.nan))
            _flag(raw[infinite], name, "type-error", "is beyond the range of a number (about 1.8e308)", bad)
            values = values.mask(infinite)
        if rescued:
            at = raw[wrong][raw[wrong].isin(list(rescued))]
            values.loc[at.index] = [rescued[v] for v in at.tolist()]
        return values
    if kind == "boolean":
        true_values = spec.get("trueValues", ["true", "True", "TRUE", "1"])
        false_values = spec.get("falseValues", ["false", "False", "FALSE", "0"])
        known = present.isin(true_values) | present.isin(false_values)
        _flag(
            present[~known],
            name,
            "type-error",
            f"is not a boolean ({'/'.join(true_values)} or {'/'.join(false_values)})",
            bad,
        )
        return raw.isin(true_values).astype("boolean").where(raw.isin(true_values) | raw.isin(false_values))
    reader = _reader(kind, spec.get("format", "default"))
    if reader is not None:
        form = f" in the form {spec['format']}" if spec.get("format", "default") != "default" else _FORMS.get(kind, "")
        read = _read_each(present, name, f"{kind}{form}", reader, bad)
        if kind == "year":
            return pd.Series(
                [read.get(v) if isinstance(v, str) else None for v in raw.where(~absent).tolist()],
                index=raw.index,
                dtype="Int64",
            )
        # The other kinds stay as written (as strings do): no check compares them as values.
        return raw.where(~absent & ~raw.isin([v for v, value in read.items() if value is None]))
    if kind == "date":
        shaped = present.str.match(_DATE)
        # Cells of another shape are read as frictionless reads them (strptime: '2021-1-5'), one by one.
        as_dates = _frictionless_dates(present[~shaped])
        odd = present[~shaped]
        _flag(odd[~odd.isin(list(as_dates))], name, "type-error", "is not a date in YYYY-MM-DD form", bad)
        dates = pd.to_datetime(raw.where(~absent & raw.str.match(_DATE)), format="%Y-%m-%d", errors="coerce")
        impossible = present[shaped & dates[present.index].isna()]
        _flag(impossible, name, "invalid-date", "is not a real calendar date", bad)
        if as_dates:
            at = odd[odd.isin(list(as_dates))]
            dates.loc[at.index] = pd.to_datetime([as_dates[v] for v in at.tolist()])
        return dates
    # Strings stay in their Arrow-backed column (a copy as Python objects cost 760 MB at 1M
    # rows); missing cells become NA.
    column = raw.where(~absent) if some_absent else raw
    if spec.get(PARTIAL_DATE):
        impossible = present[_impossible_partial_dates(present)]
        for row, value in zip(impossible.index.tolist(), impossible.tolist(), strict=True):
            bad.append(BadCell(int(row), name, "invalid-date", f"{value!r} is not a real calendar date"))
    return column


def _frictionless_numbers(cells: pd.Series, kind: str) -> dict[str, float]:
    """The distinct cells frictionless 5 reads as numbers although the pattern refuses them: it
    strips the cell, then casts with int() or Decimal() (fields/integer.py, fields/number.py).
    Not-a-number and infinities, which Decimal reads, stay refused: no check could compare them."""
    from decimal import Decimal, InvalidOperation

    read: dict[str, float] = {}
    for cell in cells.unique().tolist():
        try:
            value = float(int(cell.strip())) if kind == "integer" else float(Decimal(cell.strip()))
        except (ValueError, InvalidOperation, OverflowError):
            continue
        if value == value and abs(value) != float("inf"):
            read[cell] = value
    return read


def _frictionless_dates(cells: pd.Series) -> dict[str, dt.date]:
    """The distinct cells frictionless 5 reads as dates in the default format although they are
    not YYYY-MM-DD: strptime with %Y-%m-%d accepts '2021-1-5' (fields/date.py)."""
    read: dict[str, dt.date] = {}
    for cell in cells.unique().tolist():
        try:
            read[cell] = dt.datetime.strptime(cell, "%Y-%m-%d").date()
        except ValueError:
            continue
    return read


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _impossible_partial_dates(cells: pd.Series) -> np.ndarray:
    """Per cell, not partial_date_exists: YYYY, YYYY-MM and YYYY-MM-DD judged in numpy, any
    other shape (rare: the pattern constraint reports most) by partial_date_exists itself."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.array(cells, type=pa.large_string())
    day_shaped = pc.match_substring_regex(text, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$").to_numpy(zero_copy_only=False)
    month_shaped = pc.match_substring_regex(text, r"^[0-9]{4}-[0-9]{2}$").to_numpy(zero_copy_only=False)
    simple = day_shaped | month_shaped | pc.match_substring_regex(text, r"^[0-9]{4}$").to_numpy(zero_copy_only=False)

    def part(start: int, stop: int, rows: np.ndarray) -> np.ndarray:
        digits = pc.utf8_slice_codeunits(text, start, stop)
        return np.where(rows, pc.cast(pc.if_else(rows, digits, "0"), pa.int64()).to_numpy(), 0)

    year, month, day = part(0, 4, simple), part(5, 7, day_shaped | month_shaped), part(8, 10, day_shaped)
    month_ok = (month >= 1) & (month <= 12)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    days = np.array(_DAYS_IN_MONTH)[np.clip(month, 1, 12) - 1] + ((month == 2) & leap)
    impossible = ((day_shaped | month_shaped) & ~month_ok) | (day_shaped & month_ok & ((day < 1) | (day > days)))
    impossible |= simple & (year == 0)  # no year 0 in the calendar dates are read in (validate.dates)
    others = np.flatnonzero(~simple)
    values = cells.iloc[others].tolist()
    impossible[others] = [not partial_date_exists(v) for v in values]
    return np.asarray(impossible, dtype=bool)


def _numbers(raw: pd.Series, readable: np.ndarray, kind: str) -> pd.Series:
    """The readable cells as Int64 or float64 (others NA), parsed by Arrow's cast in C.

    pandas' to_numeric took 0.8 s over the numeric columns at 1,000,000 rows. A cell Arrow
    will not cast ('+5' or an integer past 64 bits, both of which the pattern admits) sends
    the column to to_numeric, as before.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    target = pa.int64() if kind == "integer" else pa.float64()
    cells = pc.if_else(readable, pa.array(raw, type=pa.large_string()), pa.scalar(None, pa.large_string()))
    try:
        values = pc.cast(cells, target)
    except pa.ArrowInvalid:
        slow = pd.to_numeric(raw.where(pd.Series(readable, index=raw.index)), errors="coerce")
        if kind == "integer":
            # An integer past 64 bits has no Int64: it is left NA (_read_column reports it).
            return slow.where((slow >= -(2**63)) & (slow < 2**63)).astype("Int64")
        return slow.astype("float64")
    if kind == "integer":
        return pd.Series(values.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get), index=raw.index)
    return pd.Series(values.to_numpy(zero_copy_only=False), index=raw.index, dtype="float64")


def _read_each(
    present: pd.Series, name: str, what: str, reader: Callable[[str], object], bad: list[BadCell]
) -> dict[str, object]:
    """Each distinct value read once with frictionless's rules for its type; cells that fail are listed."""
    values = {value: reader(value) for value in present.unique().tolist()}
    _flag(present[present.map(lambda v: values[v] is None).astype(bool)], name, "type-error", f"is not a {what}", bad)
    return values


def _reader(kind: str, form: object) -> Callable[[str], object] | None:
    """frictionless 5's reader for a type checked cell by cell, or None for the vectorised types.

    Each returns None for a cell frictionless reports as a type-error (frictionless/fields/*.py).
    """
    if kind == "year":
        return _year
    if kind == "yearmonth":
        return _yearmonth
    if kind == "datetime":
        return _datetime(form)
    if kind == "time":
        return _time(form)
    if kind == "date" and form not in ("default", None):
        return _date(form)
    from validate.cell_types import structured_reader

    return structured_reader(kind, form)


def _year(cell: str) -> int | None:
    """Four characters that int() reads as 0 to 9999."""
    try:
        value = int(cell) if len(cell) == 4 else -1
    except ValueError:
        return None
    return value if 0 <= value <= 9999 else None


def _yearmonth(cell: str) -> tuple[int, int] | None:
    """YYYY-MM: two parts that int() reads, the month 1 to 12."""
    parts = cell.split("-")
    try:
        year, month = (int(p) for p in parts) if len(parts) == 2 else (0, 0)
    except ValueError:
        return None
    return (year, month) if 1 <= month <= 12 else None


def _datetime(form: object) -> Callable[[str], object]:
    from dateutil import parser

    def read(cell: str) -> object:
        try:
            if form == "default":
                # frictionless asks for at least YYYY-MM-DDThh:mm:ss before ISO parsing.
                return parser.isoparse(cell) if len(cell) >= 19 and cell[16] == ":" else None
            if form == "any":
                return parser.parse(cell)
            return dt.datetime.strptime(cell, str(form))
        except (ValueError, OverflowError, TypeError):
            return None

    return read


def _time(form: object) -> Callable[[str], object]:
    from dateutil import parser

    def read(cell: str) -> object:
        try:
            if form == "default":
                # At least hh:mm:ss, read as the time of an ISO datetime.
                return parser.isoparse(f"2000-01-01T{cell}").timetz() if len(cell) >= 8 and cell[5] == ":" else None
            if form == "any":
                return parser.parse(cell).timetz()
            return dt.datetime.strptime(cell, str(form)).timetz()
        except (ValueError, OverflowError, TypeError):
            return None

    return read


def _date(form: object) -> Callable[[str], object]:
    from dateutil import parser

    def read(cell: str) -> object:
        try:
            return parser.parse(cell).date() if form == "any" else dt.datetime.strptime(cell, str(form)).date()
        except (ValueError, OverflowError, TypeError):
            return None

    return read


_FORMS = {"year": " (YYYY)", "yearmonth": " (YYYY-MM)", "datetime": " (YYYY-MM-DDThh:mm:ss)", "time": " (hh:mm:ss)"}
_FORMS.update(
    geopoint=" (lon, lat)",
    geojson=" (a GeoJSON object)",
    object=" (a JSON object)",
    array=" (a JSON array)",
    duration=" (ISO 8601, such as P1Y2M or PT5M)",
)


def _flag(cells: pd.Series, name: str, code: str, message: str, bad: list[BadCell]) -> None:
    for row, value in zip(cells.index.tolist(), cells.tolist(), strict=True):
        bad.append(BadCell(int(row), name, code, f"{value!r} {message}"))


def partial_date_exists(value: str) -> bool:
    """True unless a value of up to three parts of digits (YYYY, YYYY-MM, YYYY-MM-DD) names a
    year, month or day that does not exist, a year past 9999 included (a 20-digit year)."""
    from validate.dates import readable

    parts = value.split("-")
    if len(parts) > 3 or not all(p.isascii() and p.isdigit() for p in parts):
        return True  # the pattern check reports malformed values
    return readable(value) is not None
