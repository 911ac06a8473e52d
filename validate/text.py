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
    """An archived text, normalised line by line, that can say on which line a quote starts.

    The folded text is kept in Arrow, where the bulk checks search it; it is made a Python
    string only when a row is searched for one by one (at a million rows, usually never).
    """

    _arrow: pa.LargeStringArray
    """The folded text, as an Arrow array of one string."""
    _starts: np.ndarray
    """Offset in folded where each non-empty line starts."""
    _numbers: np.ndarray
    """Physical line number (first = 1) of each non-empty line."""
    _lines: pa.LargeStringArray
    """The folded lines of every text folded with this one, each with the space after it."""
    _line_at: int
    """Where this text's first line is in _lines."""
    _folded: str | None
    """The folded text as a Python string, once asked for."""

    def __init__(self, text: str) -> None:
        """The text folded on its own; source_texts_of folds many at once."""
        built = _fold_texts([text])[0]
        self._arrow, self._starts, self._numbers = built._arrow, built._starts, built._numbers
        self._lines, self._line_at = built._lines, built._line_at
        self._folded = None

    @classmethod
    def _of(
        cls, arrow: pa.LargeStringArray, starts: Any, numbers: Any, lines: pa.LargeStringArray, line_at: int
    ) -> SourceText:
        """A text folded with others (_fold_texts): its share of their arrays."""
        made = cls.__new__(cls)
        made._arrow, made._starts, made._numbers, made._lines, made._line_at = arrow, starts, numbers, lines, line_at
        made._folded = None
        return made

    @property
    def arrow(self) -> pa.LargeStringArray:
        """The folded text, as an Arrow array of one string."""
        return self._arrow

    @property
    def length(self) -> int:
        """Characters in the folded text."""
        import pyarrow.compute as pc

        return int(pc.utf8_length(self._arrow)[0].as_py())

    @property
    def folded(self) -> str:
        """The text with each non-empty line normalised, joined by single spaces."""
        if self._folded is None:
            self._folded = str(self._arrow[0].as_py())
        return self._folded

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


def utf8_array(texts: Sequence[bytes]) -> pa.LargeStringArray:
    """The texts as one Arrow string array, checked as UTF-8 by Arrow (ArrowInvalid if one is not).

    Built from one join of the bytes: Arrow's builder grows its buffer as it goes, and with the
    C library's allocator (validate.cli) that cost 0.05 s for 38 MB of text, where a join is one copy.
    """
    import numpy as np
    import pyarrow as pa

    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(text) for text in texts], out=offsets[1:])
    binary = pa.Array.from_buffers(
        pa.large_binary(), len(texts), [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(texts))]
    )
    return binary.cast(pa.large_string())


def _fold_texts(texts: Sequence[str | bytes]) -> list[SourceText]:
    """Split every text into lines, fold them, drop the empty ones and join the rest with
    single spaces, recording where each line starts: for all texts at once. Texts given as
    bytes (UTF-8) go to Arrow as they are, with no Python string made of them."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if not texts:
        return []
    whole = utf8_array([t.encode("utf-8") if isinstance(t, str) else t for t in texts])
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
    lines = pc.take(folded, pa.array(kept))
    joined = pc.binary_join(
        pa.LargeListArray.from_arrays(pa.array(np.concatenate((kept_first, [len(kept)])), type=pa.int64()), lines),
        pa.scalar(" ", pa.large_string()),
    )
    # The same lines over the joined texts' bytes, each with the space after it (a text's last
    # line ends where the next text starts): the windows the quote check searches are cut from
    # them in Arrow, with no Python string per line.
    text_at = np.frombuffer(joined.buffers()[1], dtype=np.int64)[joined.offset : joined.offset + len(texts) + 1]
    size = pc.binary_length(lines).to_numpy(zero_copy_only=False).astype(np.int64) + 1
    at = np.cumsum(size) - size
    at = at - np.repeat(at[kept_first[kept_counts > 0]], kept_counts[kept_counts > 0]) + text_at[owner[kept]]
    spaced = pa.Array.from_buffers(
        pa.large_string(), len(kept), [None, pa.py_buffer(np.append(at, text_at[-1])), joined.buffers()[2]]
    )
    out: list[SourceText] = []
    for index in range(len(texts)):
        first = int(kept_first[index])
        part = slice(first, first + int(kept_counts[index]))
        out.append(SourceText._of(joined.slice(index, 1), starts[part], numbers[part], spaced, first))
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

    def windows(self, positions: Any) -> tuple[pa.LargeStringArray, Any]:
        """For each line at keys[position]: the folded line and the next line of its text, with
        the space between them (the line alone when it is its text's last), and how many
        characters a quote starting on the line may start within.

        The windows are cut and joined by Arrow from the folded lines' bytes (SourceText._lines),
        with no Python string per line: making them in Python and handing them to Arrow cost
        0.25 s at a million rows, under the interpreter lock. A quote running on past the next
        line is not in its window; the caller searches for it exactly.
        """
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        positions = np.asarray(positions, dtype=np.int64)
        if self._ends is None:
            # Where each line ends: the next line's start, or the end of its text.
            self._ends = np.concatenate(
                [np.append(t.line_starts[1:], t.length) for t in self.texts if len(t.line_starts)]
                or [np.zeros(0, dtype=np.int64)]
            ).astype(np.int64)
        lasts = self._ends[positions] - 1 - self.line_start[positions]
        owners = self.owner[positions]
        local = positions - self.first[owners]
        counts = np.array([len(t.line_numbers) for t in self.texts], dtype=np.int64)
        # Texts folded together share one array of lines; each text knows where its own start.
        batches: dict[int, int] = {}
        arrays: list[pa.LargeStringArray] = []
        batch_of = np.zeros(len(self.texts), dtype=np.int64)
        line_at = np.array([t._line_at for t in self.texts], dtype=np.int64)
        for number, text in enumerate(self.texts):
            if id(text._lines) not in batches:
                batches[id(text._lines)] = len(arrays)
                arrays.append(text._lines)
            batch_of[number] = batches[id(text._lines)]
        line = line_at[owners] + local
        last_line = local + 1 >= counts[owners]
        parts: list[pa.LargeStringArray] = []
        order = np.argsort(batch_of[owners], kind="stable")
        for batch, lines in enumerate(arrays):
            chosen = order[batch_of[owners][order] == batch]
            if not len(chosen):
                continue
            nexts = pa.array(np.where(last_line[chosen], 0, line[chosen] + 1), mask=last_line[chosen])
            parts.append(
                pc.binary_join_element_wise(
                    pc.take(lines, pa.array(line[chosen])),
                    pc.take(lines, nexts),
                    pa.scalar("", pa.large_string()),
                    null_handling="skip",
                )
            )
        joined = pa.concat_arrays(parts) if parts else pa.array([], pa.large_string())
        back = np.empty(len(order), dtype=np.int64)
        back[order] = np.arange(len(order))
        in_order = joined if np.array_equal(order, np.arange(len(order))) else pc.take(joined, pa.array(back))
        return in_order, lasts


def line_of_offset(data: bytes, offset: int) -> int:
    """Physical line (first = 1) of a byte offset."""
    return data.count(b"\n", 0, offset) + 1
