"""Every input read within bounds: a value past a bound of the reader is one located finding
(exit 1), never a traceback, and never silently read as something else.

Each case copies the real package, changes one thing, and asserts the exact (code, file, line,
field) of every error and warning.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from conftest import copy_package, edit, located, run

DESCRIPTOR = "datapackage.json"
SCHEMA = "schemas/metrics.json"
RULES = "schemas/rules.json"
HUGE = "9" * 5000
"""An integer past the 4,300 digits Python reads at all."""


@pytest.fixture
def pkg(tmp_path: Path) -> Path:
    """A copy of the real package to break."""
    return copy_package(tmp_path / "package")


def line_of(directory: Path, file: str, needle: str) -> int:
    """Line of the first line of a file that contains needle."""
    lines = (directory / file).read_text(encoding="utf-8").split("\n")
    return next(i for i, text in enumerate(lines, start=1) if needle in text)


def insert_member(directory: Path, file: str, member: str) -> int:
    """Put a raw member text first in a JSON file's top-level object, on a line of its own; its line."""
    path = directory / file
    text = path.read_text(encoding="utf-8")
    assert text.startswith("{\n")
    path.write_text("{\n  " + member + ",\n" + text[2:], encoding="utf-8")
    return 2


# ---- JSON: descriptor, schemas, rules file ----------------------------------------------------

PAST_BOUNDS = {
    "a 5,000-digit integer": f'"x-big": {HUGE}',
    "a 5,000-digit decimal": f'"x-big": 0.{HUGE}',
    "a number beyond float range": '"x-big": 1e400',
    "Infinity": '"x-big": Infinity',
    "minus Infinity": '"x-big": -Infinity',
    "NaN": '"x-big": NaN',
    "nesting 900 deep": '"x-big": ' + "[" * 900 + "]" * 900,
    "nesting 100,000 deep": '"x-big": ' + "[" * 100_000 + "]" * 100_000,
}
FILES = {DESCRIPTOR: "descriptor-invalid", SCHEMA: "schema-invalid", RULES: "rules-invalid"}


@pytest.mark.parametrize("file", FILES)
@pytest.mark.parametrize("member", PAST_BOUNDS.values(), ids=PAST_BOUNDS)
def test_json_past_a_bound_is_one_finding_at_its_member(pkg: Path, file: str, member: str) -> None:
    line = insert_member(pkg, file, member)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {(FILES[file], file, line, "x-big")}


@pytest.mark.parametrize("file", FILES)
def test_json_duplicate_key_is_a_finding_at_the_key(pkg: Path, file: str) -> None:
    path = pkg / file
    text = path.read_text(encoding="utf-8")
    first = next(line for line in text.split("\n") if line.startswith('  "'))  # a top-level member
    key = json.loads("{" + first.rstrip(",") + "}").popitem()[0]
    path.write_text(text.replace(first, first.rstrip(",") + ",\n" + first, 1), encoding="utf-8")
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {(FILES[file], file, line_of(pkg, file, first.strip()) + 1, key)}


def test_duplicate_key_deep_in_the_descriptor(pkg: Path) -> None:
    path = pkg / DESCRIPTOR
    text = path.read_text(encoding="utf-8")
    needle = '"archive": "archive_path",'
    path.write_text(text.replace(needle, needle + '\n      "archive": "title",', 1), encoding="utf-8")
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {
        ("descriptor-invalid", DESCRIPTOR, line_of(pkg, DESCRIPTOR, needle) + 1, "x-claims.sources.archive")
    }


