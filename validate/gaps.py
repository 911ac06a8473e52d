"""The coverage ledger where it can be wrong: lines proven covered in bulk are left out.

``validate.coverage.coverage`` reads every printed number and every figure row one by one,
which is right and clear but slow at a million rows. The coverage check only needs the numbers
that are not accounted for, so this module first settles, for all rows at once, the lines where
each number is plainly some row's figure, and hands only the other lines to the exact ledger.

A line is settled when it has no exclusion and each row stated at it finds its folded quote
exactly once on the line with exactly one number of its value inside, and those numbers are all
the numbers the line prints. Every settled number is then covered by the exact ledger as well:
each of its rows has one candidate, on its own line, so no order of rows can leave one uncovered.
A source where some row's words or value are not found on its stated line (a figure a row may
take from another line, or a row gone astray) is read exactly, whole. The result equals the
exact ledger's uncovered numbers, stale exclusions and stray rows (tests/test_gaps.py).

Numbers are read with ``DIGIT_NUMBER`` on lines that cannot hold a number word (Arrow's RE2
says which, in one pass), and with the exact scanner on the others; quotes are placed in their
lines by DuckDB, since Arrow compute has no search of one column in another.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from validate.coverage import (
    SECTIONS,
    Accounted,
    Coverage,
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
    _present,
    _text,
    printed_lines,
)
from validate.model import Package
from validate.numbers import DIGIT_NUMBER, WORD_NUMBER, WORD_START, word_value
from validate.printed import PrintedNumber, scan, scan_line
from validate.text import fold_marks


def gaps(package: Package) -> Coverage:
    """The exact ledger's uncovered numbers, stale exclusions and stray rows, settled lines left out."""
    import numpy as np
    import pandas as pd

    from validate.checks.provenance import source_texts

    texts = source_texts(package)
    archives = _archives(package)
    unread = [
        ".".join(map(str, where[1:]))
        for where, _ in package.declarations.problems
        if len(where) > 1 and where[1] in SECTIONS
    ]
    ids = list(texts)
    index = {source_id: i for i, source_id in enumerate(ids)}
    rows = _figure_rows(package, unread, ids)
    exclusions: dict[str, list[_Exclusion]] = defaultdict(list)
    for exclusion in _exclusions(package, unread):
        exclusions[exclusion.source_id].append(exclusion)

    raw = {source_id: printed_lines(package, archives[source_id]) for source_id in ids}
    lines = _lines(raw)
    numbers = _numbers(raw, lines)
    placed = _place_quotes(rows, lines)
    # Candidates: numbers of the row's value on its line, inside its quote's first occurrence.
    pairs = placed.merge(numbers, on=["src", "ln", "value"], how="inner")
    pairs = pairs[(pairs["start"] >= pairs["qpos"]) & (pairs["end"] <= pairs["qpos"] + pairs["qlen"])]
    placed["candidates"] = pairs.groupby("fig").size().reindex(placed["fig"], fill_value=0).to_numpy()
    # A source is read exactly, whole, when a row of it may look beyond its own line.
    astray = (placed["qpos"] < 0) | (placed["candidates"] == 0)
    whole = set(placed.loc[astray, "src"].tolist()) | set(rows.loc[~rows["usable"], "src"].tolist())
    # A line is settled when each of its rows has one candidate and they claim all its numbers.
    single = (placed["candidates"] == 1) & placed["once"]
    unsettled = set(zip(placed.loc[~single, "src"].tolist(), placed.loc[~single, "ln"].tolist(), strict=True))
    claimed = pairs.loc[pairs["fig"].isin(placed.loc[single, "fig"]), "nid"].unique()
    open_numbers = numbers[~numbers["nid"].isin(claimed)]
    unsettled |= set(zip(open_numbers["src"].tolist(), open_numbers["ln"].tolist(), strict=True))
    for source_id, items in exclusions.items():
        if source_id in index:
            unsettled |= {(index[source_id], item.line) for item in items}

    by_source: dict[int, list[int]] = defaultdict(list)
    for src, ln in sorted(unsettled):
        by_source[src].append(ln)
    at_line = np.zeros(len(rows), dtype=bool)
    if unsettled and len(rows):
        at_line = pd.MultiIndex.from_frame(rows[["src", "ln"]]).isin(pd.MultiIndex.from_tuples(sorted(unsettled)))
    wanted = rows[rows["src"].isin(list(whole)).to_numpy() | at_line]
    figures: dict[int, list[tuple[int, int, _Figure]]] = defaultdict(list)
    for src, entry, row, figure in _figures_at(package, wanted):
        figures[src].append((entry, row, figure))

    sources: dict[str, SourceCoverage] = {}
    stale: list[StaleExclusion] = []
    unmatched: list[UnmatchedFigure] = []
    for src, source_id in enumerate(ids):
        text, printed_text = texts[source_id], raw[source_id]
        if src in whole:
            printed = scan("\n".join(printed_text))
        else:
            printed = [n for ln in by_source.get(src, []) for n in _scan(printed_text, ln)]
        ordered = [figure for _, _, figure in sorted(figures.get(src, []), key=lambda item: item[:2])]
        covered, strays = _cover(printed, ordered, text, printed_text)
        unmatched += strays
        excluded, unused = _exclude(printed, exclusions.get(source_id, []), printed_text)
        stale += unused
        accounted = tuple(
            Accounted(
                number,
                covered_by=covered.get(i),
                excluded_by=None if i in covered or i not in excluded else excluded[i].row,
                reason=None if i in covered or i not in excluded else excluded[i].reason,
            )
            for i, number in enumerate(printed)
        )
        sources[source_id] = SourceCoverage(source_id, archives.get(source_id, source_id), accounted)
    return Coverage(sources, tuple(stale), tuple(unmatched), tuple(dict.fromkeys(unread)))


