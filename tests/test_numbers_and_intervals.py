"""Numbers as printed and figures as intervals: the readings the consistency checks rest on."""

from __future__ import annotations

import csv

import pytest

from conftest import ROOT
from validate.intervals import QUALIFIERS, Interval, read_figure
from validate.numbers import printed_in


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1665, "Some 1,665 arrests"),
        (1665, "made 1665 arrests"),
        (3, "jailed for three years"),
        (4.5, "jailed for four-and-a-half-years"),
        (6, "an extended 6-year license period"),
        (6, "The six-month operation"),
        (0.5, "half of offences"),
        (100, "several hundred people"),
        (19, "19 months’ imprisonment"),
        (45, "involving forty-five forces"),
    ],
)
def test_number_is_found_as_printed(number: float, text: str) -> None:
    assert printed_in(number, text)


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (166, "Some 1,665 arrests"),
        (665, "Some 1,665 arrests"),
        (1666, "Some 1,665 arrests"),
        (4, "four-and-a-half-years"),
        (4.5, "4.55 years"),
        (16, "1,665"),
        (1, "1,665"),
    ],
)
def test_number_is_not_found_inside_another(number: float, text: str) -> None:
    assert not printed_in(number, text)


def test_more_than_is_strictly_above() -> None:
    more = read_figure(1600, "more_than", None, whole=True)
    assert more == Interval(1601, float("inf"))
    assert not more.overlaps(Interval(1600, 1600))
    assert more.overlaps(Interval(1665, 1665))


def test_rounded_headline_covers_half_a_unit_either_side() -> None:
    headline = read_figure(1700, "rounded", 100, whole=True)
    assert headline == Interval(1650, 1749)
    assert read_figure(1600, "rounded", 100, whole=True) == Interval(1550, 1649)
    assert not headline.overlaps(read_figure(1600, "rounded", 100, whole=True))  # type: ignore[arg-type]


def test_continuous_more_than_excludes_its_bound() -> None:
    years = read_figure(1130, "more_than", None, whole=False)
    assert years is not None and years.above(Interval(1130, 1130))
    assert not years.above(Interval(1130.5, 1130.5))


def test_every_qualifier_in_the_package_has_a_reading() -> None:
    with (ROOT / "data" / "qualifiers.csv").open(encoding="utf-8", newline="") as handle:
        defined = {row["qualifier_id"] for row in csv.DictReader(handle)}
    assert defined == set(QUALIFIERS)
    assert read_figure(1, "unheard-of", None, whole=True) is None
