"""Each qualifier's interval, pinned at both ends, open and closed, as the README defines it.

Every expected interval here is written by hand from the qualifier table of the README ("How to
read a figure"), never computed by validate.intervals. The mutation run (tests/mutation/) uses
this file to judge validate/intervals.py: a changed entry of the qualifier table fails here.
"""

from __future__ import annotations

import math

import pytest

from validate.intervals import QUALIFIERS, Interval, read_figure

INF = math.inf

# (qualifier, number N, rounding unit U, continuous reading, whole-number reading)
READINGS = [
    # exactly N
    ("exact", 1665, None, Interval(1665, 1665), Interval(1665, 1665)),
    # any value strictly above N: the next whole number is the least
    ("more_than", 1600, None, Interval(1600, INF, lo_open=True, hi_open=True), Interval(1601, INF)),
    # N or any value above it
    ("at_least", 1600, None, Interval(1600, INF, hi_open=True), Interval(1600, INF)),
    # within half a unit of N: 1,665 to the ten is 1,660 up to but not including 1,670
    ("approximate", 1665, 10, Interval(1660, 1670, hi_open=True), Interval(1660, 1669)),
    ("approximate", 1700, 100, Interval(1650, 1750, hi_open=True), Interval(1650, 1749)),
    # '1,700' to the hundred is 1,650 up to but not including 1,750
    ("rounded", 1700, 100, Interval(1650, 1750, hi_open=True), Interval(1650, 1749)),
    ("rounded", 600, 10, Interval(595, 605, hi_open=True), Interval(595, 604)),
    # at least 200 and fewer than 1,000
    ("hundreds", 100, None, Interval(200, 1000, hi_open=True), Interval(200, 999)),
    # 'nearly 10,000' to the thousand is 9,000 to 9,999
    ("nearly", 10_000, 1000, Interval(9000, 10_000, hi_open=True), Interval(9000, 9999)),
    ("nearly", 700, 100, Interval(600, 700, hi_open=True), Interval(600, 699)),
    # N or any value below it, down to zero
    ("at_most", 20, None, Interval(0, 20), Interval(0, 20)),
    # any value below N, down to zero
    ("fewer_than", 10, None, Interval(0, 10, hi_open=True), Interval(0, 9)),
    # at least two of the unit, fewer than ten (twelve dozen, twenty score) of them
    ("dozens", 12, None, Interval(24, 144, hi_open=True), Interval(24, 143)),
    ("scores", 20, None, Interval(40, 400, hi_open=True), Interval(40, 399)),
    ("thousands", 1000, None, Interval(2000, 10_000, hi_open=True), Interval(2000, 9999)),
    ("tens_of_thousands", 10_000, None, Interval(20_000, 100_000, hi_open=True), Interval(20_000, 99_999)),
    (
        "hundreds_of_thousands",
        100_000,
        None,
        Interval(200_000, 1_000_000, hi_open=True),
        Interval(200_000, 999_999),
    ),
]


def test_every_qualifier_has_a_pinned_reading() -> None:
    assert {row[0] for row in READINGS} == set(QUALIFIERS)


@pytest.mark.parametrize(("qualifier", "number", "unit", "continuous", "whole"), READINGS)
def test_a_qualifier_reads_as_its_documented_interval(
    qualifier: str, number: float, unit: float | None, continuous: Interval, whole: Interval
) -> None:
    assert read_figure(number, qualifier, unit, whole=False) == continuous
    assert read_figure(number, qualifier, unit, whole=True) == whole


# A continuous quantity (years of custody) keeps fractional bounds; a count is whole.
@pytest.mark.parametrize(
    ("qualifier", "number", "unit", "continuous", "whole"),
    [
        ("exact", 2.5, None, Interval(2.5, 2.5), Interval(3, 2)),
        ("more_than", 2.5, None, Interval(2.5, INF, lo_open=True, hi_open=True), Interval(3, INF)),
        ("at_least", 2.5, None, Interval(2.5, INF, hi_open=True), Interval(3, INF)),
        ("approximate", 4.5, 1, Interval(4, 5, hi_open=True), Interval(4, 4)),
        ("rounded", 2.5, 0.5, Interval(2.25, 2.75, hi_open=True), Interval(3, 2)),
        ("nearly", 2.5, 0.5, Interval(2, 2.5, hi_open=True), Interval(2, 2)),
        ("at_most", 2.5, None, Interval(0, 2.5), Interval(0, 2)),
        ("fewer_than", 2.5, None, Interval(0, 2.5, hi_open=True), Interval(0, 2)),
    ],
)
def test_a_fractional_figure_keeps_its_ends_only_when_continuous(
    qualifier: str, number: float, unit: float | None, continuous: Interval, whole: Interval
) -> None:
    assert read_figure(number, qualifier, unit, whole=False) == continuous
    assert read_figure(number, qualifier, unit, whole=True) == whole


@pytest.mark.parametrize(
    ("qualifier", "number"),
    [
        ("exact", 1665),
        ("more_than", 1600),
        ("at_least", 1600),
        ("hundreds", 100),
        ("at_most", 20),
        ("fewer_than", 10),
        ("dozens", 12),
        ("scores", 20),
        ("thousands", 1000),
        ("tens_of_thousands", 10_000),
        ("hundreds_of_thousands", 100_000),
    ],
)
def test_a_unit_given_where_none_is_taken_widens_nothing(qualifier: str, number: float) -> None:
    # The unit is reported as qualifier-unit; the reading stays the qualifier's own.
    assert read_figure(number, qualifier, 7, whole=False) == read_figure(number, qualifier, None, whole=False)


