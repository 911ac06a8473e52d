"""The numbers a text prints, read as a reader reads them.

One small grammar: digits with or without thousands separators ('1,665'), scaled by a word or
a letter ('1.2 million', '£1m', '3bn': one number each); number words ('three',
'four-and-a-half', 'hundreds'); multipliers ('doubled', 'tripled', 'halved', 'twice'); vague
magnitudes ('a dozen', 'dozens', 'scores of', 'tens of thousands', 'hundreds of thousands');
and fractions ('half', 'a third', 'two-thirds', 'three quarters'). A percentage is its number
as printed ('50%' is 50). The qualifier words around a number ('more than', 'nearly') are read
by the qualifier table (validate.intervals, qualifiers.csv), not here.
"""

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
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}


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
# A digit number scaled by what follows it: ' million', ' billion', or 'm' and 'bn' run on to
# the digits (press style: '£1m', '3bn'); 'mm' or 'mph' is no scale.
_SCALED = r"(?P<scaled>[ \u00a0](?:million|billion)s?\b|(?:m|bn)\b)?"
_MULTIPLIERS = {"doubled": 2.0, "tripled": 3.0, "quadrupled": 4.0, "halved": 0.5, "twice": 2.0}
# Vague magnitudes, each the unit N its qualifier counts in ('dozens' is N = 12, read with the
# dozens qualifier as 24 to 143). 'scores' only before 'of': 'test scores' counts nothing.
_VAGUE = {
    "hundreds of thousands": 100_000.0,
    "tens of thousands": 10_000.0,
    "half a dozen": 6.0,
    "a dozen": 12.0,
    "dozens": 12.0,
    "scores": 20.0,
}
_NUMERATORS = {"a": 1, "one": 1, "two": 2, "three": 3}
_DENOMINATORS = {"third": 3, "quarter": 4}
_NUMBER = re.compile(
    r"(?<![\w.,])(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<half_d>"
    + _HALF
    + r")?(?![\d]|[.,]\d)"
    + _SCALED
    + r"|\b(?P<vague>"
    + "|".join(re.escape(words).replace(r"\ ", r"\s+") for words in _VAGUE if words != "scores")
    + r"|scores(?=\s+of\b))\b"
    r"|\b(?P<fraction>(?P<numerator>a|one|two|three)[- ](?P<denominator>third|quarter)s?)\b"
    r"|\b(?P<multiplier>" + "|".join(_MULTIPLIERS) + r")\b"
    r"|\b(?P<word>" + "|".join(sorted(map(re.escape, _WORDS), key=len, reverse=True)) + r")"
    r"(?P<half_w>" + _HALF + r")?\b"
    r"|\b(?P<scale>hundred|thousand|million|billion)s?\b"
    r"|\b(?P<bare_half>half)\b",
    re.IGNORECASE,
)

DEFER = (
    r"(?i)million|billion|[0-9](?:m|bn)\b|dozen|\bscores\b|doubled|tripled|quadrupled|halved|twice"
    r"|third|quarter|of\s+thousands"
)
"""An RE2 pattern (Arrow, DuckDB) matching every text where the grammar reads a scaled number, a
multiplier, a vague magnitude or a fraction: the bulk passes (validate.gaps, the figure check's
fast path) leave such lines and quotes to the exact scanner. Elsewhere the scanner reads only
digits and plain number words, as the bulk passes do. It may match more, never less."""


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
        scaled = (groups.get("scaled") or "").strip().lower().removesuffix("s")
        if scaled:
            # Scaled after the half: '4-and-a-half million' is 4,500,000.
            half = 0.5 if groups.get("half_d") else 0.0
            return (value + half) * (1_000_000 if scaled in ("million", "m") else 1_000_000_000)
    elif groups.get("vague"):
        return _VAGUE[" ".join(groups["vague"].lower().split())]
    elif groups.get("fraction"):
        return _NUMERATORS[groups["numerator"].lower()] / _DENOMINATORS[groups["denominator"].lower()]
    elif groups.get("multiplier"):
        return _MULTIPLIERS[groups["multiplier"].lower()]
    elif groups["word"]:
        value = float(_WORDS[groups["word"].lower()])
    elif groups["scale"]:
        value = float(_SCALES[groups["scale"].lower()])
    else:
        value = 0.5
    return value + 0.5 if groups.get("half_d") or groups["half_w"] else value


_DIGITS = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)"
    r"(?![\d½]|[.,]\d|[- ]and[- ]a[- ]half|[ \u00a0](?:million|billion)s?\b|(?:m|bn)\b)",
    re.IGNORECASE,
)


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
_STARTS = sorted(
    {word[:2] for word in [*_WORDS, *_SCALES, *_VAGUE, *_NUMERATORS, *_MULTIPLIERS, "half"] if len(word) > 1}
)
# 'a dozen', 'a third': 'a' alone would open the guard at every letter a.
_NUMBER_START = re.compile(r"(?=\d|a[-\s]|" + "|".join(_STARTS) + ")(?:" + _NUMBER.pattern + ")", re.IGNORECASE)


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
