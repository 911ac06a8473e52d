"""Text helpers: normalising quotes for comparison and locating offsets as lines."""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
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


def fold_marks_all(texts: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """fold_marks over an Arrow string column in C: the same character for character fold."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    plain = pc.string_is_ascii(texts).fill_null(True)
    if pc.all(plain).as_py() is not False:
        return texts  # the marks are not ASCII
    other = pc.invert(plain)
    marked = pc.filter(texts, other)  # only the cells that may hold a mark are rewritten
    targets: dict[str, str] = {}
    for source, target in _TRANSLATE.items():
        targets[str(target)] = targets.get(str(target), "") + chr(source)
    for target, sources in targets.items():
        marked = pc.replace_substring_regex(marked, pattern=f"[{re.escape(sources)}]", replacement=target)
    return pc.replace_with_mask(texts, other, marked)


def normalise(text: str) -> str:
    """Fold quote marks, dashes and runs of whitespace so copy-edits do not hide a match."""
    return " ".join(text.translate(_TRANSLATE).split())


# Every character str.split() splits on (str.isspace), so the Arrow reading below folds
# exactly what normalise folds; tests/test_vectorised.py checks the list against Python.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + ("\u2028\u2029\u202f\u205f\u3000")
)


def normalise_all(texts: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """normalise over a whole Arrow string column in C; nulls stay null.

    Most cells are printable ASCII words with single spaces, which normalise leaves as they
    are: one regular-expression pass finds them, and only the others are folded (a regex
    replacement over every cell costs ten times that pass).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    plain = pc.match_substring_regex(texts, pattern=r"^[!-~]+( [!-~]+)*$").fill_null(True)
    if pc.all(plain).as_py() is not False:
        return texts
    if isinstance(texts, pa.ChunkedArray):  # chunk by chunk: combining them would copy the column
        return pa.chunked_array([normalise_all(chunk) for chunk in texts.chunks], type=texts.type)
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

    def __init__(self, text: str, folded: str | None = None, starts: Any = None, numbers: Any = None) -> None:
        """folded, starts and numbers, when given, were computed for many texts at once (source_texts_of)."""
        if folded is None or starts is None or numbers is None:
            built = _fold_texts([text])[0]
            folded, starts, numbers = built.folded, built._starts, built._numbers
        self.folded: str = folded
        self._starts: np.ndarray = starts
        """Offset in folded where each non-empty line starts."""
        self._numbers: np.ndarray = numbers
        """Physical line number (first = 1) of each non-empty line."""

    @property
    def line_numbers(self) -> np.ndarray:
        """Physical line numbers of the lines with any text, in order."""
        return self._numbers

    @property
    def line_starts(self) -> np.ndarray:
        """Offset in the folded text where each of those lines starts."""
        return self._starts

    def line_of(self, offset: int) -> int:
        """Physical line (first = 1) holding the folded text's offset."""
        return int(self._numbers[bisect.bisect_right(self._starts, offset) - 1])

    def starts_at(self, quote: str, line: int) -> bool:
        """True when the folded quote starts on the given line: one short search, not a scan."""
        needle = normalise(quote)
        index = bisect.bisect_left(self._numbers, line)
        if not needle or index >= len(self._numbers) or self._numbers[index] != line:
            return False
        start = int(self._starts[index])
        end = int(self._starts[index + 1]) if index + 1 < len(self._starts) else len(self.folded)
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


def source_texts_of(texts: Mapping[str, str] | Mapping[str, bytes], batch: int = 1 << 22) -> dict[str, SourceText]:
    """SourceText of each text (as str, or as bytes known to be UTF-8), folded together in Arrow
    (no Python object per line).

    Texts go in batches of about 4 MB: folding all of them at once held several copies of
    every archived text at the same moment (200 MB more at the peak for 36 MB of text).
    """
    keys = list(texts)
    out: dict[str, SourceText] = {}
    start = 0
    while start < len(keys):
        stop, size = start, 0
        while stop < len(keys) and (stop == start or size + len(texts[keys[stop]]) <= batch):
            size += len(texts[keys[stop]])
            stop += 1
        out.update(zip(keys[start:stop], _fold_texts([texts[k] for k in keys[start:stop]]), strict=True))
        start = stop
    return out


def _fold_texts(texts: Sequence[str | bytes]) -> list[SourceText]:
    """Split every text into lines, fold them, drop the empty ones and join the rest with
    single spaces, recording where each line starts: for all texts at once. Texts given as
    bytes (UTF-8) go to Arrow as they are, with no Python string made of them."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if not texts:
        return []
    if all(isinstance(text, bytes) for text in texts):
        whole = pa.array(texts, type=pa.large_binary()).cast(pa.large_string())
    else:
        whole = pa.array([t if isinstance(t, str) else t.decode("utf-8") for t in texts], type=pa.large_string())
    split = pc.split_pattern(whole, "\n")
    counts = pc.list_value_length(split).to_numpy(zero_copy_only=False).astype(np.int64)
    folded = normalise_all(split.flatten())
    length = pc.utf8_length(folded).to_numpy(zero_copy_only=False).astype(np.int64)
    owner = np.repeat(np.arange(len(texts), dtype=np.int64), counts)
    first_line = np.concatenate(([0], np.cumsum(counts)[:-1]))
    kept = np.flatnonzero(length > 0)
    numbers = kept - first_line[owner[kept]] + 1
    # Each kept line starts after the earlier kept lines of its text and one space each.
    step = np.cumsum(length[kept] + 1) - (length[kept] + 1)
    kept_counts = np.bincount(owner[kept], minlength=len(texts))
    kept_first = np.concatenate(([0], np.cumsum(kept_counts)[:-1]))
    starts = step - np.repeat(step[kept_first[kept_counts > 0]], kept_counts[kept_counts > 0])
    lists = pa.LargeListArray.from_arrays(
        pa.array(np.concatenate((kept_first, [len(kept)])), type=pa.int64()), pc.take(folded, pa.array(kept))
    )
    joined: list[str] = pc.binary_join(lists, pa.scalar(" ", pa.large_string())).to_pylist()
    out: list[SourceText] = []
    for index in range(len(texts)):
        lines = slice(int(kept_first[index]), int(kept_first[index] + kept_counts[index]))
        out.append(SourceText("", joined[index], starts[lines], numbers[lines]))  # the text itself is not kept
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
        numbers = np.concatenate([t.line_numbers for t in self.texts]) if self.texts else np.zeros(0, np.int64)
        self.keys = self.owner << 32 | numbers
        starts = [t.line_starts for t in self.texts]
        self.line_start = np.concatenate(starts).astype(np.int64) if starts else np.zeros(0, np.int64)
        """Offset of each line in keys in its source's folded text."""
        self._ends: Any = None

    def windows(self, positions: Any, reaches: Any) -> tuple[list[str], list[int]]:
        """For each line at keys[position]: the folded text from its start, running on ``reach`` - 1
        characters past its end, and how many characters in a quote on that line may start.

        The offsets are found for all lines at once by numpy; only the slicing is per line.
        """
        import numpy as np

        if not len(positions):
            return [], []
        if self._ends is None:
            # Where each line ends: the next line's start, or the end of its text.
            self._ends = np.concatenate(
                [np.append(t.line_starts[1:], len(t.folded)) for t in self.texts if len(t.line_starts)]
                or [np.zeros(0, dtype=np.int64)]
            ).astype(np.int64)
        starts = self.line_start[positions]
        ends = self._ends[positions]
        stops = ends - 1 + np.asarray(reaches, dtype=np.int64)
        folded = [t.folded for t in self.texts]
        owners = self.owner[positions].tolist()
        texts = [folded[o][a:b] for o, a, b in zip(owners, starts.tolist(), stops.tolist(), strict=True)]
        return texts, (ends - 1 - starts).tolist()


def line_of_offset(data: bytes, offset: int) -> int:
    """Physical line (first = 1) of a byte offset."""
    return data.count(b"\n", 0, offset) + 1
