"""Positions: each figure's position is what its source's declared layout says at its line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from validate.findings import Finding, finding
from validate.layout import Layout, layouts, sentence_of
from validate.model import Package


def check_positions(pkg: Package) -> Iterator[Finding]:
    """A figure row marked body where its source's layout declares a headline is an error at its
    row and position field; so is a row at a line before its source's layout begins."""
    import numpy as np
    import pandas as pd

    from validate.archives import source_texts
    from validate.coverage import _archives, printed_lines
    from validate.typed import typed_table

    declared = layouts(pkg)
    if declared is None:
        return
    texts = source_texts(pkg)  # only intact archived texts: a broken one is reported by provenance
    archives = _archives(pkg)
    lines_of: dict[str, list[str]] = {}
    for positioned in pkg.declarations.positions:
        table = pkg.table(positioned.resource)
        names = {positioned.position, positioned.line, positioned.source} | {positioned.quote} - {None}
        if table is None or not names <= set(table.frame.columns):
            continue
        frame = typed_table(table).frame
        line = pd.to_numeric(frame[positioned.line], errors="coerce")
        # A position outside its field's own vocabulary is the types layer's enum-violation alone.
        spec = next((f for f in table.fields if f["name"] == positioned.position), {})
        allowed = spec.get("constraints", {}).get("enum") if isinstance(spec.get("constraints"), dict) else None
        in_vocabulary = (
            frame[positioned.position].isin([v for v in allowed if isinstance(v, str)]).to_numpy(dtype=bool)
            if isinstance(allowed, list)
            else np.ones(len(frame), dtype=bool)
        )
        usable = (
            frame[positioned.source].isin(list(declared)).to_numpy(dtype=bool)
            & frame[positioned.position].notna().to_numpy(dtype=bool)
            & line.notna().to_numpy(dtype=bool)
            & in_vocabulary
        )
        # One judgement per distinct (source, line, position, words): the same figure repeated
        # over many rows is looked up once.
        quote = frame[positioned.quote] if positioned.quote else pd.Series([None] * len(frame), index=frame.index)
        keys = pd.DataFrame(
            {
                "source": frame[positioned.source].to_numpy(dtype=object),
                "line": line.to_numpy(),
                "position": frame[positioned.position].to_numpy(dtype=object),
                "quote": quote.fillna("").to_numpy(dtype=object),
                "row": np.arange(len(frame)),
            }
        )[usable]
        judged: list[tuple[Any, ...]] = []
        distinct = keys.drop_duplicates(["source", "line", "position", "quote"])
        for source_id, ln, position, words, _ in distinct.itertuples(index=False, name=None):
            layout = declared[source_id]
            at = int(ln)
            sentence = 1
            if at in layout.split:
                # The sentence decides here: without the text, or the words, it cannot be judged.
                if source_id not in texts or source_id not in archives or not words:
                    continue
                if source_id not in lines_of:
                    lines_of[source_id] = printed_lines(pkg, archives[source_id])
                if not 1 <= at <= len(lines_of[source_id]):
                    continue
                sentence = sentence_of(lines_of[source_id][at - 1].removesuffix("\r"), words)
            expected = layout.position_at(at, sentence)
            if expected != position:
                judged.append((source_id, ln, position, words, _problem(layout, at, sentence, expected)))
        if not judged:
            continue
        wrong = pd.DataFrame(judged, columns=["source", "line", "position", "quote", "problem"])
        found = keys.merge(wrong, on=["source", "line", "position", "quote"]).sort_values("row")
        for source_id, ln, position, row, problem in zip(
            found["source"], found["line"], found["position"], found["row"], found["problem"], strict=True
        ):
            yield finding(
                "position-mismatch",
                table.path,
                table.line(int(row)),
                positioned.position,
                f"{position!r} at line {int(ln)} of {source_id}, where {problem}",
            )


def _problem(layout: Layout, line: int, sentence: int, expected: str | None) -> str:
    """Why a position is wrong, in words."""
    where = f"sentence {sentence} of line {line}" if line in layout.split else f"line {line}"
    if expected is None:
        return f"the layout declares nothing before line {layout.starts[0][0]}"
    return f"the layout declares {where} {expected}"
