"""The coverage ledger where it can be wrong: lines proven covered in bulk are left out.

``validate.coverage.coverage`` reads every printed number and every figure row one by one,
which is right and clear but slow at a million rows. The coverage check only needs the numbers
that are not accounted for, so this module first settles, for all rows at once, the lines where
each number is plainly some row's figure, and hands only the other lines to the exact ledger.

A line is settled when each row and exclusion stated at it finds its folded words on the line,
where they first stand holding exactly one number (for a row, of its value), no two overlapping,
and those numbers are all the numbers the line prints. Every settled number is then covered or
excluded by the exact ledger as well. The ledger gives each row, in turn, the first number of its
value inside any place its words stand that no earlier row took. A row's first candidate is the
number where its words first stand (words printed again later hold their number later), and no
other region holds that number, so no earlier row takes it: every row takes its own, whatever the
order, and the numbers left are the exclusions'. (Asking DuckDB whether words stand once on their
line cost 0.3 s at a million rows; the argument makes it needless.) A source where some row's
words or value are not found on its stated line (a figure a row may take from another line, or
a row gone astray) is read exactly, whole. The result equals the exact ledger's uncovered
numbers, stale exclusions and stray rows (tests/test_gaps.py runs the ledger on generated lines,
its rows in both orders).

Each row's words and each exclusion's are placed in their lines by DuckDB (Arrow compute has no
search of one column in another), which also counts what each holds; a line is settled when
those regions hold every digit and every possible number word it prints, one number each (see
``_settle``). No number is read from a settled line at all: at a million rows the bulk pass
places and counts in about a second, where reading every number took three.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from validate.coverage import (
    Coverage,
    Lines,
    RowRef,
    SourceCoverage,
    StaleExclusion,
    UnmatchedFigure,
    _archives,
    _cover,
    _exclude,
    _Exclusion,
    _exclusions,
    _Figure,
    _frame,
    _occurrences,
    _present,
    _text,
    account,
    folded_words,
    unread_sections,
)
from validate.model import Package
from validate.numbers import DEFER, WORD_NUMBER, WORD_START, word_value
from validate.printed import PrintedNumber, scan, scan_line
from validate.text import fold_marks_all, utf8_array


def gaps(package: Package) -> Coverage:
    """The exact ledger's uncovered numbers, stale exclusions and stray rows, settled lines left out."""
    import numpy as np
    import pandas as pd

    from validate.archives import source_texts

    texts = source_texts(package)
    archives = _archives(package)
    unread = unread_sections(package)
    ids = list(texts)
    index = {source_id: i for i, source_id in enumerate(ids)}
    rows, quotes = _figure_rows(package, unread, ids)
    spots = _exclusion_spots(package, unread, index)
    # Texts go in batches of about 4 MB: every step below holds a few copies of the batch's text.
    whole: set[int] = set(rows.loc[~rows["usable"], "src"].tolist())
    unsettled: set[tuple[int, int]] = set()
    sizes = [len(package.files[archives[source_id]]) for source_id in ids]
    unsure: list[Any] = []
    # Each batch takes its rows by position in source order: a mask over all rows per batch
    # would cost the number of batches times the rows, which grows with the square of the size.
    row_order, row_src = _in_source_order(rows)
    spot_order, spot_src = _in_source_order(spots)
    for lo, hi in _batches(sizes, _BATCH):
        bodies = [package.files[archives[source_id]] for source_id in ids[lo:hi]]  # UTF-8: the texts are intact
        part = rows.iloc[row_order[np.searchsorted(row_src, lo) : np.searchsorted(row_src, hi)]]
        astray, open_lines, undecided = _settle(
            bodies,
            lo,
            part.assign(quote=_quotes(quotes, part)),
            spots.iloc[spot_order[np.searchsorted(spot_src, lo) : np.searchsorted(spot_src, hi)]],
        )
        whole |= astray
        unsettled |= open_lines
        unsure.append(undecided)

    # A row whose words hold several numbers: read its line now, and its source whole if none of
    # them is the row's value (it may then take a number from another line).
    scanned: dict[tuple[int, int], list[PrintedNumber]] = {}
    doubtful = pd.concat(unsure) if unsure else rows.iloc[:0].assign(quote=pd.Series([], dtype="str"))
    raw: dict[int, _RawLines] = {}
    for src, ln, quote, value in sorted(
        zip(
            doubtful["src"].tolist(),
            doubtful["ln"].tolist(),
            doubtful["quote"].astype(str).tolist(),
            doubtful["value"].tolist(),
            strict=True,
        )
    ):
        if src in whole:
            continue
        if src not in raw:
            raw[src] = _RawLines(package.files[archives[ids[src]]])
        if (src, ln) not in scanned:
            scanned[src, ln] = _scan(raw[src], ln)
        if not 1 <= ln <= len(raw[src]) or not _holds(raw[src][ln - 1], scanned[src, ln], quote, float(value)):
            whole.add(src)

    by_source: dict[int, list[int]] = defaultdict(list)
    for src, ln in sorted(unsettled):
        by_source[src].append(ln)
    at_line = np.zeros(len(rows), dtype=bool)
    if unsettled and len(rows):
        # (source, line) pairs as one integer each: a MultiIndex of every row made a tuple per row.
        lines = rows["ln"].to_numpy(np.int64)
        open_src = np.array([src for src, _ in unsettled], dtype=np.int64)
        open_ln = np.array([ln for _, ln in unsettled], dtype=np.int64)
        low = int(min(lines.min(), open_ln.min()))
        span = int(max(lines.max(), open_ln.max())) - low + 1
        at_line = np.isin(rows["src"].to_numpy(np.int64) * span + (lines - low), open_src * span + (open_ln - low))
    wanted = rows[rows["src"].isin(list(whole)).to_numpy() | at_line]
    figures: dict[int, list[tuple[int, int, _Figure]]] = defaultdict(list)
    for src, entry, row, figure in _figures_at(package, wanted):
        figures[src].append((entry, row, figure))

    # The exclusions the exact ledger reads: all of a source read whole, else those at its
    # unsettled lines (one on a settled line holds a number there: not stale).
    exact = np.isin(spots["src"].to_numpy(np.int64), np.array(sorted(whole), dtype=np.int64)) | np.array(
        [(src, ln) in unsettled for src, ln in zip(spots["src"].tolist(), spots["ln"].tolist(), strict=True)],
        dtype=bool,
    )
    exclusions: dict[str, list[_Exclusion]] = defaultdict(list)
    for exclusion in _exclusions(package, [], sorted(spots["at"].to_numpy()[exact].tolist())):
        exclusions[exclusion.source_id].append(exclusion)

    sources: dict[str, SourceCoverage] = {}
    stale: list[StaleExclusion] = []
    unmatched: list[UnmatchedFigure] = []
    for src, source_id in enumerate(ids):
        if src not in whole and src not in by_source:
            sources[source_id] = SourceCoverage(source_id, archives.get(source_id, source_id), ())
            continue
        text = texts[source_id]
        printed_text = raw[src] if src in raw else _RawLines(package.files[archives[source_id]])
        if src in whole:
            printed = scan(package.files[archives[source_id]].decode("utf-8"))
        else:
            printed = [n for ln in by_source.get(src, []) for n in scanned.get((src, ln)) or _scan(printed_text, ln)]
        ordered = [figure for _, _, figure in sorted(figures.get(src, []), key=lambda item: item[:2])]
        covered, strays = _cover(printed, ordered, text, printed_text)
        unmatched += strays
        excluded, unused = _exclude(printed, exclusions.get(source_id, []), printed_text)
        stale += unused
        sources[source_id] = SourceCoverage(
            source_id, archives.get(source_id, source_id), account(printed, covered, excluded)
        )
    return Coverage(sources, tuple(stale), tuple(unmatched), tuple(dict.fromkeys(unread)))


