"""The loaded package: what the loader read, in one model that every check and command shares.

Loading fills it once; checks read it and never open files. Caches of derived views (typed
columns, normalised source texts) are declared here as fields, so nothing sets attributes
on the model from outside. The checks may run in two threads (validate.runner): whoever
fills a cache holds its owner's ``filling`` lock, so each is built once, and two different
caches (one table's typed cells, the package's source texts) are built at the same time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from validate.declarations import Declarations
from validate.findings import Finding
from validate.jsonlines import JsonPath, json_lines

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from validate.cells import BadCell, TypedTable
    from validate.rules import RuleSet
    from validate.text import SourceIndex, SourceText

DESCRIPTOR = "datapackage.json"
DESCRIPTOR_NAMES = (DESCRIPTOR, "datapackage.yaml", "datapackage.yml")
"""Descriptor file names looked for in a package directory, in this order."""


@dataclass
class Table:
    """One CSV table as read: raw strings by schema field name, and each row's physical line."""

    name: str
    path: str
    schema: dict[str, Any]
    frame: pd.DataFrame
    lines: np.ndarray
    incomplete: bool = False
    """Some rows could not be read (ragged), so the table may lack rows other tables refer to."""
    preset_bad: list[BadCell] = field(default_factory=list)
    """Cells the loader already knows are of the wrong type (a JSON number in a string field of inline data)."""
    typed: TypedTable | None = field(default=None, repr=False)
    """The cells read as their declared types, once (validate.typed fills it on first use)."""
    derived: dict[str, Any] = field(default_factory=dict, repr=False)
    """Views of the typed cells that several checks read (the claims' rough intervals, their
    subjects' codes), each made once by ``view``."""
    filling: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)
    """Held while ``typed`` or a derived view is filled."""
    parts: tuple[tuple[int, str], ...] = ()
    """A multipart table's files, each with the offset added to its physical lines: ``lines``
    count on through the parts, and ``Package.place`` turns them back into (part, line)."""

    def view(self, name: str, make: Callable[[], Any]) -> Any:
        """The derived view of that name, made on first use."""
        if name not in self.derived:
            with self.filling:
                if name not in self.derived:
                    self.derived[name] = make()
        return self.derived[name]

    @property
    def fields(self) -> list[dict[str, Any]]:
        """Schema fields whose column is present."""
        return [f for f in self.schema["fields"] if f["name"] in self.frame.columns]

    def line(self, row: int) -> int:
        """Physical line of the row at position ``row``."""
        return int(self.lines[row])


@dataclass
class Package:
    """Everything read from a package directory."""

    root: Path
    descriptor: dict[str, Any] | None = None
    descriptor_name: str = DESCRIPTOR
    """File name of the descriptor read (datapackage.json, or a YAML one), as findings about it name it."""
    descriptor_text: str = ""
    tables: dict[str, Table] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    """Bytes of every readable non-table resource, by path as written."""
    resources: list[dict[str, Any]] = field(default_factory=list)
    """Resources that are objects, in descriptor order."""
    declarations: Declarations = field(default_factory=Declarations)
    """What the package declares about its own tables (x-claims): where figures, quotes and sources are."""
    unloaded: dict[str, str] = field(default_factory=dict)
    """Declared resources that could not be loaded, by name, with the finding code that says why."""
    rules: RuleSet | None = None
    findings: list[Finding] = field(default_factory=list)
    json_texts: dict[str, str] = field(default_factory=dict)
    """Text of every JSON file read (descriptor, schemas, rules), to locate findings by line."""
    source_texts: dict[str, SourceText] | None = field(default=None, repr=False)
    """Each intact archived text by source id, normalised once (validate.checks.provenance fills it)."""
    source_index: SourceIndex | None = field(default=None, repr=False)
    """The line index of those texts, for finding many quotes' lines at once (filled on first use)."""
    filling: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)
    """Held while ``source_texts`` or ``source_index`` is filled (a table's own lock may be taken
    inside it, never the other way round)."""
    padded: set[tuple[str, int, str]] = field(default_factory=set)
    """(file, line, field) of each cell a short row lacks: read as missing so that the row's other
    cells are checked, and never reported (the row's ragged-row finding says it)."""
    _json_lines: dict[str, dict[JsonPath, int]] = field(default_factory=dict, repr=False)

    def place(self, found: Finding) -> Finding:
        """The finding at its own file and physical line, when it names a line of a multipart table
        counted on through the parts (the checks see one table with one path)."""
        if found.line is None:
            return found
        for table in self.tables.values():
            if table.parts and found.file == table.path:
                offset, part = max((p for p in table.parts if p[0] < found.line), default=table.parts[0])
                return replace(found, file=part, line=found.line - offset)
        return found

    def table(self, name: str) -> Table | None:
        """The loaded table of that resource name, if it could be read."""
        return self.tables.get(name)

    def add_lines(self, file: str, lines: dict[JsonPath, int]) -> None:
        """Record the line of each member of a file not read as JSON (a YAML descriptor)."""
        self._json_lines[file] = lines

    def json_line(self, file: str, path: JsonPath) -> int | None:
        """Line of the value at path (or of its nearest located parent) in a JSON file read."""
        if file not in self._json_lines:
            text = self.json_texts.get(file)
            if text is None:
                return None
            self._json_lines[file] = json_lines(text)
        lines = self._json_lines[file]
        for end in range(len(path), -1, -1):
            if path[:end] in lines:
                return lines[path[:end]]
        return None
