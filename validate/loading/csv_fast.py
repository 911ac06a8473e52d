"""The fast CSV reader: Arrow's parser, for files whose every row is one physical line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from validate.loading.dialect import Dialect

if TYPE_CHECKING:
    from concurrent.futures import Future

    import numpy as np
    import pandas as pd
    import pyarrow as pa

Parsed = tuple[list[str], "pd.DataFrame", "np.ndarray"]


Arrow = tuple["pa.Table", dict[str, Any]]
"""A file as Arrow read it (every column as large_string), and the syntax it was read with."""

WIDEST = 1000
"""Columns past which a file goes to the exact reader, whose cost does not grow with the width."""


def read_arrow(data: bytes, dialect: Dialect) -> Arrow | None:
    """Arrow's reading of the file, every row one physical line; None when Arrow cannot read it
    so (a row of another width, a quoted value over two lines). Pure Arrow, no import and no
    Python object per row: it may run in a thread of its own while the loader goes on."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    ragged: list[object] = []
    syntax: dict[str, Any] = {
        "delimiter": dialect.delimiter,
        "quote_char": dialect.quote_char or False,
        "double_quote": dialect.double_quote,
        "escape_char": dialect.escape_char or False,
    }

    def on_invalid(row: object) -> str:
        ragged.append(row)
        return "skip"

    # Every column as large_string, the type pandas' str columns hold: no type inference,
    # no second read, no cast copy. Columns are named f0, f1, ... and a name past the last
    # column is ignored, so the first line's delimiters (an upper bound, unless a quoted
    # header cell spans lines) say how many to name.
    first_line = data[: data.find(b"\n")] if b"\n" in data else data
    width = first_line.count(dialect.delimiter.encode("utf-8")) + 1
    if width > WIDEST:
        return None  # Arrow spends about 35 microseconds a column: 4 s on a header of 100,000 names
    # Newlines in values are not allowed: Arrow then splits the file into blocks at any line
    # break and parses them in parallel (123 MB in 0.17 s, not 0.3 to 0.5 s). A quoted value
    # that spans lines then fails to parse, or leaves fewer rows than lines, and either way
    # the file goes to the exact reader below, as it must for its line numbers anyway.
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=1 << 22),
            parse_options=pacsv.ParseOptions(newlines_in_values=False, invalid_row_handler=on_invalid, **syntax),
            convert_options=pacsv.ConvertOptions(
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                column_types={f"f{i}": pa.large_string() for i in range(width)},
                auto_dict_encode=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    if ragged or table.num_rows == 0:
        return None
    return table, syntax


def parse_fast(data: bytes, dialect: Dialect, started: Future[Arrow | None] | None = None) -> Parsed | None:
    """Header, cells as strings and row lines; None when the file needs the exact, slower reader.

    Without a header row (dialect header false) the first row is data, and the header
    returned is that row, for its width only. ``started`` is read_arrow of these very bytes,
    begun earlier in another thread (validate.loading.ahead).
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if not dialect.fast:
        return None
    read = started.result() if started is not None else read_arrow(data, dialect)
    if read is None:
        return None
    table, syntax = read
    # Arrow infers types; the checks want the cells exactly as written.
    columns = [c if pa.types.is_string(c.type) or pa.types.is_large_string(c.type) else None for c in table.columns]
    if any(c is None for c in columns):
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, **syntax),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.large_string() for n in table.column_names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    header = [str(v) for v in table.slice(0, 1).to_pylist()[0].values()]
    first = 1 if dialect.header else 0
    body = table.slice(first)
    newlines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if newlines != table.num_rows:
        return None  # a quoted field spans lines: only the exact reader knows each row's line
    frame = body.to_pandas()
    frame.columns = range(len(header))
    lines = np.arange(first + 1, body.num_rows + first + 1)
    return header, frame, lines
