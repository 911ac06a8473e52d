"""Reads a package from disk: descriptor, Table Schemas, CSV tables, archived texts, rules.

This is the only module that opens files. It reads, never writes, refuses paths
that leave the package, and records what it cannot read as findings so that the
checks can judge what is there.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from validate.findings import CODES, Finding
from validate.options import Options
from validate.text import line_of_offset

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

DESCRIPTOR = "datapackage.json"
RULES = "schemas/rules.json"
FIELD_TYPES = {"string", "integer", "number", "boolean", "date", "datetime", "time", "year",
               "yearmonth", "duration", "object", "array", "list", "geopoint", "geojson", "any"}
_AT = re.compile(r" at property '([^']*)'$")
_REQUIRED = re.compile(r"^'([^']*)' is a required property")
_REMOTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def finding(code: str, file: str, line: int | None, field_: str | None, message: str) -> Finding:
    """A finding whose severity comes from the code registry."""
    return Finding(file, line, field_, code, CODES[code].severity, message)


@dataclass
class Table:
    """One CSV table as read: raw strings by schema field name, and each row's physical line."""

    name: str
    path: str
    schema: dict[str, Any]
    frame: pd.DataFrame
    lines: np.ndarray
    incomplete: bool = False
    """Some rows could not be read (ragged), so the table may lack rows other tables refer to."""

    @property
    def fields(self) -> list[dict[str, Any]]:
        """Schema fields whose column is present."""
        return [f for f in self.schema["fields"] if f["name"] in self.frame.columns]

    def line(self, row: int) -> int:
        """Physical line of the row at position ``row``."""
        return int(self.lines[row])


@dataclass
class Package:
    """Everything read from a package directory."""

    root: Path
    descriptor: dict[str, Any] | None = None
    descriptor_text: str = ""
    tables: dict[str, Table] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    """Bytes of every readable non-table resource, by path as written."""
    resources: list[dict[str, Any]] = field(default_factory=list)
    """Resources that are objects, in descriptor order."""
    rules: dict[str, Any] | None = None
    findings: list[Finding] = field(default_factory=list)
    json_texts: dict[str, str] = field(default_factory=dict)
    """Text of every JSON file read (descriptor, schemas, rules), to locate findings by line."""
    _json_lines: dict[str, dict[JsonPath, int]] = field(default_factory=dict, repr=False)

    def table(self, name: str) -> Table | None:
        """The loaded table of that resource name, if it could be read."""
        return self.tables.get(name)

    def json_line(self, file: str, path: JsonPath) -> int | None:
        """Line of the value at path (or of its nearest located parent) in a JSON file read."""
        if file not in self._json_lines:
            text = self.json_texts.get(file)
            if text is None:
                return None
            self._json_lines[file] = json_lines(text)
        lines = self._json_lines[file]
        for end in range(len(path), -1, -1):
            if path[:end] in lines:
                return lines[path[:end]]
        return None


