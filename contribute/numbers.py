"""Every number of one archived text, with what accounts for it, and draft figure rows for the rest.

Both read the validator's own ledger (validate.coverage), so what this lists as uncovered is
exactly what ``python -m validate`` reports as number-not-covered.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

from validate.coverage import Accounted, SourceCoverage, source_coverage
from validate.layout import layouts
from validate.loading import load_package
from validate.model import Package
from validate.options import Options
from validate.printed import sentence_number


class Unknown(Exception):
    """No intact archived text for that source id; the message says what there is."""


def ledger(root: Path, source_id: str) -> tuple[Package, SourceCoverage]:
    """The package as the validator reads it, and the ledger of one source's numbers."""
    package = load_package(root, Options())
    found = source_coverage(package, source_id)
    if found is None:
        sources = package.declarations.sources
        table = package.table(sources.resource) if sources else None
        known = sorted(map(str, table.frame[sources.id])) if table is not None and sources else []
        listing = ", ".join(known) if known else "none"
        raise Unknown(f"no source {source_id!r} with an intact archived text (sources: {listing})")
    return package, found


def describe(item: Accounted) -> str:
    """What accounts for one number, in words."""
    if item.covered_by is not None:
        ref = item.covered_by
        return f"covered by {ref.resource} {ref.id or ''} ({ref.file}:{ref.line} {ref.field})".replace("  ", " ")
    if item.excluded_by is not None:
        ref = item.excluded_by
        return f"excluded ({item.reason}) by {ref.file}:{ref.line}"
    return "NOT COVERED"


def listing(found: SourceCoverage) -> str:
    """One line per number: its line, the words, its status, and the sentence it is in."""
    out = [f"{found.archive} (source {found.source_id}):"]
    for item in found.numbers:
        number = item.number
        out.append(f"  line {number.line:>3}  {number.words!r:<22} {describe(item)}")
        out.append(f"            {number.sentence}")
    counts = Counter(item.status for item in found.numbers)
    out.append(
        f"{len(found.numbers)} numbers: {counts['covered']} covered, {counts['excluded']} excluded, "
        f"{counts['uncovered']} not covered"
    )
    return "\n".join(out) + "\n"


def plain_qualifiers(package: Package) -> list[tuple[str, str]]:
    """(words, qualifier id) pairs the package's qualifiers table declares, longest words first."""
    declared = package.declarations.qualifiers
    if declared is None or declared.words is None:
        return []
    table = package.table(declared.resource)
    if table is None:
        return []
    pairs = [
        (words.strip().lower(), str(qualifier))
        for qualifier, cell in zip(table.frame[declared.id], table.frame[declared.words], strict=True)
        if isinstance(cell, str)
        for words in cell.split("|")
        if words.strip()
    ]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


# A length of time after a number: 'over' before it means 'during' ('over four-and-a-half
# months'), not 'more than'.
_TIME_AFTER = re.compile(r"[\s-]*(?:years?|months?|weeks?|days?|hours?|minutes?|decades?)\b", re.IGNORECASE)
_DURING = {"over"}


def read_qualifier(line_text: str, item: Accounted, pairs: list[tuple[str, str]]) -> tuple[str, str] | None:
    """(qualifier id, its words as printed) when words printed with the number plainly say it.

    The words either come just before the number ('more than 30') or hold it ('hundreds of',
    'several hundred', 'tens of thousands'). 'Over' before a length of time is read as
    'during' and gives no qualifier.
    """
    start, end = item.number.start, item.number.end
    lowered = line_text.lower()
    of_time = _TIME_AFTER.match(line_text, end) is not None
    for words, qualifier in pairs:
        if of_time and words in _DURING:
            continue
        at = lowered.find(words)
        while at != -1:
            after = at + len(words)
            bounded = (at == 0 or not lowered[at - 1].isalnum()) and (
                after == len(lowered) or not lowered[after].isalnum()
            )
            before_it = after <= start and not lowered[after:start].strip()
            holds_it = at <= start and end <= after
            if bounded and (before_it or holds_it):
                return qualifier, line_text[at:after]
            at = lowered.find(words, at + 1)
    return None


def draft_rows(package: Package, found: SourceCoverage) -> str:
    """CSV of draft figure rows for the numbers not covered: the declared claims resource's columns."""
    claims = package.declarations.claims
    if claims is None:
        raise Unknown("the package declares no claims resource (x-claims.claims) to draft rows for")
    table = package.table(claims.resource)
    if table is None:
        raise Unknown(f"the {claims.resource!r} resource could not be read")
    place = next((c for c in package.declarations.coverage if c.resource == claims.resource), None)
    # The position is looked up in the source's declared layout, not left to be typed in.
    positioned = next((p for p in package.declarations.positions if p.resource == claims.resource), None)
    layout = (layouts(package) or {}).get(found.source_id) if positioned else None
    pairs = plain_qualifiers(package)
    texts = package.files[found.archive].decode("utf-8").split("\n")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = list(table.frame.columns)
    writer.writerow(columns)
    taken: Counter[int] = Counter()
    for item in found.uncovered():
        number = item.number
        taken[number.line] += 1
        row = dict.fromkeys(columns, "")
        suffix = f"-{taken[number.line]}" if taken[number.line] > 1 else ""
        row[claims.id] = _draft_id(f"{found.source_id}-l{number.line}{suffix}")
        source_field = claims.source or (place.source if place else None)
        if source_field:
            row[source_field] = found.source_id
        row[claims.value] = _plain(number.value)
        read = read_qualifier(texts[number.line - 1].removesuffix("\r"), item, pairs)
        if read is not None:
            row[claims.qualifier] = read[0]
            if claims.qualifier_words:
                row[claims.qualifier_words] = read[1]
        if positioned is not None and layout is not None:
            declared = layout.position_at(number.line, sentence_number(number.printed_line, number.start))
            row[positioned.position] = declared or ""
        if place is not None:
            row[place.line] = str(number.line)
            if place.quote:
                row[place.quote] = number.sentence
        writer.writerow([row[c] for c in columns])
    return out.getvalue()


def _plain(value: float) -> str:
    """A number as a CSV cell: 14, not 14.0."""
    return str(int(value)) if float(value).is_integer() else repr(value)


def _draft_id(text: str) -> str:
    """An identifier the id patterns accept: lower case, digits, single - or _ between."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
