"""Claims checks by declaration: the validator reads x-claims, names no table or column of this
package in its code, and a package of another subject can adopt the profile."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, copy_package, located, run

EXAMPLE = ROOT / "examples" / "council-roads"
PROPERTY = "x-claims"


def declarations() -> dict[str, Any]:
    claims: dict[str, Any] = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))[PROPERTY]
    return claims


def rewrite(package: Path, change: Any) -> None:
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")


def test_the_example_package_of_another_subject_validates(tmp_path: Path) -> None:
    code, report = run(EXAMPLE)
    assert code == 0
    assert located(report) == set()


def test_one_broken_quote_in_the_example_is_caught_at_its_line(tmp_path: Path) -> None:
    example = tmp_path / "example"
    shutil.copytree(EXAMPLE, example)
    claims = example / "data" / "claims.csv"
    claims.write_text(
        claims.read_text(encoding="utf-8").replace("resurfaced some 40", "resurfaced some 45"), encoding="utf-8"
    )
    code, report = run(example)
    assert code == 1
    # The changed words are no longer in the text, and 40 is no longer in its quote.
    assert located(report) == {
        ("quote-not-in-source", "data/claims.csv", 4, "quote"),
        ("figure-not-in-quote", "data/claims.csv", 4, "value"),
    }


def test_without_declarations_only_structure_and_types_run(package: Path) -> None:
    rewrite(package, lambda d: d.pop(PROPERTY))
    code, report = run(package)
    assert code == 0
    assert located(report) == set()
    infos = {f for f in located(report, ("info",)) if f[0] == "layer-not-declared"}
    assert infos == {("layer-not-declared", "datapackage.json", None, PROPERTY)}
    assert len([f for f in report["findings"] if f["code"] == "layer-not-declared"]) == 1  # said once


SECTIONS_THAT_SWITCH_CHECKS_OFF = [
    "sources",
    "quotes",
    "figures",
    "people",
    "claims",
    "periods",
    "events",
    "rules",
    "coverage",
]


@pytest.mark.parametrize("section", SECTIONS_THAT_SWITCH_CHECKS_OFF)
def test_removing_a_declaration_switches_its_checks_off_with_one_info(package: Path, section: str) -> None:
    rewrite(package, lambda d: d[PROPERTY].pop(section))
    code, report = run(package)
    assert code == 0, report
    assert located(report) == set()
    notes = [f for f in report["findings"] if f["code"] == "layer-not-declared"]
    assert notes and all(f"{PROPERTY}.{section}" in f["message"] for f in notes)


def test_a_declaration_naming_a_missing_field_is_one_located_error(package: Path) -> None:
    rewrite(package, lambda d: d[PROPERTY]["claims"].update(value="amount"))
    code, report = run(package)
    assert code == 1
    line = next(
        i
        for i, text in enumerate((package / "datapackage.json").read_text().splitlines(), start=1)
        if '"value": "amount"' in text
    )
    assert ("declaration-invalid", "datapackage.json", line, f"{PROPERTY}.claims.value") in located(report)


def test_a_malformed_declaration_is_one_located_error(package: Path) -> None:
    rewrite(package, lambda d: d[PROPERTY].update(quotes={"resource": "outcomes"}))
    code, report = run(package)
    assert code == 1
    assert {f for f in located(report) if f[0] == "declaration-invalid"} == {
        ("declaration-invalid", "datapackage.json", _line(package, '"quotes": {'), f"{PROPERTY}.quotes")
    }


def _line(package: Path, needle: str) -> int:
    return next(
        i for i, text in enumerate((package / "datapackage.json").read_text().splitlines(), start=1) if needle in text
    )


def _names_of_this_package() -> set[str]:
    """Every resource and field name this package declares."""
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    names = {r["name"] for r in descriptor["resources"] if r.get("type") == "table"}
    for resource in descriptor["resources"]:
        if isinstance(resource.get("schema"), str):
            schema = json.loads((ROOT / resource["schema"]).read_text(encoding="utf-8"))
            names |= {f["name"] for f in schema["fields"]}
    return names


def _profile_words() -> set[str]:
    """The claims profile's own vocabulary (section and property names), which code may name."""
    import dataclasses

    from validate.declarations import LIST_SECTIONS, RECORD_SECTIONS, Declarations

    words = {f.name for f in dataclasses.fields(Declarations)} | set(RECORD_SECTIONS) | set(LIST_SECTIONS)
    for kind in [*RECORD_SECTIONS.values(), *LIST_SECTIONS.values()]:
        words |= {f.name for f in dataclasses.fields(kind)}
    return words


# Table Schema's and frictionless's own words (a resource type, field types, a finding's field, an
# error's note), not this package's names.
TABLE_SCHEMA_WORDS = {
    "table",
    "field",
    "name",
    "title",
    "description",
    "note",
    "string",
    "number",
    "integer",
    "boolean",
    "date",
    "duration",
    "year",
}


def test_the_validator_names_no_table_or_column_of_this_package() -> None:
    names = _names_of_this_package() - _profile_words() - TABLE_SCHEMA_WORDS
    found: dict[str, set[str]] = {}
    # docs.py writes this package's README and reads its files by design; it is not the validator.
    for path in sorted((ROOT / "validate").rglob("*.py")):
        if path.name == "docs.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names:
                found.setdefault(str(path.relative_to(ROOT)), set()).add(node.value)
    assert found == {}


def test_the_real_package_declares_every_check(tmp_path: Path) -> None:
    code, report = run(copy_package(tmp_path / "p"))
    assert code == 0
    assert not [f for f in report["findings"] if f["code"] in ("layer-not-declared", "declaration-invalid")]
    assert set(declarations()) >= {
        "sources",
        "quotes",
        "figures",
        "people",
        "claims",
        "metrics",
        "qualifiers",
        "register",
        "periods",
        "events",
        "rules",
        "units_per_year",
        "required",
        "coverage",
        "exclusions",
    }
