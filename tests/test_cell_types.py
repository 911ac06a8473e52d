"""geopoint (three formats), geojson, object, array, duration and any cells are read as frictionless
5 reads them: each cell that would not read is one type-error at its file, line and field."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import located, run

# (type, format, cells that read, cells that do not), written from the Table Schema spec.
CASES = [
    ("geopoint", None, ["90, 45", "-180,-90", "0.5, 51.5"], ["190, 45", "90", "a, b", "90, 45, 1", "NaN, 1"]),
    ("geopoint", "array", ["[90, 45]", "[-0.1, 51.5]"], ["[90]", "[190, 45]", "90, 45", '["x", 1]']),
    (
        "geopoint",
        "object",
        ['{"lon": 90, "lat": 45}'],
        ['{"lon": 90}', '{"lon": 90, "lat": 95}', "[90, 45]", '{"lon": 1, "lat": 2, "x": 3}'],
    ),
    (
        "geojson",
        None,
        ['{"type": "Point", "coordinates": [1, 2]}'],
        ['{"type": "Nope"}', "[1, 2]", "not json"],
    ),
    ("object", None, ['{"a": 1}', "{}"], ["[1]", "1", "{"]),
    ("array", None, ["[1, 2]", "[]"], ["{}", '"a"', "["]),
    ("duration", None, ["P1Y2M", "PT5M", "P2W", "P1DT12H"], ["1 year", "P", "5M"]),
    ("any", None, ["anything", "[1", "{}"], []),
]


def _package(tmp_path: Path, kind: str, form: str | None, cells: list[str]) -> Path:
    root = tmp_path / "package"
    root.mkdir()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "value"])
    writer.writerows([[str(i), cell] for i, cell in enumerate(cells)])
    (root / "cells.csv").write_text(buffer.getvalue(), encoding="utf-8")
    field = {"name": "value", "type": kind, **({"format": form} if form else {})}
    schema = {"fields": [{"name": "id", "type": "integer"}, field]}
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "cells",
        "resources": [{"name": "cells", "type": "table", "path": "cells.csv", "schema": schema}],
    }
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return root


@pytest.mark.parametrize(("kind", "form", "good", "bad"), CASES)
def test_each_cell_that_does_not_read_is_one_type_error(
    tmp_path: Path, kind: str, form: str | None, good: list[str], bad: list[str]
) -> None:
    code, report = run(_package(tmp_path, kind, form, good + bad))
    assert code == (1 if bad else 0)
    lines = range(len(good) + 2, len(good) + len(bad) + 2)  # every cell on one line, the header is line 1
    assert located(report) == {("type-error", "cells.csv", line, "value") for line in lines}


@pytest.mark.parametrize(("kind", "form", "good", "bad"), CASES)
def test_frictionless_refuses_the_same_cells(
    tmp_path: Path, kind: str, form: str | None, good: list[str], bad: list[str]
) -> None:
    from third_party_verdicts import FRICTIONLESS, errors_of, frictionless_report

    if not FRICTIONLESS.exists():
        pytest.skip("frictionless CLI is not installed next to this interpreter")
    report = frictionless_report(_package(tmp_path, kind, form, good + bad))
    rows = sorted((e["type"], e["rowNumber"], e["fieldName"]) for e in errors_of(report))
    assert rows == [("type-error", line, "value") for line in range(len(good) + 2, len(good) + len(bad) + 2)]
