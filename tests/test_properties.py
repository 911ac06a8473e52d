"""Property-based tests: a copy of the real package corrupted at random never crashes the validator.

Whatever the corruption (bytes flipped, inserted or deleted in any file; cells changed; rows
dropped or duplicated; descriptor, schema or rules keys deleted or retyped), the command exits
0 or 1, prints a JSON report that parses, never a traceback, opens no socket and writes nothing
into the package.

Profiles: ``ci`` (default; a fixed set of examples that runs in about a minute) and ``long``
(many fresh random examples), chosen with the HYPOTHESIS_PROFILE environment variable::

    HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_properties.py
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_guarantees import snapshot
from test_hostile import PARTS, ROOT, copy_package

from validate.cli import main

# Registered here, not in conftest.py, and applied to these tests only, so other test
# modules keep whatever hypothesis settings they choose.
settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long",
    max_examples=400,
    deadline=None,
    derandomize=False,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
_NAME = os.environ.get("HYPOTHESIS_PROFILE", "ci")
PROFILE = settings.get_profile(_NAME if _NAME in ("ci", "long") else "ci")

FILES = [
    *sorted(str(p.relative_to(ROOT)) for part in PARTS for p in (ROOT / part).rglob("*") if p.is_file()),
    "datapackage.json",
]
CSVS = [f for f in FILES if f.endswith(".csv")]
JSONS = [f for f in FILES if f.endswith(".json")]

# Bytes that mean something to a CSV, JSON or UTF-8 reader.
SPECIAL = [
    b'"',
    b",",
    b"\n",
    b"\r",
    b"\r\n",
    b"\x00",
    b"\xff",
    b"\xef\xbb\xbf",
    b"\xe2\x80",
    b"=",
    b"{",
    b"[",
    b"]",
    b"}",
    b":",
    b"\\",
    b"\t",
    b"-",
]
CELLS = [
    "",
    " ",
    "-1",
    "-0.5",
    "=1+1",
    "+44",
    "@SUM(A1)",
    "\tx",
    "\rx",
    "1e309",
    "NaN",
    "inf",
    "2023-02-30",
    "0000-00-00",
    "9999-99",
    "true",
    "\x00",
    '"',
    "\r\n",
    "a,b",
    "P1Y",
    "x" * 300,
    "../../etc/passwd",
    "https://example.invalid/",
    "\u202e",
    "\ud7ff",
]


# ---- strategies -----------------------------------------------------------------------------

byte_edits = st.lists(
    st.tuples(
        st.sampled_from(["flip", "insert", "delete"]),
        st.floats(min_value=0, max_value=1, allow_nan=False),
        st.one_of(st.sampled_from(SPECIAL), st.binary(min_size=1, max_size=8)),
        st.integers(min_value=1, max_value=64),
    ),
    min_size=1,
    max_size=4,
)

json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        st.text(max_size=12),
        st.sampled_from(["../x", "https://example.invalid/x", "", "table"]),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=8,
)


def apply_bytes(data: bytes, edits: list[tuple[str, float, bytes, int]]) -> bytes:
    """Flip, insert or delete bytes at fractional positions of the data."""
    for kind, where, payload, length in edits:
        at = int(where * len(data))
        if kind == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ (1 << (length % 8))]) + data[at + 1 :]
        elif kind == "insert":
            data = data[:at] + payload + data[at:]
        else:
            data = data[:at] + data[at + length :]
    return data


def json_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key path and list index path in a JSON value, depth first."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key)
            yield from json_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*path, index)
            yield from json_paths(item, (*path, index))


def edit_json(value: Any, where: float, replacement: Any, delete: bool) -> Any:
    """Delete or retype the key or item at a fractional position among all paths."""
    paths = list(json_paths(value))
    if not paths:
        return replacement
    *parents, last = paths[min(int(where * len(paths)), len(paths) - 1)]
    owner = value
    for step in parents:
        owner = owner[step]
    if delete:
        del owner[last]
    else:
        owner[last] = replacement
    return value


def rows_of(data: bytes) -> list[list[str]]:
    """The rows of a CSV of the real package."""
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def csv_bytes(rows: list[list[str]]) -> bytes:
    """Rows as CSV bytes with LF endings."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


