"""Every form of a printed number, read as the README says a reader reads it.

Bare, hyphenated and spaced number words, scaled numbers, halves, multipliers, vague magnitudes
and fractions, through the scanner's public readers (validate.numbers, validate.printed). The
expected values are written by hand from the README ("Vague and scaled quantities", the data
dictionary's `number`), never computed by the code under test. The mutation run
(tests/mutation/) judges validate/numbers.py and validate/printed.py with this file.
"""

from __future__ import annotations

import pytest

from validate.numbers import number_spans, numbers_in, printed_in, word_value
from validate.printed import PrintedNumber, scan, scan_line, sentence_at

ONES = [
    ("zero", 0),
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
]
TENS = [
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
]
# A tens word joined to a unit word: 'forty-five' and 'forty five' are 45 (each pair's value is
# the sum of two hand-written values above).
COMPOUNDS = [(f"{tens}{joint}{ones}", t + o) for tens, t in TENS for ones, o in ONES[1:10] for joint in ("-", " ")]


def spans(text: str) -> list[tuple[str, float]]:
    """The scanner's numbers in a text, as (words as printed, value)."""
    return [(text[start:end], value) for start, end, value in number_spans(text)]


@pytest.mark.parametrize(("words", "value"), ONES + TENS + COMPOUNDS)
def test_every_number_word_is_one_number(words: str, value: int) -> None:
    text = f"police arrested {words} people"
    assert spans(text) == [(words, value)]
    assert numbers_in(text) == {value}
    assert word_value(words) == value
    assert word_value(words.upper()) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # scale words alone
        ("a hundred arrests", [("hundred", 100)]),
        ("several hundred people", [("hundred", 100)]),
        ("hundreds of people", [("hundreds", 100)]),
        ("a thousand images", [("thousand", 1000)]),
        ("thousands of images", [("thousands", 1000)]),
        ("a million images", [("million", 1_000_000)]),
        ("millions of images", [("millions", 1_000_000)]),
        ("a billion images", [("billion", 1_000_000_000)]),
        # digits scaled by a word or a letter
        ("1.2 million people", [("1.2 million", 1_200_000)]),
        ("3 millions", [("3 millions", 3_000_000)]),
        ("2 billion images", [("2 billion", 2_000_000_000)]),
        ("a £1m fund", [("1m", 1_000_000)]),
        ("a 3bn industry", [("3bn", 3_000_000_000)]),
        ("4-and-a-half million images", [("4-and-a-half million", 4_500_000)]),
        ("2 and a half billion", [("2 and a half billion", 2_500_000_000)]),
        # halves, in words and in digits
        ("four-and-a-half months", [("four-and-a-half", 4.5)]),
        ("four and a half months", [("four and a half", 4.5)]),
        ("twenty-one-and-a-half hours", [("twenty-one-and-a-half", 21.5)]),
        ("4-and-a-half months", [("4-and-a-half", 4.5)]),
        ("4½ months", [("4½", 4.5)]),
        ("half of offences", [("half", 0.5)]),
        # multipliers
        ("arrests doubled", [("doubled", 2)]),
        ("arrests tripled", [("tripled", 3)]),
        ("referrals quadrupled", [("quadrupled", 4)]),
        ("waits were halved", [("halved", 0.5)]),
        ("twice as many", [("twice", 2)]),
        # vague magnitudes, each its unit
        ("a dozen officers", [("a dozen", 12)]),
        ("half a dozen forces", [("half a dozen", 6)]),
        ("dozens of arrests", [("dozens", 12)]),
        ("scores of people", [("scores", 20)]),
        ("tens of thousands of images", [("tens of thousands", 10_000)]),
        ("hundreds of thousands of files", [("hundreds of thousands", 100_000)]),
        # fractions
        ("a third of arrests", [("a third", 1 / 3)]),
        ("one third of arrests", [("one third", 1 / 3)]),
        ("two-thirds of cases", [("two-thirds", 2 / 3)]),
        ("three quarters of forces", [("three quarters", 3 / 4)]),
        ("a quarter of suspects", [("a quarter", 1 / 4)]),
        # digits as printed, with and without separators, and percentages
        ("1,665 arrests", [("1,665", 1665)]),
        ("1665 arrests", [("1665", 1665)]),
        ("12,345,678 images", [("12,345,678", 12_345_678)]),
        ("12.5 per cent", [("12.5", 12.5)]),
        ("50% of cases", [("50", 50)]),
        ("a 6-year sentence", [("6", 6)]),
        # a tens word joined to zero or ten is not one number: a unit word is one to nine
        ("twenty-zero", [("twenty", 20), ("zero", 0)]),
        ("twenty zero", [("twenty", 20), ("zero", 0)]),
        ("twenty-ten", [("twenty", 20), ("ten", 10)]),
        ("twenty ten", [("twenty", 20), ("ten", 10)]),
        # a look-alike is no number, and 'mm' is no scale
        ("test scores rose", []),
        ("a 5mm gap", [("5", 5)]),
    ],
)
def test_each_quantity_form_reads_as_documented(text: str, expected: list[tuple[str, float]]) -> None:
    assert spans(text) == expected
    assert numbers_in(text) == {value for _, value in expected}


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("hundred", 100),
        ("hundreds", 100),
        ("thousand", 1000),
        ("million", 1_000_000),
        ("billion", 1_000_000_000),
        ("four-and-a-half", 4.5),
        ("Forty Five", 45),
        ("half", 0.5),
    ],
)
def test_a_word_number_reads_alone_as_in_a_text(words: str, value: float) -> None:
    assert word_value(words) == value


