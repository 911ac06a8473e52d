"""One minimal broken package per finding code: each yields exactly its (code, file, line, field).

Every case copies the real package, breaks one thing, and asserts the exit code and the
complete set of located errors and warnings, so a cascade of extra findings also fails.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import (
    Located,
    copy_package,
    edit,
    edit_descriptor,
    line_of,
    located,
    read_rows,
    run,
    write_rows,
)
from validate.findings import CODES

OUTCOMES, SOURCES, OPERATIONS, CASES = (
    "data/outcomes.csv",
    "data/sources.csv",
    "data/operations.csv",
    "data/cases.csv",
)
METRICS, QUALIFIERS, OFFICIALS = "data/metrics.csv", "data/qualifiers.csv", "data/officials.csv"
DISCREPANCIES, EXCLUSIONS = "data/discrepancies.csv", "data/exclusions.csv"
ARCHIVE_003 = "data/archive/003_7b41b251bb0382e3.txt"


@dataclass
class Case:
    """A broken package named after the code it must produce."""

    code: str
    breaks: Callable[[Path], set[Located]]
    """Breaks the package copy and returns the findings it must yield."""
    args: tuple[str, ...] = ()
    also: set[str] = field(default_factory=set)
    """Codes that this one defect unavoidably also yields."""


def append_row(directory: Path, table: str, row: list[str]) -> int:
    """Append a row to a table; return its line."""
    path = directory / "data" / f"{table}.csv"
    rows = read_rows(path)
    rows.append(row)
    write_rows(path, rows)
    return len(rows)


def drop_rows(directory: Path, table: str, keep: Callable[[list[str]], bool]) -> None:
    path = directory / "data" / f"{table}.csv"
    rows = read_rows(path)
    write_rows(path, [rows[0]] + [r for r in rows[1:] if keep(r)])


def set_line(directory: Path, path: str, line: int, text: bytes) -> None:
    """Replace one physical line of a file."""
    target = directory / path
    lines = target.read_bytes().split(b"\n")
    lines[line - 1] = text
    target.write_bytes(b"\n".join(lines))


# ---- structure ------------------------------------------------------------------------------


def descriptor_missing(d: Path) -> set[Located]:
    (d / "datapackage.json").unlink()
    return {("descriptor-missing", "datapackage.json", None, None)}


def descriptor_invalid(d: Path) -> set[Located]:
    (d / "datapackage.json").write_text('{\n  "name": ,\n}\n', encoding="utf-8")
    return {("descriptor-invalid", "datapackage.json", 2, None)}


def descriptor_profile(d: Path) -> set[Located]:
    edit_descriptor(d, lambda x: x.update(version=5))
    text = (d / "datapackage.json").read_text(encoding="utf-8").split("\n")
    line = next(i for i, t in enumerate(text, start=1) if '"version"' in t)
    return {("descriptor-profile", "datapackage.json", line, "version")}


def file_too_large(d: Path) -> set[Located]:
    # The descriptor, written without indentation or resource descriptions, stays under the limit:
    # only data files are too large.
    descriptor = d / "datapackage.json"
    content = json.loads(descriptor.read_text(encoding="utf-8"))
    for resource in content["resources"]:
        resource.pop("description", None)
    descriptor.write_text(json.dumps(content), encoding="utf-8")
    limit = (d / "data" / "quotes.csv").stat().st_size - 1
    assert descriptor.stat().st_size <= limit
    too_big = [p for p in sorted((d / "data").glob("*.csv")) if p.stat().st_size > limit]
    too_big += [p for p in sorted((d / "data" / "archive").glob("*.txt")) if p.stat().st_size > limit]
    return {("file-too-large", str(p.relative_to(d)), None, None) for p in too_big}


def duplicate_resource(d: Path) -> set[Located]:
    edit_descriptor(d, lambda x: x["resources"].append(dict(x["resources"][2])))
    return {("duplicate-resource", "datapackage.json", None, "resources")}


def resource_missing(d: Path) -> set[Located]:
    edit_descriptor(d, lambda x: x.update(resources=[r for r in x["resources"] if r["name"] != "cases"]))
    return {("resource-missing", "datapackage.json", None, "resources")}


def unsafe_path(d: Path) -> set[Located]:
    def change(x: dict) -> None:  # type: ignore[type-arg]
        next(r for r in x["resources"] if r["name"] == "cases")["path"] = "../cases.csv"

    edit_descriptor(d, change)
    return {("unsafe-path", "datapackage.json", None, "resources[cases].path")}


def remote_reference(d: Path) -> set[Located]:
    url = "https://schemas.example.invalid/cases.json"

    def change(x: dict) -> None:  # type: ignore[type-arg]
        next(r for r in x["resources"] if r["name"] == "cases")["schema"] = url

    edit_descriptor(d, change)
    lines = (d / "datapackage.json").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if url in text)
    return {("remote-reference", "datapackage.json", line, "resources[cases].schema")}


def hash_mismatch(d: Path) -> set[Located]:
    edit_descriptor(
        d, lambda x: next(r for r in x["resources"] if r["name"] == "cases").update(hash="sha256:" + "0" * 64)
    )
    return {("hash-mismatch", CASES, None, "hash")}


def bytes_mismatch(d: Path) -> set[Located]:
    size = (d / CASES).stat().st_size
    edit_descriptor(d, lambda x: next(r for r in x["resources"] if r["name"] == "cases").update(bytes=size + 1))
    return {("bytes-mismatch", CASES, None, "bytes")}


def dialect_invalid(d: Path) -> set[Located]:
    edit_descriptor(
        d, lambda x: next(r for r in x["resources"] if r["name"] == "cases").update(dialect={"delimiter": ";;"})
    )
    lines = (d / "datapackage.json").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if '"delimiter": ";;"' in text)
    return {("dialect-invalid", "datapackage.json", line, "resources[cases].dialect.delimiter")}


def foreign_key_resource(d: Path) -> set[Located]:
    path = d / "schemas" / "cases.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    position = next(i for i, key in enumerate(schema["foreignKeys"]) if key["reference"]["resource"] == "operations")
    schema["foreignKeys"][position]["reference"]["resource"] = "no-such-resource"
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    line = next(
        i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if "no-such-resource" in text
    )
    return {("foreign-key-resource", "schemas/cases.json", line, f"foreignKeys[{position}].reference.resource")}


def file_missing(d: Path) -> set[Located]:
    (d / CASES).unlink()
    return {("file-missing", CASES, None, None)}


def file_empty(d: Path) -> set[Located]:
    (d / CASES).write_bytes(b"")
    return {("file-empty", CASES, None, None)}


def schema_invalid(d: Path) -> set[Located]:
    (d / "schemas" / "cases.json").write_text("[]\n", encoding="utf-8")
    return {("schema-invalid", "schemas/cases.json", None, "fields")}


def encoding_error(d: Path) -> set[Located]:
    data = (d / CASES).read_bytes().split(b"\n")
    data[2] = data[2].replace(b"\xe2\x80\x99", b"\xff", 1)
    (d / CASES).write_bytes(b"\n".join(data))
    return {("encoding-error", CASES, 3, "quote")}  # the first right quote mark of line 3 is in the quote


def byte_order_mark(d: Path) -> set[Located]:
    (d / METRICS).write_bytes(b"\xef\xbb\xbf" + (d / METRICS).read_bytes())
    return {("byte-order-mark", METRICS, 1, None)}


def line_ending(d: Path) -> set[Located]:
    (d / METRICS).write_bytes((d / METRICS).read_bytes().replace(b"\n", b"\r\n"))
    return {("line-ending", METRICS, 1, None)}


def mixed_line_endings(d: Path) -> set[Located]:
    # Without the package's LF-only declaration, CRLF is fine but a mix of styles is not.
    edit_descriptor(d, lambda desc: desc.pop("x-line-endings"))
    lines = (d / METRICS).read_bytes().split(b"\n")
    (d / METRICS).write_bytes(b"\n".join(lines[:2]) + b"\r\n" + b"\n".join(lines[2:]))
    return {("mixed-line-endings", METRICS, 2, None)}


def control_character(d: Path) -> set[Located]:
    line = edit(d, "metrics", "arrests", "label", "Arr\x00ests")
    return {("control-character", METRICS, line, "label")}


def line_too_long(d: Path) -> set[Located]:
    # the limit sits just under the longest line, so exactly the file holding it is reported
    longest = max(
        (
            (len(t), p, i)
            for p in sorted((d / "data").glob("*.csv"))
            for i, t in enumerate(p.read_bytes().split(b"\n"), start=1)
        )
    )
    return {("line-too-long", str(longest[1].relative_to(d)), longest[2], None)}


def unclosed_quote(d: Path) -> set[Located]:
    with (d / METRICS).open("ab") as handle:
        handle.write(b'extra,"Extra,count,never closed\n')
    return {("unclosed-quote", METRICS, len(read_rows_raw(d / METRICS)), None)}


def read_rows_raw(path: Path) -> list[bytes]:
    return path.read_bytes().rstrip(b"\n").split(b"\n")


def ragged_row(d: Path) -> set[Located]:
    with (d / METRICS).open("ab") as handle:
        handle.write(b"extra,Extra\n")
    return {("ragged-row", METRICS, len(read_rows_raw(d / METRICS)), None)}


def blank_header(d: Path) -> set[Located]:
    rows = read_rows(d / METRICS)
    rows[0].append("")
    for row in rows[1:]:
        row.append("")
    write_rows(d / METRICS, rows)
    return {("blank-header", METRICS, 1, "#5")}


def duplicate_header(d: Path) -> set[Located]:
    rows = read_rows(d / METRICS)
    for row in rows:
        row.append(row[1])
    write_rows(d / METRICS, rows)
    return {("duplicate-header", METRICS, 1, "label")}


def header_order(d: Path) -> set[Located]:
    rows = read_rows(d / METRICS)
    for row in rows:
        row[1], row[2] = row[2], row[1]
    write_rows(d / METRICS, rows)
    return {("header-order", METRICS, 1, None)}


def missing_column(d: Path) -> set[Located]:
    rows = read_rows(d / CASES)
    column = rows[0].index("plea")
    write_rows(d / CASES, [r[:column] + r[column + 1 :] for r in rows])
    return {("missing-column", CASES, 1, "plea")}


def extra_column(d: Path) -> set[Located]:
    rows = read_rows(d / CASES)
    write_rows(d / CASES, [r + (["remark"] if i == 0 else [""]) for i, r in enumerate(rows)])
    return {("extra-column", CASES, 1, "remark")}


def formula_injection(d: Path) -> set[Located]:
    line = edit(d, "metrics", "arrests", "definition", '=HYPERLINK("http://example.invalid")')
    return {("formula-injection", METRICS, line, "definition")}


# ---- types and constraints -------------------------------------------------------------------


def type_error(d: Path) -> set[Located]:
    return {("type-error", OUTCOMES, edit(d, "outcomes", "ucol-l23-arrests", "number", "1,665"), "number")}


def invalid_date(d: Path) -> set[Located]:
    line = edit(d, "sources", "police-professional-2022-05-20", "published", "2022-02-30")
    return {("invalid-date", SOURCES, line, "published")}


def required_missing(d: Path) -> set[Located]:
    return {("required-missing", OPERATIONS, edit(d, "operations", "ucol-2022-23", "geography", ""), "geography")}


def pattern_mismatch(d: Path) -> set[Located]:
    return {("pattern-mismatch", CASES, edit(d, "cases", "pp-case-2", "case_id", "PP Case 2"), "case_id")}


def enum_violation(d: Path) -> set[Located]:
    return {("enum-violation", OUTCOMES, edit(d, "outcomes", "ucol-l23-arrests", "position", "footer"), "position")}


def out_of_range(d: Path) -> set[Located]:
    line = edit(d, "quotes", "met-l13", "line", "0")
    return {("out-of-range", "data/quotes.csv", line, "line"), ("quote-wrong-line", "data/quotes.csv", line, "line")}


def duplicate_value(d: Path) -> set[Located]:
    line = edit(d, "outcomes", "met-l5-specialist-officers", "outcome_id", "met-l3-search-warrants")
    return {("duplicate-value", OUTCOMES, line, "outcome_id")}


def duplicate_key(d: Path) -> set[Located]:
    row = read_rows(d / OFFICIALS)[-1]
    return {("duplicate-key", OFFICIALS, append_row(d, "officials", row), "person_id,source_id")}


def foreign_key(d: Path) -> set[Located]:
    line = edit(d, "outcomes", "ucol-l23-arrests", "operation_id", "ucol-2099")
    return {("foreign-key", OUTCOMES, line, "operation_id")}


def constraint_violation(d: Path) -> set[Located]:
    path = d / "schemas" / "qualifiers.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    next(f for f in schema["fields"] if f["name"] == "label")["constraints"]["maxLength"] = 15
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    # Every label longer than 15 characters, read from the table, not named here.
    too_long = [row[0] for row in read_rows(d / QUALIFIERS)[1:] if len(row[1]) > 15]
    assert "more_than" in too_long  # 'More than / over'
    return {("constraint-violation", QUALIFIERS, line_of(d, "qualifiers", q), "label") for q in too_long}


# ---- provenance ------------------------------------------------------------------------------


def archive_mismatch(d: Path) -> set[Located]:
    set_line(d, ARCHIVE_003, 58, b"Editors Choise")
    return {("archive-mismatch", ARCHIVE_003, None, "sha256")}


def retrieval_invalid(d: Path) -> set[Located]:
    # A date no time zone has reached yet: the copy cannot have been retrieved then.
    first = read_rows(d / SOURCES)[1][0]
    line = edit(d, "sources", first, "retrieved_on", "2999-01-01")
    return {("retrieval-invalid", SOURCES, line, "retrieved_on")}


def archive_undeclared(d: Path) -> set[Located]:
    edit_descriptor(
        d, lambda x: x.update(resources=[r for r in x["resources"] if r["name"] != "archive-met-week-of-action"])
    )
    return {("archive-undeclared", SOURCES, line_of(d, "sources", "met-week-of-action"), "archive_path")}


def quote_not_in_source(d: Path) -> set[Located]:
    line = edit(d, "outcomes", "metro-l3-arrests", "quote", lambda q: q.replace("national", "regional"))
    return {("quote-not-in-source", OUTCOMES, line, "quote")}


def quote_wrong_line(d: Path) -> set[Located]:
    return {("quote-wrong-line", OUTCOMES, edit(d, "outcomes", "ucol-l23-arrests", "line", "24"), "line")}


def figure_not_in_quote(d: Path) -> set[Located]:
    line = edit(d, "outcomes", "ucol-l23-arrests", "number", "1666")
    return {("figure-not-in-quote", OUTCOMES, line, "number")}


def person_not_in_source(d: Path) -> set[Located]:
    line = next(i for i, r in enumerate(read_rows(d / OFFICIALS)[1:], start=2) if r[0] == "helen-flanagan")
    edit(d, "officials", "helen-flanagan", "name", "Helen Flanigan")
    return {("person-not-in-source", OFFICIALS, line, "name")}


def number_not_covered(d: Path) -> set[Located]:
    drop_rows(d, "outcomes", lambda r: r[0] != "ukwide-l20-devices-examined")
    return {("number-not-covered", ARCHIVE_003, 20, None)}


def exclusion_stale(d: Path) -> set[Located]:
    line = edit(d, "exclusions", "ukwide-l34-two-pronged", "line", "36")
    return {("exclusion-stale", EXCLUSIONS, line, "words"), ("number-not-covered", ARCHIVE_003, 34, None)}


def position_mismatch(d: Path) -> set[Located]:
    return {("position-mismatch", OUTCOMES, edit(d, "outcomes", "ukwide-l3-arrests", "position", "body"), "position")}


# ---- consistency -----------------------------------------------------------------------------


def figures_disagree(d: Path) -> set[Located]:
    line = edit(d, "outcomes", "ukwide-l12-arrests", "qualifier", "exact")
    edit(d, "outcomes", "ukwide-l12-arrests", "qualifier_text", "")
    return {("figures-disagree", OUTCOMES, line, "number")}


def discrepancy_stale(d: Path) -> set[Located]:
    line = append_row(
        d,
        "discrepancies",
        [
            "arrests-met-31",
            "figures",
            "met-ocsae-week-of-action",
            "arrests",
            "",
            "31 against more than 30.",
            "They agree, so this entry is stale.",
        ],
    )
    path = d / "data" / "discrepancy_outcomes.csv"
    rows = read_rows(path)
    rows += [["arrests-met-31", "met-l3-arrests"], ["arrests-met-31", "met-l3-arrests-standfirst"]]
    write_rows(path, rows)
    return {("discrepancy-stale", DISCREPANCIES, line, "discrepancy_id")}


def subset_exceeds_total(d: Path) -> set[Located]:
    line = edit(d, "outcomes", "met-l3-exhibits-seized", "metric_id", "children_at_immediate_risk")
    return {("subset-exceeds-total", OUTCOMES, line, "number")}


def case_exceeds_total(d: Path) -> set[Located]:
    line = edit(d, "cases", "ucol-case-1", "custody_value", "2000")
    return {("case-exceeds-total", CASES, line, "custody_value"), ("figure-not-in-quote", CASES, line, "custody_value")}


def breakdown_sum(d: Path) -> set[Located]:
    base = read_rows(d / OUTCOMES)
    header = base[0]
    row = dict(zip(header, next(r for r in base if r[0] == "met-l3-arrests"), strict=True))
    for part in ("a", "b"):
        append_row(
            d,
            "outcomes",
            [
                {
                    **row,
                    "outcome_id": f"met-l3-arrests-force-{part}",
                    "breakdown_dimension": "force",
                    "breakdown_value": part.upper(),
                }[h]
                for h in header
            ],
        )
    return {("breakdown-sum", OUTCOMES, line_of(d, "outcomes", "met-l3-arrests"), "number")}


def qualifier_unit(d: Path) -> set[Located]:
    line = edit(d, "outcomes", "ucol-l23-arrests", "rounding_unit", "1")
    return {("qualifier-unit", OUTCOMES, line, "rounding_unit")}


def qualifier_unknown(d: Path) -> set[Located]:
    line = append_row(d, "qualifiers", ["about", "About", "'About N': no reading yet.", "about"])
    return {("qualifier-unknown", QUALIFIERS, line, "qualifier_id")}


def period_reversed(d: Path) -> set[Located]:
    line = edit(d, "operations", "npcc-2021-22", "period_end", "2020-03")
    return {("period-reversed", OPERATIONS, line, "period_end")}


def period_after_publication(d: Path) -> set[Located]:
    edit(d, "operations", "npcc-2021-22", "period_start", "2021-07")
    line = edit(d, "operations", "npcc-2021-22", "period_end", "2022-06")
    return {("period-after-publication", OPERATIONS, line, "period_end")}


def duration_mismatch(d: Path) -> set[Located]:
    return {("duration-mismatch", OPERATIONS, edit(d, "operations", "ucol-2022-23", "duration", "P6M"), "duration")}


def period_not_aligned(d: Path) -> set[Located]:
    drop_rows(d, "discrepancies", lambda r: r[1] != "periods")
    return {("period-not-aligned", OPERATIONS, line_of(d, "operations", "ucol-2022-23"), "period_start")}


def case_dates_order(d: Path) -> set[Located]:
    line = edit(d, "cases", "ucol-case-1", "arrest_date", "2024")
    return {("case-dates-order", CASES, line, "sentence_date")}


def rules_invalid(d: Path) -> set[Located]:
    path = d / "schemas" / "rules.json"
    rules = json.loads(path.read_text(encoding="utf-8"))
    rules["subsets"][0]["part"] = "children_at_risk"
    path.write_text(json.dumps(rules, indent=2), encoding="utf-8")
    return {("rules-invalid", "schemas/rules.json", None, None)}


def _line_too_long_args(d: Path) -> tuple[str, ...]:
    longest = max(len(t) for p in (d / "data").glob("*.csv") for t in p.read_bytes().split(b"\n"))
    return ("--max-line-bytes", str(longest - 1))


CASES_BY_CODE = [
    Case("descriptor-missing", descriptor_missing),
    Case("descriptor-invalid", descriptor_invalid),
    Case("descriptor-profile", descriptor_profile),
    Case("duplicate-resource", duplicate_resource),
    Case("resource-missing", resource_missing),
    Case("unsafe-path", unsafe_path),
    Case("remote-reference", remote_reference),
    Case("hash-mismatch", hash_mismatch),
    Case("bytes-mismatch", bytes_mismatch),
    Case("dialect-invalid", dialect_invalid),
    Case("foreign-key-resource", foreign_key_resource),
    Case("file-missing", file_missing),
    Case("file-empty", file_empty),
    Case("schema-invalid", schema_invalid),
    Case("encoding-error", encoding_error),
    Case("byte-order-mark", byte_order_mark),
    Case("line-ending", line_ending),
    Case("mixed-line-endings", mixed_line_endings),
    Case("control-character", control_character),
    Case("unclosed-quote", unclosed_quote),
    Case("ragged-row", ragged_row),
    Case("blank-header", blank_header),
    Case("duplicate-header", duplicate_header),
    Case("header-order", header_order),
    Case("missing-column", missing_column),
    Case("extra-column", extra_column),
    Case("formula-injection", formula_injection),
    Case("type-error", type_error),
    Case("invalid-date", invalid_date),
    Case("required-missing", required_missing),
    Case("pattern-mismatch", pattern_mismatch),
    Case("enum-violation", enum_violation),
    Case("out-of-range", out_of_range, also={"quote-wrong-line"}),
    Case("duplicate-value", duplicate_value),
    Case("duplicate-key", duplicate_key),
    Case("foreign-key", foreign_key),
    Case("constraint-violation", constraint_violation),
    Case("archive-mismatch", archive_mismatch),
    Case("retrieval-invalid", retrieval_invalid),
    Case("archive-undeclared", archive_undeclared),
    Case("quote-not-in-source", quote_not_in_source),
    Case("quote-wrong-line", quote_wrong_line),
    Case("figure-not-in-quote", figure_not_in_quote),
    Case("person-not-in-source", person_not_in_source),
    Case("number-not-covered", number_not_covered),
    # The excluded number, no longer excused at its line, is uncovered too: the pair says both ends.
    Case("exclusion-stale", exclusion_stale, also={"number-not-covered"}),
    Case("position-mismatch", position_mismatch),
    Case("figures-disagree", figures_disagree),
    Case("discrepancy-stale", discrepancy_stale),
    Case("subset-exceeds-total", subset_exceeds_total),
    Case("case-exceeds-total", case_exceeds_total, also={"figure-not-in-quote"}),
    Case("breakdown-sum", breakdown_sum),
    Case("qualifier-unit", qualifier_unit),
    Case("qualifier-unknown", qualifier_unknown),
    Case("period-reversed", period_reversed),
    Case("period-after-publication", period_after_publication),
    Case("duration-mismatch", duration_mismatch),
    Case("period-not-aligned", period_not_aligned),
    Case("case-dates-order", case_dates_order),
    Case("rules-invalid", rules_invalid),
]
# Codes whose fixture needs an option: the limit is set just below what the real package has.
OPTION_CASES = {
    "file-too-large": (
        file_too_large,
        lambda d: ("--max-file-bytes", str((d / "data" / "quotes.csv").stat().st_size - 1)),
    ),
    "line-too-long": (line_too_long, _line_too_long_args),
}


@pytest.mark.parametrize("case", CASES_BY_CODE, ids=lambda c: c.code)
def test_each_code_is_located(case: Case, package: Path) -> None:
    expected = case.breaks(package)
    code, report = run(package)
    failing = CODES[case.code].severity == "error" or any(CODES[c].severity == "error" for c in case.also)
    assert code == (1 if failing else 0)
    assert located(report) == expected
    assert {e[0] for e in expected} == {case.code} | case.also


# The codes of the checks that settle rows in bulk on a large package and read every row on a
# small one (validate.bulk): run here with the bulk passes forced on, they must say the same.
BULK_CODES = {
    "quote-not-in-source",
    "quote-wrong-line",
    "figure-not-in-quote",
    "number-not-covered",
    "person-not-in-source",
}


@pytest.mark.parametrize("case", [c for c in CASES_BY_CODE if ({c.code} | c.also) & BULK_CODES], ids=lambda c: c.code)
def test_each_code_is_located_by_the_bulk_passes_too(
    case: Case, package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import validate.bulk

    monkeypatch.setattr(validate.bulk, "FROM_ROWS", 0)
    expected = case.breaks(package)
    code, report = run(package)
    assert code == 1
    assert located(report) == expected


@pytest.mark.parametrize("name", sorted(OPTION_CASES))
def test_limit_codes_are_located(name: str, package: Path) -> None:
    breaks, args = OPTION_CASES[name]
    options = args(package)
    expected = breaks(package)
    code, report = run(package, *options)
    assert code == 1
    assert {f for f in located(report) if f[0] == name} == expected
    assert expected


def test_acknowledged_discrepancies_are_reported_not_hidden() -> None:
    from conftest import ROOT

    code, report = run(ROOT)
    assert code == 0
    acknowledged = located(report, ("info",))
    rows = read_rows(ROOT / DISCREPANCIES)
    assert acknowledged == {
        ("discrepancy-acknowledged", DISCREPANCIES, i, "discrepancy_id") for i in range(2, len(rows) + 1)
    }


def test_every_code_has_a_fixture() -> None:
    covered = (
        {c.code for c in CASES_BY_CODE}
        | set(OPTION_CASES)
        | {"discrepancy-acknowledged", "check-skipped", "layer-not-declared", "declaration-invalid"}
    )
    assert covered == set(CODES)


def test_a_table_refused_for_its_path_is_one_error_and_its_checks_are_skipped_once(package: Path) -> None:
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == "discrepancy_outcomes")
    resource["path"] = str((package / resource["path"]).resolve())  # absolute: refused, not read
    (package / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    code, report = run(package)
    assert code == 1
    assert located(report) == {("unsafe-path", "datapackage.json", None, "resources[discrepancy_outcomes].path")}
    skipped = {f for f in located(report, ("info",)) if f[0] == "check-skipped"}
    assert skipped == {("check-skipped", "datapackage.json", None, "resources[discrepancy_outcomes]")}


def test_warning_fails_only_when_strict(package: Path) -> None:
    byte_order_mark(package)
    assert run(package)[0] == 0
    assert run(package, "--strict")[0] == 1


def test_copy_of_real_package_is_valid(tmp_path: Path) -> None:
    code, report = run(copy_package(tmp_path / "p"))
    assert code == 0, report
    assert report["valid"] is True
    shutil.rmtree(tmp_path / "p")