def _exclusion_spots(package: Package, unread: list[str], index: dict[str, int]) -> Any:
    """Each exclusions row that _exclusions reads, of an intact source, as a frame: source index,
    line, words, and its position in the table (``at``). Read by column: an _Exclusion per row,
    made in Python, cost 0.06 s at a million rows, where the ledger reads few of them."""
    import numpy as np
    import pandas as pd
    import pyarrow.compute as pc

    declared = package.declarations.exclusions
    columns = ["src", "ln", "words", "at"]
    if declared is None:
        return pd.DataFrame({c: pd.Series([], dtype="int64" if c != "words" else object) for c in columns})
    needed = {declared.source, declared.line, declared.words, declared.reason, declared.id}
    loaded = _frame(package, declared.resource, needed, unread)
    if loaded is None:
        return pd.DataFrame({c: pd.Series([], dtype="int64" if c != "words" else object) for c in columns})
    _, frame = loaded
    src = _source_indexes(frame[declared.source], index)
    words = _arrow_strings(frame[declared.words])
    said = pc.binary_length(words).fill_null(0).to_numpy(zero_copy_only=False) > 0
    line = pd.to_numeric(frame[declared.line], errors="coerce")
    at = np.flatnonzero((src >= 0) & line.notna().to_numpy() & said)
    return pd.DataFrame(
        {
            "src": src[at],
            "ln": line.iloc[at].to_numpy(dtype="float64").astype(np.int64),  # as int() reads it
            "words": pc.take(words, at).to_pylist(),
            "at": at.astype(np.int64),
        }
    )


