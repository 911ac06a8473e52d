"""A resource's CSV dialect: the properties of the Data Package CSV Dialect that frictionless reads too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Dialect:
    """How one delimited file is written; the defaults are RFC 4180 with a header row."""

    delimiter: str = ","
    quote_char: str | None = '"'
    double_quote: bool = True
    escape_char: str | None = None
    skip_initial_space: bool = False
    header: bool = True
    comment_char: str | None = None

    @property
    def fast(self) -> bool:
        """Arrow's reader can read it: it neither skips initial spaces nor comment rows, and its
        syntax characters are ASCII other than NUL (all Arrow takes; the csv module takes any)."""
        characters = (self.delimiter, self.quote_char, self.escape_char)
        plain = all(c is None or (c.isascii() and c != "\0") for c in characters)
        return plain and not self.skip_initial_space and self.comment_char is None

    def csv_options(self) -> dict[str, Any]:
        """Keyword arguments for csv.reader."""
        import csv

        quoting = csv.QUOTE_MINIMAL if self.quote_char else csv.QUOTE_NONE
        return {
            "delimiter": self.delimiter,
            "quotechar": self.quote_char,
            "doublequote": self.double_quote,
            "escapechar": self.escape_char,
            "skipinitialspace": self.skip_initial_space,
            "quoting": quoting,
        }


def read_dialect(resource: dict[str, Any]) -> Dialect:
    """The resource's dialect; a property of the wrong type or length is left at its default.

    frictionless reads `format: tsv` as tab-separated, and a dialect's CSV properties either
    flat (Data Package v1 and v2) or under "csv" (frictionless 5's own form). A dialect given
    as a path is not opened (the structure check leaves it out too): the defaults stand.
    """
    declared = resource.get("dialect")
    dialect: dict[str, Any] = dict(declared) if isinstance(declared, dict) else {}
    if isinstance(dialect.get("csv"), dict):
        dialect = {**dialect, **dialect["csv"]}
    default = "\t" if resource.get("format") == "tsv" else ","
    return Dialect(
        delimiter=_char(dialect.get("delimiter")) or default,
        quote_char=_char(dialect.get("quoteChar"), '"'),
        double_quote=_flag(dialect.get("doubleQuote"), True),
        escape_char=_char(dialect.get("escapeChar"), None),
        skip_initial_space=_flag(dialect.get("skipInitialSpace"), False),
        header=_flag(dialect.get("header"), True),
        comment_char=_char(dialect.get("commentChar"), None),
    )


def _char(value: object, default: str | None = None) -> str | None:
    """A one-character string, else the default (the csv module accepts nothing longer)."""
    return value if isinstance(value, str) and len(value) == 1 and value not in "\r\n" else default


def _flag(value: object, default: bool) -> bool:
    return value if isinstance(value, bool) else default


_CHARACTERS = ("delimiter", "quoteChar", "escapeChar")


def dialect_problems(resource: dict[str, Any]) -> list[tuple[str, str]]:
    """(property, why) for each CSV property of the resource's dialect that no reader can use.

    A flag (header, doubleQuote...) of the wrong type is the profile check's descriptor-profile.
    frictionless cannot read such a table either (a source-error, or a control-error for a
    value of the wrong type), so the table is not read: read with the default in its place,
    every cell would be judged by the wrong syntax.
    """
    declared = resource.get("dialect")
    if not isinstance(declared, dict):
        return []
    dialect = {**declared, **declared["csv"]} if isinstance(declared.get("csv"), dict) else declared
    problems: list[tuple[str, str]] = []
    for key in _CHARACTERS:
        value = dialect.get(key)
        if key not in dialect or (value is None and key != "delimiter"):
            continue
        if not isinstance(value, str) or len(value) != 1 or value in "\r\n":
            problems.append((key, f"{key} is {value!r}; it must be one character, not a line break"))
    if "commentChar" in dialect and not (isinstance(dialect["commentChar"], str) and dialect["commentChar"]):
        problems.append(("commentChar", f"commentChar is {dialect['commentChar']!r}; it must be a non-empty string"))
    return problems
