"""Runs every check, in order, over a loaded package and collects all findings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from validate.checks import consistency, provenance, structure, types
from validate.findings import Finding
from validate.loading import Package, load_package
from validate.options import Options

Check = Callable[[Package], Iterable[Finding]]

# The ordered table of checks: structure, types and keys, provenance, consistency.
CHECKS: tuple[tuple[str, Check], ...] = (
    ("structure", structure.check_descriptor),
    ("structure", structure.check_required_tables),
    ("structure", structure.check_archives_are_text),
    ("structure", structure.check_formulas),
    ("types", types.check_types),
    ("types", types.check_keys),
    ("provenance", provenance.check_archives),
    ("provenance", provenance.check_quotes),
    ("provenance", provenance.check_figures),
    ("provenance", provenance.check_people),
    ("consistency", consistency.check_rules_file),
    ("consistency", consistency.check_qualifiers),
    ("consistency", consistency.check_agreement),
    ("consistency", consistency.check_subsets),
    ("consistency", consistency.check_case_limits),
    ("consistency", consistency.check_breakdowns),
    ("consistency", consistency.check_periods),
    ("consistency", consistency.check_case_dates),
)


@dataclass(frozen=True)
class Report:
    """All findings of one run, in a stable order."""

    findings: tuple[Finding, ...]
    strict: bool = False

    @property
    def valid(self) -> bool:
        """No errors (and, when strict, no warnings)."""
        failing = {"error", "warning"} if self.strict else {"error"}
        return not any(f.severity in failing for f in self.findings)

    def counts(self) -> Counter[str]:
        """Number of findings by severity."""
        return Counter(f.severity for f in self.findings)


def _sort_key(item: Finding) -> tuple[str, int, str, str, str]:
    return (item.file, item.line or 0, item.field or "", item.code, item.message)


def capped(items: list[Finding], options: Options) -> list[Finding]:
    """At most max_findings_per_code findings of one code in one file, then one summary finding."""
    kept: list[Finding] = []
    seen: Counter[tuple[str, str]] = Counter()
    for item in items:
        key = (item.file, item.code)
        seen[key] += 1
        if seen[key] <= options.max_findings_per_code:
            kept.append(item)
    for (file, code), count in sorted(seen.items()):
        if count > options.max_findings_per_code:
            first = next(i for i in items if i.file == file and i.code == code)
            kept.append(Finding(file, None, None, code, first.severity,
                                f"{count - options.max_findings_per_code} more {code} findings in "
                                f"{file} are not listed"))
    return kept


def validate_package(root: Path, options: Options | None = None, strict: bool = False) -> Report:
    """Load the package at root, run every check and return the report."""
    options = options or Options()
    package = load_package(root, options)
    found: list[Finding] = list(package.findings)
    for _, check in CHECKS:
        found.extend(check(package))
    unique = sorted(set(found), key=_sort_key)
    return Report(tuple(capped(unique, options)), strict=strict)
