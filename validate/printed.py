"""Every number an archived text prints: where it is, the words as printed, and what it reads as.

The coverage check (validate.checks.coverage) and the commands that add a source use this one
scanner, so what counts as "a number printed in a source" is defined once. Values are read by
validate.numbers, as figures are read from their quotes: '1,600' is 1600, 'four-and-a-half' is
4.5, '6-year' is 6, 'several hundred' and 'hundreds of' are 100, 'half' is 0.5.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from validate.numbers import number_spans

# A sentence ends at . ! or ? followed by a space (and a capital or an opening quote mark); a
# number's sentence is the stretch of its line between two such ends.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][’'\"”]))\s+(?=[A-Z‘“'\"(£0-9])")


@dataclass(frozen=True)
class PrintedNumber:
    """One number printed in a text."""

    line: int
    """Physical line of the text (first = 1), as the tables' line columns count."""
    start: int
    """Offset in that line (0-based) of the number's first character."""
    end: int
    """Offset in that line just past its last character."""
    words: str
    """The number exactly as printed: '1,665', 'three', 'four-and-a-half', 'hundreds'."""
    value: float
    """What it reads as: 1665, 3, 4.5, 100."""
    printed_line: str = field(repr=False, compare=False)
    """The whole line that prints it, without its line break."""

    @property
    def sentence(self) -> str:
        """The sentence of the line that prints it, to show a reader the number in context."""
        return sentence_at(self.printed_line, self.start, self.end)


def sentence_at(line: str, start: int, end: int) -> str:
    """The sentence of the line holding the span start..end, stripped."""
    first, last = 0, len(line)
    for boundary in _SENTENCE_END.finditer(line):
        if boundary.end() <= start:
            first = boundary.end()
        elif boundary.start() >= end:
            last = boundary.start()
            break
    return line[first:last].strip()


def sentence_number(line: str, start: int) -> int:
    """Which sentence of the line (first = 1) the offset start falls in, as sentence_at cuts them."""
    number = 1
    for boundary in _SENTENCE_END.finditer(line):
        if boundary.end() > start:
            break
        number += 1
    return number


def scan_line(text: str, line: int) -> list[PrintedNumber]:
    """Every number printed in one line of text (without its line break)."""
    return [PrintedNumber(line, start, end, text[start:end], value, text) for start, end, value in number_spans(text)]


def scan(text: str) -> list[PrintedNumber]:
    """Every number printed in a text, in reading order; lines are split on LF as the line columns count."""
    found: list[PrintedNumber] = []
    for number, line in enumerate(text.split("\n"), start=1):
        found.extend(scan_line(line.removesuffix("\r"), number))
    return found
