"""Inline data: a resource's rows written in the descriptor, read as a table located at descriptor lines."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from validate.cells import BadCell
from validate.findings import finding
from validate.loading.csv_read import report_control_characters
from validate.loading.header import match_header
from validate.loading.schemas import load_schema
from validate.model import Package, Table
from validate.options import Options
from validate.typed import missing_values


def load_inline(pkg: Package, resource: dict[str, Any], index: int, name: str, options: Options, label: str) -> None:
    """Read a resource's inline rows (arrays with a header row first, or objects) into a Table.

    Findings about a cell name the descriptor file and the descriptor line that holds its row.
    """
    import numpy as np
    import pandas as pd

    schema = load_schema(pkg, resource, index, options, label)
    data = resource.get("data")
    if schema is None or not isinstance(data, list) or not data:
        return  # no schema, or data the profile check reports
    file = pkg.descriptor_name
    where = ("resources", index, "data")
    keyed = all(isinstance(item, dict) for item in data)
    if not keyed and not all(isinstance(item, list) for item in data):
        pkg.findings.append(
            finding(
                "descriptor-profile",
                file,
                pkg.json_line(file, where),
                f"{label}.data",
                "inline data must be all arrays (a header row first) or all objects",
            )
        )
        return
    header = [f["name"] for f in schema["fields"]] if keyed else [_text(c) for c in data[0]]
    first = 0 if keyed else 1
    rows: list[list[Any]] = []
    lines: list[int] = []
    for position in range(first, len(data)):
        line = pkg.json_line(file, (*where, position)) or 0
        item = data[position]
        row = [item.get(h) for h in header] if isinstance(item, dict) else list(item)
        if len(row) != len(header):
            pkg.findings.append(
                finding("ragged-row", file, line, None, f"row has {len(row)} cells; the header has {len(header)}")
            )
            continue
        rows.append(row)
        lines.append(line)
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in header]
    types = {f["name"]: f.get("type", "string") for f in schema["fields"]}
    blank = (missing_values(schema) or [""])[0]
    bad: list[BadCell] = []
    cells: dict[int, list[str]] = {}
    for position, column in enumerate(columns):
        strings = types.get(header[position]) == "string"
        cells[position] = []
        for number, value in enumerate(column):
            if strings and value is not None and not isinstance(value, str):
                # frictionless reads only a JSON string as a string field's value.
                bad.append(
                    BadCell(
                        number,
                        header[position],
                        "type-error",
                        f"{json.dumps(value)} is not a string (a JSON {type(value).__name__})",
                    )
                )
                value = None
            cells[position].append(blank if value is None else _text(value))
    raw = pd.DataFrame({p: pd.Series(c, dtype="str") for p, c in cells.items()})
    located = np.asarray(lines, dtype=np.int64)
    before = len(pkg.findings)
    frame, names = match_header(header, raw, schema, file, pkg)
    # The header findings say line 1; here the header row is a line of the descriptor.
    header_line = pkg.json_line(file, (*where, 0))
    pkg.findings[before:] = [dataclasses.replace(f, line=header_line) for f in pkg.findings[before:]]
    report_control_characters(raw, located, names, file, pkg)
    pkg.tables[name] = Table(name, file, schema, frame, located, preset_bad=bad)


def _text(value: Any) -> str:
    """A JSON value as the text a CSV would hold: true/false, numbers as JSON writes them."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