JsonPath = tuple[str | int, ...]
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}:,]|[^\s\[\]{}:,"]+')


def json_lines(text: str) -> dict[JsonPath, int]:
    """Line of every member and item of a valid JSON text, by path; iterative, so depth is no risk."""
    lines: dict[JsonPath, int] = {}
    # Each frame is [container kind, key or index of the child being read, expecting a key].
    stack: list[list[Any]] = []
    line, position = 1, 0
    for match in _JSON_TOKEN.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        token = match.group()
        top = stack[-1] if stack else None
        if token in ("]", "}"):
            stack.pop()
        elif token == ",":
            if top is not None and top[0] == "[":
                top[1] += 1
            elif top is not None:
                top[2] = True
        elif token == ":":
            continue
        elif top is not None and top[0] == "{" and top[2]:
            top[1], top[2] = json.loads(token), False
            lines.setdefault(tuple(f[1] for f in stack), line)
        else:
            lines.setdefault(tuple(f[1] for f in stack), line)
            if token in ("[", "{"):
                stack.append([token, 0 if token == "[" else None, token == "{"])
    return lines


def profile_finding(pkg: Package, file: str, base: JsonPath, prefix: str, error: object,
                    code: str = "descriptor-profile") -> Finding:
    """A frictionless profile error as a finding at the line and field of the property it names."""
    note = str(getattr(error, "note", error))
    where = _AT.search(note)
    required = _REQUIRED.match(note)
    parts: list[str | int] = [int(p) if p.isdigit() else p for p in (where.group(1) if where else "").split("/") if p]
    named = [*parts, required.group(1)] if required else parts
    field_ = prefix + ".".join(map(str, named)) if named else prefix.rstrip(".") or None
    return finding(code, file, pkg.json_line(file, (*base, *parts)), field_, note)


def path_problem(root: Path, path: object) -> str | None:
    """Why a resource path may not be opened, or None when it is a safe path inside root."""
    if not isinstance(path, str) or not path:
        return "path must be a non-empty string"
    if "\x00" in path or "\\" in path:
        return f"path {path!r} contains a NUL or backslash"
    if path.startswith("//") or _REMOTE.match(path):
        return f"remote path {path!r} is refused: the validator never opens a connection"
    if path.startswith("~"):
        return f"path {path!r} starts with '~'; use a path relative to the package root"
    if os.path.isabs(path):
        return f"absolute path {path!r}; use a path relative to the package root"
    if ".." in PurePosixPath(path).parts:
        return f"path {path!r} climbs out of the package with '..'"
    real = (root / path).resolve()
    if not real.is_relative_to(root.resolve()):
        return f"path {path!r} is a symlink to outside the package"
    return None


def read_file(root: Path, path: str, limit: int, pkg: Package, owner: str,
              field_: str = "path") -> bytes | None:
    """Bytes of a safe, regular, non-empty file within the limit, or None with a finding."""
    problem = path_problem(root, path)
    if problem:
        pkg.findings.append(finding("unsafe-path", owner, None, field_, problem))
        return None
    full = root / path
    if not full.is_file():
        what = "a directory" if full.is_dir() else "missing or not a regular file"
        pkg.findings.append(finding("file-missing", path, None, None, f"{path} is {what}"))
        return None
    read = _read_regular(full, limit)
    if read is None:
        pkg.findings.append(finding("file-missing", path, None, None,
                                    f"{path} could not be opened as a regular file"))
        return None
    size, data = read
    if size > limit:
        pkg.findings.append(finding("file-too-large", path, None, None,
                                    f"{path} is {size} bytes; the limit is {limit}"))
        return None
    if not data:
        pkg.findings.append(finding("file-empty", path, None, None, f"{path} is empty"))
        return None
    return data


def _read_regular(full: Path, limit: int) -> tuple[int, bytes] | None:
    """Size and bytes of a regular file (no bytes when over limit); None if not one or unreadable.

    The file is opened non-blocking and checked after opening, so a FIFO or device swapped
    in after the first check can neither hang the run nor be read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        descriptor = os.open(full, flags)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb", closefd=True) as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            return None
        if status.st_size > limit:
            return status.st_size, b""
        data = handle.read(limit + 1)  # the file may grow after fstat: never read past the limit
        return max(status.st_size, len(data)), data


def read_json(data: bytes, file: str, pkg: Package) -> Any:
    """Parsed JSON, or None with a located finding."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        pkg.findings.append(finding("encoding-error", file, line_of_offset(data, error.start), None,
                                    f"byte {error.start} is not valid UTF-8"))
        return None
    try:
        value = json.loads(text)
        pkg.json_texts[file] = text
        return value
    except json.JSONDecodeError as error:
        code = "descriptor-invalid" if file == DESCRIPTOR else "schema-invalid"
        pkg.findings.append(finding(code, file, error.lineno, None, f"not valid JSON: {error.msg}"))
    except RecursionError:
        code = "descriptor-invalid" if file == DESCRIPTOR else "schema-invalid"
        pkg.findings.append(finding(code, file, 1, None, "JSON is nested too deeply to read"))
    return None


