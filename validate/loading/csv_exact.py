"""The exact CSV reader: the csv module, locating ragged rows and unclosed quotes by physical line."""

from __future__ import annotations

import csv
import io

from validate.findings import finding
from validate.loading.csv_fast import Parsed
from validate.loading.dialect import Dialect
from validate.model import Package


def parse_exact(data: bytes, path: str, pkg: Package, dialect: Dialect) -> Parsed | None:
    """Header, cells as strings and row lines, with a finding per row the reader cannot keep.

    Rows whose first cell starts with the dialect's comment character are skipped, as
    frictionless skips them; without a header row the first row is data and also the header
    returned, for its width only.
    """
    import numpy as np
    import pandas as pd

    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""), strict=True, **dialect.csv_options())
    rows: list[list[str]] = []
    lines: list[int] = []
    header: list[str] | None = None
    previous = 0
    try:
        for row in reader:
            start = previous + 1
            previous = reader.line_num
            if dialect.comment_char and row and row[0].startswith(dialect.comment_char):
                continue
            if header is None:
                header = row
                if dialect.header:
                    continue
            if len(row) != len(header):
                what = "an empty line" if not row else f"{len(row)} cells; the header has {len(header)}"
                if len(row) > len(header) and not any(c.strip() for c in row[len(header) :]):
                    # Trailing empty cells, as spreadsheets leave them: the row itself is intact,
                    # so it is kept and other tables still find the keys it holds.
                    pkg.findings.append(
                        finding(
                            "ragged-row", path, start, None, f"row has {what}; the extra cells are empty and ignored"
                        )
                    )
                    row = row[: len(header)]
                elif not row:
                    pkg.findings.append(finding("ragged-row", path, start, None, f"row has {what}"))
                    continue
                else:
                    # The cells are checked where they align with the header by position, as
                    # frictionless checks them: extra cells are dropped, missing ones padded as
                    # missing and never reported (Package.padded); the row's one finding is this.
                    pkg.findings.append(finding("ragged-row", path, start, None, f"row has {what}"))
                    short = range(len(row), len(header))
                    pkg.padded.update((path, start, header[i]) for i in short)
                    row = row[: len(header)] + [""] * len(short)
            rows.append(row)
            lines.append(start)
    except csv.Error as error:
        pkg.findings.append(
            finding(
                "unclosed-quote",
                path,
                previous + 1,
                None,
                f"a quoted field opening here is malformed or never closes ({error})",
            )
        )
        return None
    if header is None:
        pkg.findings.append(finding("file-empty", path, None, None, f"{path} has no header row"))
        return None
    # One block of objects: a string column each cost about 0.2 ms, 20 s for a header of
    # 100,000 names. match_header makes the schema's columns strings.
    cells = np.empty((len(rows), len(header)), dtype=object)
    if rows:
        cells[:] = rows
    frame = pd.DataFrame(cells, columns=pd.RangeIndex(len(header)), dtype=object, copy=False)
    return header, frame, np.asarray(lines, dtype=np.int64)
