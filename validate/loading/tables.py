"""One delimited table resource read into a Table: its dialect, schema, bytes, rows and header."""

from __future__ import annotations

from typing import Any

from validate.loading.ahead import Ahead
from validate.loading.byte_scans import has_control_byte
from validate.loading.csv_read import parse_csv, report_control_characters
from validate.loading.dialect import read_dialect
from validate.loading.files import read_file
from validate.loading.header import match_header, positional_header
from validate.loading.integrity import check_integrity
from validate.loading.refusals import bad_dialect
from validate.loading.schemas import load_schema
from validate.model import Package, Table
from validate.options import Options

LINE_ENDINGS = "x-line-endings"
"""Descriptor property by which a package declares its own line-ending rule ("LF": LF only)."""


def only_lf(pkg: Package) -> bool:
    """The package declares that its files end their lines in LF only."""
    return pkg.descriptor is not None and pkg.descriptor.get(LINE_ENDINGS) == "LF"


def load_table(
    pkg: Package,
    resource: dict[str, Any],
    index: int,
    name: str,
    path: str,
    options: Options,
    label: str,
    ahead: Ahead | None = None,
) -> None:
    """Read one CSV resource and its schema into a Table, or record why it cannot be read."""
    if bad_dialect(pkg, resource, index, label):
        return
    schema = load_schema(pkg, resource, index, options, label)
    # Read ahead (validate.loading.ahead), the file passed the checks read_file makes.
    data = (ahead.bytes_of(path) if ahead else None) or read_file(
        pkg.root, path, options.max_file_bytes, pkg, pkg.descriptor_name, f"{label}.path"
    )
    if schema is None or data is None:
        return
    check_integrity(pkg, resource, path, data)
    before = len(pkg.findings)
    dialect = read_dialect(resource)
    lf_only = only_lf(pkg)
    started = ahead.parse_of(data, dialect) if ahead else None
    parsed = parse_csv(data, path, options, pkg, dialect, lf_only, started)
    if parsed is None:
        return
    header, raw, lines = parsed
    incomplete = any(f.code == "ragged-row" and not f.message.endswith("ignored") for f in pkg.findings[before:])
    if not dialect.header:
        header = positional_header(schema, len(header))
    frame, names = match_header(header, raw, schema, path, pkg)
    if has_control_byte(data):
        report_control_characters(raw, lines, names, path, pkg)
    pkg.tables[name] = Table(name, path, schema, frame, lines, incomplete)