def test_nesting_within_the_bound_is_read(pkg: Path) -> None:
    from validate.loading.structured import MAX_DEPTH

    insert_member(pkg, DESCRIPTOR, '"x-deep": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1))
    insert_member(pkg, SCHEMA, '"x-deep": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1))
    code, report = run(pkg)
    assert code == 0
    assert located(report) == set()


# ---- YAML descriptor -------------------------------------------------------------------------


def to_yaml(directory: Path, first_line: str) -> None:
    """Replace datapackage.json with the same descriptor as datapackage.yaml, one line put first."""
    descriptor = json.loads((directory / DESCRIPTOR).read_text(encoding="utf-8"))
    text = yaml.safe_dump(descriptor, sort_keys=False, allow_unicode=True)
    (directory / "datapackage.yaml").write_text(first_line + "\n" + text, encoding="utf-8")
    (directory / DESCRIPTOR).unlink()


YAML_PAST_BOUNDS = {
    "a 5,000-digit integer": f"x-big: {HUGE}",
    "a number beyond float range": "x-big: 1.0e+400",
    "infinity": "x-big: .inf",
    "not a number": "x-big: .NaN",
    "a set": "x-big: !!set {a, b}",
    "binary": "x-big: !!binary aGVsbG8=",
    "an impossible date": "x-big: 2023-02-30",
}


@pytest.mark.parametrize("first_line", YAML_PAST_BOUNDS.values(), ids=YAML_PAST_BOUNDS)
def test_yaml_past_a_bound_is_one_finding_at_its_member(pkg: Path, first_line: str) -> None:
    to_yaml(pkg, first_line)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("descriptor-invalid", "datapackage.yaml", 1, "x-big")}


def test_yaml_nested_too_deep(pkg: Path) -> None:
    to_yaml(pkg, "x-big: " + "[" * 900 + "]" * 900)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("descriptor-invalid", "datapackage.yaml", 1, None)}


def test_yaml_duplicate_key_is_a_finding_at_the_key(pkg: Path) -> None:
    to_yaml(pkg, "name: twice")
    lines = (pkg / "datapackage.yaml").read_text(encoding="utf-8").split("\n")
    second = [number for number, text in enumerate(lines, start=1) if text.startswith("name:")][1]
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("descriptor-invalid", "datapackage.yaml", second, "name")}


# ---- cells -----------------------------------------------------------------------------------


def rows_of(directory: Path, table: str) -> list[dict[str, str]]:
    """A table's rows as dicts, in file order."""
    return list(csv.DictReader(io.StringIO((directory / "data" / f"{table}.csv").read_text(encoding="utf-8"))))


def plain_outcome(directory: Path) -> str:
    """An outcome that no register entry lists and that is no part of a breakdown: taking its
    figure out leaves no other check with anything to say."""
    listed = {row["outcome_id"] for row in rows_of(directory, "discrepancy_outcomes")}
    return next(
        row["outcome_id"]
        for row in rows_of(directory, "outcomes")
        if row["outcome_id"] not in listed and not row["breakdown_dimension"]
    )


@pytest.mark.parametrize("value", ["1e309", "-1e309", HUGE, HUGE + ".5"])
def test_number_past_float_range_is_a_type_error_at_its_cell(pkg: Path, value: str) -> None:
    line = edit(pkg, "outcomes", plain_outcome(pkg), "number", value)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("type-error", "data/outcomes.csv", line, "number")}


def test_integer_past_the_digits_limit_is_a_type_error_at_its_cell(pkg: Path) -> None:
    source = rows_of(pkg, "sources")[0]["source_id"]
    line = edit(pkg, "sources", source, "bytes", "1" + "0" * 30)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("type-error", "data/sources.csv", line, "bytes")}


@pytest.mark.parametrize("year", ["9" * 20, "9" * 5000, "0000"])
def test_case_date_out_of_range_is_an_invalid_date_at_its_cell(pkg: Path, year: str) -> None:
    case = next(row["case_id"] for row in rows_of(pkg, "cases") if row["sentence_date"])
    line = edit(pkg, "cases", case, "sentence_date", year)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("invalid-date", "data/cases.csv", line, "sentence_date")}


@pytest.mark.parametrize("column", ["period_start", "period_end"])
def test_period_out_of_range_is_an_invalid_date_at_its_cell(pkg: Path, column: str) -> None:
    operation = next(row["operation_id"] for row in rows_of(pkg, "operations") if not row["series_id"])
    line = edit(pkg, "operations", operation, column, lambda date: "9" * 20 + date[4:])
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("invalid-date", "data/operations.csv", line, column)}


def test_duration_past_any_period_is_one_mismatch_at_its_cell(pkg: Path) -> None:
    operation = next(row["operation_id"] for row in rows_of(pkg, "operations") if row["duration"])
    line = edit(pkg, "operations", operation, "duration", "P" + "9" * 5000 + "Y")
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("duration-mismatch", "data/operations.csv", line, "duration")}


