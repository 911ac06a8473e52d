"""Reading one CSV file's bytes into header, string cells and row lines, with a finding per defect.

Byte-level defects (byte-order mark, invalid UTF-8, CR line endings, over-long lines) are
found here; the rows are then read by the fast reader, or by the exact one when the fast
one cannot say each row's line.
"""

from __future__ import annotations

import codecs
import csv
import io
import re

from validate.findings import finding
from validate.loading.csv_exact import parse_exact
from validate.loading.csv_fast import Parsed, parse_fast
from validate.model import Package
from validate.options import Options
from validate.text import line_of_offset

CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UNDECODED = re.compile("[\udc80-\udcff]")


def parse_csv(data: bytes, path: str, options: Options, pkg: Package) -> Parsed | None:
    """Header, cells as strings and row lines; None (with a finding) when unreadable."""
    if data.startswith(codecs.BOM_UTF8):
        pkg.findings.append(finding("byte-order-mark", path, 1, None,
                                    "the file starts with a UTF-8 byte-order mark; it is ignored"))
        data = data[len(codecs.BOM_UTF8):]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        pkg.findings.append(finding("encoding-error", path, line_of_offset(data, error.start),
                                    _undecodable_column(data),
                                    f"byte {error.start} (0x{data[error.start]:02x}) is not valid UTF-8"))
        return None
    if b"\r" in data:
        data = _normalise_line_endings(data, path, pkg)
    if len(data) > options.max_line_bytes and _line_too_long(data, path, options, pkg):
        return None
    parsed = parse_fast(data) or parse_exact(data, path, pkg)
    if parsed is None:
        return None
    if not any(name.strip() for name in parsed[0]):
        pkg.findings.append(finding("file-empty", path, 1, None, f"{path} has no header row"))
        return None
    return parsed


def _undecodable_column(data: bytes) -> str | None:
    """Header name of the first cell holding a byte that is not UTF-8, read as far as the CSV allows."""
    reader = csv.reader(io.StringIO(data.decode("utf-8", errors="surrogateescape"), newline=""))
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
    start = 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end == -1 else end
        if end - start > options.max_line_bytes:
            pkg.findings.append(finding("line-too-long", path, line_of_offset(data, start), None,
                                        f"line is {end - start} bytes; the limit is {options.max_line_bytes}"))
            return True
        start = end + 1
    return False


def _normalise_line_endings(data: bytes, path: str, pkg: Package) -> bytes:
    """LF for every CR or CRLF that ends a line, with one finding at the first such line.

    A CR inside a quoted cell is the cell's content, not a line ending: it stays, so that
    a cell starting with CR is still seen as a possible formula.
    """
    # Splitting on '"' leaves the text outside quoted cells at even positions; an escaped
    # quote ("") opens and closes at once, so the parity holds.
    parts = data.split(b'"')
    offset, first = 0, -1
    for index in range(0, len(parts), 2):
        at = parts[index].find(b"\r")
        if at != -1 and first == -1:
            first = offset + at
        offset += len(parts[index]) + 1 + (len(parts[index + 1]) + 1 if index + 1 < len(parts) else 0)
    if first == -1:
        return data
    pkg.findings.append(finding("line-ending", path, line_of_offset(data, first), None,
                                "CR or CRLF line ending; the package uses LF only"))
    for index in range(0, len(parts), 2):
        parts[index] = parts[index].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return b'"'.join(parts)
