"""Hostile and broken input: each gives a located finding (exit 1), never a crash or traceback.

Every case copies the real package, breaks one thing, runs the command line in-process and
asserts the exit code first, then the exact (code, file, line, field) of each new error and
warning, so a cascade of extra findings fails the test as surely as a missing one.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import PACKAGE_PARTS as PARTS  # noqa: F401  (re-exported to the guarantee and property tests)
from conftest import copy_package as copy_into
from validate.cli import main

ROOT = Path(__file__).resolve().parents[1]
DESCRIPTOR = "datapackage.json"
METRICS, SOURCES, QUOTES = "data/metrics.csv", "data/sources.csv", "data/quotes.csv"
OUTCOMES = "data/outcomes.csv"
ARCHIVE_0 = "data/archive/000_54c1e66ed01a6af8.txt"
ARCHIVE_1 = "data/archive/001_0fb07a27a869d8c1.txt"

Located = tuple[str, str, "int | None", "str | None"]


# ---- helpers --------------------------------------------------------------------------------


def copy_package(tmp_path: Path) -> Path:
    """A fresh copy of the real package in tmp_path/package."""
    return copy_into(tmp_path / "package")


@pytest.fixture
def pkg(tmp_path: Path) -> Path:
    """A copy of the real package to break."""
    return copy_package(tmp_path)


def run(directory: Path, *args: str) -> tuple[int, dict[str, Any]]:
    """Exit code and parsed JSON report, after checking no traceback was printed."""
    result = CliRunner().invoke(main, [str(directory), "--format", "json", *args])
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def located(report: dict[str, Any]) -> set[tuple[str, str, int | None, str | None]]:
    """(code, file, line, field) of every error and warning."""
    return {(f["code"], f["file"], f["line"], f["field"]) for f in report["findings"] if f["severity"] != "info"}


def read_rows(path: Path) -> list[list[str]]:
    """A CSV's rows, header first."""
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    """Rows written back as the package writes them: minimal quoting, LF endings."""
    path.write_bytes("".join(",".join(map(quoted, row)) + "\n" for row in rows).encode("utf-8"))


def quoted(cell: str) -> str:
    """A cell quoted when it must be; csv.writer leaves a CR unquoted when lines end in LF."""
    return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\r\n') else cell


def set_cell(directory: Path, file: str, line: int, column: str, value: str) -> None:
    """Set one cell of the row on a physical line (every row of the package is one line)."""
    rows = read_rows(directory / file)
    rows[line - 1][rows[0].index(column)] = value
    write_rows(directory / file, rows)


def edit_descriptor(directory: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Apply a change to datapackage.json and write it back, indented as the package is."""
    path = directory / DESCRIPTOR
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def descriptor_line(directory: Path, needle: str, occurrence: int = 1) -> int:
    """Line of the n-th line of datapackage.json that contains needle."""
    lines = (directory / DESCRIPTOR).read_text(encoding="utf-8").split("\n")
    hits = [i for i, text in enumerate(lines, start=1) if needle in text]
    return hits[occurrence - 1]


def index_of(directory: Path, name: str) -> int:
    """Position of the named resource in datapackage.json."""
    descriptor = json.loads((directory / DESCRIPTOR).read_text(encoding="utf-8"))
    return next(i for i, r in enumerate(descriptor["resources"]) if r.get("name") == name)


def set_resource(directory: Path, name: str, key: str, value: object) -> None:
    """Set one key of the named resource."""
    index = index_of(directory, name)
    edit_descriptor(directory, lambda d: d["resources"][index].__setitem__(key, value))


def lines_of(directory: Path, file: str) -> list[bytes]:
    """A file's physical lines, without their LF."""
    return (directory / file).read_bytes().split(b"\n")


def set_line(directory: Path, file: str, line: int, content: bytes) -> None:
    """Replace one physical line's bytes."""
    lines = lines_of(directory, file)
    lines[line - 1] = content
    (directory / file).write_bytes(b"\n".join(lines))


# ---- descriptor -----------------------------------------------------------------------------


def test_descriptor_not_json(pkg: Path) -> None:
    (pkg / DESCRIPTOR).write_text('{\n  "name": "x",\n  oops\n}\n', encoding="utf-8")
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("descriptor-invalid", DESCRIPTOR, 3, None)}


def test_descriptor_a_list(pkg: Path) -> None:
    (pkg / DESCRIPTOR).write_text("[]\n", encoding="utf-8")
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("descriptor-invalid", DESCRIPTOR, 1, None)}