def load_package(root: Path, options: Options) -> Package:
    """Read everything the checks need from the package at root."""
    pkg = Package(root=root)
    descriptor_path = root / DESCRIPTOR
    if not descriptor_path.is_file():
        pkg.findings.append(finding("descriptor-missing", DESCRIPTOR, None, None,
                                    f"no {DESCRIPTOR} in the package directory"))
        return pkg
    data = read_file(root, DESCRIPTOR, json_limit(options), pkg, DESCRIPTOR)
    descriptor = read_json(data, DESCRIPTOR, pkg) if data is not None else None
    if descriptor is None:
        return pkg
    if not isinstance(descriptor, dict):
        pkg.findings.append(finding("descriptor-invalid", DESCRIPTOR, 1, None,
                                    f"the top level is a JSON {type(descriptor).__name__}, not an object"))
        return pkg
    pkg.descriptor = descriptor
    pkg.descriptor_text = data.decode("utf-8-sig") if data else ""
    resources = descriptor.get("resources")
    if not isinstance(resources, list):
        return pkg  # the profile check reports it
    pkg.resources = [r for r in resources if isinstance(r, dict)]
    seen_names: set[str] = set()
    seen_paths: set[str] = set()
    for index, resource in enumerate(resources):
        if not isinstance(resource, dict):
            continue  # the profile check reports it
        name, path = resource.get("name"), resource.get("path")
        if isinstance(name, str) and name in seen_names:
            pkg.findings.append(finding("duplicate-resource", DESCRIPTOR, None, "resources",
                                        f"resource name {name!r} is used twice"))
            continue
        if isinstance(path, str) and path in seen_paths:
            pkg.findings.append(finding("duplicate-resource", DESCRIPTOR, None, "resources",
                                        f"resource path {path!r} is used twice"))
            continue
        if isinstance(name, str):
            seen_names.add(name)
        if isinstance(path, str):
            seen_paths.add(path)
        label = resource_label(resource, index)
        if not isinstance(path, str):
            _report_unreadable_path(pkg, resource, label)
            continue
        problem = path_problem(root, path)
        if problem is not None:
            pkg.findings.append(finding("unsafe-path", DESCRIPTOR, None, f"{label}.path", problem))
            continue
        if resource.get("type") == "table" or "schema" in resource:
            load_table(pkg, resource, name if isinstance(name, str) else path, path, options, label)
        else:
            raw = read_file(root, path, options.max_file_bytes, pkg, DESCRIPTOR, f"{label}.path")
            if raw is not None:
                pkg.files[path] = raw
    load_rules(pkg, options)
    return pkg


def json_limit(options: Options) -> int:
    """Largest JSON file read: the descriptor limit, never above the limit for any file."""
    return min(options.max_descriptor_bytes, options.max_file_bytes)


def resource_label(resource: dict[str, Any], index: int) -> str:
    """How findings name a resource: resources[name], or resources[index] when it has no name."""
    name = resource.get("name")
    return f"resources[{name}]" if isinstance(name, str) and name else f"resources[{index}]"


def _report_unreadable_path(pkg: Package, resource: dict[str, Any], label: str) -> None:
    """A path that is not one string: the profile reports wrong types, this what it allows."""
    if resource.get("path") is not None or "data" not in resource:
        return  # missing, a list or of the wrong type: the profile check reports it, once
    message = "inline data is not read; put the rows in a CSV file inside the package"
    pkg.findings.append(finding("unsafe-path", DESCRIPTOR, None, f"{label}.path", message))


def load_schema(pkg: Package, resource: dict[str, Any], options: Options,
                label: str) -> dict[str, Any] | None:
    """The resource's Table Schema, checked enough that the checks can rely on its shape."""
    schema = resource.get("schema")
    where = DESCRIPTOR
    if schema is not None and not isinstance(schema, (str, dict)):
        return None  # the profile check reports the wrong type, once
    if isinstance(schema, str):
        where = schema
        data = read_file(pkg.root, schema, json_limit(options), pkg, DESCRIPTOR, f"{label}.schema")
        schema = read_json(data, schema, pkg) if data is not None else None
        if schema is None:
            return None
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        pkg.findings.append(finding("schema-invalid", where, None, "fields",
                                    "a Table Schema must be an object with a list of fields"))
        return None
    names: set[str] = set()
    for position, item in enumerate(schema["fields"]):
        if not (isinstance(item, dict) and isinstance(item.get("name"), str)
                and item.get("type", "string") in FIELD_TYPES and item["name"] not in names):
            pkg.findings.append(finding("schema-invalid", where, None, f"fields[{position}]",
                                        "each field needs a unique name and a known type"))
            return None
        names.add(item["name"])
    index = next((i for i, r in enumerate(_resources(pkg)) if r is resource), 0)
    base: JsonPath = () if where != DESCRIPTOR else ("resources", index, "schema")
    prefix = "" if where != DESCRIPTOR else f"{label}.schema."
    problems = _schema_profile_findings(pkg, schema, where, base, prefix)
    pkg.findings.extend(problems)
    return None if problems else schema


def _schema_profile_findings(pkg: Package, schema: dict[str, Any], where: str, base: JsonPath,
                             prefix: str) -> list[Finding]:
    """The schema against the Table Schema profile, offline: the checks rely on a valid schema."""
    from frictionless import Schema
    from frictionless.metadata import ValidationContext  # type: ignore[attr-defined]

    # A custom $schema or profile is not fetched; the standard one stands in for it.
    checked = {k: v for k, v in schema.items() if k not in ("$schema", "profile")}
    try:
        errors = list(Schema.metadata_validate(checked, context=ValidationContext(datapackage_version="v2")))
    except RecursionError:
        return [finding("schema-invalid", where, 1, None, "the schema is nested too deeply to check")]
    except Exception as error:  # frictionless raises its own and jsonschema's exceptions
        return [finding("schema-invalid", where, None, None, f"schema check failed: {error}")]
    return [profile_finding(pkg, where, base, prefix, e, "schema-invalid") for e in errors]


