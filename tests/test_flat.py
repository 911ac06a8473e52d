"""The flat figures table, the workbook and the SQLite view: each equal to the tables joined."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest

from publish.database import build_database
from publish.flat import flat_csv
from publish.metadata import datasette_metadata
from publish.package import Package, PackageError, load_package
from publish.workbook import workbook_bytes

ROOT = Path(__file__).resolve().parents[1]
DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in DESCRIPTOR["resources"] if r.get("type") == "table"}

# The flat table's columns, as the README and the column descriptions promise them.
HEADER = [
    "outcome_id",
    "operation_id",
    "operation_name",
    "period_start",
    "period_end",
    "metric_id",
    "metric_label",
    "unit",
    "number",
    "qualifier",
    "qualifier_label",
    "qualifier_text",
    "rounding_unit",
    "low",
    "low_end",
    "high",
    "high_end",
    "interval",
    "breakdown_dimension",
    "breakdown_value",
    "source_id",
    "source_title",
    "publisher",
    "published_as_printed",
    "archive_path",
    "position",
    "line",
    "quote",
    "discrepancy_ids",
    "discrepancy_summaries",
]
NUMERIC = {"number", "rounding_unit", "low", "high", "line"}
INF = math.inf

# Each qualifier's interval as qualifiers.csv defines it in words, for a number N and unit U:
# (low, high, low open, high open).
MEANING = {
    "exact": lambda n, u: (n, n, False, False),
    "more_than": lambda n, u: (n, INF, True, True),
    "at_least": lambda n, u: (n, INF, False, True),
    "approximate": lambda n, u: (n - u / 2, n + u / 2, False, True),
    "rounded": lambda n, u: (n - u / 2, n + u / 2, False, True),
    "hundreds": lambda n, u: (2 * n, 10 * n, False, True),
    "nearly": lambda n, u: (n - u, n, False, True),
    "at_most": lambda n, u: (0, n, False, False),
    "fewer_than": lambda n, u: (0, n, False, True),
    "dozens": lambda n, u: (2 * n, 12 * n, False, True),
    "scores": lambda n, u: (2 * n, 20 * n, False, True),
    "thousands": lambda n, u: (2 * n, 10 * n, False, True),
    "tens_of_thousands": lambda n, u: (2 * n, 10 * n, False, True),
    "hundreds_of_thousands": lambda n, u: (2 * n, 10 * n, False, True),
}


def csv_table(name: str, root: Path = ROOT) -> list[dict[str, str]]:
    """The raw rows of a resource's CSV."""
    with (root / RESOURCES[name]["path"]).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def parse_csv(data: bytes) -> tuple[list[str], list[list[str]]]:
    """Header and rows of CSV bytes."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    return rows[0], rows[1:]


def plain(number: float) -> str:
    """A number written without a needless decimal point."""
    return str(int(number)) if number == int(number) else repr(number)


def expected_rows() -> list[dict[str, str]]:
    """The flat table computed here from the CSVs alone: outcomes joined with their parents."""
    operations = {row["operation_id"]: row for row in csv_table("operations")}
    metrics = {row["metric_id"]: row for row in csv_table("metrics")}
    qualifiers = {row["qualifier_id"]: row for row in csv_table("qualifiers")}
    sources = {row["source_id"]: row for row in csv_table("sources")}
    register = csv_table("discrepancies")
    links = csv_table("discrepancy_outcomes")
    rows = []
    for outcome in csv_table("outcomes"):
        operation = operations[outcome["operation_id"]]
        source = sources[outcome["source_id"]]
        number = float(outcome["number"])
        unit = float(outcome["rounding_unit"]) if outcome["rounding_unit"] else 0.0
        low, high, low_open, high_open = MEANING[outcome["qualifier"]](number, unit)
        if low == high:
            low_open = high_open = False
        involved = [
            entry
            for entry in register
            if {"discrepancy_id": entry["discrepancy_id"], "outcome_id": outcome["outcome_id"]} in links
        ]
        interval = (
            ("(" if low_open else "[")
            + plain(low)
            + ", "
            + ("∞" if high == INF else plain(high))
            + (")" if high_open else "]")
        )
        rows.append(
            {
                **{key: outcome[key] for key in ("outcome_id", "operation_id", "metric_id", "number", "qualifier")},
                **{key: outcome[key] for key in ("qualifier_text", "rounding_unit", "position", "line", "quote")},
                **{key: outcome[key] for key in ("breakdown_dimension", "breakdown_value", "source_id")},
                "operation_name": operation["name"],
                "period_start": operation["period_start"],
                "period_end": operation["period_end"],
                "metric_label": metrics[outcome["metric_id"]]["label"],
                "unit": metrics[outcome["metric_id"]]["unit"],
                "qualifier_label": qualifiers[outcome["qualifier"]]["label"],
                "low": plain(low),
                "low_end": "open" if low_open else "closed",
                "high": "" if high == INF else plain(high),
                "high_end": "open" if high_open else "closed",
                "interval": interval,
                "source_title": source["title"],
                "publisher": source["publisher"],
                "published_as_printed": source["published_as_printed"],
                "archive_path": source["archive_path"],
                "discrepancy_ids": "; ".join(entry["discrepancy_id"] for entry in involved),
                "discrepancy_summaries": " | ".join(entry["summary"] for entry in involved),
            }
        )
    return rows


def same(column: str, left: str, right: str) -> bool:
    """Cells equal as text, or as numbers in a numeric column."""
    if column in NUMERIC and left and right:
        return float(left) == float(right)
    return left == right


@pytest.fixture(scope="module")
def package() -> Package:
    """The real package, loaded and judged once."""
    return load_package(ROOT)


@pytest.fixture(scope="module")
def flat(package: Package) -> bytes:
    """The flat CSV as built now."""
    return flat_csv(package)


@pytest.fixture(scope="module")
def workbook(package: Package) -> bytes:
    """The workbook as built now."""
    return workbook_bytes(package)


# ---- the flat table --------------------------------------------------------------------------


def test_the_flat_table_is_the_tables_joined_no_row_lost_none_duplicated(flat: bytes) -> None:
    header, rows = parse_csv(flat)
    assert header == HEADER
    expected = expected_rows()
    built = [dict(zip(header, row, strict=True)) for row in rows]
    assert [row["outcome_id"] for row in built] == [row["outcome_id"] for row in csv_table("outcomes")]
    assert len({row["outcome_id"] for row in built}) == len(built)
    for got, want in zip(built, expected, strict=True):
        for column in HEADER:
            assert same(column, got[column], want[column]), (got["outcome_id"], column, got[column], want[column])


def test_the_flat_csv_is_utf8_without_bom_with_lf_endings(flat: bytes) -> None:
    assert not flat.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in flat
    assert "’".encode() in flat  # the sources' typographic marks are kept


def test_the_committed_flat_table_is_not_stale(flat: bytes) -> None:
    assert (ROOT / "derived" / "figures.csv").read_bytes() == flat, "run: python -m publish.flat --write"


def test_a_figure_in_no_discrepancy_has_empty_discrepancy_cells(flat: bytes) -> None:
    header, rows = parse_csv(flat)
    linked = {row["outcome_id"] for row in csv_table("discrepancy_outcomes")}
    free = [dict(zip(header, row, strict=True)) for row in rows]
    free = [row for row in free if row["outcome_id"] not in linked]
    assert free, "the package has figures outside every discrepancy"
    assert all(row["discrepancy_ids"] == row["discrepancy_summaries"] == "" for row in free)


def test_a_package_without_a_joined_field_is_refused_by_name(tmp_path: Path) -> None:
    copy = tmp_path / "package"
    copy.mkdir()
    shutil.copy2(ROOT / "datapackage.json", copy / "datapackage.json")
    for part in ("data", "schemas"):
        shutil.copytree(ROOT / part, copy / part)
    schema = json.loads((copy / "schemas" / "metrics.json").read_text(encoding="utf-8"))
    schema["fields"] = [field for field in schema["fields"] if field["name"] != "label"]
    (copy / "schemas" / "metrics.json").write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
    rows = list(csv.reader((copy / "data" / "metrics.csv").read_text(encoding="utf-8").splitlines()))
    at = rows[0].index("label")
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([row[:at] + row[at + 1 :] for row in rows])
    (copy / "data" / "metrics.csv").write_text(text.getvalue(), encoding="utf-8")
    loaded = load_package(copy)
    with pytest.raises(PackageError, match=r"metrics\.label"):
        flat_csv(loaded)


# ---- the workbook ----------------------------------------------------------------------------


def load(workbook: bytes) -> Any:
    """Open workbook bytes with openpyxl."""
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(workbook))


def sheet_rows(sheet: Any) -> list[list[Any]]:
    """Every row of a sheet, as cell values."""
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def text_of(value: Any) -> str:
    """A cell as the CSV would write it."""
    if value is None:
        return ""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


def test_the_workbook_has_the_flat_sheet_a_sheet_per_table_and_the_column_sheet(workbook: bytes) -> None:
    assert load(workbook).sheetnames == ["figures", *RESOURCES, "columns"]


def test_every_table_sheet_equals_its_csv(workbook: bytes) -> None:
    book = load(workbook)
    for name, resource in RESOURCES.items():
        schema = json.loads((ROOT / resource["schema"]).read_text(encoding="utf-8"))
        numeric = {f["name"] for f in schema["fields"] if f.get("type") in ("integer", "number")}
        with (ROOT / resource["path"]).open(encoding="utf-8", newline="") as handle:
            header, *rows = list(csv.reader(handle))
        cells = sheet_rows(book[name])
        assert [text_of(value) for value in cells[0]] == header, name
        assert len(cells) - 1 == len(rows), name
        for number, (got, want) in enumerate(zip(cells[1:], rows, strict=True), start=2):
            for column, value, text in zip(header, got, want, strict=True):
                if column in numeric and text:
                    assert isinstance(value, int | float) and value == float(text), (name, number, column)
                else:
                    assert text_of(value) == text, (name, number, column)


def test_the_figures_sheet_equals_the_flat_csv(workbook: bytes, flat: bytes) -> None:
    header, rows = parse_csv(flat)
    cells = sheet_rows(load(workbook)["figures"])
    assert [text_of(value) for value in cells[0]] == header
    assert len(cells) - 1 == len(rows)
    for got, want in zip(cells[1:], rows, strict=True):
        for column, value, text in zip(header, got, want, strict=True):
            if column in NUMERIC and text:
                assert isinstance(value, int | float) and value == float(text), column
            else:
                assert text_of(value) == text, column


def test_the_columns_sheet_carries_every_schema_description(workbook: bytes) -> None:
    described = {(row[0], row[1]): row[3] for row in sheet_rows(load(workbook)["columns"])[1:]}
    for name, resource in RESOURCES.items():
        schema = json.loads((ROOT / resource["schema"]).read_text(encoding="utf-8"))
        for field in schema["fields"]:
            assert described[(name, field["name"])] == field.get("description"), (name, field["name"])
    assert [column for sheet, column in described if sheet == "figures"] == HEADER
    assert all(described[("figures", column)] for column in HEADER)


def formula_parts(workbook: bytes) -> list[str]:
    """Worksheet parts of the xlsx that hold a formula element."""
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        return [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and re.search(rb"<(\w+:)?f[ >/]", archive.read(name))
        ]


def test_no_cell_is_a_formula(workbook: bytes) -> None:
    book = load(workbook)
    assert [c.coordinate for sheet in book for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []
    assert formula_parts(workbook) == []


def test_text_that_starts_like_a_formula_stays_text(tmp_path: Path) -> None:
    # The validator refuses such a cell (formula-injection); the workbook must not depend on it.
    hostile = load_package(ROOT)
    frame = hostile.model.tables["metrics"].frame
    frame.loc[frame.index[0], "definition"] = '=HYPERLINK("http://example.invalid","x")'
    data = workbook_bytes(hostile)
    cell = load(data)["metrics"].cell(row=2, column=list(frame.columns).index("definition") + 1)
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://example.invalid","x")'
    assert formula_parts(data) == []


def test_the_workbook_is_reproducible_and_dated_by_the_package(package: Package, workbook: bytes) -> None:
    assert workbook_bytes(package) == workbook
    created = DESCRIPTOR["created"]
    year, month, day = (int(part) for part in created[:10].split("-"))
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        assert {info.date_time[:3] for info in archive.infolist()} == {(year, month, day)}
        core = archive.read("docProps/core.xml").decode("utf-8")
    stamps = re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]+)<", core)
    assert len(stamps) == 2 and all(stamp.startswith(created[:10]) for stamp in stamps), core


# ---- the SQLite view -------------------------------------------------------------------------


def test_the_figures_view_equals_the_flat_csv(package: Package, flat: bytes, tmp_path: Path) -> None:
    database = build_database(package, tmp_path)
    connection = sqlite3.connect(database)
    try:
        cursor = connection.execute("SELECT * FROM figures")
        columns = [description[0] for description in cursor.description]
        rows = cursor.fetchall()
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        connection.close()
    header, expected = parse_csv(flat)
    assert columns == header
    assert len(rows) == len(expected)
    for got, want in zip(rows, expected, strict=True):
        for column, value, text in zip(header, got, want, strict=True):
            if column in NUMERIC and text:
                assert value == float(text), column
            else:
                assert text_of(value) == text, column


def test_the_view_has_its_datasette_description(package: Package, tmp_path: Path) -> None:
    tables = datasette_metadata(package, tmp_path / "x.sqlite")["databases"]["x"]["tables"]
    assert tables["figures"]["description"]
    assert list(tables["figures"]["columns"]) == HEADER
