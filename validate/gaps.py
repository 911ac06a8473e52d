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

Numbers are read with ``DIGIT_TOKEN`` on lines that cannot hold a number word (Arrow's RE2
says which, in one pass), and with the exact scanner on the others; quotes are placed in their
lines by DuckDB, since Arrow compute has no search of one column in another.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from validate.coverage import (
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
    account,
    unread_sections,
)
from validate.model import Package
from validate.numbers import DIGIT_TOKEN, HALF_SUFFIX, WORD_NUMBER, WORD_START, word_value
from validate.printed import PrintedNumber, scan, scan_line
from validate.text import fold_marks_all


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
    rows = _figure_rows(package, unread, ids)
    exclusions: dict[str, list[_Exclusion]] = defaultdict(list)
    for exclusion in _exclusions(package, unread):
        exclusions[exclusion.source_id].append(exclusion)

    listed = [
        (index[x.source_id], x.line, x.words) for items in exclusions.values() for x in items if x.source_id in index
    ]
    spots = pd.DataFrame(listed, columns=["src", "ln", "words"])
    # Texts go in batches of about 4 MB: every step below holds a few copies of the batch's text.
    whole: set[int] = set(rows.loc[~rows["usable"], "src"].tolist())
    unsettled: set[tuple[int, int]] = set()
    sizes = [len(package.files[archives[source_id]]) for source_id in ids]
    for lo, hi in _batches(sizes, _BATCH):
        bodies = [package.files[archives[source_id]].decode("utf-8") for source_id in ids[lo:hi]]
        astray, open_lines = _settle(
            bodies,
            lo,
            rows[(rows["src"] >= lo).to_numpy() & (rows["src"] < hi).to_numpy()],
            spots[(spots["src"] >= lo).to_numpy() & (spots["src"] < hi).to_numpy()],
        )
        whole |= astray
        unsettled |= open_lines

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
        if src not in whole and src not in by_source:
            sources[source_id] = SourceCoverage(source_id, archives.get(source_id, source_id), ())
            continue
        text = texts[source_id]
        printed_text = package.files[archives[source_id]].decode("utf-8").split("\n")
        if src in whole:
            printed = scan("\n".join(printed_text))
        else:
            printed = [n for ln in by_source.get(src, []) for n in _scan(printed_text, ln)]
        ordered = [figure for _, _, figure in sorted(figures.get(src, []), key=lambda item: item[:2])]
        covered, strays = _cover(printed, ordered, text, printed_text)
        unmatched += strays
        listing = exclusions.get(source_id, [])
        if src not in whole:  # an exclusion on a settled line holds a number there: not stale
            listing = [x for x in listing if (src, x.line) in unsettled]
        excluded, unused = _exclude(printed, listing, printed_text)
        stale += unused
        sources[source_id] = SourceCoverage(
            source_id, archives.get(source_id, source_id), account(printed, covered, excluded)
        )
    return Coverage(sources, tuple(stale), tuple(unmatched), tuple(dict.fromkeys(unread)))


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