def _in_source_order(frame: Any) -> tuple[Any, Any]:
    """The frame's row positions sorted by source index (stable), and those indexes in that order."""
    import numpy as np

    src = frame["src"].to_numpy(np.int64)
    order = np.argsort(src, kind="stable")
    return order, src[order]


def _batches(sizes: list[int], limit: int) -> list[tuple[int, int]]:
    """Consecutive ranges of items whose sizes add up to about limit (at least one item each)."""
    ranges: list[tuple[int, int]] = []
    lo = 0
    while lo < len(sizes):
        hi, total = lo + 1, sizes[lo]
        while hi < len(sizes) and total + sizes[hi] <= limit:
            total += sizes[hi]
            hi += 1
        ranges.append((lo, hi))
        lo = hi
    return ranges


def _settle(
    bodies: Sequence[str | bytes], offset: int, rows: Any, spots: Any
) -> tuple[set[int], set[tuple[int, int]], Any]:
    """For one batch of texts (source indexes from offset): the sources to read exactly, whole,
    the lines not settled in bulk, and the rows whose words hold several numbers.

    Each figure row and each exclusion is a region of its line: where its folded words are
    printed there first. A line is settled when its folded text is ASCII; each of its regions
    overlaps no other, holds exactly one number (for a figure, one of the
    row's value) and has edges that cannot join that number to what is printed beside it; and
    the regions hold every digit and every possible number word of the line. Then the numbers
    the scanner reads on the line are the regions' numbers, one each, and the exact ledger
    covers or excludes every one of them (tests/test_gaps.py checks this on generated lines).
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    lines = _lines(bodies, offset)
    size = int(lines["ln"].to_numpy().max(initial=0)) + 1
    line_keys = lines["src"].to_numpy() * size + lines["ln"].to_numpy()
    usable = rows[rows["usable"]]
    figure = np.concatenate([np.ones(len(usable), dtype=bool), np.zeros(len(spots), dtype=bool)])
    src = np.concatenate([usable["src"].to_numpy(np.int64), spots["src"].to_numpy(np.int64)])
    ln = np.concatenate([usable["ln"].to_numpy(np.int64), spots["ln"].to_numpy(np.int64)])
    values = np.concatenate([usable["value"].to_numpy(np.float64), np.full(len(spots), np.nan)])
    # The quotes stay in Arrow: a Python string of each and an Arrow array again cost 0.2 s at a
    # million rows, under the interpreter lock.
    words = pa.concat_arrays(
        [pa.array(usable["quote"], type=pa.large_string()), pa.array(spots["words"].tolist(), type=pa.large_string())]
    )
    inside = (ln >= 1) & (ln < size)
    keys = np.where(inside, src * size + np.where(inside, ln, 0), -1)
    text = pa.table({"k": line_keys, "t": lines["folded"]})
    line_starts, body = _line_bytes(lines["folded"])
    region = _regions(keys, words, values, text, line_starts, body)
    at = region["p"]
    placed = at > 0
    # A line printing a scaled number, a multiplier, a vague magnitude or a fraction is read by
    # the exact scanner alone (numbers.DEFER): its rows are undecided, the line unsettled.
    deferred = pc.match_substring_regex(lines["folded"], DEFER).fill_null(False).to_numpy()
    on_deferred = np.zeros(len(keys), dtype=bool)
    found_at = np.flatnonzero(at > 0)
    on_deferred[found_at] = deferred[np.searchsorted(line_keys, keys[found_at])]
    one = (region["one_digit"] | region["is_word"]) & ~on_deferred  # holds exactly one number
    match = (region["one_digit"] & region["digit_match"]) | region["word_match"]
    sound = placed & region["edges"] & np.where(figure, match, one)

    # A row whose words are not on its line, or hold no number of its value there, may take a
    # number from another line: its source is read exactly, whole. Rows whose words hold more
    # than one number are returned undecided: the caller reads their lines exactly.
    whole = set(src[figure & (~placed | (one & ~match))].tolist())
    undecided = usable.iloc[np.flatnonzero(figure & placed & ~one)]

    # Per line: every region sound, no two overlapping, and between them all the line's digits
    # and possible number words.
    count = len(line_keys)
    line_of = np.searchsorted(line_keys, keys)[placed]
    starts, stops = at[placed], (at + region["n"])[placed]
    order = np.lexsort((starts, line_of))
    same = line_of[order][1:] == line_of[order][:-1]
    overlapping = line_of[order][1:][same & (starts[order][1:] < stops[order][:-1])]
    fine = np.bincount(line_of, weights=sound[placed], minlength=count) == np.bincount(line_of, minlength=count)
    fine[overlapping] = False
    held_digits = np.bincount(line_of, weights=region["digits"][placed], minlength=count)
    held_words = np.bincount(line_of, weights=region["words"][placed], minlength=count)
    printed_digits, printed_words = _counts(lines["folded"], line_starts, body)
    settled = fine & (held_digits == printed_digits) & (held_words == printed_words)
    settled &= lines["ascii"].to_numpy() & ~deferred
    unsettled = set(
        zip(lines["src"].to_numpy()[~settled].tolist(), lines["ln"].to_numpy()[~settled].tolist(), strict=True)
    )
    # Regions that are not sound, or not on a line of the text (an exclusion past its end), are
    # the ledger's to judge.
    unsettled |= set(zip(src[~sound & ~figure].tolist(), ln[~sound & ~figure].tolist(), strict=True))
    return whole, unsettled, undecided


def _holds(line: str, numbers: list[PrintedNumber], words: str, value: float) -> bool:
    """Whether one of the line's numbers, of the value, is printed inside the words where they are
    on the line: the exact ledger's test of a row on its own line."""
    wanted = folded_words(words)
    starts = _occurrences(folded_words(line), wanted)
    return any(n.value == value and any(s <= n.start and n.end <= s + len(wanted) for s in starts) for n in numbers)