# ---- schema content --------------------------------------------------------------------------


def set_constraint(directory: Path, table: str, name: str, key: str, value: object) -> int:
    """Set one constraint of a field in schemas/TABLE.json (written back indented as the package
    writes it); the line the constraint is on."""
    path = directory / "schemas" / f"{table}.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    spec = next(f for f in schema["fields"] if f["name"] == name)
    spec.setdefault("constraints", {})[key] = value
    text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    lines = text.split("\n")
    start = lines.index(f'      "name": "{name}",')
    return next(i for i in range(start, len(lines)) if lines[i].startswith(f'        "{key}":')) + 1


BAD_CONSTRAINTS = {
    "an unclosed character class": ("operations", "operation_id", "pattern", "[a-zp-9"),
    "a variable-width look-behind": ("operations", "operation_id", "pattern", "(?<=a+)b"),
    "a pattern that is a number": ("operations", "operation_id", "pattern", 7),
    "an enum holding a list": ("operations", "geography", "enum", ["England and Wales", ["a"]]),
    "an enum holding an object": ("operations", "geography", "enum", [{"b": 1}]),
    "an enum of text on a number field": ("outcomes", "number", "enum", ["1", "2"]),
    "a text minimum on a number field": ("outcomes", "number", "minimum", "abc"),
    "a minimum that is no date on a date field": ("sources", "published", "minimum", "abc"),
    "a text maximum on an integer field": ("outcomes", "line", "maximum", "9"),
    "a true minimum on a number field": ("outcomes", "number", "minimum", True),
    "a fractional maximum on an integer field": ("outcomes", "line", "maximum", 1.5),
    "a maxLength of text": ("operations", "geography", "maxLength", "x"),
    "a negative minLength": ("operations", "geography", "minLength", -1),
    "a required that is text": ("operations", "geography", "required", "yes"),
}


@pytest.mark.parametrize(("table", "name", "key", "value"), BAD_CONSTRAINTS.values(), ids=BAD_CONSTRAINTS)
def test_unusable_constraint_is_schema_invalid_at_its_field(
    pkg: Path, table: str, name: str, key: str, value: object
) -> None:
    line = set_constraint(pkg, table, name, key, value)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("schema-invalid", f"schemas/{table}.json", line, f"fields[{name}].constraints.{key}")}


def test_an_inline_schema_constraint_is_located_in_the_descriptor(pkg: Path) -> None:
    path = pkg / DESCRIPTOR
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    index = next(i for i, r in enumerate(descriptor["resources"]) if r["name"] == "metrics")
    schema = json.loads((pkg / SCHEMA).read_text(encoding="utf-8"))
    schema["fields"][0].setdefault("constraints", {})["pattern"] = "(?<=a+)b"
    descriptor["resources"][index]["schema"] = schema
    text = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    line = next(i for i, t in enumerate(text.split("\n"), start=1) if t.strip().startswith('"pattern": "(?<=a+)b"'))
    code, report = run(pkg)
    assert code == 1
    name = schema["fields"][0]["name"]
    assert located(report) == {
        ("schema-invalid", DESCRIPTOR, line, f"resources[metrics].schema.fields[{name}].constraints.pattern")
    }


# ---- links -----------------------------------------------------------------------------------


def test_a_resource_that_links_to_itself_is_unsafe(pkg: Path) -> None:
    (pkg / "data/metrics.csv").unlink()
    (pkg / "data/metrics.csv").symlink_to("metrics.csv")
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("unsafe-path", DESCRIPTOR, None, "resources[metrics].path")}


def test_a_loop_of_two_links_is_unsafe(pkg: Path) -> None:
    (pkg / "data/metrics.csv").unlink()
    (pkg / "data/metrics.csv").symlink_to("other.csv")
    (pkg / "data/other.csv").symlink_to("metrics.csv")
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("unsafe-path", DESCRIPTOR, None, "resources[metrics].path")}


def test_a_schema_in_a_folder_that_links_to_itself_is_unsafe(pkg: Path) -> None:
    (pkg / "loop").symlink_to("loop")
    path = pkg / DESCRIPTOR
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    next(r for r in descriptor["resources"] if r["name"] == "metrics")["schema"] = "loop/metrics.json"
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("unsafe-path", DESCRIPTOR, None, "resources[metrics].schema")}