def _settle(bodies: list[str], offset: int, rows: Any, spots: Any) -> tuple[set[int], set[tuple[int, int]]]:
    """For one batch of texts (source indexes from offset): the sources to read exactly, whole,
    and the lines not settled in bulk."""
    import numpy as np

    lines = _lines(bodies, offset)
    numbers = _numbers(bodies, lines)
    usable = rows[rows["usable"]]
    placed = _place(usable[["src", "ln"]], usable["quote"], lines).assign(
        fig=usable["fig"].to_numpy(), value=usable["value"].to_numpy()
    )
    # Candidates: numbers of the row's value on its line, inside its quote's first occurrence.
    pairs = placed.merge(numbers, on=["src", "ln", "value"], how="inner")
    pairs = pairs[(pairs["start"] >= pairs["qpos"]) & (pairs["end"] <= pairs["qpos"] + pairs["qlen"])]
    placed["candidates"] = pairs.groupby("fig").size().reindex(placed["fig"], fill_value=0).to_numpy()
    # A source is read exactly, whole, when a row of it may look beyond its own line.
    astray = (placed["qpos"] < 0) | (placed["candidates"] == 0)
    whole = set(placed.loc[astray, "src"].tolist())
    # A line is settled when each of its rows has one candidate, each exclusion is printed there
    # once and holds a number, and together they account for all its numbers.
    single = (placed["candidates"] == 1) & placed["once"]
    unsettled = set(zip(placed.loc[~single, "src"].tolist(), placed.loc[~single, "ln"].tolist(), strict=True))
    claimed = [pairs.loc[pairs["fig"].isin(placed.loc[single, "fig"]), "nid"].to_numpy()]
    if len(spots):
        held = _place(spots[["src", "ln"]], spots["words"], lines).assign(xid=np.arange(len(spots)))
        inside = held.merge(numbers, on=["src", "ln"], how="inner")
        inside = inside[(inside["start"] >= inside["qpos"]) & (inside["end"] <= inside["qpos"] + inside["qlen"])]
        counts = inside.groupby("xid").size().reindex(held["xid"], fill_value=0).to_numpy()
        good = held["once"].to_numpy() & (held["qpos"].to_numpy() >= 0) & (counts > 0)
        unsettled |= set(zip(held.loc[~good, "src"].tolist(), held.loc[~good, "ln"].tolist(), strict=True))
        claimed.append(inside.loc[inside["xid"].isin(held.loc[good, "xid"]), "nid"].to_numpy())
    open_numbers = numbers[~numbers["nid"].isin(np.concatenate(claimed))]
    unsettled |= set(zip(open_numbers["src"].tolist(), open_numbers["ln"].tolist(), strict=True))
    return whole, unsettled


def _scan(lines: list[str], line: int) -> list[PrintedNumber]:
    return scan_line(lines[line - 1].removesuffix("\r"), line) if 1 <= line <= len(lines) else []


def _lines(bodies: list[str], offset: int = 0) -> Any:
    """Every line of every text, as an Arrow table: source index, line number, the line as printed
    and folded, whether it may hold a number word, and whether it is ASCII."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    counts = np.array([body.count("\n") + 1 for body in bodies], dtype=np.int64)
    src = np.repeat(np.arange(offset, offset + len(bodies), dtype=np.int64), counts)
    firsts = np.repeat(np.cumsum(counts) - counts, counts)
    ln = np.arange(int(counts.sum()), dtype=np.int64) - firsts + 1
    if bodies:
        raw = pc.list_flatten(pc.split_pattern(pa.array(["\n".join(bodies)], pa.large_string()), "\n"))
    else:
        raw = pa.array([], pa.large_string())
    return pa.table(
        {
            "src": src,
            "ln": ln,
            "raw": raw,
            "folded": fold_marks_all(raw),
            "words": pc.match_substring_regex(raw, WORD_START),
            "ascii": pc.string_is_ascii(raw),
        }
    )


_BATCH = 1 << 22
"""Characters of archived text read in bulk at once."""


def _numbers(texts: list[str], lines: Any) -> Any:
    """Every printed number: source index, line, start and end in the line, value, and an id.

    Digits are read from each whole text with DIGIT_TOKEN's split (C, no match objects). Number
    words are read on the lines that may hold one by RE2 in DuckDB, which gives each match and the
    text between matches, hence their offsets. A line where a word and a digit number touch, or
    that is not ASCII (where RE2's word boundaries are not Python's), is read by the exact scanner.
    """
    import numpy as np
    import pandas as pd
    import pyarrow.compute as pc

    first_src = int(lines["src"][0].as_py()) if lines.num_rows else 0
    # One split of all texts joined as _lines joins them: a number never spans a line break, and
    # a line break reads as the start or end of a text does.
    sizes = pc.utf8_length(lines["raw"]).to_numpy().astype(np.int64) + 1
    line_starts = np.cumsum(sizes) - sizes
    digits = _digits("\n".join(texts), line_starts, lines["src"].to_numpy(), lines["ln"].to_numpy())
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
        split: dict[int, list[str]] = {}
        texts_list = texts
        read = [
            (src, ln, n.start, n.end, n.value)
            for src, ln in sorted(exact)
            for n in _scan(split.setdefault(src, texts_list[src - first_src].split("\n")), ln)
        ]
        exact_frame = pd.DataFrame(read, columns=["src", "ln", "start", "end", "value"]) if read else _empty_numbers()
    else:
        exact_frame = _empty_numbers()
    numbers = pd.concat([f for f in (digits, words, exact_frame) if len(f)] or [_empty_numbers()], ignore_index=True)
    numbers = numbers.astype({"src": "int64", "ln": "int64", "start": "int64", "end": "int64", "value": "float64"})
    return numbers.assign(nid=np.arange(len(numbers), dtype=np.int64))


def _empty_numbers() -> Any:
    import pandas as pd

    return pd.DataFrame({"src": [], "ln": [], "start": [], "end": [], "value": []})


def _digits(text: str, line_starts: Any, src: Any, ln: Any) -> Any:
    """The digit numbers of all texts joined, located by the lengths of the pieces DIGIT_TOKEN splits
    them into; line_starts, src and ln describe each line of the joined text."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = DIGIT_TOKEN.split(text)  # [text, number, text, number, ..., text]
    if len(parts) == 1:
        return _empty_numbers()
    sizes = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    stops = np.cumsum(sizes)[1::2]
    starts = stops - sizes[1::2]
    tokens = pa.array(parts[1::2], pa.string())
    del parts
    digits = pc.replace_substring_regex(tokens, pattern=HALF_SUFFIX, replacement="")
    halves = pc.not_equal(pc.utf8_length(digits), pc.utf8_length(tokens)).to_numpy(zero_copy_only=False)
    plain = pc.replace_substring(digits, ",", "")
    try:
        values = pc.cast(plain, pa.float64()).to_numpy()
    except pa.ArrowInvalid:  # digits of another script, which Python's float reads
        values = np.array([float(v) for v in plain.to_pylist()], dtype=np.float64)
    line = np.searchsorted(line_starts, starts, side="right") - 1
    return pd.DataFrame(
        {
            "src": src[line],
            "ln": ln[line],
            "start": starts - line_starts[line],
            "end": stops - line_starts[line],
            "value": values + np.where(halves, 0.5, 0.0),
        }
    )


