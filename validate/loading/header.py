"""Header matching: CSV columns to schema fields by name, with one finding per header defect."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from validate.findings import finding
from validate.model import Package

if TYPE_CHECKING:
    import pandas as pd


def match_header(
    header: list[str], frame: pd.DataFrame, schema: dict[str, Any], path: str, pkg: Package
) -> tuple[pd.DataFrame, dict[int, str]]:
    """The frame with schema columns named by header, and every column's name by position."""
    expected = [f["name"] for f in schema["fields"]]
    heard = set(header)  # looked up once per column: searching the header each time was quadratic
    positions: dict[str, int] = {}
    for position, name in enumerate(header):
        if not name.strip():
            pkg.findings.append(
                finding(
                    "blank-header",
                    path,
                    1,
                    f"#{position + 1}",
                    f"column {position + 1} has no name{_meant(expected, header, position, heard)}",
                )
            )
        elif name in positions:
            pkg.findings.append(
                finding(
                    "duplicate-header",
                    path,
                    1,
                    name,
                    f"column {name!r} appears at {positions[name] + 1} and {position + 1}"
                    f"{_meant(expected, header, position, heard)}",
                )
            )
        else:
            positions[name] = position
    # A blank or repeated name where the schema's column is missing is that column misnamed:
    # read it as that column, so one defect gives one finding, not a missing column too.
    for position, name in enumerate(header):
        if positions.get(name) != position and _meant(expected, header, position, heard):
            positions[expected[position]] = position
    first: dict[str, int] = {}
    for position, name in enumerate(header):
        first.setdefault(name, position)
    present = [n for n in header if n in positions and n.strip() and positions[n] == first[n]]
    if sorted(present) == sorted(expected) and present != expected:
        pkg.findings.append(
            finding(
                "header-order",
                path,
                1,
                None,
                f"columns are {', '.join(present)}; the schema's order is {', '.join(expected)}",
            )
        )
    else:
        for name in expected:
            if name not in positions:
                pkg.findings.append(
                    finding("missing-column", path, 1, name, f"the schema's field {name!r} has no column")
                )
        for name in present:
            if name not in expected:
                pkg.findings.append(finding("extra-column", path, 1, name, f"column {name!r} is not in the schema"))
    names = {position: name for name, position in positions.items()}
    names.update({p: h for p, h in enumerate(header) if p not in names})
    keep = {positions[n]: n for n in expected if n in positions}
    out = frame[list(keep)]
    out.columns = list(keep.values())
    from pandas.api.types import is_object_dtype

    if any(is_object_dtype(dtype) for dtype in out.dtypes):
        out = out.astype("str")  # the exact reader's one block of objects (csv_exact)
    return out.reset_index(drop=True), names


def _meant(expected: list[str], header: list[str], position: int, heard: set[str]) -> str:
    """'; read as <name>' when the schema's column at this position has no column of its own
    (``heard`` is the set of the header's names)."""
    if len(header) != len(expected) or expected[position] in heard:
        return ""
    return f"; read as the schema's {expected[position]!r}, the column at this position"


def positional_header(schema: dict[str, Any], width: int) -> list[str]:
    """Column names of a table without a header row: the schema's fields by position."""
    fields = [f["name"] for f in schema["fields"]]
    return [fields[i] if i < len(fields) else f"field{i + 1}" for i in range(width)]
