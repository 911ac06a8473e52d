"""SQL identifiers for the release database, quoted once here for every module that writes SQL."""

from __future__ import annotations


def quote(identifier: str) -> str:
    """Quote an SQL identifier; some column names (``table``) are keywords."""
    return '"' + identifier.replace('"', '""') + '"'
