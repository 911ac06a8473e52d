"""The records of a table's typed cells: the values read as their declared types, and the cells
that would not read. The package model holds them and validate.typed fills them; both import
them from here, so neither imports the other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class BadCell:
    """A cell that does not read as its field's type."""

    row: int
    field: str
    code: str
    message: str


@dataclass
class TypedTable:
    """A table's cells as typed values (missing values as NA) and the cells that failed."""

    frame: pd.DataFrame
    bad: list[BadCell]
