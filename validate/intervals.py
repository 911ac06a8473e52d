"""Figures as intervals of possible true values, read from their qualifiers."""

from __future__ import annotations

import math
from dataclasses import dataclass

INF = math.inf

# Qualifiers the validator can read, and whether each needs a rounding unit. Every
# qualifier in qualifiers.csv must be here: a test keeps the two in step.
NEEDS_UNIT = {
    "exact": False,
    "more_than": False,
    "at_least": False,
    "approximate": True,
    "rounded": True,
    "hundreds": False,
}


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
        return Interval(self.lo + other.lo, self.hi + other.hi,
                        self.lo_open or other.lo_open, self.hi_open or other.hi_open)


def read_figure(number: float, qualifier: str, unit: float | None, whole: bool) -> Interval | None:
    """The interval a stated figure denotes; None for a qualifier the validator cannot read."""
    if qualifier == "exact":
        interval = Interval(number, number)
    elif qualifier == "more_than":
        interval = Interval(number, INF, lo_open=True, hi_open=True)
    elif qualifier == "at_least":
        interval = Interval(number, INF, hi_open=True)
    elif qualifier in ("approximate", "rounded"):
        half = (unit or 0) / 2
        interval = Interval(number - half, number + half, hi_open=half > 0)
    elif qualifier == "hundreds":
        interval = Interval(2 * number, 10 * number, hi_open=True)
    else:
        return None
    return interval.integers() if whole else interval
