"""Where and when an archived copy was retrieved: a web address's shape and a date not yet to come.

These say where the archive's bytes came from, which the text itself may never print (its own
``url`` and ``published`` are what it prints). Both are optional; an empty cell stays unknown.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from validate.findings import Finding, finding
from validate.model import Package

_URL = re.compile(
    r"https?://[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+(?::[0-9]{1,5})?(?:[/?#][^\s]*)?"
)
"""An http(s) address with a dotted host name: the shape of a page a text was retrieved from."""

LATEST_OFFSET = dt.timedelta(hours=14)
"""The furthest any time zone runs ahead of UTC (UTC+14): a date is in the future only when it
has not yet begun anywhere."""


def url_problem(value: str) -> str | None:
    """Why value is not the address of a web page, or None when it has that shape."""
    if not _URL.fullmatch(value):
        return f"{value!r} is not a web address (http:// or https://, a host name, then a path)"
    return None


def date_problem(value: str, now: dt.datetime | None = None) -> str | None:
    """Why value is not a retrieval date (YYYY-MM-DD, not after today anywhere), or None."""
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return f"{value!r} is not a date (YYYY-MM-DD)"
    if len(value) != len("YYYY-MM-DD"):
        return f"{value!r} is not a date (YYYY-MM-DD)"
    latest = ((now or dt.datetime.now(dt.UTC)) + LATEST_OFFSET).date()
    if day > latest:
        return f"{value} is in the future: a copy cannot have been retrieved on a day yet to come"
    return None


def check_retrieval(pkg: Package) -> Iterator[Finding]:
    """Each source's retrieved_from is a web address and its retrieved_on a date not in the future."""
    listed = pkg.declarations.sources
    sources = pkg.table(listed.resource) if listed else None
    if listed is None or sources is None:
        return
    missing = set(sources.schema.get("missingValues", [""]))
    types = {f.get("name"): f.get("type") for f in sources.schema.get("fields", []) if isinstance(f, dict)}
    for name, problem in ((listed.retrieved_from, url_problem), (listed.retrieved_on, date_problem)):
        if name is None or name not in sources.frame.columns:
            continue  # not declared, or a missing column the structure check reports
        for row, value in enumerate(sources.frame[name].tolist()):
            if not isinstance(value, str) or value in missing:
                continue
            if problem is date_problem and types.get(name) == "date" and not _is_date(value):
                continue  # the types layer reports a malformed date of a date field: one finding
            message = problem(value)
            if message:
                yield finding("retrieval-invalid", sources.path, sources.line(row), name, message)


def _is_date(value: str) -> bool:
    """value reads as an ISO date."""
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == len("YYYY-MM-DD")