def test_descriptor_not_utf8(pkg: Path) -> None:
    data = (pkg / DESCRIPTOR).read_bytes().replace(b'"version"', b'"v\xffersion"', 1)
    (pkg / DESCRIPTOR).write_bytes(data)
    line = data[: data.index(b"\xff")].count(b"\n") + 1
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("encoding-error", DESCRIPTOR, line, None)}


def test_resources_a_string(pkg: Path) -> None:
    edit_descriptor(pkg, lambda d: d.__setitem__("resources", "data/sources.csv"))
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("descriptor-profile", DESCRIPTOR, descriptor_line(pkg, '"resources"'), "resources")}


def test_no_resources_key(pkg: Path) -> None:
    edit_descriptor(pkg, lambda d: d.pop("resources"))
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("descriptor-profile", DESCRIPTOR, 1, "resources")}


def test_resource_name_a_number(pkg: Path) -> None:
    index = index_of(pkg, "operations")
    set_resource(pkg, "operations", "name", 42)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {
        ("descriptor-profile", DESCRIPTOR, descriptor_line(pkg, '"name": 42'), f"resources[{index}].name")
    }


def test_resource_path_a_number(pkg: Path) -> None:
    set_resource(pkg, "metrics", "path", 7)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {
        ("descriptor-profile", DESCRIPTOR, descriptor_line(pkg, '"path": 7'), "resources[metrics].path")
    }


def test_resource_schema_a_number(pkg: Path) -> None:
    set_resource(pkg, "metrics", "schema", 5)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {
        ("descriptor-profile", DESCRIPTOR, descriptor_line(pkg, '"schema": 5'), "resources[metrics].schema")
    }


def test_resource_not_an_object(pkg: Path) -> None:
    index = len(json.loads((pkg / DESCRIPTOR).read_text(encoding="utf-8"))["resources"])
    edit_descriptor(pkg, lambda d: d["resources"].append(3))
    code, report = run(pkg)
    assert code == 1
    [(finding_code, file, line, field)] = located(report)
    assert (finding_code, file, field) == ("descriptor-profile", DESCRIPTOR, f"resources.{index}")
    assert line == (pkg / DESCRIPTOR).read_text(encoding="utf-8").split("\n").index("    3") + 1


@pytest.mark.parametrize("depth", [100_000, 5_000])
def test_descriptor_deeply_nested(pkg: Path, depth: int) -> None:
    (pkg / DESCRIPTOR).write_text("[" * depth + "]" * depth, encoding="utf-8")
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("descriptor-invalid", DESCRIPTOR, 1, None)}


def test_descriptor_nested_just_within_json_limits(pkg: Path) -> None:
    """Nesting that json reads but deep copies or profile checks might not: still one finding."""
    depth = 900
    edit_descriptor(pkg, lambda d: d.__setitem__("x-deep", json.loads("[" * depth + "]" * depth)))
    code, report = run(pkg)
    assert code in (0, 1)
    assert {f[0] for f in located(report)} <= {"descriptor-invalid", "descriptor-profile"}


def test_descriptor_over_the_file_limit(pkg: Path) -> None:
    size = (pkg / DESCRIPTOR).stat().st_size
    code, report = run(pkg, "--max-file-bytes", str(size - 1))
    assert code == 1
    assert ("file-too-large", DESCRIPTOR, None, None) in located(report)
    assert {f[1] for f in located(report)} >= {DESCRIPTOR}
    assert not any(f[1] == DESCRIPTOR and f[0] != "file-too-large" for f in located(report))


def test_descriptor_over_the_descriptor_limit(pkg: Path) -> None:
    """The default descriptor limit (16 MiB) holds without any option."""
    from validate.options import Options

    with (pkg / DESCRIPTOR).open("ab") as handle:
        handle.write(b" " * (Options().max_descriptor_bytes + 1))
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("file-too-large", DESCRIPTOR, None, None)}


def test_duplicate_resource_names(pkg: Path) -> None:
    edit_descriptor(pkg, lambda d: d["resources"].append(dict(d["resources"][0])))
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("duplicate-resource", DESCRIPTOR, None, "resources")}


# ---- paths ----------------------------------------------------------------------------------


def test_resource_file_missing(pkg: Path) -> None:
    (pkg / SOURCES).unlink()
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("file-missing", SOURCES, None, None)}


def test_resource_file_empty(pkg: Path) -> None:
    (pkg / METRICS).write_bytes(b"")
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("file-empty", METRICS, None, None)}


