"""Reading one CSV file's bytes into header, string cells and row lines, with a finding per defect.

Byte-level defects (byte-order mark, invalid UTF-8, line endings, over-long lines) are
found here; the rows are then read by the fast reader, or by the exact one when the fast
one cannot say each row's line.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from typing import TYPE_CHECKING, Any

from validate.findings import finding
from validate.loading.byte_scans import check_utf8, first_long_line
from validate.loading.csv_exact import parse_exact
from validate.loading.csv_fast import Arrow, Parsed, parse_fast
from validate.loading.dialect import Dialect
from validate.model import Package
from validate.options import Options
from validate.text import line_of_offset

if TYPE_CHECKING:
    from concurrent.futures import Future

CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UNDECODED = re.compile("[\udc80-\udcff]")
_LINE_ENDS = {b"\r\n": re.compile(rb"\r\n"), b"\r": re.compile(rb"\r(?!\n)"), b"\n": re.compile(rb"(?<!\r)\n")}
_STYLE = {b"\r\n": "CRLF", b"\r": "CR", b"\n": "LF"}


def parse_csv(
    data: bytes,
    path: str,
    options: Options,
    pkg: Package,
    dialect: Dialect,
    lf_only: bool = False,
    started: Future[Arrow | None] | None = None,
) -> Parsed | None:
    """Header, cells as strings and row lines; None (with a finding) when unreadable.

    lf_only is the package's own declaration (x-line-endings LF): then any CR or CRLF line
    ending is an error; otherwise one style throughout is fine and a mix is a warning.
    """
    given = data
    if data.startswith(codecs.BOM_UTF8):
        pkg.findings.append(
            finding("byte-order-mark", path, 1, None, "the file starts with a UTF-8 byte-order mark; it is ignored")
        )
        data = data[len(codecs.BOM_UTF8) :]
    try:
        check_utf8(data)
    except UnicodeDecodeError as error:
        pkg.findings.append(
            finding(
                "encoding-error",
                path,
                line_of_offset(data, error.start),
                _undecodable_column(data, dialect),
                f"byte {error.start} (0x{data[error.start]:02x}) is not valid UTF-8",
            )
        )
        return None
    if b"\r" in data:
        data = _normalise_line_endings(data, path, pkg, dialect, lf_only)
    if len(data) > options.max_line_bytes and _line_too_long(data, path, options, pkg):
        return None
    # Arrow's parse may be under way already (validate.loading.ahead): only of these very bytes.
    parsed = parse_fast(data, dialect, started if data is given else None) or parse_exact(data, path, pkg, dialect)
    if parsed is None:
        return None
    if dialect.header and not any(name.strip() for name in parsed[0]):
        pkg.findings.append(finding("file-empty", path, 1, None, f"{path} has no header row"))
        return None
    return parsed


def _undecodable_column(data: bytes, dialect: Dialect) -> str | None:
    """Header name of the first cell holding a byte that is not UTF-8, read as far as the CSV allows."""
    reader = csv.reader(
        io.StringIO(data.decode("utf-8", errors="surrogateescape"), newline=""), **dialect.csv_options()
    )
    header: list[str] | None = None
    try:
        for row in reader:
            header = row if header is None else header
            for position, cell in enumerate(row):
                if _UNDECODED.search(cell):
                    name = header[position] if position < len(header) else ""
                    return name if name.strip() and not _UNDECODED.search(name) else f"#{position + 1}"
    except csv.Error:
        return None
    return None


def _line_too_long(data: bytes, path: str, options: Options, pkg: Package) -> bool:
    """True, with a finding at the first such line, when a line is over the limit."""
    found = first_long_line(data, options.max_line_bytes)
    if found is None:
        return False
    start, length = found
    pkg.findings.append(
        finding(
            "line-too-long",
            path,
            line_of_offset(data, start),
            None,
            f"line is {length} bytes; the limit is {options.max_line_bytes}",
        )
    )
    return True


def _normalise_line_endings(data: bytes, path: str, pkg: Package, dialect: Dialect, lf_only: bool) -> bytes:
    """LF for every CR or CRLF that ends a line, with at most one finding about line endings.

    With lf_only the first CR or CRLF line end is an error; otherwise a file that mixes
    styles gets a warning at the first line that ends otherwise than the first line does.
    A CR inside a quoted cell is the cell's content, not a line ending: it stays, so that
    a cell starting with CR is still seen as a possible formula.
    """
    # Splitting on the quote character leaves the text outside quoted cells at even positions;
    # an escaped quote ("") opens and closes at once, so the parity holds.
    quote = dialect.quote_char.encode("utf-8") if dialect.quote_char else None
    parts = data.split(quote) if quote else [data]
    first: dict[bytes, int] = {}  # offset of the first line end of each style
    offset = 0
    for index, part in enumerate(parts):
        if index % 2 == 0:
            for style, pattern in _LINE_ENDS.items():
                match = pattern.search(part) if style not in first else None
                if match:
                    first[style] = offset + match.start()
        offset += len(part) + 1
    ends = sorted((at, style) for style, at in first.items())
    if lf_only and any(style != b"\n" for _, style in ends):
        at = min(at for at, style in ends if style != b"\n")
        pkg.findings.append(
            finding(
                "line-ending",
                path,
                line_of_offset(data, at),
                None,
                "CR or CRLF line ending; the package declares x-line-endings LF",
            )
        )
    elif len(ends) > 1:
        at, style = ends[1]
        pkg.findings.append(
            finding(
                "mixed-line-endings",
                path,
                line_of_offset(data, at),
                None,
                f"this line ends in {_STYLE[style]}, earlier lines in {_STYLE[ends[0][1]]}",
            )
        )
    for index in range(0, len(parts), 2):
        parts[index] = parts[index].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return quote.join(parts) if quote else parts[0]


def report_control_characters(frame: Any, lines: Any, names: dict[int, str], path: str, pkg: Package) -> None:
    """One finding per cell (at most 50 a column) that holds a NUL or another control character."""
    import numpy as np
    import pandas as pd

    pattern = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
    # Every cell in one pass, column after column: a pass per column cost a millisecond each.
    cells = pd.Series(frame.to_numpy(dtype=object).ravel(order="F"), dtype=object)
    found = cells.str.contains(pattern, regex=True).to_numpy(dtype=bool, na_value=False)
    height = max(len(frame), 1)
    per_column: dict[int, int] = {}
    for cell in np.flatnonzero(found).tolist():
        column, row = divmod(cell, height)
        per_column[column] = per_column.get(column, 0) + 1
        if per_column[column] > 50:
            continue
        pkg.findings.append(
            finding(
                "control-character",
                path,
                int(lines[row]),
                names.get(int(frame.columns[column])),
                "the cell holds a NUL or other control character",
            )
        )
