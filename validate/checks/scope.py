"""Register entries the validator cannot judge, reported so that none is hidden.

A figures entry is judged by the agreement check and a periods entry by the periods check; an
entry of any other kind (a scope or wording disagreement, such as a page saying both "across
Britain" and "UK-wide") says what no figure can show, so it is listed as acknowledged, marked
as recorded and not checked.
"""

from __future__ import annotations

from collections.abc import Iterator

from validate.findings import Finding, finding
from validate.model import Package

JUDGED_KINDS = ("figures", "periods")
"""The kinds other checks judge, and report themselves."""


def check_unjudged_entries(pkg: Package) -> Iterator[Finding]:
    """Every register entry of a kind no check judges is reported as acknowledged, not checked."""
    from validate.checks.consistency import register

    declared = pkg.declarations.register
    table, entries, _ = register(pkg)
    if table is None or declared is None:
        return
    for entry in entries:
        if entry.kind and entry.kind not in JUDGED_KINDS:
            yield finding(
                "discrepancy-acknowledged",
                table.path,
                table.line(entry.row),
                declared.id,
                f"{entry.discrepancy_id} ({entry.kind}, recorded and not checked): {entry.summary}",
            )
