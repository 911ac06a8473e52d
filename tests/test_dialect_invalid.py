"""A dialect property no reader can use (an empty or multi-character delimiter or quote, an empty
comment character) is one dialect-invalid error at its descriptor line, and the table is not read with a
default in its place (frictionless reports a source-error and reads no cell either)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import located, run


def _package(tmp_path: Path, dialect: dict[str, Any]) -> Path:
    root = tmp_path / "package"
    root.mkdir()
    (root / "t.csv").write_text("id;name\n1;Ada\nx;Grace\n", encoding="utf-8")
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}]}
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "t",
        "resources": [{"name": "t", "type": "table", "path": "t.csv", "dialect": dialect, "schema": schema}],
    }
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return root


def _line(root: Path, needle: str) -> int:
    lines = (root / "datapackage.json").read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(lines, start=1) if needle in text)


@pytest.mark.parametrize(
    ("dialect", "key"),
    [
        ({"delimiter": ""}, "delimiter"),
        ({"delimiter": ";;"}, "delimiter"),
        ({"delimiter": "\n"}, "delimiter"),
        ({"delimiter": 5}, "delimiter"),
        ({"delimiter": ";", "quoteChar": "''"}, "quoteChar"),
        ({"delimiter": ";", "commentChar": ""}, "commentChar"),
        ({"csv": {"delimiter": "ab"}}, "delimiter"),
    ],
)
def test_one_located_error_and_no_cell_read(tmp_path: Path, dialect: dict[str, Any], key: str) -> None:
    root = _package(tmp_path, dialect)
    code, report = run(root)
    assert code == 1
    # The bad id 'x' is not reported: the table is not read with a syntax it does not declare.
    assert located(report) == {
        ("dialect-invalid", "datapackage.json", _line(root, f'"{key}"'), f"resources[t].dialect.{key}")
    }


def test_a_one_character_delimiter_reads(tmp_path: Path) -> None:
    code, report = run(_package(tmp_path, {"delimiter": ";"}))
    assert code == 1
    assert located(report) == {("type-error", "t.csv", 3, "id")}
