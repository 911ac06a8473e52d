"""Partial ISO 8601 dates (YYYY, YYYY-MM, YYYY-MM-DD) as the earliest and latest days they allow."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
_LONGEST_COUNT = 7
"""Digits of the longest count of a duration compared: a period within the years 1 to 9999
lasts fewer than 10,000,000 days, and a longer count (P999…9Y, past the digits Python reads
as an integer) cannot match."""


def earliest(value: str) -> dt.date:
    """First day a partial date can mean."""
    parts = [int(p) for p in value.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def latest(value: str) -> dt.date:
    """Last day a partial date can mean."""
    parts = [int(p) for p in value.split("-")]
    year, month = parts[0], parts[1] if len(parts) > 1 else 12
    day = parts[2] if len(parts) > 2 else calendar.monthrange(year, month)[1]
    return dt.date(year, month, day)


def precision(value: str) -> str:
    """year, month or day."""
    return ("year", "month", "day")[value.count("-")]


def readable(value: object) -> str | None:
    """The value when it is a well-formed, real partial date, else None."""
    if not isinstance(value, str):
        return None
    try:
        earliest(value)
        latest(value)
    except (ValueError, IndexError, OverflowError):
        # OverflowError: a year of 20 digits is past even a C long; ValueError covers a year
        # past 9999 and a part past the digits Python reads as an integer.
        return None
    return value


def span_matches(start: str, end: str, duration: str) -> bool | None:
    """Whether the period from start to end lasts the ISO duration; None when they cannot be compared."""
    match = _DURATION.match(duration)
    if not match or precision(start) != precision(end):
        return None
    if any(g and len(g) > _LONGEST_COUNT for g in match.groups()):
        return False  # no period between years 1 and 9999 lasts 10,000,000 of any unit
    years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
    unit = precision(start)
    if unit == "month" and not (weeks or days):
        first, last = earliest(start), earliest(end)
        counted = (last.year - first.year) * 12 + last.month - first.month + 1
        return counted == years * 12 + months
    if unit == "year" and not (months or weeks or days):
        return int(end) - int(start) + 1 == years
    if unit == "day" and not (years or months):
        return (earliest(end) - earliest(start)).days + 1 == weeks * 7 + days
    return None


def day_bounds(column: Any) -> tuple[Any, Any]:
    """Per cell, the earliest and latest day (as ordinals) of a readable partial date, else NaN.

    Each distinct value is read once (a column of dates holds few of them), and numpy spreads
    the result over the rows; a cell that is not a string is not readable, as in readable().
    """
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    first = np.full(len(uniques) + 1, np.nan)  # the extra last slot is for missing cells (code -1)
    last = np.full(len(uniques) + 1, np.nan)
    for index, value in enumerate(uniques.tolist() if hasattr(uniques, "tolist") else list(uniques)):
        if readable(value) is not None:
            first[index], last[index] = earliest(value).toordinal(), latest(value).toordinal()
    return first[codes], last[codes]