def test_resource_file_only_a_newline(pkg: Path) -> None:
    (pkg / METRICS).write_bytes(b"\n")
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("file-empty", METRICS, 1, None)}


def test_resource_file_a_directory(pkg: Path) -> None:
    (pkg / METRICS).unlink()
    (pkg / METRICS).mkdir()
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("file-missing", METRICS, None, None)}


def test_resource_file_a_fifo(pkg: Path) -> None:
    (pkg / METRICS).unlink()
    os.mkfifo(pkg / METRICS)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("file-missing", METRICS, None, None)}


def test_csv_symlinked_outside(pkg: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.csv"
    shutil.copy(pkg / METRICS, outside)
    (pkg / METRICS).unlink()
    (pkg / METRICS).symlink_to(outside)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("unsafe-path", DESCRIPTOR, None, "resources[metrics].path")}


def test_csv_symlinked_inside_is_read(pkg: Path) -> None:
    (pkg / "data" / "real-metrics.csv").write_bytes((pkg / METRICS).read_bytes())
    (pkg / METRICS).unlink()
    (pkg / METRICS).symlink_to("real-metrics.csv")
    code, report = run(pkg)
    assert code == 0
    assert located(report) == set()


def test_schema_symlinked_outside(pkg: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.json"
    shutil.copy(pkg / "schemas" / "metrics.json", outside)
    (pkg / "schemas" / "metrics.json").unlink()
    (pkg / "schemas" / "metrics.json").symlink_to(outside)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("unsafe-path", DESCRIPTOR, None, "resources[metrics].schema")}


UNSAFE_PATHS = [
    "../outside.csv",
    "data/../../outside.csv",
    "/etc/passwd",
    "~/metrics.csv",
    "data\\metrics.csv",
]
URLS = [
    "http://example.invalid/metrics.csv",
    "https://example.invalid/metrics.csv",
    "file:///etc/passwd",
    "s3://bucket/metrics.csv",
    "//example.invalid/metrics.csv",
]


@pytest.mark.parametrize("path", UNSAFE_PATHS)
def test_unsafe_resource_path(pkg: Path, path: str) -> None:
    set_resource(pkg, "metrics", "path", path)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("unsafe-path", DESCRIPTOR, None, "resources[metrics].path")}


@pytest.mark.parametrize("path", UNSAFE_PATHS)
def test_unsafe_schema_path(pkg: Path, path: str) -> None:
    set_resource(pkg, "metrics", "schema", path.replace("metrics.csv", "metrics.json"))
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("unsafe-path", DESCRIPTOR, None, "resources[metrics].schema")}


@pytest.mark.parametrize("url", URLS)
def test_remote_resource_path(pkg: Path, url: str) -> None:
    set_resource(pkg, "metrics", "path", url)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("remote-reference", DESCRIPTOR, descriptor_line(pkg, url), "resources[metrics].path")}


@pytest.mark.parametrize("url", URLS)
def test_remote_schema(pkg: Path, url: str) -> None:
    url = url.replace("metrics.csv", "metrics.json")
    set_resource(pkg, "metrics", "schema", url)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("remote-reference", DESCRIPTOR, descriptor_line(pkg, url), "resources[metrics].schema")}


def test_remote_archive_path(pkg: Path) -> None:
    url = "https://example.invalid/a.txt"
    set_resource(pkg, "archive-metro-ucol-1600-arrests", "path", url)
    code, report = run(pkg)
    assert code == 1
    # The sources table still names the archive, which is now no resource of the package.
    assert located(report) == {
        ("remote-reference", DESCRIPTOR, descriptor_line(pkg, url), "resources[archive-metro-ucol-1600-arrests].path"),
        ("archive-undeclared", SOURCES, 2, "archive_path"),
    }


def test_custom_dollar_schema_is_not_fetched(pkg: Path) -> None:
    edit_descriptor(pkg, lambda d: d.__setitem__("$schema", "https://example.invalid/profile.json"))
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("descriptor-profile", DESCRIPTOR, 2, "$schema")}


@pytest.mark.parametrize("value", ["https://example.invalid/profile.json", "schemas/rules.json", "fiscal-data-package"])
def test_custom_legacy_profile_is_not_fetched(pkg: Path, value: str) -> None:
    edit_descriptor(pkg, lambda d: d.__setitem__("profile", value))
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("descriptor-profile", DESCRIPTOR, descriptor_line(pkg, '"profile"'), "profile")}