def _scan(lines: list[str], line: int) -> list[PrintedNumber]:
    return scan_line(lines[line - 1].removesuffix("\r"), line) if 1 <= line <= len(lines) else []


def _lines(texts: dict[str, list[str]]) -> Any:
    """Every line of every text: source index, line number, raw and folded text, and whether it may
    hold a number word."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    raw = [line for text in texts.values() for line in text]
    src = np.repeat(np.arange(len(texts), dtype=np.int64), [len(t) for t in texts.values()])
    ln = np.concatenate([np.arange(1, len(t) + 1, dtype=np.int64) for t in texts.values()] or [np.array([], np.int64)])
    words = pc.match_substring_regex(pa.array(raw, pa.string()), WORD_START).to_numpy(zero_copy_only=False)
    folded = fold_marks("\n".join(raw)).split("\n") if raw else []
    return pd.DataFrame({"src": src, "ln": ln, "raw": raw, "folded": folded, "words": words})


def _numbers(texts: dict[str, list[str]], lines: Any) -> Any:
    """Every printed number: source index, line, start and end in the line, value, and an id.

    Digits are read from each whole text with DIGIT_NUMBER's split (C, no match objects). Number
    words are read on the lines that may hold one by RE2 in DuckDB, which gives each match and the
    text between matches, hence their offsets. A line where a word and a digit number touch, or
    that is not ASCII (where RE2's word boundaries are not Python's), is read by the exact scanner.
    """
    import numpy as np
    import pandas as pd

    frames = [_digits(src, text) for src, text in enumerate(texts.values())]
    digits = pd.concat(frames, ignore_index=True) if frames else _empty_numbers()
    words, exact = _words(lines)
    keys = ["src", "ln"]
    if len(words):
        # A digit number inside or beside a word number: the two scans may split what _NUMBER reads whole.
        pairs = words.merge(digits, on=keys, suffixes=("", "_d"))
        touching = pairs[(pairs["start_d"] <= pairs["end"]) & (pairs["start"] <= pairs["end_d"])]
        exact |= set(zip(touching["src"].tolist(), touching["ln"].tolist(), strict=True))
    if exact:
        marks = pd.MultiIndex.from_tuples(sorted(exact), names=keys)
        digits = digits[~pd.MultiIndex.from_frame(digits[keys]).isin(marks)]
        words = words[~pd.MultiIndex.from_frame(words[keys]).isin(marks)] if len(words) else words
        texts_list = list(texts.values())
        read = [(src, ln, n.start, n.end, n.value) for src, ln in sorted(exact) for n in _scan(texts_list[src], ln)]
        exact_frame = pd.DataFrame(read, columns=["src", "ln", "start", "end", "value"]) if read else _empty_numbers()
    else:
        exact_frame = _empty_numbers()
    numbers = pd.concat([f for f in (digits, words, exact_frame) if len(f)] or [_empty_numbers()], ignore_index=True)
    numbers = numbers.astype({"src": "int64", "ln": "int64", "start": "int64", "end": "int64", "value": "float64"})
    return numbers.assign(nid=np.arange(len(numbers), dtype=np.int64))


def _empty_numbers() -> Any:
    import pandas as pd

    return pd.DataFrame({"src": [], "ln": [], "start": [], "end": [], "value": []})


def _digits(src: int, text: list[str]) -> Any:
    """The digit numbers of one text, located by the lengths of the pieces DIGIT_NUMBER splits it into."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = DIGIT_NUMBER.split("\n".join(text))  # [text, digits, half, text, digits, half, ..., text]
    if len(parts) == 1:
        return _empty_numbers()
    sizes = np.fromiter(map(len, (part or "" for part in parts)), dtype=np.int64, count=len(parts))
    ends = np.cumsum(sizes)
    digits_at = np.arange(1, len(parts) - 1, 3)
    starts = ends[digits_at] - sizes[digits_at]
    stops = ends[digits_at + 1]  # the span runs on over 'and a half' or '½'
    halves = sizes[digits_at + 1] > 0
    values = pc.cast(pc.replace_substring(pa.array(parts[1::3], pa.string()), ",", ""), pa.float64()).to_numpy()
    line_starts = np.cumsum([0] + [len(line) + 1 for line in text[:-1]])
    line = np.searchsorted(line_starts, starts, side="right") - 1
    return pd.DataFrame(
        {
            "src": np.full(len(starts), src, dtype=np.int64),
            "ln": line + 1,
            "start": starts - line_starts[line],
            "end": stops - line_starts[line],
            "value": values + np.where(halves, 0.5, 0.0),
        }
    )


