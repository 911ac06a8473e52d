"""When a package is large enough for the checks' bulk passes and for two threads.

The quote, figure and coverage checks first settle, for all rows at once (Arrow, numpy and
DuckDB), the rows that plainly hold, and read only the others one by one. That pays from a
few thousand rows; on a package of a few dozen rows the bulk pass's start-up (DuckDB's
connection and queries, building Arrow tables) cost more than reading every row, about
0.04 s of the 0.3 s a run of this package takes after its imports. The same package is
checked in one thread (validate.runner). Both ways give the same report
(tests/test_finding_codes.py runs the provenance cases both ways, tests/test_guarantees.py
whole packages).
"""

from __future__ import annotations

from validate.model import Package

FROM_ROWS = 1_000
"""A package whose largest table has this many rows or more is settled in bulk first."""


def worth_it(package: Package) -> bool:
    """Whether the checks should settle this package's rows in bulk before reading the rest."""
    return max((len(table.frame) for table in package.tables.values()), default=0) >= FROM_ROWS
