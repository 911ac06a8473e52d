"""Each source's declared layout, and where in it a line (and a sentence of it) stands.

A layout is a list of starts: from this line, and this sentence of it (the first, unless the
line is split), on to the next start, the text is a headline, a standfirst, body text, a list,
a caption, a credit or page furniture. Starts cannot overlap or leave a gap between them; a
line before a source's first start has no declared place. The position check
(validate.checks.positions) and the draft rows of ``contribute numbers`` read it here, so a
figure's position is looked up, not typed in.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

from validate.model import Package
from validate.printed import sentence_number
from validate.text import fold_marks


@dataclass(frozen=True)
class Layout:
    """One source's starts, in reading order."""

    starts: tuple[tuple[int, int], ...]
    """(line, sentence) where each part begins."""
    positions: tuple[str, ...]
    """The position of each part, in the same order."""
    split: frozenset[int]
    """Lines whose sentences are in more than one part: there a row's sentence decides."""

    def position_at(self, line: int, sentence: int = 1) -> str | None:
        """The position declared at that line and sentence; None before the first start."""
        at = bisect.bisect_right(self.starts, (line, sentence)) - 1
        return self.positions[at] if at >= 0 else None


def layouts(pkg: Package) -> dict[str, Layout] | None:
    """Each source's layout, by source id; None when the package declares no layout or it cannot
    be read (the structure and type layers say why)."""
    declared = pkg.declarations.layout
    table = pkg.table(declared.resource) if declared else None
    if declared is None or table is None:
        return None
    from validate.typed import typed_table

    names = [declared.source, declared.line, declared.position]
    if declared.sentence:
        names.append(declared.sentence)
    if not set(names) <= set(table.frame.columns):
        return None
    frame = typed_table(table).frame
    sentences = frame[declared.sentence].tolist() if declared.sentence else [None] * len(frame)
    found: dict[str, list[tuple[tuple[int, int], str]]] = {}
    rows = zip(
        frame[declared.source].tolist(), frame[declared.line].tolist(), sentences, frame[declared.position], strict=True
    )
    for source_id, line, sentence, position in rows:
        if not (isinstance(source_id, str) and isinstance(position, str) and _whole(line)):
            continue  # a missing or mistyped cell: the types layer reports it
        found.setdefault(source_id, []).append(((int(line), int(sentence) if _whole(sentence) else 1), position))
    result: dict[str, Layout] = {}
    for source_id, parts in found.items():
        parts.sort()
        result[source_id] = Layout(
            tuple(start for start, _ in parts),
            tuple(position for _, position in parts),
            frozenset(start[0] for start, _ in parts if start[1] > 1),
        )
    return result


def _whole(value: Any) -> bool:
    """A cell holding a whole number (not missing, not NaN)."""
    try:
        return value is not None and value == value and float(value).is_integer()
    except (TypeError, ValueError, OverflowError):
        return False


def sentence_of(line_text: str, words: str | None) -> int:
    """The sentence of the line where the words start (first = 1); 1 when they are not on it (the
    quote check reports a quote at the wrong line)."""
    if not words:
        return 1
    at = fold_marks(line_text).find(fold_marks(words))
    return sentence_number(line_text, at) if at >= 0 else 1
