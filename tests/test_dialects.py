"""Packages written as other people write them: each capability read, and one broken input located.

Every case copies the real package, adds or rewrites one resource the way another publisher
would (a dialect, TSV, inline data, a YAML descriptor, a v1 descriptor, CRLF, more types),
breaks one cell, and asserts the exit code and the exact (code, file, line, field) of each
error and warning, so a missing finding fails as surely as an extra one.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, copy_package, edit_descriptor, located, run

DESCRIPTOR = "datapackage.json"
THIRD_PARTY = ROOT / "tests" / "fixtures" / "third_party"
METRICS = "data/metrics.csv"
GDP_FIELDS: list[dict[str, Any]] = [
    {"name": "Country Name", "type": "string"},
    {"name": "Country Code", "type": "string"},
    {"name": "Year", "type": "year"},
    {"name": "Value", "type": "number"},
]
GDP_ROWS = [
    ["Country Name", "Country Code", "Year", "Value"],
    ["France", "FRA", "2021", "2959355819170.495"],
    ["Germany", "DEU", "2021", "4278503934689.8535"],
    ["United Kingdom", "GBR", "2021", "3141506156618.7026"],
]


@pytest.fixture
def pkg(tmp_path: Path) -> Path:
    """A copy of the real package, to which a third-party resource is added."""
    return copy_package(tmp_path / "package")


def add_resource(directory: Path, resource: dict[str, Any]) -> None:
    """Append a resource to datapackage.json."""
    edit_descriptor(directory, lambda d: d["resources"].append(resource))


def gdp_resource(path: str, **extra: Any) -> dict[str, Any]:
    """A gdp table resource at path, with any further properties (dialect, format)."""
    return {"name": "gdp", "type": "table", "path": path, "schema": {"fields": GDP_FIELDS}, **extra}


def write_table(directory: Path, path: str, rows: list[list[str]], separator: str = ",", ending: str = "\n") -> None:
    """Rows written with a separator and line ending, unquoted (the cells hold neither)."""
    (directory / path).write_bytes("".join(separator.join(row) + ending for row in rows).encode("utf-8"))


def with_cell(row: int, column: str, value: str) -> list[list[str]]:
    """GDP_ROWS with one cell changed (row 0 is the header)."""
    rows = [list(r) for r in GDP_ROWS]
    rows[row][rows[0].index(column)] = value
    return rows


def descriptor_line(directory: Path, needle: str, file: str = DESCRIPTOR) -> int:
    """Line of the first line of the descriptor that contains needle."""
    lines = (directory / file).read_text(encoding="utf-8").split("\n")
    return next(i for i, text in enumerate(lines, start=1) if needle in text)


# ---- dialects and formats --------------------------------------------------------------------


def test_bad_cell_in_a_semicolon_file(pkg: Path) -> None:
    write_table(pkg, "data/gdp.csv", with_cell(2, "Year", "2O21"), separator=";")
    add_resource(pkg, gdp_resource("data/gdp.csv", dialect={"delimiter": ";"}))
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("type-error", "data/gdp.csv", 3, "Year")}


def test_bad_cell_in_a_file_split_by_a_character_arrow_cannot_take(pkg: Path) -> None:
    # Arrow's reader takes only ASCII syntax characters; the csv module reads the rest.
    write_table(pkg, "data/gdp.csv", with_cell(2, "Year", "2O21"), separator="§")
    add_resource(pkg, gdp_resource("data/gdp.csv", dialect={"delimiter": "§"}))
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("type-error", "data/gdp.csv", 3, "Year")}


def test_a_nul_delimiter_is_read_not_a_crash(pkg: Path) -> None:
    # The file still splits its cells by commas, so under a NUL delimiter each row is one cell:
    # the header does not match the schema. A finding, never an internal error.
    write_table(pkg, "data/gdp.csv", GDP_ROWS)
    add_resource(pkg, gdp_resource("data/gdp.csv", dialect={"delimiter": "\u0000"}))
    code, report = run(pkg)
    assert code == 1
    assert {file for _, file, _, _ in located(report)} == {"data/gdp.csv"}


def test_bad_cell_in_a_tsv(pkg: Path) -> None:
    write_table(pkg, "data/gdp.tsv", with_cell(1, "Value", "n/a"), separator="\t")
    add_resource(pkg, gdp_resource("data/gdp.tsv", format="tsv"))
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("type-error", "data/gdp.tsv", 2, "Value")}


def test_quote_char_skip_initial_space_and_comments(pkg: Path) -> None:
    rows = with_cell(3, "Value", "lots")
    rows[1][0] = "'France|Metropolitan'"  # the delimiter inside the dialect's quotes is a cell's text
    lines = ["# GDP in current USD"] + ["| ".join(row) for row in rows]
    (pkg / "data/gdp.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    dialect = {"delimiter": "|", "quoteChar": "'", "skipInitialSpace": True, "commentChar": "#"}
    add_resource(pkg, gdp_resource("data/gdp.csv", dialect=dialect))
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("type-error", "data/gdp.csv", 5, "Value")}


def test_no_header_row_reads_fields_by_position(pkg: Path) -> None:
    write_table(pkg, "data/gdp.csv", with_cell(2, "Value", "n/a")[1:])
    add_resource(pkg, gdp_resource("data/gdp.csv", dialect={"header": False}))
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("type-error", "data/gdp.csv", 2, "Value")}


# ---- inline data -----------------------------------------------------------------------------


def inline_descriptor(directory: Path, data: list[Any]) -> None:
    """Add a gdp resource with inline data, one row per line as the third-party fixtures write it."""
    add_resource(directory, {"name": "gdp", "type": "table", "data": "ROWS", "schema": {"fields": GDP_FIELDS}})
    path = directory / DESCRIPTOR
    rows = ",\n".join(f"        {json.dumps(row)}" for row in data)
    path.write_text(path.read_text(encoding="utf-8").replace('"ROWS"', f"[\n{rows}\n      ]"), encoding="utf-8")


def test_bad_cell_in_inline_rows_is_at_its_descriptor_line(pkg: Path) -> None:
    inline_descriptor(pkg, [GDP_ROWS[0], ["France", "FRA", 2021, 1.5], ["Germany", "DEU", 2021, "n/a"]])
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("type-error", DESCRIPTOR, descriptor_line(pkg, '"n/a"'), "Value")}


def test_inline_objects_and_a_number_in_a_string_field(pkg: Path) -> None:
    data = [
        {"Country Name": "France", "Country Code": "FRA", "Year": 2021, "Value": 1.5},
        {"Country Name": 276, "Country Code": "DEU", "Year": 2021, "Value": 2.5},
    ]
    inline_descriptor(pkg, data)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("type-error", DESCRIPTOR, descriptor_line(pkg, '"Country Name": 276'), "Country Name")}


# ---- YAML descriptor -------------------------------------------------------------------------


def to_yaml(directory: Path) -> None:
    """Replace datapackage.json with the same descriptor as datapackage.yaml."""
    descriptor = json.loads((directory / DESCRIPTOR).read_text(encoding="utf-8"))
    (directory / "datapackage.yaml").write_text(
        yaml.safe_dump(descriptor, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    (directory / DESCRIPTOR).unlink()


def test_bad_cell_in_a_yaml_described_package(pkg: Path) -> None:
    write_table(pkg, "data/gdp.csv", with_cell(3, "Year", "2O21"))
    add_resource(pkg, gdp_resource("data/gdp.csv"))
    to_yaml(pkg)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("type-error", "data/gdp.csv", 4, "Year")}


def test_yaml_descriptor_findings_name_the_yaml_file(pkg: Path) -> None:
    write_table(pkg, "data/gdp.csv", GDP_ROWS)
    add_resource(pkg, gdp_resource("data/gdp.csv", title=7))
    to_yaml(pkg)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {
        (
            "descriptor-profile",
            "datapackage.yaml",
            descriptor_line(pkg, "title: 7", "datapackage.yaml"),
            "resources[gdp].title",
        )
    }


def test_yaml_aliases_are_refused(pkg: Path) -> None:
    to_yaml(pkg)
    path = pkg / "datapackage.yaml"
    path.write_text("x-bomb: &a [1, 2]\nx-more: [*a, *a]\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("descriptor-invalid", "datapackage.yaml", 2, None)}


# ---- Data Package v1 -------------------------------------------------------------------------


def test_v1_descriptor_with_string_keys_is_valid(pkg: Path) -> None:
    write_table(pkg, "data/gdp.csv", GDP_ROWS, ending="\r\n")
    write_table(pkg, "data/country.csv", [["Country Code"], ["FRA"], ["DEU"], ["GBR"]], ending="\r\n")
    country = {
        "name": "country",
        "path": "data/country.csv",
        "profile": "tabular-data-resource",
        "schema": {"fields": [{"name": "Country Code", "type": "string"}], "primaryKey": "Country Code"},
    }
    gdp = gdp_resource("data/gdp.csv", profile="tabular-data-resource")
    del gdp["type"]
    gdp["schema"]["foreignKeys"] = [
        {"fields": "Country Code", "reference": {"resource": "country", "fields": "Country Code"}}
    ]
    fixture = json.loads((THIRD_PARTY / "gdp-v1" / DESCRIPTOR).read_text(encoding="utf-8"))
    (pkg / DESCRIPTOR).write_text(json.dumps({**fixture, "resources": [country, gdp]}, indent=2), encoding="utf-8")
    shutil.rmtree(pkg / "schemas")
    _, report = run(pkg)
    # The exit code waits on resource-missing, this package's own rule that is becoming a
    # declaration; nothing else may be reported.
    assert {f for f in located(report) if f[0] != "resource-missing"} == set()


# ---- line endings ----------------------------------------------------------------------------


def test_crlf_is_accepted_by_default(pkg: Path) -> None:
    edit_descriptor(pkg, lambda d: d.pop("x-line-endings"))
    (pkg / METRICS).write_bytes((pkg / METRICS).read_bytes().replace(b"\n", b"\r\n"))
    code, report = run(pkg)
    assert code == 0
    assert located(report) == set()


def test_crlf_is_refused_when_the_package_declares_lf(pkg: Path) -> None:
    (pkg / METRICS).write_bytes((pkg / METRICS).read_bytes().replace(b"\n", b"\r\n"))
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("line-ending", METRICS, 1, None)}


def test_mixed_line_endings_are_a_warning_by_default(pkg: Path) -> None:
    edit_descriptor(pkg, lambda d: d.pop("x-line-endings"))
    lines = (pkg / METRICS).read_bytes().split(b"\n")
    (pkg / METRICS).write_bytes(b"\r\n".join(lines[:3]) + b"\r\n" + b"\n".join(lines[3:]))
    code, report = run(pkg)
    assert code == 0
    assert located(report) == {("mixed-line-endings", METRICS, 4, None)}


# ---- types frictionless checks ---------------------------------------------------------------

WHEN_FIELDS = [
    {"name": "id", "type": "string"},
    {"name": "year", "type": "year"},
    {"name": "month", "type": "yearmonth"},
    {"name": "at", "type": "datetime"},
    {"name": "time", "type": "time"},
]
WHEN_GOOD = ["a", "2021", "2021-03", "2021-03-04T05:06:07Z", "05:06:07"]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("year", "2O21"),
        ("year", "21"),
        ("month", "2021-13"),
        ("month", "2021"),
        ("at", "2021-03-04"),
        ("at", "2021-03-04T25:00:00"),
        ("time", "5:06"),
        ("time", "24:61:00"),
    ],
)
def test_a_bad_year_yearmonth_datetime_or_time_is_a_type_error(pkg: Path, column: str, value: str) -> None:
    bad = list(WHEN_GOOD)
    bad[[f["name"] for f in WHEN_FIELDS].index(column)] = value
    write_table(pkg, "data/when.csv", [[f["name"] for f in WHEN_FIELDS], WHEN_GOOD, bad])
    add_resource(pkg, {"name": "when", "type": "table", "path": "data/when.csv", "schema": {"fields": WHEN_FIELDS}})
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("type-error", "data/when.csv", 3, column)}


def test_good_year_yearmonth_datetime_and_time_pass(pkg: Path) -> None:
    write_table(pkg, "data/when.csv", [[f["name"] for f in WHEN_FIELDS], WHEN_GOOD])
    add_resource(pkg, {"name": "when", "type": "table", "path": "data/when.csv", "schema": {"fields": WHEN_FIELDS}})
    code, report = run(pkg)
    assert (code, located(report)) == (0, set())


LOOSE_FIELDS: list[dict[str, Any]] = [
    {"name": "day", "type": "date"},
    {"name": "count", "type": "integer"},
    {"name": "share", "type": "number"},
]
LOOSE_ROWS = [["day", "count", "share"], ["2021-1-5", " 12", "3.5 "], ["2021-01-05", "1_000", " 0.25"]]


def _frictionless_valid(directory: Path) -> bool:
    import subprocess
    import sys

    command = [str(Path(sys.executable).parent / "frictionless"), "validate", "--json", str(directory / DESCRIPTOR)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=directory)
    return bool(json.loads(result.stdout)["valid"])


def _loose_package(directory: Path, rows: list[list[str]]) -> Path:
    """A small package of its own whose cells are written as frictionless still reads them."""
    directory.mkdir(parents=True)
    write_table(directory, "loose.csv", rows)
    resource = {"name": "loose", "path": "loose.csv", "schema": {"fields": LOOSE_FIELDS}}
    (directory / DESCRIPTOR).write_text(json.dumps({"name": "loose", "resources": [resource]}), encoding="utf-8")
    return directory


def test_cells_frictionless_reads_loosely_are_read_as_it_reads_them(tmp_path: Path) -> None:
    package = _loose_package(tmp_path / "loose", LOOSE_ROWS)
    code, report = run(package)
    assert (code, located(report)) == (0, set())
    assert _frictionless_valid(package)


def test_a_cell_neither_reads_is_one_error_at_its_place(tmp_path: Path) -> None:
    rows = [list(row) for row in LOOSE_ROWS]
    rows[2][1] = "1_000x"
    package = _loose_package(tmp_path / "loose", rows)
    code, report = run(package)
    assert (code, located(report)) == (1, {("type-error", "loose.csv", 3, "count")})
    assert not _frictionless_valid(package)
