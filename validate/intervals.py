"""Figures as intervals of possible true values, read from their qualifiers.

``QUALIFIERS`` is the one home of what each qualifier means: the consistency checks (exact
and vectorised), the chart and the docs all read it. Every qualifier in qualifiers.csv
must be here: the qualifier-unknown check keeps the two in step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

INF = math.inf


@dataclass(frozen=True)
class Reading:
    """The interval a qualifier gives a number N with rounding unit U.

    The low bound is ``lo_times * N + lo_units * U``; the high bound is
    ``hi_times * N + hi_units * U``, or unbounded when ``hi_times`` is None.
    """

    needs_unit: bool
    """The figure must give the unit it was rounded to (and only then may it give one)."""
    lo_times: float
    lo_units: float
    hi_times: float | None
    hi_units: float
    lo_open: bool
    hi_open: bool

    @property
    def marker(self) -> str:
        """How the chart draws it: exact, lower_bound or interval."""
        if self.hi_times is None:
            return "lower_bound"
        if (self.lo_times, self.lo_units, self.hi_times, self.hi_units) == (1, 0, 1, 0):
            return "exact"
        return "interval"


QUALIFIERS: dict[str, Reading] = {
    # exactly N
    "exact": Reading(False, 1, 0, 1, 0, lo_open=False, hi_open=False),
    # 'more than N', 'over N': any value strictly above N
    "more_than": Reading(False, 1, 0, None, 0, lo_open=True, hi_open=True),
    # 'at least N': N or above
    "at_least": Reading(False, 1, 0, None, 0, lo_open=False, hi_open=True),
    # 'some N', 'about N': within half a rounding unit of N
    "approximate": Reading(True, 1, -0.5, 1, 0.5, lo_open=False, hi_open=True),
    # a bare round headline number: within half a rounding unit of N
    "rounded": Reading(True, 1, -0.5, 1, 0.5, lo_open=False, hi_open=True),
    # 'hundreds of', stored as N = 100: at least 200 and fewer than 1,000
    "hundreds": Reading(False, 2, 0, 10, 0, lo_open=False, hi_open=True),
    # 'nearly N', 'almost N': below N, by less than a rounding unit
    "nearly": Reading(True, 1, -1, 1, 0, lo_open=False, hi_open=True),
    # 'up to N', 'at most N', 'no more than N': N or any value below it
    "at_most": Reading(False, 0, 0, 1, 0, lo_open=False, hi_open=False),
    # 'fewer than N', 'less than N': any value below N
    "fewer_than": Reading(False, 0, 0, 1, 0, lo_open=False, hi_open=True),
    # The vague magnitudes, each stored as its unit N and read as 'hundreds' is: at least two
    # of the unit and fewer than ten of them ('dozens': fewer than twelve dozen; 'scores':
    # fewer than twenty score, as a dozen and a score are their own next steps).
    "dozens": Reading(False, 2, 0, 12, 0, lo_open=False, hi_open=True),
    "scores": Reading(False, 2, 0, 20, 0, lo_open=False, hi_open=True),
    "thousands": Reading(False, 2, 0, 10, 0, lo_open=False, hi_open=True),
    "tens_of_thousands": Reading(False, 2, 0, 10, 0, lo_open=False, hi_open=True),
    "hundreds_of_thousands": Reading(False, 2, 0, 10, 0, lo_open=False, hi_open=True),
}
MARKERS = ("exact", "lower_bound", "interval")


@dataclass(frozen=True)
class Interval:
    """Possible true values between lo and hi; an open end excludes its bound."""

    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False

    def __str__(self) -> str:
        left = "(" if self.lo_open else "["
        right = ")" if self.hi_open else "]"
        hi = "∞" if self.hi == INF else f"{self.hi:,g}"
        return f"{left}{self.lo:,g}, {hi}{right}"

    def integers(self) -> Interval:
        """The same interval over whole numbers only, with closed ends."""
        lo = math.floor(self.lo) + 1 if self.lo_open else math.ceil(self.lo)
        hi = self.hi if self.hi == INF else (math.ceil(self.hi) - 1 if self.hi_open else math.floor(self.hi))
        return Interval(lo, hi)

    def above(self, other: Interval) -> bool:
        """True when every value here is greater than every value of other."""
        if self.lo > other.hi:
            return True
        return self.lo == other.hi and (self.lo_open or other.hi_open)

    def overlaps(self, other: Interval) -> bool:
        """True when some value lies in both."""
        return not (self.above(other) or other.above(self))

    def __add__(self, other: Interval) -> Interval:
        return Interval(
            self.lo + other.lo, self.hi + other.hi, self.lo_open or other.lo_open, self.hi_open or other.hi_open
        )


def read_figure(number: float, qualifier: str, unit: float | None, whole: bool) -> Interval | None:
    """The interval a stated figure denotes; None for a qualifier the validator cannot read."""
    reading = QUALIFIERS.get(qualifier)
    if reading is None:
        return None
    step = unit or 0.0
    lo = reading.lo_times * number + reading.lo_units * step
    hi = INF if reading.hi_times is None else reading.hi_times * number + reading.hi_units * step
    # No width (an exact figure, or a unit left out) is one value, with closed ends.
    interval = Interval(lo, hi) if lo == hi else Interval(lo, hi, reading.lo_open, reading.hi_open)
    return interval.integers() if whole else interval