# ---- x-claims against the tables -------------------------------------------------------------


def declare(directory: Path, section: str, prop: str, value: str, index: int | None = None) -> tuple[int, str]:
    """Set one property of an x-claims section (of its index-th record, for a list section);
    the line it is on and the finding's field for it."""
    path = directory / DESCRIPTOR
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    record = descriptor["x-claims"][section]
    (record[index] if index is not None else record)[prop] = value
    text = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    lines = text.split("\n")
    start = lines.index(f'    "{section}": ' + ("[" if index is not None else "{"))
    for _ in range(index + 1 if index is not None else 0):
        start = next(i for i in range(start + 1, len(lines)) if lines[i] == "      {")
    line = next(i for i in range(start, len(lines)) if lines[i].strip().startswith(f'"{prop}": {json.dumps(value)}'))
    where = f"x-claims.{section}." + (f"{index}." if index is not None else "") + prop
    return line + 1, where


WRONG_TYPES = {
    "claims.value names a text column": ("claims", None, "value", "quote"),
    "claims.metric names a number column": ("claims", None, "metric", "number"),
    "claims.rounding_unit names a text column": ("claims", None, "rounding_unit", "qualifier"),
    "coverage.line names the quote column": ("coverage", 0, "line", "quote"),
    "coverage.value names a text column": ("coverage", 1, "value", "quote"),
    "figures.value names a text column": ("figures", 0, "value", "quote"),
    "quotes.line names a text column": ("quotes", 1, "line", "text"),
    "sources.published names the byte count": ("sources", None, "published", "bytes"),
    "sources.bytes names a text column": ("sources", None, "bytes", "title"),
    "sources.doubtful names a date column": ("sources", None, "doubtful", "published"),
    "exclusions.line names a text column": ("exclusions", None, "line", "words"),
    "events.subject names a number column": ("events", None, "subject", "line"),
}


@pytest.mark.parametrize(("section", "index", "prop", "column"), WRONG_TYPES.values(), ids=WRONG_TYPES)
def test_a_declared_field_of_the_wrong_type_is_one_declaration_invalid(
    pkg: Path, section: str, index: int | None, prop: str, column: str
) -> None:
    line, where = declare(pkg, section, prop, column, index)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("declaration-invalid", DESCRIPTOR, line, where)}


def test_a_declared_field_empty_in_every_row_is_one_declaration_invalid(pkg: Path) -> None:
    column = next(
        name for name in rows_of(pkg, "outcomes")[0] if not any(row[name] for row in rows_of(pkg, "outcomes"))
    )
    line, where = declare(pkg, "quotes", "source", column, 0)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("declaration-invalid", DESCRIPTOR, line, where)}


@pytest.mark.parametrize(("section", "index", "prop"), [("claims", None, "source"), ("coverage", 0, "id")])
def test_an_optional_field_that_locates_rows_empty_in_every_row_is_one_declaration_invalid(
    pkg: Path, section: str, index: int | None, prop: str
) -> None:
    # Optional, but once declared it says whose a row is: all empty, its checks would stop in silence.
    descriptor = json.loads((pkg / DESCRIPTOR).read_text(encoding="utf-8"))
    declared = descriptor["x-claims"][section]
    resource = (declared if index is None else declared[index])["resource"]
    rows = rows_of(pkg, resource)
    column = next(name for name in rows[0] if not any(row[name] for row in rows))
    line, where = declare(pkg, section, prop, column, index)
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("declaration-invalid", DESCRIPTOR, line, where)}


def test_a_declared_resource_that_is_not_a_table_is_one_declaration_invalid(pkg: Path) -> None:
    descriptor = json.loads((pkg / DESCRIPTOR).read_text(encoding="utf-8"))
    text_resource = next(r["name"] for r in descriptor["resources"] if "schema" not in r)
    declare(pkg, "claims", "resource", text_resource)
    line = line_of(pkg, DESCRIPTOR, '    "claims": {')
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("declaration-invalid", DESCRIPTOR, line, "x-claims.claims")}


# ---- rules and units that cannot apply --------------------------------------------------------


