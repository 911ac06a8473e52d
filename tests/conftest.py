"""Shared helpers: copy the real package, edit one thing, run the validator, read its findings."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from validate.cli import main

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_PARTS = ("datapackage.json", "data", "schemas")

Located = tuple[str, str, int | None, str | None]


def copy_package(target: Path) -> Path:
    """A fresh copy of the real package's descriptor, data and schemas."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PACKAGE_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A copy of the real package to break."""
    return copy_package(tmp_path / "package")


def run(directory: Path, *args: str) -> tuple[int, dict[str, Any]]:
    """Exit code and parsed JSON report of the validator on a directory."""
    result = CliRunner().invoke(main, [str(directory), "--format", "json", *args])
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.output)


def located(report: dict[str, Any], severities: tuple[str, ...] = ("error", "warning")) -> set[Located]:
    """The (code, file, line, field) of every finding of the given severities."""
    return {(f["code"], f["file"], f["line"], f["field"]) for f in report["findings"] if f["severity"] in severities}


def read_rows(path: Path) -> list[list[str]]:
    """A CSV's rows, header first."""
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    """Write rows back with LF endings, quoting as the package does."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))


def edit(directory: Path, table: str, key: str, field: str, change: Callable[[str], str] | str) -> int:
    """Change one cell of the row whose first column is key; return that row's physical line."""
    path = directory / "data" / f"{table}.csv"
    rows = read_rows(path)
    column = rows[0].index(field)
    for index, row in enumerate(rows[1:], start=2):
        if row[0] == key:
            row[column] = change(row[column]) if callable(change) else change
            write_rows(path, rows)
            return index  # every row of the package sits on one physical line
    raise KeyError(key)


def line_of(directory: Path, table: str, key: str) -> int:
    """Physical line of the row whose first column is key."""
    rows = read_rows(directory / "data" / f"{table}.csv")
    return next(i for i, row in enumerate(rows[1:], start=2) if row[0] == key)


def edit_descriptor(directory: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Apply a change to datapackage.json and write it back."""
    path = directory / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
