"""The one rule for a cell a spreadsheet would evaluate as a formula when it opens the CSV.

A cell is a formula risk when:

- it starts with ``=`` or ``@``;
- it starts with ``+`` or ``-`` followed by something other than a plain number: ``-2+3``,
  ``+cmd|' /C calc'!A0`` and ``-SUM(A1)`` are risks; a lone ``-``, ``-5``, ``-1,665.5`` and
  ``+44 20 7946 0000`` (a phone number) are not. A sign followed by a space and then words
  with no operator, bracket or pipe (``- text``, a dash used as a bullet) is not either;
  a spreadsheet shows it as text or an error, it runs nothing;
- it starts with a tab or CR followed by such a cell (``\\t=1+1``), since spreadsheets skip
  leading whitespace before they look for a formula.
"""

from __future__ import annotations

import re

STARTS = "=+-@\t\r"
"""Every first character a formula risk can have: each one byte in UTF-8, and no other character starts with it."""
_PLAIN_NUMBER = re.compile(r"[0-9]+(?:[ ,.][0-9]+)*")
"""Digits in groups split by one space, comma or point: -5, -1,665.5, +44 20 7946 0000."""
_WORDS = re.compile(r" [^=+\-*/^&(|!@<>%\t\r]*")
"""A space, then text without anything a formula would operate with: - text."""


def is_formula(cell: str) -> bool:
    """Whether a spreadsheet opening the CSV would evaluate this cell as a formula."""
    rest = cell.lstrip("\t\r")
    if not rest:
        return False
    first, tail = rest[0], rest[1:]
    if first in "=@":
        return True
    if first in "+-":
        return not (tail == "" or _PLAIN_NUMBER.fullmatch(tail) or _WORDS.fullmatch(tail))
    return False
