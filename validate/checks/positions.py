"""Positions: each figure's position is what its source's declared layout says at its line."""

from __future__ import annotations

from collections.abc import Iterator

from validate.findings import Finding, finding
from validate.layout import Layout, layouts, sentence_of
from validate.model import Package, Table


def check_positions(pkg: Package) -> Iterator[Finding]:
    """A figure row marked body where its source's layout declares a headline is an error at its
    row and position field; so is a row at a line before its source's layout begins."""
    declared = layouts(pkg)
    if declared is None:
        return
    for positioned in pkg.declarations.positions:
        table = pkg.table(positioned.resource)
        names = {positioned.position, positioned.line, positioned.source} | {positioned.quote} - {None}
        if table is None or not names <= set(table.frame.columns):
            continue
        yield from _judge(
            pkg, table, declared, positioned.position, positioned.line, positioned.source, positioned.quote
        )


def _judge(
    pkg: Package,
    table: Table,
    declared: dict[str, Layout],
    position_field: str,
    line_field: str,
    source_field: str,
    quote_field: str | None,
) -> Iterator[Finding]:
    """The findings of one positioned resource, each distinct (source, line, position) judged once
    in bulk: only rows on a line that two parts share are judged one by one, by their words."""
    import numpy as np
    import pandas as pd

    from validate.typed import typed_table

    frame = typed_table(table).frame
    src, source_index = pd.factorize(frame[source_field], use_na_sentinel=True)
    pos, position_index = pd.factorize(frame[position_field], use_na_sentinel=True)
    sources, positions = source_index.tolist(), position_index.tolist()  # few: looked up by code below
    line = pd.to_numeric(frame[line_field], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    # A position outside its field's own vocabulary is the types layer's enum-violation alone.
    spec = next((f for f in table.fields if f["name"] == position_field), {})
    constraints = spec.get("constraints")
    allowed = constraints.get("enum") if isinstance(constraints, dict) else None
    known_source = np.array([isinstance(s, str) and s in declared for s in sources] + [False])
    in_vocabulary = np.array(
        [isinstance(p, str) and (not isinstance(allowed, list) or p in allowed) for p in positions] + [False]
    )
    usable = known_source[src] & in_vocabulary[pos] & np.isfinite(line) & (line >= 1) & (line < 2**31)
    rows = np.flatnonzero(usable)
    keys = src[rows].astype(np.int64) * 2**31 + line[rows].astype(np.int64)
    split_keys = np.array(
        [code * 2**31 + n for code, name in enumerate(sources) if name in declared for n in declared[name].split],
        dtype=np.int64,
    )
    on_split = np.isin(keys, split_keys)
    wrong: list[tuple[int, str]] = []  # (row, problem)

    # Lines of one part: one judgement per distinct (source, line, position).
    plain = rows[~on_split]
    # One int64 per (source, line), then per (that, position): hashing, not sorting, finds them.
    place, _ = pd.factorize(keys[~on_split])
    combined, first = np.unique(place.astype(np.int64) * (len(positions) + 1) + pos[plain], return_index=True)[:2]
    inverse = np.searchsorted(combined, place.astype(np.int64) * (len(positions) + 1) + pos[plain])
    distinct = np.stack([src[plain[first]], line[plain[first]].astype(np.int64), pos[plain[first]]])
    bad = np.zeros(distinct.shape[1], dtype=bool)
    problems: dict[int, str] = {}
    for k, (code, at, p) in enumerate(distinct.T.tolist()):
        layout = declared[sources[code]]
        expected = layout.position_at(at)
        if expected != positions[p]:
            bad[k] = True
            problems[k] = _problem(layout, at, 1, expected)
    picked = bad[inverse]
    wrong += [(row, problems[k]) for row, k in zip(plain[picked].tolist(), inverse[picked].tolist(), strict=True)]

    # Lines two parts share: the sentence the row's words start in decides.
    split_rows = rows[on_split].tolist()
    if split_rows and quote_field is not None:
        from validate.archives import source_texts
        from validate.coverage import _archives, printed_lines

        texts, archives = source_texts(pkg), _archives(pkg)
        lines_of: dict[str, list[str]] = {}
        quotes = frame[quote_field]
        for row in split_rows:
            source_id, at, words = sources[src[row]], int(line[row]), quotes.iat[row]
            if source_id not in texts or source_id not in archives or not isinstance(words, str):
                continue  # without the text or the words the sentence cannot be told
            if source_id not in lines_of:
                lines_of[source_id] = printed_lines(pkg, archives[source_id])
            if at > len(lines_of[source_id]):
                continue
            layout = declared[source_id]
            sentence = sentence_of(lines_of[source_id][at - 1].removesuffix("\r"), words)
            expected = layout.position_at(at, sentence)
            if expected != positions[pos[row]]:
                wrong.append((row, _problem(layout, at, sentence, expected)))

    for row, problem in sorted(wrong):
        yield finding(
            "position-mismatch",
            table.path,
            table.line(row),
            position_field,
            f"{positions[pos[row]]!r} at line {int(line[row])} of {sources[src[row]]}, where {problem}",
        )


def _problem(layout: Layout, line: int, sentence: int, expected: str | None) -> str:
    """Why a position is wrong, in words."""
    where = f"sentence {sentence} of line {line}" if line in layout.split else f"line {line}"
    if expected is None:
        return f"the layout declares nothing before line {layout.starts[0][0]}"
    return f"the layout declares {where} {expected}"
