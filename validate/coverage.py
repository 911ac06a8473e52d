"""Which numbers printed in each archived text are accounted for, and by what.

A package that declares ``coverage`` promises that every number its sources print is either a
figure of a row at that line (a covered number) or listed as an exclusion with a reason (an
excluded number). ``coverage(package)`` says, for every number of every intact archived text,
which it is, and which exclusions no longer excuse anything. The coverage check reports from it;
a command that helps add a source can show the same ledger for one source.

Where, by declaration: each ``coverage`` entry names a resource whose ``value`` field is a
figure printed at its ``line`` of its ``source`` (on any line its ``quote`` runs on to); the
``exclusions`` entry names the resource listing ``words`` at a ``line`` of a ``source``, each
excluding every number printed inside those words there.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from validate.model import Package, Table
from validate.printed import PrintedNumber, scan
from validate.text import SourceText, fold_marks

Status = Literal["covered", "excluded", "uncovered"]
SECTIONS = ("coverage", "exclusions")
"""The x-claims sections this ledger reads (besides sources)."""


class Lines(Protocol):
    """A text's lines by index (0 is the first line), as a list of them or a reader of them."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: int) -> str: ...


@dataclass(frozen=True)
class RowRef:
    """A row of a table that accounts for a printed number."""

    resource: str
    file: str
    """The table's path, as the descriptor writes it."""
    line: int
    """Physical line of the row in that file (header = 1)."""
    field: str
    """The row's field that accounts for the number: the figure's value, or the exclusion's words."""
    id: str | None = None
    """The row's identifier, where its resource declares an id field."""


@dataclass(frozen=True)
class Accounted:
    """One printed number and what accounts for it, if anything."""

    number: PrintedNumber
    covered_by: RowRef | None = None
    """The figure row whose value this number is."""
    excluded_by: RowRef | None = None
    """The exclusion row whose words hold this number (only when no figure row covers it)."""
    reason: str | None = None
    """The exclusion's reason, as the row gives it."""

    @property
    def status(self) -> Status:
        """covered, excluded or uncovered."""
        if self.covered_by is not None:
            return "covered"
        return "excluded" if self.excluded_by is not None else "uncovered"


@dataclass(frozen=True)
class SourceCoverage:
    """Every number one archived text prints, in reading order, each accounted for or not."""

    source_id: str
    archive: str
    """Path of the archived text, as the descriptor writes it."""
    numbers: tuple[Accounted, ...]

    def uncovered(self) -> tuple[Accounted, ...]:
        """The numbers that are neither a figure nor excluded."""
        return tuple(a for a in self.numbers if a.status == "uncovered")


@dataclass(frozen=True)
class StaleExclusion:
    """An exclusion row that excuses nothing: its words are not at its line, or hold no number."""

    row: RowRef
    source_id: str
    words: str
    source_line: int
    problem: str


@dataclass(frozen=True)
class UnmatchedFigure:
    """A figure row whose value is printed on none of its lines: its value, line or words are wrong.

    The provenance checks report the row (figure-not-in-quote, quote-wrong-line, a type error);
    a number left uncovered on its lines is most likely the one it was meant to be.
    """

    row: RowRef
    source_id: str
    lines: tuple[int, ...]


@dataclass(frozen=True)
class Coverage:
    """The ledger of a package: every archived text's numbers, and the stale exclusions."""

    sources: dict[str, SourceCoverage]
    """By source id, for every source whose archived text is intact."""
    stale: tuple[StaleExclusion, ...]
    unmatched: tuple[UnmatchedFigure, ...] = ()
    """Figure rows whose value is printed on none of their lines."""
    unread: tuple[str, ...] = ()
    """Declared coverage or exclusions that could not be read (a malformed section, a missing
    resource or field): while any is, an uncovered number may be one they would account for."""


@dataclass(frozen=True)
class _Figure:
    row: RowRef
    source_id: str
    line: int
    value: float | None
    """None when the cell does not read as a number (a type error the types layer reports)."""
    quote: str | None


@dataclass(frozen=True)
class _Exclusion:
    row: RowRef
    source_id: str
    line: int
    words: str
    reason: str | None


def _column(frame: Any, name: str | None) -> list[Any]:
    return frame[name].tolist() if name is not None and name in frame.columns else [None] * len(frame)


def _present(value: Any) -> bool:
    """False for a missing cell: None, NaN (not equal to itself) or pandas' NA (not comparable)."""
    try:
        return value is not None and bool(value == value)
    except TypeError:
        return False


def _frame(pkg: Package, resource: str, needed: set[str | None], unread: list[str]) -> tuple[Table, Any] | None:
    from validate.typed import typed_table

    table = pkg.table(resource)
    wanted = {name for name in needed if name is not None}
    if table is None or not wanted <= set(table.frame.columns):
        # The structure layer reports the declaration or the table; here it only means "not read".
        unread.append(resource if table is None else f"{resource}.{sorted(wanted - set(table.frame.columns))[0]}")
        return None
    return table, typed_table(table).frame