# A quote or exclusion holding one digit number and nothing else that could be one: the
# number's edges are those the scanner's lookarounds ask for, or stricter.
_ONE_DIGIT = r"^(?:[^0-9]*[^0-9A-Za-z_.,])?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:[^0-9A-Za-z_.,][^0-9]*)?$"
_WORD_MATCH = "(?i)(?P<all>" + WORD_NUMBER.removeprefix("(?i)") + ")"
_PLACE = """
SELECT r.i, coalesce(instr(l.t, r.w), 0) AS p FROM regions r LEFT JOIN lines l ON r.k = l.k
"""
# Bytes that would join a number to the region's edge: before it, a word character, '.' or ',';
# after it, a word character, or '.' or ',' followed by a digit (the scanner's lookarounds).
_WORDLIKE = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_.,"
_WORD = _WORDLIKE[:-2]


def _regions(keys: Any, words: Any, values: Any, text: Any, starts: Any, body: Any) -> dict[str, Any]:
    """Where each region's folded words are on its line and what they hold: ``p`` the 1-based
    place (0 when absent), ``n`` the length, ``edges``, digit and possible-word
    counts, whether they hold one digit number and whether it is the value, and whether they
    hold one number word (``is_word``) of the value (``word_match``), in the order given.

    DuckDB places the words (Arrow compute has no search of one column in another); Arrow
    reads what the words hold, and numpy the characters either side, from the lines' bytes
    (``starts`` and ``body``; a line's characters where it is ASCII, the only lines settled).
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    from validate.sql import selected

    count = len(keys)
    folded = fold_marks_all(words)
    found = selected(
        _PLACE,
        {"regions": pa.table({"i": np.arange(count, dtype=np.int64), "k": keys, "w": folded}), "lines": text},
    )
    order = np.asarray(found["i"], dtype=np.int64)
    at = np.zeros(count, dtype=np.int64)
    at[order] = np.ma.filled(np.ma.asarray(found["p"]), 0)
    size = pc.utf8_length(folded).fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)

    # The characters either side: none joins the number inside to what is printed beside it.
    line = np.clip(np.searchsorted(text["k"].to_numpy(), keys), 0, max(len(starts) - 2, 0))
    first, stop = starts[line] + at - 1, starts[np.minimum(line + 1, len(starts) - 1)]
    before = np.where(at > 1, _byte(body, first - 1, stop), ord(" "))
    after, next_ = _byte(body, first + size, stop), _byte(body, first + size + 1, stop)
    joined = _within(after, _WORD) | (_within(after, b".,") & _within(next_, b"0123456789"))
    edges = ~_within(before, _WORDLIKE) & ~joined

    # What the words hold: digits, places a number word may start, one digit number (and its
    # value), or one number word.
    # Only ASCII words are read here: Python's scanner reads other scripts' digits, which these
    # patterns do not see ('5' then an Arabic-Indic three is 53 to it); the others are undecided.
    plain = pc.string_is_ascii(folded).fill_null(False).to_numpy(zero_copy_only=False)
    digits, number = _digits(folded)
    any_digit = digits > 0
    starts_of_words = pc.count_substring_regex(folded, WORD_START).fill_null(0).to_numpy(zero_copy_only=False)
    one_digit = (
        plain
        & (starts_of_words == 0)
        & pc.match_substring_regex(folded, _ONE_DIGIT).fill_null(False).to_numpy(zero_copy_only=False)
    )
    is_word = plain & ~any_digit & (starts_of_words == 1)
    read = np.full(count, np.nan)
    candidates = np.flatnonzero(is_word)
    if len(candidates):
        matched = pc.struct_field(pc.extract_regex(pc.take(folded, pa.array(candidates)), _WORD_MATCH), [0])
        spelled = np.array(matched.fill_null("").to_pylist(), dtype=object)
        is_word[candidates] = spelled != ""
        values_of = {w: word_value(w) for w in set(spelled[spelled != ""])}
        read[candidates] = pd.Series(spelled).map(values_of).to_numpy(np.float64)
    return {
        "p": at,
        "n": size,
        "edges": edges,
        "digits": digits,
        "words": starts_of_words.astype(np.float64),
        "one_digit": one_digit,
        "digit_match": one_digit & (number == values),
        "is_word": is_word,
        "word_match": is_word & (read == values),
    }


def _digits(words: Any) -> tuple[Any, Any]:
    """Per cell: how many ASCII digits it holds, and the number they spell read in order (the
    value of a cell holding one digit number, commas aside), or NaN past 15 digits, where float64
    sums stop being exact. Read from the cells' bytes in numpy: extracting each cell's digits
    with a regular expression and casting them cost four times as much."""
    import numpy as np

    starts, body = _line_bytes(words)
    cells = len(starts) - 1
    base = starts[0] if cells else 0
    span = body[base : starts[-1]] if cells else body[:0]
    is_digit = (span >= ord("0")) & (span <= ord("9"))
    at = np.flatnonzero(is_digit) + base
    count = _in_each(is_digit, starts - base)
    cell = np.repeat(np.arange(cells), count)  # the digits are in cell order
    # Each digit's place from the right within its cell: digits after it in the cell.
    first = np.cumsum(count) - count
    place = count[cell] - 1 - (np.arange(len(at)) - first[cell])
    spelled = np.bincount(cell, weights=(body[at] - ord("0")) * 10.0 ** np.minimum(place, 22), minlength=cells)
    return count.astype(np.float64), np.where((count > 0) & (count <= 15), spelled, np.nan)


def _in_each(mask: Any, starts: Any) -> Any:
    """How many of the mask's true bytes each span [starts[i], starts[i + 1]) holds, by a
    running count: a binary search for the span of every digit held the interpreter lock
    (0.15 s at a million rows)."""
    import numpy as np

    running = np.zeros(len(mask) + 1, dtype=np.int32 if len(mask) < 2**31 else np.int64)
    np.cumsum(mask, out=running[1:])
    return (running[starts[1:]] - running[starts[:-1]]).astype(np.int64)


def _byte(body: Any, at: Any, stop: Any) -> Any:
    """The bytes of body at the offsets, or a space where an offset is past its line's stop."""
    import numpy as np

    inside = (at >= 0) & (at < stop) & (at < len(body))
    return np.where(inside, body[np.where(inside, at, 0)] if len(body) else 0, ord(" "))


