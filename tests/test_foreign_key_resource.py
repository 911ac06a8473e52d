"""A foreign key to a resource the package does not declare is one located error (frictionless:
resource-error), not dropped; one to the table itself ("") or to a declared table is not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import located, run


def _package(tmp_path: Path, target: str) -> Path:
    root = tmp_path / "package"
    root.mkdir()
    (root / "t.csv").write_text("id,parent\n1,\n2,1\n", encoding="utf-8")
    schema = {
        "fields": [{"name": "id", "type": "integer"}, {"name": "parent", "type": "integer"}],
        "foreignKeys": [{"fields": ["parent"], "reference": {"resource": target, "fields": ["id"]}}],
    }
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "t",
        "resources": [{"name": "t", "type": "table", "path": "t.csv", "schema": schema}],
    }
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return root


def test_a_key_to_an_undeclared_resource_is_located(tmp_path: Path) -> None:
    root = _package(tmp_path, "nowhere")
    code, report = run(root)
    assert code == 1
    lines = (root / "datapackage.json").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if '"nowhere"' in text)
    assert located(report) == {
        ("foreign-key-resource", "datapackage.json", line, "resources[t].schema.foreignKeys[0].reference.resource")
    }


@pytest.mark.parametrize("target", ["", "t"])
def test_a_key_to_the_table_itself_is_valid(tmp_path: Path, target: str) -> None:
    code, report = run(_package(tmp_path, target))
    assert code == 0, located(report)