def edit_rules(directory: Path, kind: str, index: int, key: str, value: object) -> int:
    """Set one property of a rule in the rules file, kept one rule a line; the rule's line."""
    path = directory / RULES
    rules = json.loads(path.read_text(encoding="utf-8"))
    rules[kind][index][key] = value
    lines = ["{"]
    members = list(rules.items())
    for position, (name, items) in enumerate(members):
        end = "," if position < len(members) - 1 else ""
        if isinstance(items, list):
            lines.append(f"  {json.dumps(name)}: [")
            lines += [f"    {json.dumps(item)}" + ("," if i < len(items) - 1 else "") for i, item in enumerate(items)]
            lines.append("  ]" + end)
        else:
            lines.append(f"  {json.dumps(name)}: {json.dumps(items)}{end}")
    path.write_text("\n".join([*lines, "}"]) + "\n", encoding="utf-8")
    return line_of(directory, RULES, json.dumps(rules[kind][index]))


def test_a_case_limit_naming_a_missing_unit_column_is_rules_invalid(pkg: Path) -> None:
    line = edit_rules(pkg, "case_limits", 0, "unit", "no_such_unit")
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("rules-invalid", RULES, line, "case_limits.0.unit")}


def test_a_case_limit_whose_value_is_text_is_rules_invalid(pkg: Path) -> None:
    line = edit_rules(pkg, "case_limits", 0, "value", "quote")
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("rules-invalid", RULES, line, "case_limits.0.value")}


def test_units_per_year_matching_no_unit_is_declaration_invalid(pkg: Path) -> None:
    path = pkg / DESCRIPTOR
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["x-claims"]["units_per_year"] = {"fortnights": 26}
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    code, report = run(pkg)
    assert code == 1
    line = line_of(pkg, DESCRIPTOR, '"units_per_year"')
    assert located(report) == {("declaration-invalid", DESCRIPTOR, line, "x-claims.units_per_year")}
    assert len([f for f in report["findings"] if f["code"] == "declaration-invalid"]) == 1


def test_a_unit_missing_from_units_per_year_is_declaration_invalid(pkg: Path) -> None:
    rule = json.loads((pkg / RULES).read_text(encoding="utf-8"))["case_limits"][0]
    case = next(row for row in rows_of(pkg, "cases") if row[rule["value"]] and row[rule["unit"]])
    schema = json.loads((pkg / "schemas/cases.json").read_text(encoding="utf-8"))
    enum = next(f for f in schema["fields"] if f["name"] == rule["unit"]).get("constraints", {}).get("enum")
    if enum is not None:  # the schema's own list of units admits the new one
        set_constraint(pkg, "cases", rule["unit"], "enum", [*enum, "fortnights"])
    edit(pkg, "cases", case["case_id"], rule["unit"], "fortnights")
    code, report = run(pkg)
    assert code == 1
    line = line_of(pkg, DESCRIPTOR, '"units_per_year"')
    assert located(report) == {("declaration-invalid", DESCRIPTOR, line, "x-claims.units_per_year")}


def test_breakdown_rules_without_a_declared_dimension_are_rules_invalid(pkg: Path) -> None:
    path = pkg / DESCRIPTOR
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    del descriptor["x-claims"]["claims"]["dimension"]
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    rules = json.loads((pkg / RULES).read_text(encoding="utf-8"))["breakdowns"]
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {
        ("rules-invalid", RULES, line_of(pkg, RULES, f'"id": "{rule["id"]}"'), f"breakdowns.{index}")
        for index, rule in enumerate(rules)
    }


@pytest.mark.parametrize("size", ["1e30", "1000000000000000000000000000000"])
def test_descriptor_bytes_of_10_to_the_30_is_a_mismatch_at_its_line(pkg: Path, size: str) -> None:
    path = pkg / DESCRIPTOR
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    archive = next(r for r in descriptor["resources"] if "schema" not in r and "bytes" in r)
    text = path.read_text(encoding="utf-8")
    needle = f'"bytes": {archive["bytes"]}'
    start = text.index(f'"name": "{archive["name"]}"')
    at = text.index(needle, start)
    path.write_text(text[:at] + f'"bytes": {size}' + text[at + len(needle) :], encoding="utf-8")
    code, report = run(pkg)
    assert code == 1
    assert located(report) == {("archive-mismatch", DESCRIPTOR, text.count("\n", 0, at) + 1, "bytes")}
