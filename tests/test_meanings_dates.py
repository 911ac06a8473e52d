"""Partial dates and durations, pinned as the README defines them.

A date keeps the precision printed: '2022-10' means some day of October 2022, '2023' some day of
2023. A duration is an ISO 8601 duration (P1Y, P6M, P2W, P7D) counted in the dates' own
precision. Every expected day is written by hand (leap years included), never computed by
validate.dates. The mutation run (tests/mutation/) judges validate/dates.py with this file.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from validate.dates import day_bounds, earliest, latest, precision, readable, span_matches

D = dt.date


@pytest.mark.parametrize(
    ("value", "first", "last", "unit"),
    [
        ("2023", D(2023, 1, 1), D(2023, 12, 31), "year"),
        ("2024", D(2024, 1, 1), D(2024, 12, 31), "year"),
        # February: 29 days in a leap year (2020, 2024, 2000), 28 otherwise (2023, 2100)
        ("2020-02", D(2020, 2, 1), D(2020, 2, 29), "month"),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "month"),
        ("2023-02", D(2023, 2, 1), D(2023, 2, 28), "month"),
        ("2000-02", D(2000, 2, 1), D(2000, 2, 29), "month"),
        ("2100-02", D(2100, 2, 1), D(2100, 2, 28), "month"),
        ("2022-10", D(2022, 10, 1), D(2022, 10, 31), "month"),
        ("2023-04", D(2023, 4, 1), D(2023, 4, 30), "month"),
        ("2023-11", D(2023, 11, 1), D(2023, 11, 30), "month"),
        ("2023-12", D(2023, 12, 1), D(2023, 12, 31), "month"),
        ("2023-01", D(2023, 1, 1), D(2023, 1, 31), "month"),
        ("2022-10-15", D(2022, 10, 15), D(2022, 10, 15), "day"),
        ("2024-02-29", D(2024, 2, 29), D(2024, 2, 29), "day"),
        ("2023-03-02", D(2023, 3, 2), D(2023, 3, 2), "day"),
    ],
)
def test_a_partial_date_spans_its_first_to_its_last_day(value: str, first: dt.date, last: dt.date, unit: str) -> None:
    assert earliest(value) == first
    assert latest(value) == last
    assert precision(value) == unit
    assert readable(value) == value


@pytest.mark.parametrize("value", ["2023-02-29", "2023-13", "2023-00", "2023-04-31", "2023-02-30", ""])
def test_a_date_that_is_no_real_day_is_unreadable(value: str) -> None:
    assert readable(value) is None


@pytest.mark.parametrize("value", [None, 2023, 2023.0, dt.date(2023, 1, 1)])
def test_a_cell_that_is_no_string_is_unreadable(value: object) -> None:
    assert readable(value) is None


@pytest.mark.parametrize(
    ("start", "end", "duration", "matches"),
    [
        # months: October to September is twelve months, P12M or P1Y
        ("2022-10", "2023-09", "P12M", True),
        ("2022-10", "2023-09", "P1Y", True),
        ("2022-10", "2023-09", "P11M", False),
        ("2022-10", "2023-09", "P13M", False),
        ("2022-10", "2023-09", "P2Y", False),
        ("2023-04", "2023-09", "P6M", True),
        ("2023-04", "2023-09", "P5M", False),
        ("2023-04", "2023-09", "P7M", False),
        ("2023-05", "2023-05", "P1M", True),
        ("2022-01", "2023-06", "P1Y6M", True),
        ("2022-01", "2023-06", "P1Y5M", False),
        ("2022-01", "2023-06", "P18M", True),
        ("2022-01", "2023-12", "P2Y", True),
        ("2021-01", "2023-12", "P2Y", False),
        ("2022-12", "2023-01", "P2M", True),
        # years: 2022 to 2023 is two years
        ("2022", "2023", "P2Y", True),
        ("2022", "2023", "P1Y", False),
        ("2022", "2023", "P3Y", False),
        ("2023", "2023", "P1Y", True),
        ("2020", "2024", "P5Y", True),
        # days and weeks, counted including both ends; leap days count
        ("2023-03-01", "2023-03-14", "P2W", True),
        ("2023-03-01", "2023-03-14", "P14D", True),
        ("2023-03-01", "2023-03-14", "P1W7D", True),
        ("2023-03-01", "2023-03-14", "P13D", False),
        ("2023-03-01", "2023-03-14", "P15D", False),
        ("2023-03-01", "2023-03-14", "P1W", False),
        ("2023-03-01", "2023-03-07", "P1W", True),
        ("2023-03-01", "2023-03-07", "P6D", False),
        ("2023-03-01", "2023-03-07", "P8D", False),
        ("2024-02-28", "2024-03-01", "P3D", True),
        ("2023-02-28", "2023-03-01", "P2D", True),
        ("2023-02-28", "2023-03-01", "P3D", False),
        ("2022-12-31", "2023-01-01", "P2D", True),
        ("2023-05-05", "2023-05-05", "P1D", True),
    ],
)
def test_a_period_lasts_its_stated_duration(start: str, end: str, duration: str, matches: bool) -> None:
    assert span_matches(start, end, duration) is matches


@pytest.mark.parametrize(
    ("start", "end", "duration"),
    [
        # dates of different precisions cannot be counted against each other
        ("2023", "2023-05", "P5M"),
        ("2023-01", "2023-01-31", "P31D"),
        # a unit finer than the dates' precision cannot be counted
        ("2022", "2023", "P24M"),
        ("2022", "2023", "P1Y6M"),
        ("2022", "2023", "P104W"),
        ("2022", "2023", "P730D"),
        ("2023-01", "2023-02", "P8W"),
        ("2023-01", "2023-02", "P59D"),
        # a unit coarser than days does not say how many days
        ("2023-01-01", "2023-12-31", "P1Y"),
        ("2023-01-01", "2023-01-31", "P1M"),
        ("2023-01-01", "2024-01-14", "P1Y2W"),
        # not an ISO 8601 duration of these units
        ("2023-01", "2023-06", "6 months"),
        ("2023-01", "2023-06", "PT6H"),
        ("2023-01", "2023-06", ""),
    ],
)
def test_a_period_that_cannot_be_counted_is_not_judged(start: str, end: str, duration: str) -> None:
    assert span_matches(start, end, duration) is None


def test_day_bounds_read_each_cell_of_a_column() -> None:
    column = pd.Series(["2024-02", None, "2023", "2023", 5, "2023-02-30", "2022-10-15", None], dtype=object)
    first, last = day_bounds(column)
    days = [
        (D(2024, 2, 1), D(2024, 2, 29)),
        None,
        (D(2023, 1, 1), D(2023, 12, 31)),
        (D(2023, 1, 1), D(2023, 12, 31)),
        None,
        None,
        (D(2022, 10, 15), D(2022, 10, 15)),
        None,
    ]
    assert len(first) == len(last) == len(days)
    for index, expected in enumerate(days):
        if expected is None:
            assert math.isnan(first[index]) and math.isnan(last[index])
        else:
            assert (first[index], last[index]) == (expected[0].toordinal(), expected[1].toordinal())


def test_day_bounds_of_a_column_ending_in_a_readable_date() -> None:
    # The last distinct value is readable and a missing cell comes first: missing stays NaN.
    first, last = day_bounds(pd.Series([None, "2023"], dtype=object))
    assert math.isnan(first[0]) and math.isnan(last[0])
    assert (first[1], last[1]) == (D(2023, 1, 1).toordinal(), D(2023, 12, 31).toordinal())
