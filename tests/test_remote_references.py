"""A URL where the descriptor names a resource's data, schema or dialect: one remote-reference
error per URL, naming it and saying how to vendor it, and nothing that cascades from it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import located, run

URL = "https://data.example.invalid/x/"
SCHEMA = {"fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}]}


def _package(tmp_path: Path, resource: dict[str, Any]) -> Path:
    """A package of one table, with the given properties on its resource."""
    root = tmp_path / "package"
    root.mkdir()
    (root / "people.csv").write_text("id,name\n1,Ada\n2,Grace\n", encoding="utf-8")
    base = {"name": "people", "type": "table", "path": "people.csv", "schema": SCHEMA}
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "people",
        "resources": [{**base, **resource}],
    }
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return root


def _line(root: Path, needle: str) -> int:
    lines = (root / "datapackage.json").read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(lines, start=1) if needle in text)


@pytest.mark.parametrize(
    ("change", "url", "field"),
    [
        ({"path": URL + "people.csv"}, URL + "people.csv", "resources[people].path"),
        ({"schema": URL + "schema.json"}, URL + "schema.json", "resources[people].schema"),
        ({"dialect": URL + "dialect.json"}, URL + "dialect.json", "resources[people].dialect"),
        ({"path": ["people.csv", URL + "more.csv"]}, URL + "more.csv", "resources[people].path[1]"),
        ({"path": "//data.example.invalid/people.csv"}, "//data.example.invalid/people.csv", "resources[people].path"),
    ],
)
def test_one_located_finding_per_url(tmp_path: Path, change: dict[str, Any], url: str, field: str) -> None:
    root = _package(tmp_path, change)
    code, report = run(root)
    assert code == 1
    assert located(report) == {("remote-reference", "datapackage.json", _line(root, url), field)}
    message = next(f["message"] for f in report["findings"] if f["code"] == "remote-reference")
    assert url in message and "vendor" in message


def test_each_url_of_a_resource_is_its_own_finding(tmp_path: Path) -> None:
    root = _package(tmp_path, {"path": URL + "people.csv", "schema": URL + "schema.json"})
    code, report = run(root)
    assert code == 1
    assert located(report) == {
        ("remote-reference", "datapackage.json", _line(root, URL + "people.csv"), "resources[people].path"),
        ("remote-reference", "datapackage.json", _line(root, URL + "schema.json"), "resources[people].schema"),
    }