# ---- the property ---------------------------------------------------------------------------


@contextlib.contextmanager
def sockets_refused() -> Iterator[list[str]]:
    """Sockets refused in-process for the duration; every attempt is recorded."""
    attempts: list[str] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(repr(args[:2]))
        raise OSError("network access is blocked in this test")

    class NoSocket(socket.socket):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            refuse(*args)

    with (
        mock.patch.object(socket, "socket", NoSocket),
        mock.patch.object(socket, "create_connection", refuse),
        mock.patch.object(socket, "getaddrinfo", refuse),
    ):
        yield attempts


def assert_survives(package: Path) -> None:
    """Exit 0 or 1, a JSON report, no traceback, no socket, nothing written."""
    before = snapshot(package)
    with sockets_refused() as attempts:
        result = CliRunner().invoke(main, [str(package), "--format", "json"])
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.stdout)
    assert isinstance(report["valid"], bool)
    assert report["valid"] == (result.exit_code == 0)
    for item in report["findings"]:
        assert set(item) >= {"code", "severity", "file", "line", "field", "message"}
        assert item["line"] is None or (isinstance(item["line"], int) and item["line"] >= 1)
    assert attempts == []
    assert snapshot(package) == before


@contextlib.contextmanager
def package_copy() -> Iterator[Path]:
    """A fresh copy of the real package for one example."""
    with tempfile.TemporaryDirectory() as directory:
        yield copy_package(Path(directory))


@PROFILE
@given(file=st.sampled_from(FILES), edits=byte_edits)
def test_random_bytes_in_any_file(file: str, edits: list[tuple[str, float, bytes, int]]) -> None:
    with package_copy() as package:
        target = package / file
        target.write_bytes(apply_bytes(target.read_bytes(), edits))
        assert_survives(package)


@PROFILE
@given(file=st.sampled_from(CSVS), data=st.data())
def test_random_cells_and_rows(file: str, data: st.DataObject) -> None:
    with package_copy() as package:
        target = package / file
        rows = rows_of(target.read_bytes())
        for _ in range(data.draw(st.integers(min_value=1, max_value=3), label="edits")):
            kind = data.draw(st.sampled_from(["cell", "drop", "duplicate", "swap"]), label="kind")
            row = data.draw(st.integers(min_value=0, max_value=len(rows) - 1), label="row")
            if kind == "cell" and rows[row]:
                column = data.draw(st.integers(min_value=0, max_value=len(rows[row]) - 1), label="column")
                rows[row][column] = data.draw(st.one_of(st.sampled_from(CELLS), st.text(max_size=20)), label="value")
            elif kind == "drop" and len(rows) > 1:
                del rows[row]
            elif kind == "duplicate":
                rows.insert(row, list(rows[row]))
            elif kind == "swap":
                other = data.draw(st.integers(min_value=0, max_value=len(rows) - 1), label="other")
                rows[row], rows[other] = rows[other], rows[row]
        target.write_bytes(csv_bytes(rows))
        assert_survives(package)


@PROFILE
@given(
    file=st.sampled_from(JSONS),
    where=st.floats(min_value=0, max_value=1, allow_nan=False),
    replacement=json_values,
    delete=st.booleans(),
)
def test_random_json_keys_deleted_or_retyped(file: str, where: float, replacement: Any, delete: bool) -> None:
    with package_copy() as package:
        target = package / file
        value = edit_json(json.loads(target.read_text(encoding="utf-8")), where, replacement, delete)
        target.write_text(json.dumps(value, indent=2), encoding="utf-8")
        assert_survives(package)
