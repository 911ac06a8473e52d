"""Reading ahead: the largest table's bytes, and Arrow's parse of them, begun as loading starts.

Arrow parses a CSV file without the interpreter lock, in its own threads; the rest of the
load (importing pandas and frictionless, checking schemas, reading the smaller tables) is
Python, in one thread. Begun at once in a thread of its own, the parse of the largest file
runs alongside that work instead of after it (at 1,000,000 rows, 123 MB, about a third of
a second). The loader then takes these bytes and that parse when it reaches the table, and
reads every other file as before. Nothing here reports: a file that is not plainly readable
(an unsafe path, over the limit, empty, with a byte-order mark or CR line endings) is not
read ahead, and the loader finds and reports its problem in its turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from validate.loading.csv_fast import Arrow, read_arrow
from validate.loading.dialect import Dialect, read_dialect
from validate.loading.files import read_regular
from validate.loading.paths import path_problem

if TYPE_CHECKING:
    from concurrent.futures import Future

FROM_BYTES = 1 << 23
"""Files smaller than this are read in their turn: their parse takes less than starting a thread."""


@dataclass(frozen=True)
class Ahead:
    """The bytes of one table's file, read ahead, and Arrow's parse of them under way."""

    path: str
    data: bytes
    dialect: Dialect
    parsed: Future[Arrow | None]

    def bytes_of(self, path: str) -> bytes | None:
        """The bytes read ahead, if they are this path's."""
        return self.data if path == self.path else None

    def parse_of(self, data: bytes, dialect: Dialect) -> Future[Arrow | None] | None:
        """The parse under way, if it is of these very bytes in this dialect."""
        return self.parsed if data is self.data and dialect == self.dialect else None


def read_ahead(root: Path, resources: list[Any], limit: int) -> Ahead | None:
    """Begin reading and parsing the largest table file of the package, if it is plainly readable."""
    import codecs
    from concurrent.futures import ThreadPoolExecutor

    sizes: list[tuple[int, str, dict[str, Any]]] = []
    for resource in resources:
        path = resource.get("path") if isinstance(resource, dict) else None
        if not isinstance(path, str) or not (resource.get("type") == "table" or "schema" in resource):
            continue
        if path_problem(root, path) is not None:
            continue
        try:
            size = (root / path).stat().st_size
        except OSError:
            continue
        sizes.append((size, path, resource))
    if not sizes:
        return None
    size, path, resource = max(sizes, key=lambda item: item[0])
    dialect = read_dialect(resource)
    if size < FROM_BYTES or size > limit or not dialect.fast:
        return None
    read = read_regular(root / path, limit)
    if read is None or read[0] > limit or not read[1]:
        return None
    data = read[1]
    if data.startswith(codecs.BOM_UTF8) or b"\r" in data:
        return None  # the loader changes these bytes before it parses them
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-ahead")
    parsed = pool.submit(read_arrow, data, dialect)
    pool.shutdown(wait=False)  # the thread ends with its one task
    return Ahead(path, data, dialect, parsed)