def _figures(pkg: Package, unread: list[str]) -> list[_Figure]:
    from validate.typed import typed_table

    found: list[_Figure] = []
    for covered in pkg.declarations.coverage:
        needed = {covered.value, covered.line, covered.source, covered.quote, covered.id}
        loaded = _frame(pkg, covered.resource, needed, unread)
        if loaded is None:
            continue
        table, frame = loaded
        rows = zip(
            _column(frame, covered.source),
            _column(frame, covered.line),
            _column(frame, covered.value),
            _column(frame, covered.quote),
            _column(frame, covered.id),
            strict=True,
        )
        unreadable = {bad.row for bad in typed_table(table).bad if bad.field == covered.value}
        for row, (source_id, line, value, quote, ident) in enumerate(rows):
            if not (isinstance(source_id, str) and _present(line) and (_present(value) or row in unreadable)):
                continue
            ref = RowRef(covered.resource, table.path, table.line(row), covered.value, _text(ident))
            number = float(value) if _present(value) else None
            found.append(_Figure(ref, source_id, int(line), number, _text(quote)))
    return found


def _exclusions(pkg: Package, unread: list[str], only: list[int] | None = None) -> list[_Exclusion]:
    """The exclusions rows that name a source, a line and words, in table order (of the rows at
    the positions ``only``, when given)."""
    declared = pkg.declarations.exclusions
    if declared is None:
        return []
    needed = {declared.source, declared.line, declared.words, declared.reason, declared.id}
    loaded = _frame(pkg, declared.resource, needed, unread)
    if loaded is None:
        return []
    table, frame = loaded
    if only is not None:
        frame = frame.iloc[only]
    rows = zip(
        range(len(frame)) if only is None else only,
        _column(frame, declared.source),
        _column(frame, declared.line),
        _column(frame, declared.words),
        _column(frame, declared.reason),
        _column(frame, declared.id),
        strict=True,
    )
    found: list[_Exclusion] = []
    for row, source_id, line, words, reason, ident in rows:
        if isinstance(source_id, str) and _present(line) and isinstance(words, str) and words:
            ref = RowRef(declared.resource, table.path, table.line(row), declared.words, _text(ident))
            found.append(_Exclusion(ref, source_id, int(line), words, _text(reason)))
    return found


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _archives(pkg: Package) -> dict[str, str]:
    """Each source's archived text path, by source id."""
    declared = pkg.declarations.sources
    loaded = _frame(pkg, declared.resource, {declared.id, declared.archive}, []) if declared else None
    if declared is None or loaded is None:
        return {}
    frame = loaded[1]
    return {
        source_id: path
        for source_id, path in zip(_column(frame, declared.id), _column(frame, declared.archive), strict=True)
        if isinstance(source_id, str) and isinstance(path, str)
    }


def printed_lines(package: Package, archive: str) -> list[str]:
    """The lines of an archived text as printed (the model keeps the bytes; SourceText only the folded text)."""
    return package.files[archive].decode("utf-8").split("\n")


def _cover(
    numbers: list[PrintedNumber], figures: list[_Figure], text: SourceText, raw: Lines
) -> tuple[dict[int, RowRef], list[UnmatchedFigure]]:
    """Which printed number (by index) each figure row is, one number per row, and the rows whose
    value is printed on none of their lines.

    A row's number is one of its value printed inside its words where they start, or, when the
    words run on to later lines, on any line they span.
    """
    by_place: dict[tuple[int, float], list[int]] = defaultdict(list)
    for index, number in enumerate(numbers):
        by_place[(number.line, number.value)].append(index)
    covered: dict[int, RowRef] = {}
    unmatched: list[UnmatchedFigure] = []
    folded: dict[int, str] = {}  # each line with its marks folded, once
    for figure in figures:
        candidates = _candidates(numbers, by_place, text, raw, folded, figure, figure.line)
        lines: tuple[int, ...] = ()
        if not candidates and figure.quote:
            # At the wrong line (quote-wrong-line says so), the row is still the number its words print.
            starts = text.find_lines(figure.quote)
            lines = tuple(n for start in starts for n in _spanned(text, figure.quote, start))
            candidates = [
                i for start in starts for i in _candidates(numbers, by_place, text, raw, folded, figure, start)
            ]
        if not candidates:
            stated = _spanned(text, figure.quote, figure.line)
            unmatched.append(UnmatchedFigure(figure.row, figure.source_id, tuple(dict.fromkeys(stated + lines))))
            continue
        # Two rows of one value in one place are two printed numbers; a row whose number is taken
        # by another row repeats it, which the provenance and consistency checks judge.
        free = next((i for i in candidates if i not in covered), None)
        if free is not None:
            covered[free] = figure.row
    return covered, unmatched


def _spanned(text: SourceText, quote: str | None, line: int) -> tuple[int, ...]:
    spanned = text.lines_spanned(quote, line) if quote else None
    return tuple(spanned) if spanned else (line,)