def _within(codes: Any, allowed: bytes) -> Any:
    """Whether each byte code is one of the allowed bytes."""
    import numpy as np

    return np.isin(codes, np.frombuffer(allowed, dtype=np.uint8))


def _line_bytes(folded: Any) -> tuple[Any, Any]:
    """The folded lines' bytes, and where each line starts in them (one more: where the last ends)."""
    import numpy as np
    import pyarrow as pa

    if isinstance(folded, pa.ChunkedArray):
        folded = folded.combine_chunks()
    folded = folded.cast(pa.large_string())
    _, offsets, data = folded.buffers()
    starts = np.frombuffer(offsets, dtype=np.int64)[folded.offset : folded.offset + len(folded) + 1]
    body = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    return starts, body


def _counts(folded: Any, starts: Any, body: Any) -> tuple[Any, Any]:
    """Per line: its ASCII digits (counted in its bytes: its characters where it is ASCII, the
    only lines settled), and the places a number word may start."""
    import numpy as np
    import pyarrow.compute as pc

    digits = _in_each((body >= ord("0")) & (body <= ord("9")), starts)
    # Arrow's RE2 counts non-overlapping matches, as it does for the regions' words.
    words = pc.count_substring_regex(folded, WORD_START).fill_null(0).to_numpy(zero_copy_only=False)
    return digits.astype(np.float64), words.astype(np.float64)