def _resources(pkg: Package) -> list[Any]:
    """The descriptor's resources list as written (items of any type), or empty."""
    resources = pkg.descriptor.get("resources") if pkg.descriptor else None
    return resources if isinstance(resources, list) else []


def load_table(pkg: Package, resource: dict[str, Any], name: str, path: str, options: Options,
               label: str) -> None:
    """Read one CSV resource and its schema into a Table, or record why it cannot be read."""
    schema = load_schema(pkg, resource, options, label)
    data = read_file(pkg.root, path, options.max_file_bytes, pkg, DESCRIPTOR, f"{label}.path")
    if schema is None or data is None:
        return
    before = len(pkg.findings)
    parsed = parse_csv(data, path, options, pkg)
    if parsed is None:
        return
    header, frame, lines = parsed
    incomplete = any(f.code == "ragged-row" and not f.message.endswith("ignored")
                     for f in pkg.findings[before:])
    frame = match_header(header, frame, schema, path, pkg)
    pkg.tables[name] = Table(name, path, schema, frame, lines, incomplete)


def parse_csv(data: bytes, path: str, options: Options,
              pkg: Package) -> tuple[list[str], pd.DataFrame, np.ndarray] | None:
    """Header, cells as strings and row lines; None (with a finding) when unreadable."""
    if data.startswith(codecs.BOM_UTF8):
        pkg.findings.append(finding("byte-order-mark", path, 1, None,
                                    "the file starts with a UTF-8 byte-order mark; it is ignored"))
        data = data[len(codecs.BOM_UTF8):]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        pkg.findings.append(finding("encoding-error", path, line_of_offset(data, error.start), None,
                                    f"byte {error.start} (0x{data[error.start]:02x}) is not valid UTF-8"))
        return None
    if b"\r" in data:
        data = _normalise_line_endings(data, path, pkg)
    if len(data) > options.max_line_bytes:
        start = 0
        while start < len(data):
            end = data.find(b"\n", start)
            end = len(data) if end == -1 else end
            if end - start > options.max_line_bytes:
                pkg.findings.append(finding("line-too-long", path, line_of_offset(data, start), None,
                                            f"line is {end - start} bytes; the limit is {options.max_line_bytes}"))
                return None
            start = end + 1
    parsed = _parse_fast(data)
    if parsed is None:
        parsed = _parse_exact(data, path, pkg)
    if parsed is None:
        return None
    header, frame, lines = parsed
    if not any(name.strip() for name in header):
        pkg.findings.append(finding("file-empty", path, 1, None, f"{path} has no header row"))
        return None
    if _CONTROL.search(data):
        _report_control_characters(frame, lines, path, pkg)
    return header, frame, lines


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


