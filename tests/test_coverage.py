"""Every number accounted for: each number an archived text prints is a row's figure or a listed
exclusion, and taking away any one figure is an error at the archive line that prints it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import ROOT, Located, copy_package, edit, edit_descriptor, line_of, located, read_rows, run, write_rows
from validate.checks.coverage import check_coverage
from validate.coverage import coverage, source_coverage
from validate.loading import load_package
from validate.model import Package
from validate.numbers import number_spans, numbers_in
from validate.options import Options
from validate.printed import PrintedNumber, scan, sentence_at

EXCLUSIONS = "data/exclusions.csv"
ARCHIVE_003 = "data/archive/003_7b41b251bb0382e3.txt"
FIGURE_FIELDS = ("custody_value", "extended_licence_value", "register_value")


def _rows(table: str) -> list[dict[str, str]]:
    rows = read_rows(ROOT / "data" / f"{table}.csv")
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


ARCHIVES = {row["source_id"]: row["archive_path"] for row in _rows("sources")}
OUTCOMES = _rows("outcomes")
CASE_FIGURES = [(row, name) for row in _rows("cases") for name in FIGURE_FIELDS if row[name]]


def _load(directory: Path) -> Package:
    return load_package(directory, Options())


def _coverage_findings(directory: Path) -> set[Located]:
    """Only the coverage check, on a freshly loaded package: fast enough to run once per row."""
    return {(f.code, f.file, f.line, f.field) for f in check_coverage(_load(directory)) if f.severity == "error"}


def _drop_row(directory: Path, table: str, key: str) -> None:
    path = directory / "data" / f"{table}.csv"
    rows = read_rows(path)
    write_rows(path, [rows[0]] + [r for r in rows[1:] if r[0] != key])


# ---- the real package -------------------------------------------------------------------------


def test_every_number_of_the_real_package_is_accounted_for() -> None:
    ledger = coverage(_load(ROOT))
    assert set(ledger.sources) == set(ARCHIVES)
    assert ledger.stale == () and ledger.unread == ()
    statuses = [a.status for s in ledger.sources.values() for a in s.numbers]
    assert "uncovered" not in statuses
    # Every figure row covers one printed number, and every exclusion row excludes at least one.
    assert statuses.count("covered") == len(OUTCOMES) + len(CASE_FIGURES)
    used = {a.excluded_by.line for s in ledger.sources.values() for a in s.numbers if a.excluded_by}
    assert used == set(range(2, len(_rows("exclusions")) + 2))


def test_the_ledger_of_one_source_says_what_covers_each_number() -> None:
    ledger = source_coverage(_load(ROOT), "uk-wide-660-arrests")
    assert ledger is not None and ledger.archive == ARCHIVE_003
    by_place = {(a.number.line, a.number.words): a for a in ledger.numbers}
    devices = by_place[(20, "9,172")]
    assert devices.status == "covered"
    assert devices.covered_by is not None
    assert (devices.covered_by.resource, devices.covered_by.field, devices.covered_by.id) == (
        "outcomes",
        "number",
        "ukwide-l20-devices-examined",
    )
    assert devices.covered_by.line == line_of(ROOT, "outcomes", "ukwide-l20-devices-examined")
    banner = by_place[(1, "2019")]
    assert banner.status == "excluded" and banner.reason == "date"
    assert banner.excluded_by is not None and banner.excluded_by.id == "ukwide-l1-banner"
    assert source_coverage(_load(ROOT), "no-such-source") is None


# ---- every figure row, taken away, is caught at its archive line ------------------------------


@pytest.mark.parametrize("row", OUTCOMES, ids=lambda r: r["outcome_id"])
def test_deleting_any_outcomes_row_is_an_error_at_its_archive_line(row: dict[str, str], tmp_path: Path) -> None:
    package = copy_package(tmp_path / "p")
    _drop_row(package, "outcomes", row["outcome_id"])
    expected = ("number-not-covered", ARCHIVES[row["source_id"]], int(row["line"]), None)
    assert _coverage_findings(package) == {expected}


@pytest.mark.parametrize(("row", "field"), CASE_FIGURES, ids=lambda x: x["case_id"] if isinstance(x, dict) else x)
def test_blanking_any_case_figure_is_an_error_at_its_archive_line(
    row: dict[str, str], field: str, tmp_path: Path
) -> None:
    package = copy_package(tmp_path / "p")
    edit(package, "cases", row["case_id"], field, "")
    expected = ("number-not-covered", ARCHIVES[row["source_id"]], int(row["line"]), None)
    assert _coverage_findings(package) == {expected}


def test_a_deleted_figure_is_caught_end_to_end_with_the_number_and_its_sentence(package: Path) -> None:
    _drop_row(package, "outcomes", "ukwide-l20-devices-examined")
    code, report = run(package)
    assert code == 1
    assert located(report) == {("number-not-covered", ARCHIVE_003, 20, None)}
    message = next(f["message"] for f in report["findings"] if f["code"] == "number-not-covered")
    assert "'9,172'" in message and "Officers have searched 833 properties and examined 9,172 computers" in message


def test_a_deleted_exclusion_is_caught_at_the_archive_line(package: Path) -> None:
    _drop_row(package, "exclusions", "pp-l53-copyright")
    assert _coverage_findings(package) == {("number-not-covered", "data/archive/002_28fb279c7c4bd29e.txt", 53, None)}


# ---- stale exclusions -------------------------------------------------------------------------


def test_an_exclusion_moved_off_its_line_is_stale_and_leaves_its_number_uncovered(package: Path) -> None:
    line = edit(package, "exclusions", "pp-l27-guidance-date", "line", "28")
    code, report = run(package)
    assert code == 1
    assert located(report) == {
        ("exclusion-stale", EXCLUSIONS, line, "words"),
        ("number-not-covered", "data/archive/002_28fb279c7c4bd29e.txt", 27, None),
    }


def _append_exclusion(package: Path, row: list[str]) -> int:
    path = package / EXCLUSIONS
    rows = read_rows(path)
    rows.append(row)
    write_rows(path, rows)
    return len(rows)


@pytest.mark.parametrize(
    ("line", "words"),
    [("13", "May 31"), ("53", "Police Professional"), ("54", "Copyright")],
    ids=["words-not-at-line", "words-hold-no-number", "line-past-the-end"],
)
def test_an_exclusion_that_excuses_nothing_is_stale(package: Path, line: str, words: str) -> None:
    at = _append_exclusion(package, ["pp-extra", "police-professional-2022-05-20", line, words, "date", ""])
    code, report = run(package)
    assert code == 1
    assert located(report) == {("exclusion-stale", EXCLUSIONS, at, "words")}


def test_exclusion_words_match_across_typographic_dashes_and_quote_marks(package: Path) -> None:
    # Line 1 of the release prints an en dash after "in one year"; a hyphen matches it.
    edit(package, "exclusions", "ucol-l1-duration", "words", "in one year - safeguarding")
    # Line 75 prints a typographic apostrophe after "19 months"; a straight one matches it.
    _append_exclusion(package, ["ucol-extra", "ucol-1700-arrests", "75", "19 months' imprisonment", "date", ""])
    assert _coverage_findings(package) == set()


# ---- declaration ------------------------------------------------------------------------------


def test_without_the_coverage_declaration_the_check_is_off_and_said_once(package: Path) -> None:
    edit_descriptor(package, lambda d: d["x-claims"].pop("coverage"))
    _drop_row(package, "outcomes", "ukwide-l20-devices-examined")  # would be an error if the check ran
    code, report = run(package)
    assert code == 0, report
    assert located(report) == set()
    notes = [f for f in report["findings"] if f["code"] == "layer-not-declared"]
    assert len(notes) == 1
    assert (notes[0]["file"], notes[0]["line"], notes[0]["field"]) == ("datapackage.json", None, "x-claims")
    assert "x-claims.coverage" in notes[0]["message"]


def test_a_malformed_coverage_declaration_is_one_error_not_a_number_per_line(package: Path) -> None:
    def change(descriptor: dict[str, Any]) -> None:
        descriptor["x-claims"]["coverage"][0].pop("line")

    edit_descriptor(package, change)
    code, report = run(package)
    assert code == 1
    text = (package / "datapackage.json").read_text(encoding="utf-8").splitlines()
    start = next(i for i, t in enumerate(text, start=1) if '"coverage": [' in t)
    assert located(report) == {("declaration-invalid", "datapackage.json", start + 1, "x-claims.coverage.0")}


def test_an_exclusions_declaration_naming_a_missing_field_is_one_error(package: Path) -> None:
    edit_descriptor(package, lambda d: d["x-claims"]["exclusions"].update(words="phrase"))
    code, report = run(package)
    assert code == 1
    text = (package / "datapackage.json").read_text(encoding="utf-8").splitlines()
    line = next(i for i, t in enumerate(text, start=1) if '"words": "phrase"' in t)
    assert located(report) == {("declaration-invalid", "datapackage.json", line, "x-claims.exclusions.words")}


def test_the_example_of_another_subject_declares_no_coverage_and_stays_valid() -> None:
    example = ROOT / "examples" / "council-roads"
    assert "coverage" not in json.loads((example / "datapackage.json").read_text(encoding="utf-8"))["x-claims"]
    code, report = run(example)
    assert code == 0
    assert located(report) == set()


# ---- the scanner ------------------------------------------------------------------------------


def _read(text: str) -> list[tuple[str, float]]:
    return [(n.words, n.value) for n in scan(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Some 1,665 arrests", [("1,665", 1665)]),
        ("arrested more than 1,600 online", [("1,600", 1600)]),
        ("jailed for three years", [("three", 3)]),
        ("jailed for four-and-a-half-years", [("four-and-a-half", 4.5)]),
        ("an extended 6-year license period", [("6", 6)]),
        ("sentenced to 8 years’ imprisonment", [("8", 8)]),
        ("19 months’ imprisonment and 10 years", [("19", 19), ("10", 10)]),
        ("led to hundreds of children being", [("hundreds", 100)]),
        ("Among the several hundred people arrested", [("hundred", 100)]),
        ("tens of thousands of people", [("tens of thousands", 10_000)]),
        ("involving forty-five forces", [("forty-five", 45)]),
        ("half of child abuse offences", [("half", 0.5)]),
        ("Saturday 14 December 2019", [("14", 14), ("2019", 2019)]),
        ("In 2022/23, the NPCC:", [("2022", 2022), ("23", 23)]),
        ("He would pay £200 when", [("200", 200)]),
        ("the mother of a 9-year-old girl", [("9", 9)]),
        ("images and videos of under-18s is illegal", [("18", 18)]),
        ("examined 9,172 computers", [("9,172", 9172)]),
        ("a version 4.5 release", [("4.5", 4.5)]),
        # a relative change is a multiplier: 'doubled' is 2
        ("the Met doubled the number of officers", [("doubled", 2)]),
        # no number: a word that only contains a number word, an ordinal
        ("someone often phoned everyone", []),
        ("when he first met her", []),
    ],
)
def test_the_scanner_reads_numbers_as_printed(text: str, expected: list[tuple[str, float]]) -> None:
    assert _read(text) == expected


def test_the_scanner_locates_each_number_by_line_and_span() -> None:
    text = "Headline with 1,700 arrests\n\nSome 1,665 arrests were made. In one case, a man was jailed.\r\nEnd"
    found = scan(text)
    assert [(n.line, n.start, n.end, n.words) for n in found] == [
        (1, 14, 19, "1,700"),
        (3, 5, 10, "1,665"),
        (3, 33, 36, "one"),
    ]
    lines = text.split("\n")
    for number in found:
        assert lines[number.line - 1][number.start : number.end] == number.words
    assert found[1].sentence == "Some 1,665 arrests were made."
    assert found[2].sentence == "In one case, a man was jailed."
    assert isinstance(found[0], PrintedNumber)


def test_a_sentence_is_cut_at_sentence_ends_only() -> None:
    line = "He said: ‘Over 1,000.’ Mr Simpson said: ‘So, our message is simple.’"
    assert sentence_at(line, line.index("1,000"), line.index("1,000") + 5) == "He said: ‘Over 1,000.’"
    assert sentence_at("No end here 5", 12, 13) == "No end here 5"


def test_the_scanner_reads_the_archived_texts_line_for_line() -> None:
    for path in sorted((ROOT / "data" / "archive").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        for number in scan(text):
            assert lines[number.line - 1][number.start : number.end] == number.words


@given(st.text(alphabet=st.sampled_from(list("0123456789,. -/£%abdefhilmnoqrstuvwxyzAFHNOST")), max_size=60))
def test_the_scanner_and_the_figure_check_give_every_text_the_same_numbers(text: str) -> None:
    assert {value for _, _, value in number_spans(text)} == set(numbers_in(text))


@given(
    st.lists(
        st.sampled_from(
            [
                *["one", "three", "four-and-a-half", "1,600", "2023", "hundreds", "x", ".", "1.2 million", "£1m"],
                *["3bn", "doubled", "halved", "a dozen", "dozens", "scores of", "tens of thousands", "two-thirds"],
            ]
        ),
        max_size=8,
    )
)
def test_the_scanner_and_the_figure_check_agree_on_number_words(words: list[str]) -> None:
    text = " ".join(words)
    assert {value for _, _, value in number_spans(text)} == set(numbers_in(text))


def test_a_row_whose_value_is_printed_nowhere_on_its_lines_is_unmatched_not_a_second_error(package: Path) -> None:
    line = edit(package, "outcomes", "ukwide-l28-immediate-risk", "number", "128")
    ledger = coverage(_load(package))
    assert [(u.row.line, u.source_id, u.lines) for u in ledger.unmatched] == [(line, "uk-wide-660-arrests", (28,))]
    code, report = run(package)
    assert code == 1
    assert located(report) == {("figure-not-in-quote", "data/outcomes.csv", line, "number")}


TOKENS = ["one", "Three", "forty-five", "four-and-a-half", "hundreds", "half", "2,023", "12.5", "6", "x", "often"]
TOKENS += ["doubled", "twice", "a dozen", "dozens", "scores of", "tens of thousands", "million", "m", "bn", "a third"]


@given(st.lists(st.sampled_from([*TOKENS, " ", "-", ",", ".", "½", "s"]), max_size=20))
def test_the_guarded_scan_finds_exactly_the_spans_of_the_figure_check_pattern(tokens: list[str]) -> None:
    from validate.numbers import _NUMBER

    text = "".join(tokens)
    assert [(s, e) for s, e, _ in number_spans(text)] == [m.span() for m in _NUMBER.finditer(text)]