def _words(lines: Any) -> tuple[Any, set[tuple[int, int]]]:
    """Number words of the lines that may hold one, located; and the lines left to the exact scanner."""
    import duckdb
    import pandas as pd
    import pyarrow.compute as pc

    others = lines.filter(pc.and_(lines["words"], pc.invert(lines["ascii"])))
    exact = set(zip(others["src"].to_pylist(), others["ln"].to_pylist(), strict=True))
    plain = lines.filter(pc.and_(lines["words"], lines["ascii"])).select(["src", "ln", "raw"])
    if not plain.num_rows:
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
                    "quote": quote.iloc[pos].reset_index(drop=True),
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


def _place(keys: Any, words: Any, lines: Any) -> Any:
    """Where each of the words (folded) is in its line, for all of them in one DuckDB query over
    Arrow tables: source index, line, first offset (-1 when absent), length, and whether that is
    the only occurrence. Rows come back in the order given."""
    import duckdb
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    if not len(keys):
        return pd.DataFrame({"src": [], "ln": [], "qpos": [], "qlen": [], "once": []}).astype(
            {"src": "int64", "ln": "int64", "qpos": "int64", "qlen": "int64", "once": bool}
        )
    size = int(lines["ln"].to_numpy().max(initial=0)) + 1
    items = pa.table(
        {
            "i": np.arange(len(keys), dtype=np.int64),
            "k": keys["src"].to_numpy().astype(np.int64) * size + keys["ln"].to_numpy().astype(np.int64),
            "w": fold_marks_all(pa.array(words, pa.large_string())),
        }
    )
    text = pa.table(
        {
            "k": pc_key(lines, size),
            "t": lines["folded"],
        }
    )
    connection = duckdb.connect()
    try:
        connection.register("items", items)
        connection.register("text", text)
        placed = connection.execute(
            """
            select coalesce(instr(t.t, items.w), 0) - 1 as qpos, length(items.w) as qlen,
                   coalesce(instr(substr(t.t, instr(t.t, items.w) + 1), items.w), 0) = 0 as once
            from items left join text t on items.k = t.k order by items.i
            """
        ).df()
    finally:
        connection.close()
    return placed.assign(src=keys["src"].to_numpy(), ln=keys["ln"].to_numpy())


def pc_key(lines: Any, size: int) -> Any:
    """One integer key per line: source index times size plus line number."""
    return lines["src"].to_numpy() * size + lines["ln"].to_numpy()


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
