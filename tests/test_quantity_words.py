"""Every quantity word read as a reader reads it, and not read where it counts nothing.

Expected values are written by hand from the words' documented meanings (validate.numbers,
qualifiers.csv), never computed by the scanner under test.
"""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from conftest import ROOT
from contribute.numbers import read_qualifier
from validate.coverage import Accounted
from validate.intervals import QUALIFIERS, Interval, read_figure
from validate.numbers import number_spans, printed_in
from validate.printed import scan


def spans(text: str) -> list[tuple[str, float]]:
    """The scanner's numbers in a text, as (words as printed, value)."""
    return [(text[start:end], value) for start, end, value in number_spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # multipliers
        ("the Met doubled the number of officers", [("doubled", 2)]),
        ("arrests tripled in a year", [("tripled", 3)]),
        ("referrals quadrupled", [("quadrupled", 4)]),
        ("waiting times were halved", [("halved", 0.5)]),
        ("twice as many children", [("twice", 2)]),
        # vague magnitudes, each its unit
        ("a dozen officers", [("a dozen", 12)]),
        ("half a dozen forces", [("half a dozen", 6)]),
        ("dozens of arrests", [("dozens", 12)]),
        ("scores of people", [("scores", 20)]),
        ("tens of thousands of images", [("tens of thousands", 10_000)]),
        ("Tens of thousands of images", [("Tens of thousands", 10_000)]),
        ("hundreds of thousands of files", [("hundreds of thousands", 100_000)]),
        ("thousands of images", [("thousands", 1000)]),
        ("several hundred people", [("hundred", 100)]),
        # scaled numbers: one number each
        ("1.2 million people", [("1.2 million", 1_200_000)]),
        ("a £1m fund", [("1m", 1_000_000)]),
        ("1.2m images", [("1.2m", 1_200_000)]),
        ("a 3bn industry", [("3bn", 3_000_000_000)]),
        ("2 billion images", [("2 billion", 2_000_000_000)]),
        # fractions and percentages as printed
        ("half of offences", [("half", 0.5)]),
        ("a third of arrests", [("a third", 1 / 3)]),
        ("two-thirds of cases", [("two-thirds", 2 / 3)]),
        ("three quarters of forces", [("three quarters", 0.75)]),
        ("a quarter of suspects", [("a quarter", 0.25)]),
        ("50% of cases", [("50", 50)]),
        ("12.5 per cent of cases", [("12.5", 12.5)]),
    ],
)
def test_a_quantity_word_is_read_as_one_number(text: str, expected: list[tuple[str, float]]) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the redoubled effort", []),  # not 'doubled' on its own
        ("a double murder", []),  # an adjective, no multiplier
        ("test scores rose", []),  # 'scores' not before 'of' counts nothing
        ("he scores a goal", []),
        ("the tens column", []),  # 'tens' alone is no magnitude
        ("the third man", []),  # an ordinal, not a fraction
        ("the first quarter", []),
        ("police headquarters", []),
        ("a 2mm gap", [("2", 2)]),  # 'mm' is no scale
        ("at 5mph", [("5", 5)]),
        ("the dozenth time", []),
        ("the two halves of the match", [("two", 2)]),  # 'halves' is no multiplier
        ("a triple jump", []),  # 'triple' is no multiplier; 'tripled' is
        ("at Twickenham", []),  # 'twice' only as a word
        ("a doubles match", []),
    ],
)
def test_a_look_alike_word_is_not_read_as_a_quantity(text: str, expected: list[tuple[str, float]]) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    ("number", "text", "printed"),
    [
        (1_200_000, "1.2 million people", True),
        (1.2, "1.2 million people", False),
        (1_000_000, "a £1m fund", True),
        (1, "a £1m fund", False),
        (1, "made 1 million arrests", False),
        (3_000_000_000, "3bn", True),
        (2, "the Met doubled the number", True),
        (10_000, "tens of thousands of images", True),
        (1000, "tens of thousands of images", False),
        (50, "50% of cases", True),
    ],
)
def test_the_figure_check_reads_a_scaled_number_whole(number: float, text: str, printed: bool) -> None:
    assert printed_in(number, text) is printed


def test_the_figure_checks_fast_path_leaves_scaled_numbers_to_the_scanner() -> None:
    from validate.checks.provenance import _printed_plainly

    numbers = pd.Series([1.0, 1000.0, 1.0], dtype="float64")
    quotes = pd.Series(["made 1 million arrests", "tens of thousands of images", "made 1 arrest"], dtype="str")
    assert _printed_plainly(numbers, quotes, numbers.notna().to_numpy()).tolist() == [False, False, True]