def _words(lines: Any) -> tuple[Any, set[tuple[int, int]]]:
    """Number words of the lines that may hold one, located; and the lines left to the exact scanner."""
    import duckdb
    import pandas as pd

    candidates = lines[lines["words"]]
    if not len(candidates):
        return _empty_numbers(), set()
    ascii_only = candidates["raw"].map(str.isascii).to_numpy()
    exact = set(
        zip(candidates.loc[~ascii_only, "src"].tolist(), candidates.loc[~ascii_only, "ln"].tolist(), strict=True)
    )
    plain = candidates.loc[ascii_only, ["src", "ln", "raw"]]
    if not len(plain):
        return _empty_numbers(), exact
    connection = duckdb.connect()
    try:
        connection.register("word_lines", plain)
        pattern = WORD_NUMBER.replace("'", "''")
        found = connection.execute(
            f"select src, ln, regexp_extract_all(raw, '{pattern}') as hits,"
            f" regexp_split_to_array(raw, '{pattern}') as gaps from word_lines"
        ).fetchall()
    finally:
        connection.close()
    rows: list[tuple[int, int, int, int, float]] = []
    for src, ln, hits, between in found:
        offset = 0
        for gap, hit in zip(between, hits, strict=False):
            offset += len(gap)
            rows.append((src, ln, offset, offset + len(hit), word_value(hit)))
            offset += len(hit)
    frame = pd.DataFrame(rows, columns=["src", "ln", "start", "end", "value"]) if rows else _empty_numbers()
    return frame, exact


