"""Reading files of the package: safe, regular, within limits, never blocking; JSON and YAML parsed
with located errors."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path
from typing import Any

from validate.findings import finding
from validate.jsonlines import JsonPath
from validate.loading.paths import path_problem
from validate.model import Package
from validate.options import Options
from validate.text import line_of_offset


def json_limit(options: Options) -> int:
    """Largest JSON file read: the descriptor limit, never above the limit for any file."""
    return min(options.max_descriptor_bytes, options.max_file_bytes)


def read_file(root: Path, path: str, limit: int, pkg: Package, owner: str, field_: str = "path") -> bytes | None:
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
    read = read_regular(full, limit)
    if read is None:
        pkg.findings.append(finding("file-missing", path, None, None, f"{path} could not be opened as a regular file"))
        return None
    size, data = read
    if size > limit:
        pkg.findings.append(
            finding("file-too-large", path, None, None, f"{path} is {size} bytes; the limit is {limit}")
        )
        return None
    if not data:
        pkg.findings.append(finding("file-empty", path, None, None, f"{path} is empty"))
        return None
    return data


def read_regular(full: Path, limit: int) -> tuple[int, bytes] | None:
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


def _decoded(data: bytes, file: str, pkg: Package) -> str | None:
    """The file's text (a byte-order mark dropped), or None with a located encoding finding."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        pkg.findings.append(
            finding(
                "encoding-error",
                file,
                line_of_offset(data, error.start),
                None,
                f"byte {error.start} is not valid UTF-8",
            )
        )
        return None


def read_json(data: bytes, file: str, pkg: Package) -> Any:
    """Parsed JSON, or None with a located finding."""
    text = _decoded(data, file, pkg)
    if text is None:
        return None
    code = "descriptor-invalid" if file == pkg.descriptor_name else "schema-invalid"
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        pkg.findings.append(finding(code, file, error.lineno, None, f"not valid JSON: {error.msg}"))
        return None
    except RecursionError:
        pkg.findings.append(finding(code, file, 1, None, "JSON is nested too deeply to read"))
        return None
    pkg.json_texts[file] = text
    return value


def read_yaml(data: bytes, file: str, pkg: Package) -> Any:
    """A YAML descriptor as JSON values, or None with a located finding; each member's line is recorded.

    Read with safe_load, as frictionless reads it. Aliases are refused: a few lines of
    nested aliases expand to billions of nodes for every later check that walks the tree.
    """
    import yaml

    text = _decoded(data, file, pkg)
    if text is None:
        return None
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1 if event.start_mark else None
                pkg.findings.append(
                    finding(
                        "descriptor-invalid", file, line, None, "YAML aliases (*name) are not read; write the value out"
                    )
                )
                return None
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        value = _as_json(yaml.safe_load(text))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        pkg.findings.append(
            finding(
                "descriptor-invalid",
                file,
                mark.line + 1 if mark else 1,
                None,
                f"not valid YAML: {getattr(error, 'problem', None) or error}",
            )
        )
        return None
    except RecursionError:
        pkg.findings.append(finding("descriptor-invalid", file, 1, None, "YAML is nested too deeply to read"))
        return None
    lines: dict[JsonPath, int] = {}
    if root is not None:
        _node_lines(root, (), lines)
    pkg.add_lines(file, lines)
    return value


def _node_lines(root: Any, path: JsonPath, lines: dict[JsonPath, int]) -> None:
    """Line of every member and item of a composed YAML document, by path; iterative."""
    import yaml

    stack = [(root, path)]
    while stack:
        node, where = stack.pop()
        lines.setdefault(where, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, item in node.value:
                child = (*where, str(key.value))
                lines[child] = key.start_mark.line + 1
                stack.append((item, child))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*where, index)) for index, item in enumerate(node.value))


def _as_json(value: Any) -> Any:
    """YAML's extra scalar types as JSON ones: dates as ISO strings, keys as strings."""
    if isinstance(value, dict):
        return {str(k): _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value
