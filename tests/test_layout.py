"""Position is checked against each source's declared layout, and inferred cells carry their basis."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner

from conftest import edit, edit_descriptor, line_of, located, read_rows, run, write_rows
from contribute.cli import main
from validate.layout import Layout

OUTCOMES = "data/outcomes.csv"


def test_a_part_runs_from_its_start_to_the_next() -> None:
    # headline at 1; line 3 split: its first sentence a standfirst, the rest body; a credit at 18.
    layout = Layout(((1, 1), (3, 1), (3, 2), (18, 1)), ("headline", "standfirst", "body", "credit"), frozenset({3}))
    assert layout.position_at(1) == "headline"
    assert layout.position_at(2) == "headline"
    assert layout.position_at(3, 1) == "standfirst"
    assert layout.position_at(3, 2) == "body"
    assert layout.position_at(3, 5) == "body"
    assert layout.position_at(17) == "body"
    assert layout.position_at(18) == "credit"
    assert Layout(((5, 1),), ("body",), frozenset()).position_at(4) is None


def test_a_headline_row_marked_body_fails_at_its_row_and_field(package: Path) -> None:
    line = edit(package, "outcomes", "ukwide-l3-arrests", "position", "body")
    code, report = run(package)
    assert code == 1
    assert located(report) == {("position-mismatch", OUTCOMES, line, "position")}


def test_the_sentence_of_a_split_line_decides_its_position(package: Path) -> None:
    # Line 3 of the Met's text: its first sentence is the standfirst, its second the body.
    first = edit(package, "outcomes", "met-l3-children-protected", "position", "body")
    second = edit(package, "outcomes", "met-l3-search-warrants", "position", "standfirst")
    code, report = run(package)
    assert code == 1
    assert located(report) == {
        ("position-mismatch", OUTCOMES, first, "position"),
        ("position-mismatch", OUTCOMES, second, "position"),
    }


def test_a_row_before_its_sources_layout_begins_is_a_finding(package: Path) -> None:
    rows = read_rows(package / "data/layout.csv")
    header = rows[0]
    kept = [r for r in rows if not (r[header.index("source_id")] == "uk-wide-660-arrests" and r[1] in ("1", "3"))]
    write_rows(package / "data/layout.csv", kept)
    code, report = run(package)
    assert code == 1
    expected = {
        line_of(package, "outcomes", k) for k in ("ukwide-l3-arrests", "ukwide-l5-arrests", "ukwide-l6-arrests")
    }
    assert {(f["code"], f["line"], f["field"]) for f in report["findings"] if f["severity"] == "error"} == {
        ("position-mismatch", line, "position") for line in expected
    }


def test_a_child_status_quote_at_another_line_fails_at_that_field(package: Path) -> None:
    rows = read_rows(package / "data/cases.csv")
    column = rows[0].index("child_status_line")
    row = next(i for i, r in enumerate(rows) if r[0] == "pp-case-1")
    rows[row][column] = str(int(rows[row][column]) - 2)
    write_rows(package / "data/cases.csv", rows)
    code, report = run(package)
    assert code == 1
    assert located(report) == {("quote-wrong-line", "data/cases.csv", row + 1, "child_status_line")}


def test_the_draft_fills_position_from_the_layout(package: Path) -> None:
    rows = read_rows(package / OUTCOMES)
    write_rows(package / OUTCOMES, [r for r in rows if not r[0].startswith("met-l3-")])
    result = CliRunner().invoke(main, ["numbers", "met-week-of-action", "--draft", "--package", str(package)])
    assert result.exit_code == 0, result.output
    drafted = list(csv.DictReader(io.StringIO(result.output)))
    # Line 3's first sentence ('more than 30', '100') is the standfirst; its second (31, 300, 91) the body.
    assert [(r["number"], r["position"]) for r in drafted] == [
        ("30", "standfirst"),
        ("100", "standfirst"),
        ("31", "body"),
        ("300", "body"),
        ("91", "body"),
    ]


def test_a_package_without_a_layout_declaration_checks_no_position(package: Path) -> None:
    def forget(descriptor: dict[str, object]) -> None:
        claims = descriptor["x-claims"]
        assert isinstance(claims, dict)
        del claims["layout"], claims["positions"]

    edit_descriptor(package, forget)
    edit(package, "outcomes", "ukwide-l3-arrests", "position", "body")
    code, report = run(package)
    assert code == 0, located(report)