def test_custom_resource_profile_is_not_fetched(pkg: Path) -> None:
    set_resource(pkg, "metrics", "profile", "https://example.invalid/profile.json")
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {
        ("descriptor-profile", DESCRIPTOR, descriptor_line(pkg, '"profile"'), "resources[metrics].profile")
    }


def test_multipart_path_naming_one_file_twice_is_refused(pkg: Path) -> None:
    set_resource(pkg, "metrics", "path", [METRICS, "./" + METRICS])
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("duplicate-resource", DESCRIPTOR, None, "resources")}


# ---- CSV bytes ------------------------------------------------------------------------------


def test_invalid_utf8_gives_its_line(pkg: Path) -> None:
    lines = lines_of(pkg, SOURCES)
    set_line(pkg, SOURCES, 4, lines[3] + b"\xff")
    code, report = run(pkg)
    assert code == 1
    last = lines[0].decode("utf-8").rstrip("\r\n").split(",")[-1]
    assert located(report) == {("encoding-error", SOURCES, 4, last)}  # the byte ends the last cell


def test_byte_order_mark_is_a_warning_and_ignored(pkg: Path) -> None:
    (pkg / METRICS).write_bytes(b"\xef\xbb\xbf" + (pkg / METRICS).read_bytes())
    code, report = run(pkg)
    assert code == 0
    assert located(report) == {("byte-order-mark", METRICS, 1, None)}
    strict_code, strict_report = run(pkg, "--strict")
    assert strict_code == 1
    assert located(strict_report) == {("byte-order-mark", METRICS, 1, None)}


@pytest.mark.parametrize("ending", [b"\r\n", b"\r"])
def test_mixed_line_endings_at_the_first_cr_line(pkg: Path, ending: bytes) -> None:
    lines = lines_of(pkg, METRICS)
    data = b"\n".join(lines[:3]) + b"\n" + lines[3] + ending + b"\n".join(lines[4:])
    (pkg / METRICS).write_bytes(data)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("line-ending", METRICS, 4, None)}


def test_crlf_everywhere_is_one_finding(pkg: Path) -> None:
    (pkg / QUOTES).write_bytes((pkg / QUOTES).read_bytes().replace(b"\n", b"\r\n"))
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("line-ending", QUOTES, 1, None)}


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f"])
def test_control_character_with_line_and_field(pkg: Path, character: str) -> None:
    set_cell(pkg, METRICS, 3, "label", f"Children{character} safeguarded")
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("control-character", METRICS, 3, "label")}


def test_ragged_row(pkg: Path) -> None:
    set_line(pkg, QUOTES, 5, lines_of(pkg, QUOTES)[4] + b",extra")
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("ragged-row", QUOTES, 5, None)}


def test_trailing_empty_cells_keep_the_row(pkg: Path) -> None:
    """A spreadsheet's trailing commas: one finding, and the row's keys still resolve."""
    set_line(pkg, METRICS, 2, lines_of(pkg, METRICS)[1] + b",,")
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("ragged-row", METRICS, 2, None)}


def test_ragged_row_in_a_parent_table_causes_no_cascade(pkg: Path) -> None:
    set_line(pkg, METRICS, 2, lines_of(pkg, METRICS)[1] + b",extra")
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("ragged-row", METRICS, 2, None)}


def test_duplicate_header_name_in_place_of_a_column(pkg: Path) -> None:
    rows = read_rows(pkg / METRICS)
    rows[0][3] = "label"  # "definition" renamed to a name already used
    write_rows(pkg / METRICS, rows)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("duplicate-header", METRICS, 1, "label")}


def test_blank_header_name_in_place_of_a_column(pkg: Path) -> None:
    rows = read_rows(pkg / METRICS)
    rows[0][2] = ""
    write_rows(pkg / METRICS, rows)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("blank-header", METRICS, 1, "#3")}


def test_line_over_the_limit(pkg: Path) -> None:
    set_cell(pkg, METRICS, 4, "definition", "x" * 5000)
    code, report = run(pkg, "--max-line-bytes", "4096")
    assert code == 1
    assert located(report) == {("line-too-long", METRICS, 4, None)}


def test_line_over_the_default_limit(pkg: Path) -> None:
    from validate.options import Options

    set_cell(pkg, METRICS, 4, "definition", "x" * (Options().max_line_bytes + 1))
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("line-too-long", METRICS, 4, None)}


def test_file_over_the_limit(pkg: Path) -> None:
    set_cell(pkg, METRICS, 4, "definition", "x" * 40_000)
    code, report = run(pkg, "--max-file-bytes", "30000")
    assert code == 1
    assert located(report) == {("file-too-large", METRICS, None, None)}