class _RawLines:
    """A text's lines, as str.split("\n") gives them, each decoded only when it is read: the
    ledger reads a few lines of most sources, and decoding and splitting each of those texts
    whole, twice, cost 0.1 s at a million rows. The text is UTF-8 (an intact source), so a
    line's bytes, cut at a newline, decode alone."""

    def __init__(self, data: bytes) -> None:
        import numpy as np

        ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n"))
        self._data = data
        self._bounds: list[int] = [0, *(ends + 1).tolist(), len(data) + 1]

    def __len__(self) -> int:
        return len(self._bounds) - 1

    def __getitem__(self, index: int) -> str:
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        index %= len(self)
        return self._data[self._bounds[index] : self._bounds[index + 1] - 1].decode("utf-8")


def _scan(lines: Lines, line: int) -> list[PrintedNumber]:
    return scan_line(lines[line - 1].removesuffix("\r"), line) if 1 <= line <= len(lines) else []


def _lines(bodies: Sequence[str | bytes], offset: int = 0) -> Any:
    """Every line of every text (given as str, or as UTF-8 bytes, which go to Arrow undecoded), as
    an Arrow table: source index, line number, the line with its marks folded, and whether that
    is ASCII."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    data = [body.encode("utf-8") if isinstance(body, str) else body for body in bodies]
    counts = np.array([body.count(b"\n") + 1 for body in data], dtype=np.int64)
    src = np.repeat(np.arange(offset, offset + len(bodies), dtype=np.int64), counts)
    firsts = np.repeat(np.cumsum(counts) - counts, counts)
    ln = np.arange(int(counts.sum()), dtype=np.int64) - firsts + 1
    if bodies:
        raw = pc.list_flatten(pc.split_pattern(utf8_array([b"\n".join(data)]), "\n"))
    else:
        raw = pa.array([], pa.large_string())
    folded = fold_marks_all(raw)
    return pa.table({"src": src, "ln": ln, "folded": folded, "ascii": pc.string_is_ascii(folded)})


_BATCH = 1 << 22
"""Characters of archived text read in bulk at once."""


def _figure_rows(package: Package, unread: list[str], ids: list[str]) -> tuple[Any, list[Any]]:
    """Every declared figure row as a frame (source index, line, value, where it is, and whether
    it has a value and a quote), and each coverage entry's quote column in Arrow (_quotes takes
    a batch's quotes from them): a copy of a million quotes in the frame held 48 MB for the
    whole check, while the other checks ran beside it."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    from validate.typed import typed_table

    index = {source_id: i for i, source_id in enumerate(ids)}
    parts = []
    quotes: list[Any] = []
    for entry, covered in enumerate(package.declarations.coverage):
        quotes.append(None)
        needed = {covered.value, covered.line, covered.source, covered.quote, covered.id}
        loaded = _frame(package, covered.resource, needed, unread)
        if loaded is None:
            continue
        table, frame = loaded
        src = _source_indexes(frame[covered.source], index)
        line = frame[covered.line]
        value = pd.to_numeric(frame[covered.value], errors="coerce").astype("float64")
        unreadable = np.zeros(len(frame), dtype=bool)
        unreadable[[bad.row for bad in typed_table(table).bad if bad.field == covered.value]] = True
        keep = (src >= 0) & line.notna().to_numpy() & (value.notna().to_numpy() | unreadable)
        pos = np.flatnonzero(keep)
        quoted = _arrow_strings(frame[covered.quote]) if covered.quote else pa.nulls(len(frame), pa.large_string())
        quotes[entry] = quoted
        said = pc.binary_length(quoted).fill_null(0).to_numpy(zero_copy_only=False) > 0
        parts.append(
            pd.DataFrame(
                {
                    "src": src[pos],
                    "ln": line.iloc[pos].astype("int64").to_numpy(),
                    "value": value.iloc[pos].to_numpy(),
                    "entry": np.full(len(pos), entry, dtype=np.int64),
                    "row": pos.astype(np.int64),
                    "usable": value.iloc[pos].notna().to_numpy() & said[pos],
                }
            )
        )
    columns = ["src", "ln", "value", "entry", "row", "usable"]
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({c: [] for c in columns})
    return rows.astype({"usable": bool}), quotes


