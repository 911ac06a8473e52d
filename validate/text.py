"""Text helpers: normalising quotes for comparison and locating offsets as lines."""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

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


def normalise(text: str) -> str:
    """Fold quote marks, dashes and runs of whitespace so copy-edits do not hide a match."""
    return " ".join(text.translate(_TRANSLATE).split())


# Every character str.split() splits on (str.isspace), so the Arrow reading below folds
# exactly what normalise folds; tests/test_text.py checks the list against Python.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + ("\u2028\u2029\u202f\u205f\u3000")
)


def normalise_all(texts: pa.Array | pa.ChunkedArray) -> pa.Array:
    """normalise over a whole Arrow string column in C; nulls stay null.

    Most cells are printable ASCII words with single spaces, which normalise leaves as they
    are: one regular-expression pass finds them, and only the others are folded (a regex
    replacement over every cell costs ten times that pass).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    plain = pc.match_substring_regex(texts, pattern=r"^[!-~]+( [!-~]+)*$").fill_null(True)
    if pc.all(plain).as_py():
        return texts
    other = pc.invert(plain)
    folded = _fold(pc.filter(texts, other))
    return pc.replace_with_mask(texts, other, folded)


def _fold(texts: pa.Array) -> pa.Array:
    """normalise in Arrow: one regex replacement per folded mark, then the whitespace."""
    import pyarrow.compute as pc

    targets: dict[str, str] = {}
    for source, target in _TRANSLATE.items():
        targets[str(target)] = targets.get(str(target), "") + chr(source)
    for target, sources in targets.items():
        if target != " ":  # the spaces are whitespace, folded below
            texts = pc.replace_substring_regex(texts, pattern=f"[{re.escape(sources)}]", replacement=target)
    texts = pc.replace_substring_regex(texts, pattern=f"[{re.escape(WHITESPACE)}]+", replacement=" ")
    return pc.utf8_trim(texts, characters=" ")


class SourceText:
    """An archived text, normalised line by line, that can say on which line a quote starts."""

    def __init__(self, text: str, folded_lines: list[str] | None = None) -> None:
        """folded_lines, when given, is normalise of each line, computed for many texts at once."""
        self.lines = text.split("\n")
        folded_lines = folded_lines if folded_lines is not None else [normalise(line) for line in self.lines]
        parts: list[str] = []
        self._starts: list[int] = []
        self._numbers: list[int] = []
        offset = 0
        for number, folded in enumerate(folded_lines, start=1):
            if not folded:
                continue
            self._starts.append(offset)
            self._numbers.append(number)
            parts.append(folded)
            offset += len(folded) + 1
        self.folded = " ".join(parts)

    @property
    def line_numbers(self) -> list[int]:
        """Physical line numbers of the lines with any text, in order."""
        return self._numbers

    @property
    def line_starts(self) -> list[int]:
        """Offset in the folded text where each of those lines starts."""
        return self._starts

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


def source_texts_of(texts: dict[str, str]) -> dict[str, SourceText]:
    """SourceText of each text, with the lines of all of them folded in one Arrow pass."""
    import pyarrow as pa

    lines = {key: text.split("\n") for key, text in texts.items()}
    folded = normalise_all(pa.array([line for split in lines.values() for line in split], type=pa.large_string()))
    flat: list[str] = folded.to_pylist()
    out: dict[str, SourceText] = {}
    start = 0
    for key, split in lines.items():
        out[key] = SourceText(texts[key], flat[start : start + len(split)])
        start += len(split)
    return out


class SourceIndex:
    """Every source's non-empty lines under one sorted key (source position << 32 | line number).

    With it, numpy finds the line of many (source, line) pairs at once, by searchsorted.
    """

    def __init__(self, texts: dict[str, SourceText]) -> None:
        import numpy as np

        self.ids = list(texts)
        self.texts = [texts[i] for i in self.ids]
        counts = np.array([len(t.line_numbers) for t in self.texts], dtype=np.int64)
        self.first = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
        """Position in keys of each source's first line."""
        self.owner = np.repeat(np.arange(len(self.ids), dtype=np.int64), counts)
        """The source of each line in keys."""
        numbers = np.fromiter((n for t in self.texts for n in t.line_numbers), dtype=np.int64, count=int(counts.sum()))
        self.keys = self.owner << 32 | numbers

    def window(self, position: int, reach: int) -> tuple[str, int]:
        """The folded text from the start of the line at keys[position], running on ``reach`` - 1
        characters past its end, and how many characters in a quote on that line may start."""
        owner = int(self.owner[position])
        text = self.texts[owner]
        index = position - int(self.first[owner])
        start = text.line_starts[index]
        end = text.line_starts[index + 1] if index + 1 < len(text.line_starts) else len(text.folded)
        return text.folded[start : end - 1 + reach], end - 1 - start


def line_of_offset(data: bytes, offset: int) -> int:
    """Physical line (first = 1) of a byte offset."""
    return data.count(b"\n", 0, offset) + 1
