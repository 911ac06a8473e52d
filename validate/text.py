"""Text helpers: normalising quotes for comparison and locating offsets as lines."""

from __future__ import annotations

import bisect
import re

# Only whitespace, typographic quote marks and dashes may differ between a quote
# and its source: copy-editing swaps these without changing a word.
_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
    }
)
_SPACE = re.compile(r"\s+")


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_FOLD_BYTES = [(chr(mark).encode(), plain.encode()) for mark, plain in _TRANSLATE.items()]


def fold_marks(text: str) -> str:
    """Fold quote marks and dashes one character for one, so offsets in the result are offsets in text."""
    if text.isascii():
        return text  # the marks are not ASCII
    if len(text) < 4096:
        return text.translate(_TRANSLATE)
    # A long text: one bytes.replace per mark it holds runs at memory speed, where translate looks
    # up each character.
    present = set(_NON_ASCII.findall(text))
    data = text.encode("utf-8")
    for mark, plain in _FOLD_BYTES:
        if mark.decode("utf-8") in present:
            data = data.replace(mark, plain)
    return data.decode("utf-8")


def normalise(text: str) -> str:
    """Fold quote marks, dashes and runs of whitespace so copy-edits do not hide a match."""
    return " ".join(text.translate(_TRANSLATE).split())


class SourceText:
    """An archived text, normalised line by line, that can say on which line a quote starts."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        parts: list[str] = []
        self._starts: list[int] = []
        self._numbers: list[int] = []
        offset = 0
        for number, line in enumerate(self.lines, start=1):
            folded = normalise(line)
            if not folded:
                continue
            self._starts.append(offset)
            self._numbers.append(number)
            parts.append(folded)
            offset += len(folded) + 1
        self.folded = " ".join(parts)

    def line_of(self, offset: int) -> int:
        """Physical line (first = 1) holding the folded text's offset."""
        return self._numbers[bisect.bisect_right(self._starts, offset) - 1]

    def starts_at(self, quote: str, line: int) -> bool:
        """True when the folded quote starts on the given line: one short search, not a scan."""
        needle = normalise(quote)
        index = bisect.bisect_left(self._numbers, line)
        if not needle or index >= len(self._numbers) or self._numbers[index] != line:
            return False
        start = self._starts[index]
        end = self._starts[index + 1] if index + 1 < len(self._starts) else len(self.folded)
        return self.folded.find(needle, start, end - 1 + len(needle)) != -1

    def lines_spanned(self, quote: str, line: int) -> range | None:
        """The lines the folded quote runs over when it starts on the given line; None when it does not."""
        needle = normalise(quote)
        index = bisect.bisect_left(self._numbers, line)
        if not needle or index >= len(self._numbers) or self._numbers[index] != line:
            return None
        start = self._starts[index]
        end = self._starts[index + 1] if index + 1 < len(self._starts) else len(self.folded)
        found = self.folded.find(needle, start, end - 1 + len(needle))
        if found == -1:
            return None
        return range(line, self.line_of(found + len(needle) - 1) + 1)

    def find_lines(self, quote: str) -> list[int]:
        """Lines on which the folded quote starts; empty when it is not in the text."""
        needle = normalise(quote)
        if not needle:
            return []
        found: list[int] = []
        start = self.folded.find(needle)
        while start != -1:
            found.append(self.line_of(start))
            start = self.folded.find(needle, start + 1)
        return found


def line_of_offset(data: bytes, offset: int) -> int:
    """Physical line (first = 1) of a byte offset."""
    return data.count(b"\n", 0, offset) + 1