def _figure_rows(package: Package, unread: list[str], ids: list[str]) -> Any:
    """Every declared figure row as a frame: source index, line, value, folded quote, and where it is."""
    import numpy as np
    import pandas as pd

    from validate.typed import typed_table

    index = {source_id: i for i, source_id in enumerate(ids)}
    parts = []
    for entry, covered in enumerate(package.declarations.coverage):
        needed = {covered.value, covered.line, covered.source, covered.quote, covered.id}
        loaded = _frame(package, covered.resource, needed, unread)
        if loaded is None:
            continue
        table, frame = loaded
        codes, uniques = pd.factorize(frame[covered.source], use_na_sentinel=True)
        lookup = np.array([index.get(u, -1) if isinstance(u, str) else -1 for u in uniques] + [-1], dtype=np.int64)
        src = lookup[codes]  # code -1 (a missing cell) picks the trailing -1
        line = frame[covered.line]
        value = pd.to_numeric(frame[covered.value], errors="coerce").astype("float64")
        unreadable = np.zeros(len(frame), dtype=bool)
        unreadable[[bad.row for bad in typed_table(table).bad if bad.field == covered.value]] = True
        keep = (src >= 0) & line.notna().to_numpy() & (value.notna().to_numpy() | unreadable)
        pos = np.flatnonzero(keep)
        quote = frame[covered.quote] if covered.quote else pd.Series([None] * len(frame), dtype=object)
        parts.append(
            pd.DataFrame(
                {
                    "src": src[pos],
                    "ln": line.iloc[pos].astype("int64").to_numpy(),
                    "value": value.iloc[pos].to_numpy(),
                    "quote": quote.iloc[pos].astype(object).to_numpy(),
                    "entry": np.full(len(pos), entry, dtype=np.int64),
                    "row": pos.astype(np.int64),
                }
            )
        )
    columns = ["src", "ln", "value", "quote", "entry", "row"]
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({c: [] for c in columns})
    present = rows["quote"].notna().to_numpy()
    lengths = rows["quote"].where(present, "").astype(str).str.len().to_numpy()
    usable = rows["value"].notna().to_numpy() & present & (lengths > 0)
    return rows.assign(fig=np.arange(len(rows)), usable=usable)


def _place_quotes(rows: Any, lines: Any) -> Any:
    """Each usable row's folded quote in its stated line: first offset (-1 when absent), length, and
    whether that is its only occurrence, found for all rows in one DuckDB query."""
    import duckdb
    import pandas as pd

    usable = rows[rows["usable"]]
    if not len(usable) or not len(lines):
        empty = pd.DataFrame({"fig": [], "qpos": [], "qlen": [], "once": []}).astype({"once": bool})
        return empty.astype({"fig": "int64", "qpos": "int64", "qlen": "int64"}).merge(
            rows[["fig", "src", "ln", "value"]], on="fig"
        )
    quotes = usable["quote"].tolist()
    joined = "\x00".join(quotes)
    if not quotes:
        folded: list[str] = []
    elif joined.count("\x00") != len(quotes) - 1:
        folded = [fold_marks(q) for q in quotes]  # a quote holds the separator: fold each alone
    else:
        folded = fold_marks(joined).split("\x00")
    frame = pd.DataFrame(
        {
            "fig": usable["fig"].to_numpy(),
            "src": usable["src"].to_numpy(),
            "ln": usable["ln"].to_numpy(),
            "quote": folded,
        }
    )
    text = lines[["src", "ln", "folded"]]
    connection = duckdb.connect()
    try:
        connection.register("figs", frame)
        connection.register("lines", text)
        placed = connection.execute(
            """
            select f.fig, coalesce(instr(l.folded, f.quote), 0) - 1 as qpos, length(f.quote) as qlen,
                   coalesce(instr(substr(l.folded, instr(l.folded, f.quote) + 1), f.quote), 0) = 0 as once
            from figs f left join lines l on f.src = l.src and f.ln = l.ln
            """
        ).df()
    finally:
        connection.close()
    placed = placed.merge(rows[["fig", "src", "ln", "value"]], on="fig")
    return placed.sort_values("fig", kind="stable").reset_index(drop=True)


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
