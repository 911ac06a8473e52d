"""Parity with frictionless: every structural defect frictionless reports, our validator reports at the same place.

Each fixture is the real package copied into tmp_path with ONE structural defect applied by
a small mutation function (no committed copies to drift from the real package). Both
validators run as subprocesses, offline, with a timeout. frictionless's rowNumber counts the
header as row 1, so it is the CSV record's number; it is mapped to the record's physical
line before comparing with our findings, which give physical lines.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import copy_package

ROOT = Path(__file__).resolve().parents[1]
FRICTIONLESS = Path(sys.executable).parent / "frictionless"
TIMEOUT = 180

# frictionless error type -> the codes of ours that report the same defect.
EQUIVALENT: dict[str, set[str]] = {
    "type-error": {"type-error", "invalid-date"},
    "extra-cell": {"ragged-row"},
    "missing-cell": {"ragged-row"},
    "blank-row": {"ragged-row"},
    "blank-label": {"blank-header"},
    "duplicate-label": {"duplicate-header"},
    "incorrect-label": {"missing-column", "extra-column", "header-order", "blank-header", "duplicate-header"},
    "missing-label": {"missing-column"},
    "extra-label": {"extra-column"},
    "constraint-error": {
        "required-missing",
        "pattern-mismatch",
        "enum-violation",
        "out-of-range",
        "duplicate-value",
        "constraint-violation",
    },
    "unique-error": {"duplicate-value", "duplicate-key"},
    "primary-key": {"duplicate-key", "duplicate-value"},
    "foreign-key": {"foreign-key"},
    "hash-count": {"archive-mismatch"},
    "byte-count": {"archive-mismatch"},
    "encoding-error": {"encoding-error"},
    "scheme-error": {"file-missing"},
    "source-error": {"file-missing"},
    "resource-error": {"file-missing"},
}
# Errors about a whole file or header, where our field naming differs from frictionless's.
NO_FIELD_COMPARE = {
    "extra-cell",
    "missing-cell",
    "blank-row",
    "incorrect-label",
    "hash-count",
    "byte-count",
    "encoding-error",
    "scheme-error",
    "source-error",
    "resource-error",
}

CELL_ERRORS = {"type-error", "constraint-error"}
# Validator crashes found by this test and not yet fixed, kept visible: strict xfail, so the
# test fails once the crash is fixed and the entry can go. (The NA line crash in
# check_quotes was fixed.)
KNOWN_CRASHES: dict[str, str] = {}


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def _write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines), encoding="utf-8")


def _render(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


def set_cell(package: Path, table: str, line: int, column: str, value: str) -> None:
    """Replace one cell of a one-line CSV record, leaving every other line byte for byte."""
    path = package / "data" / f"{table}.csv"
    lines = _lines(path)
    header = next(csv.reader([lines[0]]))
    cells = next(csv.reader([lines[line - 1]]))
    cells[header.index(column)] = value
    lines[line - 1] = _render(cells)
    _write_lines(path, lines)


def cell(package: Path, table: str, line: int, column: str) -> str:
    """The value of one cell of a one-line CSV record."""
    lines = _lines(package / "data" / f"{table}.csv")
    header = next(csv.reader([lines[0]]))
    return next(csv.reader([lines[line - 1]]))[header.index(column)]


def rename_header(package: Path, table: str, column: str, new: str) -> None:
    """Rename one header cell."""
    set_cell(package, table, 1, column, new)


def archive_path(package: Path) -> Path:
    """The first archived text of the package."""
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    first = next(r["path"] for r in descriptor["resources"] if "schema" not in r)
    return package / first


def _ragged(package: Path) -> None:
    path = package / "data" / "outcomes.csv"
    lines = _lines(path)
    lines[2] += ",extra"
    _write_lines(path, lines)


def _short_row(package: Path) -> None:
    path = package / "data" / "operations.csv"
    lines = _lines(path)
    cells = next(csv.reader([lines[1]]))
    lines[1] = _render(cells[:-1])
    _write_lines(path, lines)


def _duplicate_key(package: Path) -> None:
    set_cell(package, "operations", 3, "operation_id", cell(package, "operations", 2, "operation_id"))


def _duplicate_composite_key(package: Path) -> None:
    # officials' key is (person_id, source_id): a repeated record repeats the key.
    path = package / "data" / "officials.csv"
    lines = _lines(path)
    lines[2] = lines[1]
    _write_lines(path, lines)


def _hash_mismatch(package: Path) -> None:
    path = archive_path(package)
    path.write_bytes(path.read_bytes() + b"appended\n")


def _invalid_utf8(package: Path) -> None:
    path = package / "data" / "officials.csv"
    data = path.read_bytes().split(b"\n")
    data[2] = data[2].replace(b",", b",\xff", 1)
    path.write_bytes(b"\n".join(data))


MUTATIONS: dict[str, Callable[[Path], None]] = {
    "missing-file": lambda p: (p / "data" / "cases.csv").unlink(),
    "ragged-row": _ragged,
    "short-row": _short_row,
    "blank-header": lambda p: rename_header(p, "metrics", "label", ""),
    "duplicate-header": lambda p: rename_header(p, "metrics", "definition", "label"),
    "integer-type-error": lambda p: set_cell(p, "outcomes", 4, "line", "x4"),
    "boolean-type-error": lambda p: set_cell(p, "sources", 3, "published_doubtful", "maybe"),
    "missing-required-cell": lambda p: set_cell(p, "outcomes", 5, "quote", ""),
    "duplicate-primary-key": _duplicate_key,
    "duplicate-composite-key": _duplicate_composite_key,
    "broken-foreign-key": lambda p: set_cell(p, "outcomes", 6, "operation_id", "no-such-operation"),
    "invalid-date": lambda p: set_cell(p, "sources", 4, "published", "2023-02-30"),
    "enum-violation": lambda p: set_cell(p, "outcomes", 7, "position", "sidebar"),
    "pattern-mismatch": lambda p: set_cell(p, "outcomes", 8, "outcome_id", "Not-Kebab-Case"),
    "below-minimum": lambda p: set_cell(p, "outcomes", 9, "number", "-5"),
    "hash-mismatch": _hash_mismatch,
    "invalid-utf8": _invalid_utf8,
}


def record_lines(path: Path) -> dict[int, int]:
    """CSV record number (header = 1) -> physical line where the record starts."""
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return {}
    reader = csv.reader(io.StringIO(text, newline=""))
    starts: dict[int, int] = {}
    previous = 0
    try:
        for number, _ in enumerate(reader, start=1):
            starts[number] = previous + 1
            previous = reader.line_num
    except csv.Error:
        pass
    return starts


def frictionless_errors(package: Path) -> list[dict[str, Any]]:
    """Every error frictionless reports, each with the path of the resource it is about."""
    done = subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", "datapackage.json"],
        cwd=package,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    report = json.loads(done.stdout)
    errors = [dict(e, place=None) for e in report.get("errors", [])]
    for task in report.get("tasks", []):
        errors += [dict(e, place=task.get("place")) for e in task.get("errors", [])]
    return errors


def our_findings(package: Path) -> list[dict[str, Any]]:
    """Every finding of our validator's JSON report."""
    done = subprocess.run(
        [sys.executable, "-m", "validate", str(package), "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return list(json.loads(done.stdout)["findings"])


def files_read_by(package: Path, place: str | None) -> set[str]:
    """The resource's path and the paths of the resources its foreign keys read.

    frictionless reads a foreign key's parent table while validating the child, so it
    reports an undecodable parent under the child's task as well.
    """
    if place is None:
        return set()
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    by_name = {r.get("name"): r for r in descriptor["resources"]}
    resource = next((r for r in descriptor["resources"] if r.get("path") == place), None)
    if resource is None or not isinstance(resource.get("schema"), str):
        return {place}
    schema = json.loads((package / resource["schema"]).read_text(encoding="utf-8"))
    parents = {fk["reference"].get("resource") for fk in schema.get("foreignKeys", [])}
    return {place} | {by_name[n]["path"] for n in parents if n in by_name}


def matches(error: dict[str, Any], finding: dict[str, Any], line: int | None, package: Path) -> bool:
    """True when our finding reports frictionless's error at the same file, line and field."""
    kind = error["type"]
    if finding["severity"] != "error":
        return False
    if (
        kind in CELL_ERRORS
        and finding["code"] == "ragged-row"
        and finding["file"] == error["place"]
        and finding["line"] == line
    ):
        return True  # frictionless also reports the cells a short row lacks; ours reports the row once
    if finding["code"] not in EQUIVALENT.get(kind, set()):
        return False
    if kind == "foreign-key":
        # Ours reports a missing key value once, at its first row, naming a few others and a count.
        values = re.search(r'values "([^"]*)"', str(error.get("message")))
        if values and finding["message"].startswith(f"({values.group(1)}) is not"):
            return True
    if kind == "encoding-error":
        return finding["file"] in files_read_by(package, error["place"])
    if error["place"] is not None and finding["file"] != error["place"]:
        return False
    if line is not None and finding["line"] != line:
        return False
    if kind in NO_FIELD_COMPARE:
        return True
    if kind == "blank-label":
        return finding["field"] == f"#{error['fieldNumber']}"
    if kind.endswith("-label"):
        # frictionless names both the schema's field at that position and the label written there.
        return finding["field"] in {error.get("fieldName"), error.get("label")}
    wanted = error.get("fieldName") or ",".join(error.get("fieldNames", []) or [])
    if not wanted:
        return True
    return finding["field"] == wanted or wanted in str(finding["field"]).split(",")


def expected_line(error: dict[str, Any], package: Path) -> int | None:
    """The physical line frictionless's error points at, or None when it names no row."""
    if "Label" in error.get("tags", []) or error["type"].endswith("-label"):
        return 1
    row = error.get("rowNumber")
    if row is None or error["place"] is None:
        return None
    return record_lines(package / error["place"]).get(row, row)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=KNOWN_CRASHES[n])) if n in KNOWN_CRASHES else n
        for n in sorted(MUTATIONS)
    ],
)
def test_every_frictionless_error_is_ours_too(name: str, tmp_path: Path) -> None:
    """Whatever frictionless finds in the broken fixture, our validator finds at the same place."""
    if not FRICTIONLESS.exists():
        pytest.skip("frictionless CLI is not installed next to this interpreter")
    package = copy_package(tmp_path / name)
    MUTATIONS[name](package)
    errors = frictionless_errors(package)
    assert errors, f"frictionless found nothing in {name}: the fixture does not exercise parity"
    ours = our_findings(package)
    missing = []
    for error in errors:
        assert error["type"] in EQUIVALENT, f"no equivalent known for frictionless {error['type']}: {error}"
        line = expected_line(error, package)
        if not any(matches(error, finding, line, package) for finding in ours):
            missing.append((error["type"], error["place"], line, error.get("fieldName"), error.get("message")))
    assert not missing, f"frictionless errors our validator does not report: {missing}\nours: {ours}"