def _source_indexes(column: Any, index: dict[str, int]) -> Any:
    """Each cell's source index, by one lookup per distinct source id; -1 for a missing cell or
    a source with no intact text."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    lookup = np.array([index.get(u, -1) if isinstance(u, str) else -1 for u in uniques] + [-1], dtype=np.int64)
    return lookup[codes]  # code -1 (a missing cell) picks the trailing -1


def _arrow_strings(column: Any) -> Any:
    """A column's cells as Arrow strings, as they are where the column is Arrow's; a cell that
    is not a string is no quote (the exact ledger reads it so too)."""
    import pyarrow as pa

    try:
        return pa.array(column, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([v if isinstance(v, str) else None for v in column.tolist()], type=pa.large_string())


def _quotes(quotes: list[Any], part: Any) -> Any:
    """The quotes of the part's rows, in its order, as a string column on its index."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    entries, rows = part["entry"].to_numpy(np.int64), part["row"].to_numpy(np.int64)
    order = np.argsort(entries, kind="stable")
    cuts = np.searchsorted(entries[order], np.arange(len(quotes) + 1))
    pieces = [_take(quotes[e], rows[order[cuts[e] : cuts[e + 1]]]) for e in range(len(quotes)) if cuts[e + 1] > cuts[e]]
    gathered = pa.concat_arrays(pieces) if pieces else pa.array([], pa.large_string())
    return pd.Series(pd.arrays.ArrowStringArray(_reordered(gathered, order)), index=part.index, dtype="str")


