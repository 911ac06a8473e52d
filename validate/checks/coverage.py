"""Coverage: every number printed in an archived text is a figure of a row or a listed exclusion."""

from __future__ import annotations

from collections.abc import Iterator

from validate import bulk
from validate.coverage import coverage
from validate.findings import Finding, finding
from validate.gaps import gaps
from validate.model import Package


def _clip(text: str, size: int = 160) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def check_coverage(pkg: Package) -> Iterator[Finding]:
    """Every printed number is accounted for, and every exclusion still excuses a number at its line."""
    # The exact ledger's findings, with the lines proven covered in bulk left out; a small
    # package is read whole, which is quicker there (validate.bulk).
    ledger = gaps(pkg) if bulk.worth_it(pkg) else coverage(pkg)
    if ledger.unread:
        return  # declaration-invalid or a load finding says why; listing every number would bury it
    # A row whose value is printed on none of its lines is reported by provenance; the number it
    # was meant to be is not reported a second time.
    astray = {(u.source_id, line) for u in ledger.unmatched for line in u.lines}
    for source in ledger.sources.values():
        for accounted in source.uncovered():
            number = accounted.number
            if (source.source_id, number.line) in astray:
                continue
            yield finding(
                "number-not-covered",
                source.archive,
                number.line,
                None,
                f"{number.words!r} ({number.value:g}) is printed in {source.source_id} but is no row's figure "
                f"at this line and no exclusion lists it: {_clip(number.sentence)!r}",
            )
    for stale in ledger.stale:
        yield finding(
            "exclusion-stale",
            stale.row.file,
            stale.row.line,
            stale.row.field,
            f"{_clip(stale.words, 60)!r} excuses nothing in {stale.source_id}: {stale.problem}",
        )
