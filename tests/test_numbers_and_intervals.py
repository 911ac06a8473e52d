"""Numbers as printed and figures as intervals: the readings the consistency checks rest on."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


@settings(deadline=None, max_examples=400)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "", None]),
            st.sampled_from(["m", "n"]),
            st.sampled_from([float("nan"), 0.0, 1.0, 2.0]),
            st.sampled_from([float("nan"), float("inf"), 0.0, 1.0, 2.0]),
            st.booleans(),
            st.booleans(),
        ),
        max_size=14,
    )
)
def test_clashing_groups_are_those_grouping_row_by_row_finds(
    rows: list[tuple[str | None, str, float, float, bool, bool]],
) -> None:
    """The vectorised grouping flags exactly the rows of groups of two or more whose largest
    lower bound passes the smallest upper one, or meets it at an open bound."""
    import math

    import numpy as np
    import pandas as pd

    from validate.checks.consistency import _clashing_groups

    columns = list(zip(*rows, strict=True)) if rows else [()] * 6
    keys = [pd.Series(list(columns[0]), dtype="str"), pd.Series(list(columns[1]), dtype="str")]
    lo, hi = np.array(columns[2], dtype=float), np.array(columns[3], dtype=float)
    lo_open, hi_open = np.array(columns[4], dtype=bool), np.array(columns[5], dtype=bool)
    got = _clashing_groups(keys, lo, hi, lo_open, hi_open).tolist()
    groups: dict[tuple[str, str], list[int]] = {}
    for i, row in enumerate(rows):
        groups.setdefault((row[0] or "", row[1]), []).append(i)  # missing and empty are one key
    expected = [False] * len(rows)
    for members in groups.values():
        lows = [lo[i] for i in members if not math.isnan(lo[i])]
        highs = [hi[i] for i in members if not math.isnan(hi[i])]
        top, bottom = max(lows, default=-math.inf), min(highs, default=math.inf)
        touching = any(lo[i] == top and lo_open[i] for i in members) or any(
            hi[i] == bottom and hi_open[i] for i in members
        )
        clash = len(members) > 1 and (top > bottom or (top == bottom and touching))
        for i in members:
            expected[i] = clash
    assert got == expected