def _candidates(
    numbers: list[PrintedNumber],
    by_place: dict[tuple[int, float], list[int]],
    text: SourceText,
    raw: Lines,
    folded: dict[int, str],
    figure: _Figure,
    line: int,
) -> list[int]:
    """The printed numbers of the figure's value that its words, starting at line, hold."""
    if figure.value is None:
        return []
    if figure.quote and 1 <= line <= len(raw):
        # Words printed whole on the line: only a number inside them, so that a wrong value is
        # not matched to a number of that value elsewhere on the line.
        if line not in folded:
            folded[line] = fold_marks(raw[line - 1])
        words = folded_words(figure.quote)
        starts = _occurrences(folded[line], words)
        if starts:
            return [
                i
                for i in by_place.get((line, figure.value), [])
                if any(s <= numbers[i].start and numbers[i].end <= s + len(words) for s in starts)
            ]
    return [i for n in _spanned(text, figure.quote, line) for i in by_place.get((n, figure.value), [])]


def _exclude(
    numbers: list[PrintedNumber], exclusions: list[_Exclusion], lines: Lines
) -> tuple[dict[int, _Exclusion], list[StaleExclusion]]:
    """Which printed numbers each exclusion's words hold, and the exclusions that hold none."""
    by_line: dict[int, list[int]] = defaultdict(list)
    for index, number in enumerate(numbers):
        by_line[number.line].append(index)
    excluded: dict[int, _Exclusion] = {}
    stale: list[StaleExclusion] = []
    for exclusion in exclusions:
        if not 1 <= exclusion.line <= len(lines):
            stale.append(_stale(exclusion, f"line {exclusion.line} is past the end of the text"))
            continue
        printed = folded_words(lines[exclusion.line - 1])
        words = folded_words(exclusion.words)
        starts = _occurrences(printed, words)
        if not starts:
            stale.append(_stale(exclusion, f"the words are not printed at line {exclusion.line}"))
            continue
        held = [
            i
            for i in by_line.get(exclusion.line, [])
            if any(s <= numbers[i].start and numbers[i].end <= s + len(words) for s in starts)
        ]
        if not held:
            stale.append(_stale(exclusion, f"the words at line {exclusion.line} hold no number"))
        for index in held:
            excluded.setdefault(index, exclusion)
    return excluded, stale


@functools.lru_cache(maxsize=1 << 16)
def folded_words(words: str) -> str:
    """fold_marks of a quote, an exclusion's words or a line, remembered: the same case quote is
    folded for each of its figures, and again for each exclusion on its line."""
    return fold_marks(words)


def _occurrences(text: str, words: str) -> list[int]:
    starts: list[int] = []
    start = text.find(words)
    while start != -1:
        starts.append(start)
        start = text.find(words, start + 1)
    return starts


def _stale(exclusion: _Exclusion, problem: str) -> StaleExclusion:
    return StaleExclusion(exclusion.row, exclusion.source_id, exclusion.words, exclusion.line, problem)


def coverage(package: Package) -> Coverage:
    """Every number printed in every intact archived text, each covered, excluded or uncovered."""
    from validate.archives import source_texts

    texts = source_texts(package)
    archives = _archives(package)
    unread = unread_sections(package)
    figures: dict[str, list[_Figure]] = defaultdict(list)
    for figure in _figures(package, unread):
        figures[figure.source_id].append(figure)
    exclusions: dict[str, list[_Exclusion]] = defaultdict(list)
    for exclusion in _exclusions(package, unread):
        exclusions[exclusion.source_id].append(exclusion)
    sources: dict[str, SourceCoverage] = {}
    stale: list[StaleExclusion] = []
    unmatched: list[UnmatchedFigure] = []
    for source_id, text in texts.items():
        lines = printed_lines(package, archives[source_id])
        numbers = scan("\n".join(lines))
        covered, astray = _cover(numbers, figures[source_id], text, lines)
        unmatched += astray
        excluded, unused = _exclude(numbers, exclusions[source_id], lines)
        stale += unused
        sources[source_id] = SourceCoverage(
            source_id, archives.get(source_id, source_id), account(numbers, covered, excluded)
        )
    return Coverage(sources, tuple(stale), tuple(unmatched), tuple(dict.fromkeys(unread)))


def unread_sections(package: Package) -> list[str]:
    """Declared coverage or exclusions that could not be read, as 'section.index' paths."""
    return [
        ".".join(map(str, where[1:]))
        for where, _ in package.declarations.problems
        if len(where) > 1 and where[1] in SECTIONS
    ]


def account(
    numbers: list[PrintedNumber], covered: dict[int, RowRef], excluded: dict[int, _Exclusion]
) -> tuple[Accounted, ...]:
    """Each printed number with the row covering it, else the exclusion listing it, else nothing."""
    return tuple(
        Accounted(
            number,
            covered_by=covered.get(index),
            excluded_by=None if index in covered or index not in excluded else excluded[index].row,
            reason=None if index in covered or index not in excluded else excluded[index].reason,
        )
        for index, number in enumerate(numbers)
    )


def source_coverage(package: Package, source_id: str) -> SourceCoverage | None:
    """The ledger of one source; None when the package has no intact archived text for it."""
    return coverage(package).sources.get(source_id)
