"""How a number may be printed: digits with or without thousands separators, or in words."""

from __future__ import annotations

import functools
import re

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = {100: "hundred", 1000: "thousand", 1_000_000: "million"}


def _words(whole: int) -> list[str]:
    """English words for a whole number up to 99, and bare scale words."""
    if whole < 20:
        return [_ONES[whole]]
    if whole < 100:
        tens, ones = divmod(whole, 10)
        return [_TENS[tens]] if not ones else [f"{_TENS[tens]}[- ]{_ONES[ones]}"]
    return [_SCALES[whole]] if whole in _SCALES else []


@functools.lru_cache(maxsize=4096)
def number_pattern(number: float) -> re.Pattern[str]:
    """A regex that finds the number as printed: 1,665 or 1665; 4.5, 4½ or four-and-a-half."""
    whole = int(number)
    fraction = round(number - whole, 6)
    forms: list[str] = []
    if fraction == 0:
        forms += [f"{whole:,}", str(whole)]
        spelled = _words(whole)
    else:
        forms += [re.escape(f"{number:g}")]
        spelled = []
        if fraction == 0.5:
            forms.append(f"{whole}½" if whole else "½")
            halves = [f"{w}[- ]and[- ]a[- ]half" for w in _words(whole)] if whole else ["half", "a half"]
            spelled = halves
    digits = "|".join(sorted(set(forms), key=len, reverse=True))
    # "four" inside "four-and-a-half" is 4.5, not 4: a whole number may not run on into a half.
    not_half = r"(?![- ]and[- ]a[- ]half|½)"
    alternatives = [rf"(?<![\d.,])(?:{digits})(?![\d]|[.,]\d){not_half}"]
    if spelled:
        alternatives.append(rf"\b(?:{'|'.join(spelled)})(?:s)?\b{not_half}")
    return re.compile("|".join(alternatives), re.IGNORECASE)
