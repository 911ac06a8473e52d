"""A multipart path (a list of files) is one table: each row read at its own file and physical
line, so a finding names the part's file and line; and two spellings of one path are one file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import located, run

SCHEMA = {
    "fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}],
    "primaryKey": ["id"],
}
PARTS = {"part-1.csv": "id,name\n1,Ada\n2,Grace\n", "part-2.csv": "id,name\n3,Edsger\n4,Barbara\n5,Alan\n"}


def _package(tmp_path: Path, parts: dict[str, str], **resource: Any) -> Path:
    """A package of one table read from the given parts, in order."""
    root = tmp_path / "package"
    root.mkdir()
    for name, text in parts.items():
        (root / name).write_text(text, encoding="utf-8")
    table = {"name": "people", "type": "table", "path": list(parts), "schema": SCHEMA, **resource}
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "people",
        "resources": [table],
    }
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return root


def test_a_valid_multipart_table_is_valid(tmp_path: Path) -> None:
    code, report = run(_package(tmp_path, PARTS))
    assert code == 0, located(report)


def test_a_bad_cell_in_the_second_part_is_at_its_own_file_and_line(tmp_path: Path) -> None:
    parts = {**PARTS, "part-2.csv": "id,name\n3,Edsger\nfour,Barbara\n5,Alan\n"}
    code, report = run(_package(tmp_path, parts))
    assert code == 1
    assert located(report) == {("type-error", "part-2.csv", 3, "id")}


def test_a_bad_cell_in_the_first_part_stays_there(tmp_path: Path) -> None:
    parts = {**PARTS, "part-1.csv": "id,name\n1,Ada\ntwo,Grace\n"}
    code, report = run(_package(tmp_path, parts))
    assert code == 1
    assert located(report) == {("type-error", "part-1.csv", 3, "id")}


def test_a_key_repeated_across_parts_is_at_the_second_row(tmp_path: Path) -> None:
    parts = {**PARTS, "part-2.csv": "id,name\n3,Edsger\n4,Barbara\n1,Alan\n"}
    code, report = run(_package(tmp_path, parts))
    assert code == 1
    assert located(report) == {("duplicate-key", "part-2.csv", 4, "id")}


def test_a_ragged_row_in_a_later_part_is_located(tmp_path: Path) -> None:
    parts = {**PARTS, "part-2.csv": "id,name\n3,Edsger\n4,Barbara,extra\n5,Alan\n"}
    code, report = run(_package(tmp_path, parts))
    assert code == 1
    assert ("ragged-row", "part-2.csv", 3, None) in located(report)
    assert {f[1] for f in located(report)} == {"part-2.csv"}


def test_a_later_part_with_another_header_is_reported_at_its_line_1(tmp_path: Path) -> None:
    parts = {**PARTS, "part-2.csv": "id,title\n3,Edsger\n"}
    code, report = run(_package(tmp_path, parts))
    assert code == 1
    assert located(report) == {("missing-column", "part-2.csv", 1, "name"), ("extra-column", "part-2.csv", 1, "title")}


def test_tab_separated_parts(tmp_path: Path) -> None:
    parts = {"a.tsv": "id\tname\n1\tAda\n", "b.tsv": "id\tname\n2\tGrace\n3\tx y\nNA\tz\n"}
    code, report = run(_package(tmp_path, parts, dialect={"delimiter": "\t"}))
    assert code == 1
    assert located(report) == {("type-error", "b.tsv", 4, "id")}


def test_an_unsafe_part_is_refused_alone(tmp_path: Path) -> None:
    root = _package(tmp_path, PARTS)
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["path"] = ["part-1.csv", "../part-2.csv"]
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    code, report = run(root)
    assert code == 1
    assert located(report) == {("unsafe-path", "datapackage.json", None, "resources[people].path[1]")}


def test_two_spellings_of_one_path_are_one_file(tmp_path: Path) -> None:
    root = _package(tmp_path, PARTS)
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    first = {"name": "first", "type": "table", "path": "part-1.csv", "schema": SCHEMA}
    descriptor["resources"] = [first, {**first, "name": "again", "path": "./part-1.csv"}]
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    code, report = run(root)
    assert code == 1
    assert located(report) == {("duplicate-resource", "datapackage.json", None, "resources")}


def test_a_blank_line_after_the_first_parts_last_row_stays_in_that_part(tmp_path: Path) -> None:
    parts = {**PARTS, "part-1.csv": "id,name\n1,Ada\n2,Grace\n\n"}
    code, report = run(_package(tmp_path, parts))
    assert code == 1
    assert located(report) == {("ragged-row", "part-1.csv", 4, None)}