def _parse_fast(data: bytes) -> tuple[list[str], pd.DataFrame, np.ndarray] | None:
    """Parse with Arrow's CSV reader; None when the file needs the exact, slower reader."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    ragged: list[object] = []

    def on_invalid(row: object) -> str:
        ragged.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                strings_can_be_null=False, quoted_strings_can_be_null=False,
                column_types={}, auto_dict_encode=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    if ragged or table.num_rows == 0:
        return None
    # Arrow infers types; the checks want the cells exactly as written.
    columns = [c if pa.types.is_string(c.type) else None for c in table.columns]
    if any(c is None for c in columns):
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in table.column_names},
                strings_can_be_null=False, quoted_strings_can_be_null=False,
            ),
        )
    header = [str(v) for v in table.slice(0, 1).to_pylist()[0].values()]
    body = table.slice(1)
    newlines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if newlines != table.num_rows:
        return None  # a quoted field spans lines: only the exact reader knows each row's line
    frame = body.to_pandas()
    frame.columns = range(len(header))
    lines = np.arange(2, body.num_rows + 2)
    return header, frame, lines


def _parse_exact(data: bytes, path: str, pkg: Package) -> tuple[list[str], pd.DataFrame, np.ndarray] | None:
    """Parse with the csv module, locating ragged rows and unclosed quotes by line."""
    import numpy as np
    import pandas as pd

    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""), strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    header: list[str] | None = None
    previous = 0
    try:
        for row in reader:
            start = previous + 1
            previous = reader.line_num
            if header is None:
                header = row
                continue
            if len(row) != len(header):
                what = "an empty line" if not row else f"{len(row)} cells; the header has {len(header)}"
                if len(row) > len(header) and not any(c.strip() for c in row[len(header):]):
                    # Trailing empty cells, as spreadsheets leave them: the row itself is intact,
                    # so it is kept and other tables still find the keys it holds.
                    pkg.findings.append(finding("ragged-row", path, start, None,
                                                f"row has {what}; the extra cells are empty and ignored"))
                    row = row[:len(header)]
                else:
                    pkg.findings.append(finding("ragged-row", path, start, None, f"row has {what}"))
                    continue
            rows.append(row)
            lines.append(start)
    except csv.Error as error:
        pkg.findings.append(finding("unclosed-quote", path, previous + 1, None,
                                    f"a quoted field opening here is malformed or never closes ({error})"))
        return None
    if header is None:
        pkg.findings.append(finding("file-empty", path, None, None, f"{path} has no header row"))
        return None
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in header]
    frame = pd.DataFrame({i: pd.Series(list(c), dtype="str") for i, c in enumerate(columns)})
    return header, frame, np.asarray(lines, dtype=np.int64)


def _report_control_characters(frame: pd.DataFrame, lines: np.ndarray, path: str, pkg: Package) -> None:
    """One finding per cell that holds a NUL or another control character."""
    pattern = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
    for column in frame.columns:
        hits = frame[column].str.contains(pattern, regex=True)
        for row in hits[hits].index[:50]:
            pkg.findings.append(finding("control-character", path, int(lines[row]), f"#{column}",
                                        "the cell holds a NUL or other control character"))


def match_header(header: list[str], frame: pd.DataFrame, schema: dict[str, Any],
                 path: str, pkg: Package) -> pd.DataFrame:
    """Name the frame's columns by header, report header defects once, keep schema columns."""
    expected = [f["name"] for f in schema["fields"]]
    positions: dict[str, int] = {}
    for position, name in enumerate(header):
        if not name.strip():
            pkg.findings.append(finding("blank-header", path, 1, f"#{position + 1}",
                                        f"column {position + 1} has no name{_meant(expected, header, position)}"))
        elif name in positions:
            pkg.findings.append(finding("duplicate-header", path, 1, name,
                                        f"column {name!r} appears at {positions[name] + 1} and {position + 1}"
                                        f"{_meant(expected, header, position)}"))
        else:
            positions[name] = position
    # A blank or repeated name where the schema's column is missing is that column misnamed:
    # read it as that column, so one defect gives one finding, not a missing column too.
    for position, name in enumerate(header):
        if positions.get(name) != position and _meant(expected, header, position):
            positions[expected[position]] = position
    present = [n for n in header if n in positions and n.strip() and positions[n] == header.index(n)]
    if sorted(present) == sorted(expected) and present != expected:
        pkg.findings.append(finding("header-order", path, 1, None,
                                    f"columns are {', '.join(present)}; the schema's order is "
                                    f"{', '.join(expected)}"))
    else:
        for name in expected:
            if name not in positions:
                pkg.findings.append(finding("missing-column", path, 1, name,
                                            f"the schema's field {name!r} has no column"))
        for name in present:
            if name not in expected:
                pkg.findings.append(finding("extra-column", path, 1, name,
                                            f"column {name!r} is not in the schema"))
    # Control-character findings were keyed by position; rename them to the column name.
    names = {position: name for name, position in positions.items()}
    renamed = []
    for item in pkg.findings:
        if item.file == path and item.field and item.field.startswith("#") and item.code == "control-character":
            index = int(item.field[1:])
            item = Finding(item.file, item.line, names.get(index, header[index] if index < len(header) else None),
                           item.code, item.severity, item.message)
        renamed.append(item)
    pkg.findings[:] = renamed
    keep = {positions[n]: n for n in expected if n in positions}
    out = frame[list(keep)]
    out.columns = list(keep.values())
    return out.reset_index(drop=True)


def _meant(expected: list[str], header: list[str], position: int) -> str:
    """'; read as <name>' when the schema's column at this position has no column of its own."""
    if len(header) != len(expected) or expected[position] in header:
        return ""
    return f"; read as the schema's {expected[position]!r}, the column at this position"


def load_rules(pkg: Package, options: Options) -> None:
    """The consistency rules declared in schemas/rules.json, when the package has them."""
    if not (pkg.root / RULES).is_file():
        return
    data = read_file(pkg.root, RULES, json_limit(options), pkg, RULES)
    rules = read_json(data, RULES, pkg) if data is not None else None
    if rules is not None and not isinstance(rules, dict):
        pkg.findings.append(finding("rules-invalid", RULES, 1, None, "the rules file must be a JSON object"))
        return
    pkg.rules = rules
