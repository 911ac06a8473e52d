"""Each finding carries the frictionless error type of the same defect (validate.findings.FRICTIONLESS_TYPES)."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest

from conftest import run
from validate.findings import CODES, FRICTIONLESS_TYPES, finding


def _frictionless_types() -> set[str]:
    import frictionless.errors

    return {c.type for _, c in inspect.getmembers(frictionless.errors, inspect.isclass) if hasattr(c, "type")}


def test_the_table_names_only_our_codes_and_real_frictionless_types() -> None:
    assert set(FRICTIONLESS_TYPES) <= set(CODES)
    assert {t for t in FRICTIONLESS_TYPES.values() if t} <= _frictionless_types()


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("row has 7 cells; the header has 6", "extra-cell"),
        ("row has 2 cells; the header has 3", "missing-cell"),
        ("row has an empty line", "blank-row"),
    ],
)
def test_a_ragged_row_has_the_type_of_its_shape(message: str, kind: str) -> None:
    assert finding("ragged-row", "t.csv", 3, None, message).frictionless_type == kind


def test_the_json_report_carries_it_on_every_finding(tmp_path: Path) -> None:
    root = tmp_path / "package"
    root.mkdir()
    (root / "t.csv").write_text("id,when\n1,2020-01-01\nx,2020-02-30\n", encoding="utf-8")
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "when", "type": "date"}]}
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "t",
        "resources": [{"name": "t", "type": "table", "path": "t.csv", "schema": schema}],
    }
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    code, report = run(root)
    assert code == 1
    typed = {(f["code"], f["line"], f["field"], f["frictionless_type"]) for f in report["findings"]}
    assert typed == {
        ("type-error", 3, "id", "type-error"),
        ("invalid-date", 3, "when", "type-error"),
        ("layer-not-declared", None, "x-claims", None),
    }