def _take(column: Any, at: Any) -> Any:
    """column[at], for an Arrow array of many chunks too, taking from each chunk what it holds:
    Arrow's take over a chunked array joins the chunks first, so taking each batch's rows cost
    the whole column each time (24 s at 10,000,000 rows)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    bounds = np.cumsum([0, *(len(chunk) for chunk in chunks)])
    chunk = np.searchsorted(bounds, at, side="right") - 1
    order = np.argsort(chunk, kind="stable")
    cuts = np.searchsorted(chunk[order], np.arange(len(chunks) + 1))
    pieces = [
        pc.take(chunks[k], pa.array(at[order[cuts[k] : cuts[k + 1]]] - bounds[k]))
        for k in range(len(chunks))
        if cuts[k + 1] > cuts[k]
    ]
    gathered = pa.concat_arrays(pieces) if pieces else pa.array([], column.type)
    return _reordered(gathered, order)


def _reordered(gathered: Any, order: Any) -> Any:
    """Items gathered in the given order, put back in the original one."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if np.array_equal(order, np.arange(len(order))):
        return gathered
    back = np.empty(len(order), dtype=np.int64)
    back[order] = np.arange(len(order))
    return pc.take(gathered, pa.array(back))


def _figures_at(package: Package, wanted: Any) -> list[tuple[int, int, int, _Figure]]:
    """The exact ledger's record of each wanted figure row, with its source index, entry and row."""
    from validate.typed import typed_table

    found: list[tuple[int, int, int, _Figure]] = []
    for entry, part in wanted.groupby("entry", sort=True):
        covered = package.declarations.coverage[int(entry)]
        table = package.table(covered.resource)
        assert table is not None
        frame = typed_table(table).frame
        at = part["row"].to_numpy()

        def cells(name: str | None, at: Any = at, frame: Any = frame) -> list[Any]:
            return frame[name].iloc[at].tolist() if name is not None and name in frame.columns else [None] * len(at)

        columns = zip(
            part["src"].tolist(),
            at.tolist(),
            cells(covered.source),
            cells(covered.line),
            cells(covered.value),
            cells(covered.quote),
            cells(covered.id),
            strict=True,
        )
        for src, row, source_id, line, value, quote, ident in columns:
            ref = RowRef(covered.resource, table.path, table.line(row), covered.value, _text(ident))
            number = float(value) if _present(value) else None
            found.append((src, int(entry), row, _Figure(ref, str(source_id), int(line), number, _text(quote))))
    return found
