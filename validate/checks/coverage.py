"""Coverage: every number printed in an archived text is a figure of a row or a listed exclusion."""

from __future__ import annotations

from collections.abc import Iterator

from validate import bulk
from validate.coverage import coverage
from validate.findings import Finding, finding
from validate.gaps import gaps
from validate.model import Package
from validate.printed import _SENTENCE_END, PrintedNumber


class _Sentences:
    """Each number's sentence, from its line's sentence ends found once per line: finding them
    again for every number made a long line of numbers quadratic (validate.printed.sentence_at)."""

    def __init__(self) -> None:
        self.ends: dict[tuple[str, int], tuple[list[int], list[int]]] = {}

    def of(self, source_id: str, number: PrintedNumber) -> str:
        """The sentence of the number's line that holds it, stripped, as sentence_at gives it."""
        import bisect

        key = (source_id, number.line)
        if key not in self.ends:
            found = list(_SENTENCE_END.finditer(number.printed_line))
            self.ends[key] = ([m.start() for m in found], [m.end() for m in found])
        starts, ends = self.ends[key]
        before = bisect.bisect_right(ends, number.start)
        after = bisect.bisect_left(starts, number.end)
        first = ends[before - 1] if before else 0
        last = starts[after] if after < len(starts) else len(number.printed_line)
        return number.printed_line[first:last].strip()


def _clip(text: str, size: int = 160) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _refused(pkg: Package) -> tuple[set[str], set[str]]:
    """Sources no covering or excluding row cites, and the source ids rows cite that are no
    source, when there are any: the rows a foreign key refused may be meant for those sources,
    so their numbers are not reported a second time as uncovered."""
    declared = pkg.declarations.sources
    sources = pkg.table(declared.resource) if declared else None
    if declared is None or sources is None or declared.id not in sources.frame.columns:
        return set(), set()
    known = {v for v in sources.frame[declared.id].tolist() if isinstance(v, str)}
    citing = [(c.resource, c.source) for c in pkg.declarations.coverage]
    if pkg.declarations.exclusions is not None:
        citing.append((pkg.declarations.exclusions.resource, pkg.declarations.exclusions.source))
    cited: set[str] = set()
    for resource, field_ in citing:
        table = pkg.table(resource)
        if table is not None and field_ in table.frame.columns:
            cited.update(v for v in table.frame[field_].tolist() if isinstance(v, str))
    unknown = cited - known
    return (known - cited, unknown) if unknown else (set(), set())


def _cut_tables(pkg: Package) -> list[str]:
    """Covering or excluding tables that lost rows (a ragged row): the numbers those rows
    account for are unknown, so coverage is not judged on what is left."""
    names = [c.resource for c in pkg.declarations.coverage]
    if pkg.declarations.exclusions is not None:
        names.append(pkg.declarations.exclusions.resource)
    return [t.path for t in (pkg.table(n) for n in dict.fromkeys(names)) if t is not None and t.incomplete]


def _lineless(pkg: Package) -> set[tuple[str, float]]:
    """(source, value) of figure rows whose line cell could not be read: the number each was
    meant to be is somewhere in its source, and the row's own finding says why it is not found."""
    import numpy as np

    from validate.typed import missing_values, typed_table

    out: set[tuple[str, float]] = set()
    for covered in pkg.declarations.coverage:
        table = pkg.table(covered.resource)
        if table is None or not {covered.line, covered.value, covered.source} <= set(table.frame.columns):
            continue
        typed = typed_table(table).frame
        written = ~table.frame[covered.line].isin(missing_values(table.schema)).to_numpy(dtype=bool, na_value=True)
        refused = np.flatnonzero(written & typed[covered.line].isna().to_numpy(dtype=bool))
        for source, value in zip(
            typed[covered.source].iloc[refused].tolist(), typed[covered.value].iloc[refused].tolist(), strict=True
        ):
            if isinstance(source, str) and isinstance(value, int | float) and value == value:
                out.add((source, float(value)))
    return out


def _misdirected(pkg: Package, unknown: set[str]) -> set[tuple[int, float]]:
    """(line, value) of figure rows citing a source that does not exist (refused by the foreign
    key): the number each was meant to be is not reported again as uncovered, in any source."""
    import numpy as np

    from validate.typed import typed_table

    out: set[tuple[int, float]] = set()
    for covered in pkg.declarations.coverage:
        table = pkg.table(covered.resource)
        if table is None or not {covered.line, covered.value, covered.source} <= set(table.frame.columns):
            continue
        typed = typed_table(table).frame
        rows = np.flatnonzero(table.frame[covered.source].isin(list(unknown)).to_numpy(dtype=bool, na_value=False))
        for line, value in zip(
            typed[covered.line].iloc[rows].tolist(), typed[covered.value].iloc[rows].tolist(), strict=True
        ):
            if isinstance(line, int | float) and line == line and isinstance(value, int | float) and value == value:
                out.add((int(line), float(value)))
    return out


def check_coverage(pkg: Package) -> Iterator[Finding]:
    """Every printed number is accounted for, and every exclusion still excuses a number at its line."""
    # The exact ledger's findings, with the lines proven covered in bulk left out; a small
    # package is read whole, which is quicker there (validate.bulk).
    cut = _cut_tables(pkg)
    if cut:
        yield finding(
            "check-skipped",
            cut[0],
            None,
            None,
            "coverage of the archived texts is not judged: rows of this table could not be read (ragged-row), "
            "and the numbers they account for are unknown",
        )
        return
    ledger = gaps(pkg) if bulk.worth_it(pkg) else coverage(pkg)
    if ledger.unread:
        return  # declaration-invalid or a load finding says why; listing every number would bury it
    # A row whose value is printed on none of its lines is reported by provenance; the number it
    # was meant to be is not reported a second time.
    astray = {(u.source_id, line) for u in ledger.unmatched for line in u.lines}
    uncited, unknown = _refused(pkg)
    lineless = _lineless(pkg)
    misdirected = _misdirected(pkg, unknown) if unknown else set()
    sentences = _Sentences()
    for source in ledger.sources.values():
        if source.source_id in uncited and source.uncovered():
            yield finding(
                "check-skipped",
                source.archive,
                None,
                None,
                f"the numbers printed in {source.source_id} are not judged: no row cites it, and rows cite "
                f"{', '.join(sorted(unknown)[:3])}, which is not a source (foreign-key); they may be meant for it",
            )
            continue
        for accounted in source.uncovered():
            number = accounted.number
            if (
                (source.source_id, number.line) in astray
                or (source.source_id, number.value) in lineless
                or (number.line, number.value) in misdirected
            ):
                continue
            yield finding(
                "number-not-covered",
                source.archive,
                number.line,
                None,
                f"{number.words!r} ({number.value:g}) is printed in {source.source_id} but is no row's figure "
                f"at this line and no exclusion lists it: {_clip(sentences.of(source.source_id, number))!r}",
            )
    for stale in ledger.stale:
        yield finding(
            "exclusion-stale",
            stale.row.file,
            stale.row.line,
            stale.row.field,
            f"{_clip(stale.words, 60)!r} excuses nothing in {stale.source_id}: {stale.problem}",
        )