@pytest.mark.parametrize("qualifier", ["approximate", "rounded", "nearly"])
def test_a_unit_left_out_leaves_one_value_with_closed_ends(qualifier: str) -> None:
    # A missing unit is reported as qualifier-unit; meanwhile the figure is read as printed.
    assert read_figure(1700, qualifier, None, whole=False) == Interval(1700, 1700)


def test_an_unknown_qualifier_has_no_reading() -> None:
    assert read_figure(10, "roughly", None, whole=True) is None


@pytest.mark.parametrize(
    ("qualifier", "needs_unit", "marker"),
    [
        ("exact", False, "exact"),
        ("more_than", False, "lower_bound"),
        ("at_least", False, "lower_bound"),
        ("approximate", True, "interval"),
        ("rounded", True, "interval"),
        ("hundreds", False, "interval"),
        ("nearly", True, "interval"),
        ("at_most", False, "interval"),
        ("fewer_than", False, "interval"),
        ("dozens", False, "interval"),
        ("scores", False, "interval"),
        ("thousands", False, "interval"),
        ("tens_of_thousands", False, "interval"),
        ("hundreds_of_thousands", False, "interval"),
    ],
)
def test_each_qualifier_needs_a_unit_and_is_drawn_as_documented(qualifier: str, needs_unit: bool, marker: str) -> None:
    # The README's chart key: a dot for exact, an arrow for a lower bound, a bar for an interval.
    reading = QUALIFIERS[qualifier]
    assert reading.needs_unit is needs_unit
    assert reading.marker == marker


@pytest.mark.parametrize(
    ("interval", "printed"),
    [
        (Interval(1665, 1665), "[1,665, 1,665]"),
        (Interval(1600, INF, lo_open=True, hi_open=True), "(1,600, ∞)"),
        (Interval(1601, INF), "[1,601, ∞]"),
        (Interval(1650, 1750, hi_open=True), "[1,650, 1,750)"),
        (Interval(2.25, 2.75, lo_open=True), "(2.25, 2.75]"),
        (Interval(0, 9), "[0, 9]"),
    ],
)
def test_an_interval_prints_as_findings_show_it(interval: Interval, printed: str) -> None:
    assert str(interval) == printed


@pytest.mark.parametrize(
    ("a", "b", "total"),
    [
        (Interval(1, 2), Interval(3, 4), Interval(4, 6)),
        (Interval(1, 2, hi_open=True), Interval(3, 4), Interval(4, 6, hi_open=True)),
        (Interval(1, 2), Interval(3, 4, hi_open=True), Interval(4, 6, hi_open=True)),
        (Interval(1, 2, lo_open=True), Interval(3, 4), Interval(4, 6, lo_open=True)),
        (Interval(1, 2), Interval(3, 4, lo_open=True), Interval(4, 6, lo_open=True)),
        (Interval(10, INF), Interval(5, 5), Interval(15, INF)),
    ],
)
def test_intervals_add_end_to_end_and_an_open_end_stays_open(a: Interval, b: Interval, total: Interval) -> None:
    assert a + b == total


@pytest.mark.parametrize(
    ("interval", "whole"),
    [
        (Interval(1.5, 3.5), Interval(2, 3)),
        (Interval(1.5, 3.5, lo_open=True, hi_open=True), Interval(2, 3)),
        (Interval(2, 5), Interval(2, 5)),
        (Interval(2, 5, lo_open=True), Interval(3, 5)),
        (Interval(2, 5, hi_open=True), Interval(2, 4)),
        (Interval(2, INF, lo_open=True, hi_open=True), Interval(3, INF)),
    ],
)
def test_whole_numbers_of_an_interval_have_closed_ends(interval: Interval, whole: Interval) -> None:
    assert interval.integers() == whole


@pytest.mark.parametrize(
    ("upper", "lower", "above"),
    [
        # one over, equal, one under
        (Interval(11, 12), Interval(5, 10), True),
        (Interval(10, 12), Interval(5, 10), False),  # they share 10
        (Interval(9, 12), Interval(5, 10), False),
        # touching at an open end shares nothing
        (Interval(10, 12, lo_open=True), Interval(5, 10), True),
        (Interval(10, 12), Interval(5, 10, hi_open=True), True),
        (Interval(10, 12, lo_open=True), Interval(5, 10, hi_open=True), True),
        # the lower interval is never above the upper one
        (Interval(5, 10), Interval(11, 12), False),
        (Interval(5, 10, hi_open=True), Interval(10, 12), False),
    ],
)
def test_above_and_overlaps_at_the_boundary(upper: Interval, lower: Interval, above: bool) -> None:
    assert upper.above(lower) is above
    assert upper.overlaps(lower) is not (above or lower.above(upper))
    assert lower.overlaps(upper) is upper.overlaps(lower)


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        (Interval(1, 5), Interval(5, 9), True),
        (Interval(1, 5), Interval(6, 9), False),
        (Interval(6, 9), Interval(1, 5), False),
        (Interval(1, 5, hi_open=True), Interval(5, 9), False),
        (Interval(5, 9), Interval(1, 5, hi_open=True), False),
        (Interval(1, 9), Interval(3, 4), True),
    ],
)
def test_overlap_is_a_shared_value(a: Interval, b: Interval, overlap: bool) -> None:
    assert a.overlaps(b) is overlap
