"""A table whose path is a list of files (a multipart path), read as one table."""

from __future__ import annotations

from typing import Any

from validate.loading.byte_scans import has_control_byte
from validate.loading.csv_read import parse_csv, report_control_characters
from validate.loading.dialect import read_dialect
from validate.loading.files import read_file
from validate.loading.header import match_header, positional_header
from validate.loading.refusals import bad_dialect
from validate.loading.schemas import load_schema
from validate.model import Package, Table
from validate.options import Options


def load_multipart(
    pkg: Package,
    resource: dict[str, Any],
    index: int,
    name: str,
    parts: list[str],
    options: Options,
    label: str,
    lf_only: bool,
) -> None:
    """Read a table whose path is a list of files as one table, each row at its own file and line.

    Each part is read as a file of its own (byte-level findings name it), and, when the
    dialect has a header row, starts with the header, as frictionless reads a multipart CSV;
    its header is matched to the schema like the first part's. Rows are numbered on through
    the parts (Table.parts), and each finding is placed back at its part and line.
    """
    import numpy as np
    import pandas as pd

    if bad_dialect(pkg, resource, index, label):
        return
    schema = load_schema(pkg, resource, index, options, label)
    datas = [
        read_file(pkg.root, part, options.max_file_bytes, pkg, pkg.descriptor_name, f"{label}.path[{i}]")
        for i, part in enumerate(parts)
    ]
    if schema is None or any(data is None for data in datas):
        return
    dialect = read_dialect(resource)
    frames: list[Any] = []
    numbered: list[Any] = []
    placed: list[tuple[int, str]] = []
    offset, incomplete = 0, False
    for part, data in zip(parts, datas, strict=True):
        assert data is not None
        before = len(pkg.findings)
        parsed = parse_csv(data, part, options, pkg, dialect, lf_only)
        if parsed is None:
            return
        header, raw, lines = parsed
        incomplete = incomplete or any(
            f.code == "ragged-row" and not f.message.endswith("ignored") for f in pkg.findings[before:]
        )
        if not dialect.header:
            header = positional_header(schema, len(header))
        frame, names = match_header(header, raw, schema, part, pkg)
        if has_control_byte(data):
            report_control_characters(raw, lines, names, part, pkg)
        frames.append(frame)
        numbered.append(np.asarray(lines, dtype=np.int64) + offset)
        placed.append((offset, part))
        # Past every line the part has, rows or not (a blank line after its last row is reported too).
        offset += max(data.count(b"\n"), data.count(b"\r")) + 1
    # A column missing from one part (reported there) is left out of the whole, not half empty.
    common = [c for c in frames[0].columns if all(c in f.columns for f in frames)]
    frame = pd.concat([f[common] for f in frames], ignore_index=True)
    pkg.tables[name] = Table(name, parts[0], schema, frame, np.concatenate(numbered), incomplete, parts=tuple(placed))