@pytest.mark.parametrize("words", ["apple", "4", "forty apples", ""])
def test_what_is_not_one_number_word_is_refused(words: str) -> None:
    with pytest.raises(ValueError, match="is not a number word"):
        word_value(words)


@pytest.mark.parametrize(
    ("number", "text", "printed"),
    [
        (1665, "1,665 arrests", True),
        (1665, "1665 arrests", True),
        (1665, "11,665 arrests", False),
        (1665, "1,600 and 1,700 arrests", False),
        (1600, "1,600 and 1,700 arrests", True),
        (1700, "1,600 and 1,700 arrests", True),
        (4.5, "four-and-a-half months", True),
        (4, "four-and-a-half months", False),
        (4, "4-and-a-half months", False),
        (45, "forty five people", True),
        (40, "forty people", True),
        (1_000_000, "a million images", True),
        (1_000_000, "1m images", True),
        (1, "1m images", False),
        (0.5, "half of them", True),
        (12.5, "12.5 per cent", True),
        (12, "12.5 per cent", False),
    ],
)
def test_a_figure_is_printed_in_a_text_in_one_of_its_forms(number: float, text: str, printed: bool) -> None:
    assert printed_in(number, text) is printed


def test_the_scanner_gives_line_offsets_words_and_value() -> None:
    text = "Officers made 1,665 arrests.\r\nSome forty five children were safeguarded.\nNone here"
    assert scan(text) == [
        PrintedNumber(1, 14, 19, "1,665", 1665, ""),
        PrintedNumber(2, 5, 15, "forty five", 45, ""),
    ]
    assert [n.printed_line for n in scan(text)] == [
        "Officers made 1,665 arrests.",
        "Some forty five children were safeguarded.",
    ]
    assert scan_line("three and 4", 7) == [
        PrintedNumber(7, 0, 5, "three", 3, ""),
        PrintedNumber(7, 10, 11, "4", 4, ""),
    ]


@pytest.mark.parametrize(
    ("line", "words", "sentence"),
    [
        ("One. Police made 14 arrests. Then more.", "14", "Police made 14 arrests."),
        ("Police made 14 arrests. Then 3 more.", "14", "Police made 14 arrests."),
        ("Police made 14 arrests. Then 3 more.", "3", "Then 3 more."),
        ("Police made 14 arrests.", "14", "Police made 14 arrests."),
        ("  14 arrests  ", "14", "14 arrests"),
        # a sentence starts right after its end mark and space
        ("He said so. 14 arrests. Done.", "14", "14 arrests."),
    ],
)
def test_a_number_is_shown_in_its_sentence(line: str, words: str, sentence: str) -> None:
    found = next(n for n in scan_line(line, 1) if n.words == words)
    assert found.sentence == sentence
    assert sentence_at(line, found.start, found.end) == sentence
