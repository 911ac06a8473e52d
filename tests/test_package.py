"""The package itself: the reference validator accepts it, archives match, tables load typed."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
TABLES = [r for r in DESCRIPTOR["resources"] if r.get("type") == "table"]
TEXTS = [r for r in DESCRIPTOR["resources"] if r.get("type") != "table"]


def test_reference_validator_accepts_the_package() -> None:
    frictionless = Path(sys.executable).with_name("frictionless")
    result = subprocess.run(
        [str(frictionless), "validate", "--json", "datapackage.json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert json.loads(result.stdout)["valid"] is True


@pytest.mark.parametrize("resource", TEXTS, ids=lambda r: r["name"])
def test_archived_text_matches_descriptor_and_sources_table(resource: dict[str, object]) -> None:
    data = (ROOT / str(resource["path"])).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    assert resource["hash"] == f"sha256:{digest}"
    assert resource["bytes"] == len(data)
    with (ROOT / "data" / "sources.csv").open(encoding="utf-8", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["archive_path"] == resource["path"])
    assert row["sha256"] == digest
    assert int(row["bytes"]) == len(data)


def test_every_source_is_archived_once() -> None:
    with (ROOT / "data" / "sources.csv").open(encoding="utf-8", newline="") as handle:
        paths = [r["archive_path"] for r in csv.DictReader(handle)]
    assert sorted(paths) == sorted(str(r["path"]) for r in TEXTS)
    assert sorted(p.name for p in (ROOT / "data" / "archive").iterdir()) == sorted(Path(p).name for p in paths)


PANDAS_TYPES = {"string": "object", "integer": "Int64", "number": "float64", "boolean": "boolean"}
DUCKDB_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE"}


def _schema(resource: dict[str, object]) -> dict[str, object]:
    return json.loads((ROOT / str(resource["schema"])).read_text(encoding="utf-8"))


@pytest.mark.parametrize("resource", TABLES, ids=lambda r: r["name"])
def test_table_loads_unchanged_in_pandas_with_declared_types(resource: dict[str, object]) -> None:
    import pandas as pd

    fields = _schema(resource)["fields"]
    assert isinstance(fields, list)
    dtypes = {f["name"]: PANDAS_TYPES[f["type"]] for f in fields if f["type"] in PANDAS_TYPES}
    dates = [f["name"] for f in fields if f["type"] == "date"]
    frame = pd.read_csv(
        ROOT / str(resource["path"]),
        dtype=dtypes,
        keep_default_na=False,
        na_values=[""],
        true_values=["true"],
        false_values=["false"],
    )
    assert list(frame.columns) == [f["name"] for f in fields]
    for name in dates:  # errors="raise": every date is a real ISO date
        assert str(pd.to_datetime(frame[name], format="%Y-%m-%d", errors="raise").dtype).startswith("datetime64")


@pytest.mark.parametrize("resource", TABLES, ids=lambda r: r["name"])
def test_table_loads_unchanged_in_duckdb_with_declared_types(resource: dict[str, object]) -> None:
    import duckdb

    fields = _schema(resource)["fields"]
    assert isinstance(fields, list)
    columns = {f["name"]: DUCKDB_TYPES[f["type"]] for f in fields}
    connection = duckdb.connect()
    relation = connection.sql(
        "SELECT * FROM read_csv(?, header = true, auto_detect = false, delim = ',', quote = '\"', "
        "dateformat = '%Y-%m-%d', columns = ?)",
        params=[str(ROOT / str(resource["path"])), columns],
    )
    assert dict(zip(relation.columns, map(str, relation.dtypes), strict=True)) == columns
    with (ROOT / str(resource["path"])).open(encoding="utf-8", newline="") as handle:
        assert len(relation.fetchall()) == sum(1 for _ in csv.reader(handle)) - 1