def test_unclosed_quote_at_the_line_it_opens(pkg: Path) -> None:
    set_line(pkg, METRICS, 4, lines_of(pkg, METRICS)[3].replace(b",", b',"', 1))
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("unclosed-quote", METRICS, 4, None)}


# ---- cells ----------------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t=", "\r-"])
def test_formula_injection(pkg: Path, start: str) -> None:
    # A tab or CR is a risk when what follows it is (validate.formulas): here a formula.
    set_cell(pkg, METRICS, 3, "definition", f"{start}SUM(A1:A9)")
    code, report = run(pkg)
    assert code == 1  # an error, not a warning: a release must not carry a live formula
    assert located(report) == {("formula-injection", METRICS, 3, "definition")}


def test_negative_number_is_not_a_formula(pkg: Path) -> None:
    rows = read_rows(pkg / OUTCOMES)
    line = next(i for i, r in enumerate(rows[1:], start=2) if r[rows[0].index("line")])
    set_cell(pkg, OUTCOMES, line, "line", "-3")
    code, report = run(pkg, "--strict")
    assert code == 1
    assert not any(f[0] == "formula-injection" for f in located(report))
    assert ("out-of-range", OUTCOMES, line, "line") in located(report)


# ---- archive --------------------------------------------------------------------------------


def test_archive_replaced_by_binary(pkg: Path) -> None:
    (pkg / ARCHIVE_0).write_bytes(bytes(range(256)) * 8)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("archive-mismatch", ARCHIVE_0, None, "sha256")}


def test_archive_truncated(pkg: Path) -> None:
    data = (pkg / ARCHIVE_0).read_bytes()
    (pkg / ARCHIVE_0).write_bytes(data[: len(data) // 3])
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("archive-mismatch", ARCHIVE_0, None, "sha256")}


def test_archive_truncated_is_reported(pkg: Path) -> None:
    data = (pkg / ARCHIVE_0).read_bytes()
    (pkg / ARCHIVE_0).write_bytes(data[: len(data) // 3])
    code, report = run(pkg)
    assert code == 1
    assert ("archive-mismatch", ARCHIVE_0, None, "sha256") in located(report)


def test_archive_swapped(pkg: Path) -> None:
    shutil.copy(pkg / ARCHIVE_1, pkg / ARCHIVE_0)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("archive-mismatch", ARCHIVE_0, None, "sha256")}


def test_archive_swapped_is_reported(pkg: Path) -> None:
    shutil.copy(pkg / ARCHIVE_1, pkg / ARCHIVE_0)
    code, report = run(pkg)
    assert code == 1
    assert ("archive-mismatch", ARCHIVE_0, None, "sha256") in located(report)


# ---- no cascades ----------------------------------------------------------------------------


def test_swapped_columns_are_one_header_order_finding(pkg: Path) -> None:
    rows = read_rows(pkg / OUTCOMES)
    for row in rows:
        row[1], row[2] = row[2], row[1]
    write_rows(pkg / OUTCOMES, rows)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("header-order", OUTCOMES, 1, None)}


@pytest.mark.parametrize("table", ["sources", "operations", "metrics", "outcomes"])
def test_unreadable_table_causes_no_cascade(pkg: Path, table: str) -> None:
    path = f"data/{table}.csv"
    set_line(pkg, path, 2, lines_of(pkg, path)[1] + b"\xff")
    last_column = lines_of(pkg, path)[0].decode().split(",")[-1]
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("encoding-error", path, 2, last_column)}


@pytest.mark.parametrize("table", ["sources", "operations", "metrics", "outcomes"])
def test_empty_table_is_one_finding(pkg: Path, table: str) -> None:
    path = f"data/{table}.csv"
    (pkg / path).write_bytes(b"")
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("file-empty", path, None, None)}


def test_empty_quote_line_in_cases_is_not_a_crash(pkg: Path) -> None:
    set_cell(pkg, "data/cases.csv", 2, "line", "")
    code, _ = run(pkg)
    assert code in (0, 1)


def test_a_field_type_that_is_not_a_string(pkg: Path) -> None:
    schema = pkg / "schemas" / "quotes.json"
    content = json.loads(schema.read_text(encoding="utf-8"))
    content["fields"][1]["type"] = []  # a JSON list where a type name belongs
    schema.write_text(json.dumps(content, indent=2), encoding="utf-8")
    code, report = run(pkg)
    assert code == 1
    assert ("schema-invalid", "schemas/quotes.json", None, "fields[1]") in located(report)
