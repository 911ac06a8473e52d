"""The cells of a ragged row are checked where they align with the header by position, as
frictionless checks them: the row is one ragged-row finding, and a bad cell in it one more."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import located, run

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True}},
        {"name": "year", "type": "year", "constraints": {"required": True}},
        {"name": "value", "type": "number", "constraints": {"required": True}},
    ]
}


def _package(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "package"
    root.mkdir()
    (root / "t.csv").write_text(text, encoding="utf-8")
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "t",
        "resources": [{"name": "t", "type": "table", "path": "t.csv", "schema": SCHEMA}],
    }
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return root


def test_a_bad_cell_in_a_row_with_an_extra_cell_is_found(tmp_path: Path) -> None:
    code, report = run(_package(tmp_path, "id,year,value\n1,2020,1.5\n2,2021,abc,-0.99\n3,2022,2.5\n"))
    assert code == 1
    assert located(report) == {("ragged-row", "t.csv", 3, None), ("type-error", "t.csv", 3, "value")}


def test_a_bad_cell_in_a_short_row_is_found_and_the_missing_cell_is_not_reported(tmp_path: Path) -> None:
    code, report = run(_package(tmp_path, "id,year,value\n1,2020,1.5\n2,20x1\n3,2022,2.5\n"))
    assert code == 1
    assert located(report) == {("ragged-row", "t.csv", 3, None), ("type-error", "t.csv", 3, "year")}


def test_a_ragged_row_of_good_cells_is_one_finding(tmp_path: Path) -> None:
    code, report = run(_package(tmp_path, "id,year,value\n1,2020\n2,2021,2.5,x,y\n"))
    assert code == 1
    assert located(report) == {("ragged-row", "t.csv", 2, None), ("ragged-row", "t.csv", 3, None)}
