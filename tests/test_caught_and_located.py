"""The defects users worry about most, each caught and located at its file, line and field."""

from __future__ import annotations

from pathlib import Path

from conftest import edit, located, run


def test_figures_disagreeing_across_sources_are_one_finding_at_the_changed_figure(package: Path) -> None:
    # "over 1,000" read as exactly 1,000 contradicts two figures of another source.
    line = edit(package, "outcomes", "metro-l9-children-safeguarded", "qualifier", "exact")
    edit(package, "outcomes", "metro-l9-children-safeguarded", "qualifier_text", "")
    code, report = run(package)
    assert code == 1
    assert located(report) == {("figures-disagree", "data/outcomes.csv", line, "number")}
    message = next(f["message"] for f in report["findings"] if f["code"] == "figures-disagree")
    assert "ucol-l24-children-safeguarded" in message and "ucol-l1-children-safeguarded" in message


def test_impossible_partial_date_in_a_case(package: Path) -> None:
    line = edit(package, "cases", "ucol-case-2", "offence_date", "2023-02-30")
    code, report = run(package)
    assert code == 1
    assert located(report) == {("invalid-date", "data/cases.csv", line, "offence_date")}


def test_quote_of_a_person_with_one_word_changed(package: Path) -> None:
    line = edit(package, "quotes", "ukwide-l52", "text", lambda t: t.replace("our of it", "out of it"))
    code, report = run(package)
    assert code == 1
    assert located(report) == {("quote-not-in-source", "data/quotes.csv", line, "text")}


def test_figure_in_words_changed_by_one(package: Path) -> None:
    line = edit(package, "cases", "pp-case-2", "custody_value", "4")
    code, report = run(package)
    assert code == 1
    assert located(report) == {("figure-not-in-quote", "data/cases.csv", line, "custody_value")}


def test_half_years_in_words_are_found(package: Path) -> None:
    assert run(package)[0] == 0
    edit(package, "cases", "pp-case-1", "custody_value", "4.25")
    assert ("figure-not-in-quote", "data/cases.csv", 4, "custody_value") in located(run(package)[1])


def test_an_integer_past_64_bits_is_a_located_type_error_not_an_internal_error(package: Path) -> None:
    line = edit(package, "outcomes", "ucol-l23-arrests", "line", "99999999999999999999")
    code, report = run(package)
    assert code == 1
    assert ("type-error", "data/outcomes.csv", line, "line") in located(report)
    message = next(f["message"] for f in report["findings"] if f["code"] == "type-error")
    assert message == "'99999999999999999999' is an integer past 64 bits"