@pytest.mark.parametrize(
    ("line", "rows", "words"),
    [
        ("the Met doubled the number", [], []),
        ("made 1 million arrests", [(1.0, "1")], ["million"]),
        ("tens of thousands of images", [], ["thousands"]),
        ("two thirds of 30 cases", [(2.0, "two"), (30.0, "30")], []),
    ],
)
def test_the_bulk_pass_leaves_a_line_with_new_quantity_words_to_the_exact_ledger(
    line: str, rows: list[tuple[float, str]], words: list[str]
) -> None:
    from validate.gaps import _settle

    figures = pd.DataFrame([(0, 1, v, q) for v, q in rows], columns=["src", "ln", "value", "quote"])
    figures = figures.astype({"value": "float64", "src": "int64", "ln": "int64"}).assign(usable=True)
    spots = pd.DataFrame([(0, 1, w) for w in words], columns=["src", "ln", "words"])
    spots = spots.astype({"src": "int64", "ln": "int64"})
    _, unsettled, _ = _settle([line], 0, figures, spots)
    assert (0, 1) in unsettled


def _pairs() -> list[tuple[str, str]]:
    """The qualifiers table's printed words, longest first, as the draft reads them."""
    with (ROOT / "data" / "qualifiers.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    pairs = [(w.strip().lower(), r["qualifier_id"]) for r in rows for w in r["printed_as"].split("|") if w.strip()]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


@pytest.mark.parametrize(
    ("line", "number", "expected"),
    [
        ("nearly 10,000 images", "10,000", ("nearly", "nearly")),
        ("Almost 500 arrests", "500", ("nearly", "Almost")),
        ("up to 20 officers", "20", ("at_most", "up to")),
        ("at most 5 forces", "5", ("at_most", "at most")),
        ("no more than 3 cases", "3", ("at_most", "no more than")),
        ("no fewer than 40 arrests", "40", ("at_least", "no fewer than")),
        ("at least 7 children", "7", ("at_least", "at least")),
        ("fewer than 10 charges", "10", ("fewer_than", "fewer than")),
        ("Some 1,665 arrests", "1,665", ("approximate", "Some")),
        ("over 1,000 children", "1,000", ("more_than", "over")),
        ("more than 30 arrests", "30", ("more_than", "more than")),
        ("tens of thousands of images", "tens of thousands", ("tens_of_thousands", "tens of thousands")),
        ("hundreds of thousands of files", "hundreds of thousands", ("hundreds_of_thousands", "hundreds of thousands")),
        ("thousands of images", "thousands", ("thousands", "thousands of")),
        ("dozens of arrests", "dozens", ("dozens", "dozens of")),
        ("scores of people", "scores", ("scores", "scores of")),
        ("several hundred people", "hundred", ("hundreds", "several hundred")),
        # words that look like qualifiers but qualify time or nothing
        ("over four-and-a-half months", "four-and-a-half", None),
        ("over 6 years", "6", None),
        ("only one part of it", "one", None),
        ("only 39 registered sex offenders", "39", None),
        ("nearly all of the 30 forces", "30", None),
        ("up to date with 30 forces", "30", None),
    ],
)
def test_the_draft_reads_each_qualifier_and_only_where_it_qualifies_the_number(
    line: str, number: str, expected: tuple[str, str] | None
) -> None:
    found = next(n for n in scan(line) if n.words == number)
    assert read_qualifier(line, Accounted(found), _pairs()) == expected


@pytest.mark.parametrize(
    ("qualifier", "number", "unit", "expected"),
    [
        ("nearly", 10_000, 1000, Interval(9000, 9999)),
        ("at_most", 20, None, Interval(0, 20)),
        ("fewer_than", 10, None, Interval(0, 9)),
        ("dozens", 12, None, Interval(24, 143)),
        ("scores", 20, None, Interval(40, 399)),
        ("thousands", 1000, None, Interval(2000, 9999)),
        ("tens_of_thousands", 10_000, None, Interval(20_000, 99_999)),
        ("hundreds_of_thousands", 100_000, None, Interval(200_000, 999_999)),
    ],
)
def test_each_new_qualifier_reads_as_its_documented_interval(
    qualifier: str, number: float, unit: float | None, expected: Interval
) -> None:
    assert read_figure(number, qualifier, unit, whole=True) == expected


def test_the_qualifier_table_and_the_interval_readings_name_the_same_qualifiers() -> None:
    with (ROOT / "data" / "qualifiers.csv").open(encoding="utf-8", newline="") as handle:
        ids = {row["qualifier_id"] for row in csv.DictReader(handle)}
    assert ids == set(QUALIFIERS)
