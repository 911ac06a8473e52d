"""The numbers a text prints: digits with or without thousands separators, or in words."""

from __future__ import annotations

import functools
import re

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}


def _word_values() -> dict[str, int]:
    values = {word: n for n, word in enumerate(_ONES)}
    for tens, word in enumerate(_TENS):
        if word:
            values[word] = tens * 10
            values.update({f"{word}-{_ONES[ones]}": tens * 10 + ones for ones in range(1, 10)})
            values.update({f"{word} {_ONES[ones]}": tens * 10 + ones for ones in range(1, 10)})
    return values


_WORDS = _word_values()
_HALF = r"[- ]and[- ]a[- ]half|½"
_NUMBER = re.compile(
    r"(?<![\w.,])(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<half_d>" + _HALF + r")?(?![\d]|[.,]\d)"
    r"|\b(?P<word>" + "|".join(sorted(map(re.escape, _WORDS), key=len, reverse=True)) + r")"
    r"(?P<half_w>" + _HALF + r")?\b"
    r"|\b(?P<scale>hundred|thousand|million)s?\b"
    r"|\b(?P<bare_half>half)\b",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=65536)
def numbers_in(text: str) -> frozenset[float]:
    """Every number the text prints: '1,665' and '1665' are 1665, 'four-and-a-half' is 4.5,
    '6-year' is 6, 'hundreds' is 100 and 'half' is 0.5; a whole number that runs on into
    'and a half' is only the half-number, so 4 is not in 'four-and-a-half'."""
    return frozenset(_value(match) for match in _NUMBER.finditer(text))


def _value(match: re.Match[str]) -> float:
    """What one match of _NUMBER, or of its word alternatives alone, reads as."""
    groups = match.groupdict()
    if groups.get("digits"):
        value = float(groups["digits"].replace(",", ""))
    elif groups["word"]:
        value = float(_WORDS[groups["word"].lower()])
    elif groups["scale"]:
        value = float(_SCALES[groups["scale"].lower()])
    else:
        value = 0.5
    return value + 0.5 if groups.get("half_d") or groups["half_w"] else value


_DIGITS = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?![\d½]|[.,]\d|[- ]and[- ]a[- ]half)")


def printed_in(number: float, text: str) -> bool:
    """True when the number is printed in the text in one of its forms."""
    value = float(number)
    if value.is_integer():
        # Most figures are whole numbers in digits: a plain search settles them without words.
        for match in _DIGITS.finditer(text):
            if float(match[1].replace(",", "")) == value:
                return True
    return value in numbers_in(text)


# _NUMBER behind a cheap guard: a number starts with a digit or with the first two letters of a
# number word, so the long alternation of words is tried only where one could start. Same matches,
# several times faster on long texts (tests/test_coverage.py checks that the spans agree).
_STARTS = sorted({word[:2] for word in [*_WORDS, *_SCALES, "half"]})
_NUMBER_START = re.compile(r"(?=\d|" + "|".join(_STARTS) + ")(?:" + _NUMBER.pattern + ")", re.IGNORECASE)


def number_spans(text: str) -> list[tuple[int, int, float]]:
    """Every number the text prints, as (start, end, value): the same readings as numbers_in, so a
    word means one number everywhere, with where each is printed ('four-and-a-half' is one span)."""
    return [(match.start(), match.end(), _value(match)) for match in _NUMBER_START.finditer(text)]


WORD_START = r"(?i)\b(?:" + "|".join(sorted({*_ONES, *filter(None, _TENS), *_SCALES, "half"})) + ")"
"""An RE2 pattern (DuckDB) matching at the start of every number word _NUMBER reads: each of its
word matches starts with one of these. It may match more (any word starting so), never less."""

_WORD_PART = r"\b(?P<word>" + _NUMBER.pattern.split(r"|\b(?P<word>", 1)[1]
WORD_NUMBER = "(?i)" + _WORD_PART
"""The number-word alternatives of _NUMBER as an RE2 pattern (DuckDB): on an ASCII line whose word
and digit numbers do not touch, its matches are _NUMBER's word matches."""
_WORD_ONLY = re.compile(_WORD_PART, re.IGNORECASE)


def word_value(words: str) -> float:
    """The value of one number-word match of WORD_NUMBER: 'four-and-a-half' is 4.5, 'hundreds' 100."""
    match = _WORD_ONLY.fullmatch(words)
    if match is None:
        raise ValueError(f"{words!r} is not a number word")
    return _value(match)
