"""The vectorised text helpers agree with the row-by-row ones they replace on the hot path."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
from hypothesis import example, given, settings
from hypothesis import strategies as st

from validate.text import WHITESPACE, SourceText, normalise, normalise_all, source_texts_of

# Characters that normalise folds or splits on, mixed with plain ones, so examples hit every branch.
_SPECIAL = "\u2018\u2019\u201a\u201b\u2032\u201c\u201d\u201e\u201f\u2033\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_ALPHABET = st.sampled_from(list(_SPECIAL + WHITESPACE + "ab ,.'\"-é😀"))


def test_whitespace_is_what_str_split_splits_on() -> None:
    """The Arrow folding's whitespace class is exactly Python's str.isspace."""
    assert set(WHITESPACE) == {chr(c) for c in range(0x110000) if chr(c).isspace()}


# Each example compiles Arrow's regular expressions afresh: slow, so no deadline.
@settings(deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(_ALPHABET, max_size=12), st.text(max_size=8)), max_size=20))
def test_normalise_all_is_normalise_per_cell(cells: list[str | None]) -> None:
    """Folding a column in Arrow gives what normalise gives cell by cell; nulls stay null."""
    expected = [None if c is None else normalise(c) for c in cells]
    assert normalise_all(pa.array(cells, type=pa.large_string())).to_pylist() == expected
    halves = pa.chunked_array([cells[: len(cells) // 2], cells[len(cells) // 2 :]], type=pa.large_string())
    assert normalise_all(halves).to_pylist() == expected


def _folded_line_by_line(text: str) -> tuple[str, list[int], list[int]]:
    """What SourceText held when it folded a text one line at a time in Python."""
    parts: list[str] = []
    starts: list[int] = []
    numbers: list[int] = []
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        folded = normalise(line)
        if folded:
            starts.append(offset)
            numbers.append(number)
            parts.append(folded)
            offset += len(folded) + 1
    return " ".join(parts), starts, numbers


@settings(deadline=None)
@given(st.dictionaries(st.text(max_size=3), st.text(_ALPHABET, max_size=40), max_size=4))
def test_source_texts_of_folds_as_line_by_line(texts: dict[str, str]) -> None:
    """Texts folded together in Arrow read exactly as each folded line by line in Python."""
    together = source_texts_of(texts)
    as_bytes = source_texts_of({key: text.encode("utf-8") for key, text in texts.items()})
    for key, text in texts.items():
        for folded in (together[key], as_bytes[key], SourceText(text)):
            assert (folded.folded, folded.line_starts.tolist(), folded.line_numbers.tolist()) == (
                _folded_line_by_line(text)
            )


@st.composite
def _texts_and_quoted_rows(draw: st.DrawFn) -> tuple[dict[str, str], list[tuple[str, str, float]]]:
    """A few texts (small batches, so that several texts share one array of lines) and rows
    quoting them: a piece of one line, a piece running over several lines, or any words, each
    stating a line of its text, another line, or none."""
    texts = draw(
        st.dictionaries(
            st.sampled_from(["s0", "s1", "s2", "s3"]),
            st.lists(st.text(st.sampled_from(list("ab ’\u2014\t")), max_size=8), min_size=1, max_size=6).map("\n".join),
            min_size=1,
        )
    )
    rows = []
    for _ in range(draw(st.integers(1, 12))):
        source = draw(st.sampled_from([*texts, "absent"]))
        lines = texts.get(source, "x").split("\n")
        line = draw(st.integers(1, len(lines)))
        start = draw(st.integers(0, len(lines[line - 1])))
        running = "\n".join(lines[line - 1 :])
        quote = draw(st.one_of(st.just(running[start:]), st.text(st.sampled_from(list("ab ’")), max_size=4)))
        quote = quote[: draw(st.integers(0, len(quote)))]
        stated = draw(st.sampled_from([float(line), float(line + 1), float("nan")]))
        rows.append((source, quote, stated))
    return texts, rows


@settings(deadline=None, max_examples=300)
@given(_texts_and_quoted_rows(), st.sampled_from([1, 16, 1 << 22]))
def test_quotes_settled_in_bulk_start_where_the_row_says(
    case: tuple[dict[str, str], list[tuple[str, str, float]]], batch: int
) -> None:
    """The bulk pass settles a row only where SourceText finds its quote starting on its line
    (or, stating none, anywhere in its text); and settles every row whose quote starts there
    and ends within the next line, the common case it is for."""
    import math

    import numpy as np
    import pandas as pd

    from validate.checks.provenance import _at_stated_lines
    from validate.text import SourceIndex

    texts, rows = case
    folded = source_texts_of(texts, batch=batch)
    sources, quotes, stated = zip(*rows, strict=True)
    settled = _at_stated_lines(
        SourceIndex(folded), pd.Series(sources, dtype="str"), pd.Series(quotes, dtype="str"), pd.Series(stated)
    )
    for (source, quote, line), bulk in zip(rows, settled.tolist(), strict=True):
        text = folded.get(source)
        needle = normalise(quote)
        if text is None or not needle:
            assert not bulk
            continue
        if math.isnan(line):
            assert bulk == bool(text.find_lines(quote))
            continue
        exact = text.starts_at(quote, int(line))
        assert not bulk or exact
        spanned = text.lines_spanned(quote, int(line))
        numbers = text.line_numbers.tolist()
        if exact and spanned is not None and int(line) in numbers:
            following = numbers[numbers.index(int(line)) :][:2]
            if max(spanned) <= following[-1]:
                assert bulk
    assert np.asarray(settled).dtype == bool


@settings(deadline=None)
@given(_texts_and_quoted_rows(), st.sampled_from([1, 1 << 22]))
def test_names_found_in_bulk_are_those_found_one_by_one(
    case: tuple[dict[str, str], list[tuple[str, str, float]]], batch: int
) -> None:
    """A person's name is found in bulk exactly where SourceText.find_lines finds it."""
    import pandas as pd

    from validate.checks.provenance import _named_in
    from validate.text import SourceIndex

    texts, rows = case
    folded = source_texts_of(texts, batch=batch)
    sources, names, _ = zip(*rows, strict=True)
    found = _named_in(SourceIndex(folded), pd.Series(sources, dtype="str"), pd.Series(names, dtype="str"))
    for (source, name, _), bulk in zip(rows, found.tolist(), strict=True):
        text = folded.get(source)
        assert bulk == (text is not None and bool(text.find_lines(name)))


# Pieces of quotes around a number: separators the fast path trusts and ones it must not.
_AROUND = st.sampled_from(
    ["", " ", "-", ";", ")", ".", ",", "a", "½", " and a half", "-and-a-half", "0", ",000", "(", "'"]
)
_WORDS = st.sampled_from(
    [
        *["", "arrests", "hundreds", "Thousand", "million", "half", "four", "twenty-one"],
        *["m", "bn", "billion", "doubled", "tens of thousands", "a dozen", "scores of", "two-thirds", "%"],
    ]
)


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.integers(0, 2_000_000), st.sampled_from([100.0, 1000.0, 1e6, 4.5, -3.0])),
            _AROUND,
            st.booleans(),
            _AROUND,
            _WORDS,
        ),
        min_size=1,
        max_size=12,
    )
)
def test_printed_plainly_only_where_printed_in(cases: list[tuple[float, str, bool, str, str]]) -> None:
    """Every row the vectorised figure test accepts, printed_in accepts too."""
    import pandas as pd

    from validate.checks.provenance import _printed_plainly
    from validate.numbers import printed_in

    numbers = pd.Series([float(n) for n, *_ in cases], dtype="float64")
    quotes = pd.Series(
        [
            f"made {before}{f'{int(n):,}' if commas and n >= 0 else int(n)}{after} {words}"
            for n, before, commas, after, words in cases
        ],
        dtype="str",
    )
    plain = _printed_plainly(numbers, quotes, numbers.notna().to_numpy())
    for accepted, number, quote in zip(plain.tolist(), numbers.tolist(), quotes.tolist(), strict=True):
        assert not accepted or printed_in(number, quote), (number, quote)


@settings(deadline=None)
@given(st.lists(st.text(st.sampled_from("0123456789-+x"), max_size=11), min_size=1, max_size=20))
def test_impossible_partial_dates_match_partial_date_exists(cells: list[str]) -> None:
    """The numpy reading of partial dates flags exactly the cells partial_date_exists rejects."""
    import pandas as pd

    from validate.typed import _impossible_partial_dates, partial_date_exists

    flagged = _impossible_partial_dates(pd.Series(cells, dtype="str")).tolist()
    assert flagged == [not partial_date_exists(c) for c in cells]


@settings(deadline=None)
@given(st.lists(st.text(st.sampled_from("0123456789-+.eE x"), max_size=8), min_size=1, max_size=20), st.booleans())
@example(cells=["1E309", "-1e999", "2"], integer=False)
def test_numbers_read_as_to_numeric_reads_them(cells: list[str], integer: bool) -> None:
    """Arrow's cast reads numeric cells as pandas' to_numeric does; a cell the pattern refuses is
    read as frictionless reads it (stripped, then int() or a finite Decimal()), else flagged."""
    from decimal import Decimal, InvalidOperation

    import pandas as pd

    from validate.cells import BadCell
    from validate.typed import _INTEGER, _NUMBER, _read_column

    def frictionless(cell: str) -> float | None:
        try:
            value = float(int(cell.strip())) if integer else float(Decimal(cell.strip()))
        except (ValueError, InvalidOperation, OverflowError):
            return None
        return value if value == value and abs(value) != float("inf") else None

    raw = pd.Series(cells, dtype="str")
    absent = raw.isin([""])
    kind = "integer" if integer else "number"
    bad: list[BadCell] = []
    got = _read_column(raw, absent, {"name": "n", "type": kind}, bad)
    pattern = _INTEGER if integer else _NUMBER
    matched = raw.str.match(pattern).to_numpy(dtype=bool)
    expected = pd.to_numeric(raw.where(~absent & matched), errors="coerce")
    # A number past float range ('1E309') is no number: a type-error at its cell, read as missing.
    overflow = [bool(matched[i] and abs(v) == float("inf")) for i, v in enumerate(expected.astype("float64"))]
    expected = expected.where([not o for o in overflow])
    loose = [None if not c or matched[i] else frictionless(c) for i, c in enumerate(cells)]
    expected = expected.where([value is None for value in loose], loose)
    expected = expected.astype("Int64") if integer else expected.astype("float64")
    pd.testing.assert_series_equal(got, expected)
    refused = [i for i, c in enumerate(cells) if (c and not matched[i] and loose[i] is None) or overflow[i]]
    assert sorted(b.row for b in bad) == refused


@settings(deadline=None)
@given(st.binary(max_size=60), st.integers(1, 8), st.integers(1, 16))
def test_byte_scans_match_the_regex_and_the_line_loop(data: bytes, limit: int, chunk: int) -> None:
    """The numpy scans of a file's bytes agree with the regex and the line-by-line loop they replace."""
    from validate.loading import byte_scans
    from validate.loading.csv_read import CONTROL

    byte_scans._CHUNK, saved = chunk, byte_scans._CHUNK
    try:
        assert byte_scans.has_control_byte(data) == (CONTROL.search(data) is not None)
        expected = None
        start = 0
        while start < len(data):
            end = data.find(b"\n", start)
            end = len(data) if end == -1 else end
            if end - start > limit:
                expected = (start, end - start)
                break
            start = end + 1
        assert byte_scans.first_long_line(data, limit) == expected
    finally:
        byte_scans._CHUNK = saved


@settings(deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.text(st.sampled_from(list("=+-@\t\r a1é😀")), max_size=4)), max_size=20),
    st.integers(0, 3),
    st.sampled_from([pa.string(), pa.large_string()]),
)
def test_formula_cells_read_from_first_bytes_are_those_the_pattern_finds(
    cells: list[str | None], cut: int, kind: pa.DataType
) -> None:
    """The byte reading of a column's first characters, over sliced chunks of either string type,
    finds the cells the rule, judging each cell alone, finds."""
    import pandas as pd

    from validate.checks.structure import _formula_rows
    from validate.formulas import is_formula

    expected = [i for i, c in enumerate(cells[cut:]) if c is not None and is_formula(c)]
    whole = pa.array(cells, type=kind)
    chunks = pa.chunked_array([whole.slice(cut, 3), whole.slice(cut + 3)], type=kind)
    column = pd.Series(pd.arrays.ArrowExtensionArray(chunks))
    assert _formula_rows(column) == expected
    assert _formula_rows(pd.Series(cells[cut:], dtype=object)) == expected


_KEY = st.one_of(st.none(), st.sampled_from(["a", "b", "c", "None", "<NA>"]))


@given(
    st.lists(st.tuples(_KEY, _KEY), max_size=12),
    st.lists(st.tuples(_KEY, _KEY), max_size=12),
    st.integers(1, 2),
    st.sampled_from(["str", "object"]),
)
def test_missing_keys_are_those_no_complete_parent_key_has(
    child: list[tuple[str | None, str | None]], parent: list[tuple[str | None, str | None]], width: int, kind: str
) -> None:
    """Either side may be the smaller (the smaller is hashed), keys of one or two columns; a
    parent's missing cell matches nothing, though a column of objects writes it as 'None'."""
    import pandas as pd

    from validate.checks.types import missing_keys

    def frame(rows: list[tuple[str | None, str | None]], names: list[str], dtype: str) -> pd.DataFrame:
        return pd.DataFrame([row[:width] for row in rows], columns=names[:width], dtype=dtype)

    known = {row[:width] for row in parent if None not in row[:width]}
    expected = [None not in row[:width] and row[:width] not in known for row in child]
    got = missing_keys(frame(child, ["x", "y"], "str"), frame(parent, ["p", "q"], kind))
    assert got.tolist() == expected


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.text(st.sampled_from("ab-_1A \n"), max_size=5)), min_size=1, max_size=40),
    st.integers(0, 2),
    st.sampled_from(["pattern", "list", "length"]),
)
def test_a_check_over_distinct_values_is_the_check_over_every_row(
    values: list[str | None], spread: int, kind: str
) -> None:
    """A large column of few values (the only kind judged by its distinct values) passes a
    cell-by-cell check over them exactly when it passes over every row."""
    import pandas as pd
    import pandera.pandas as pa

    from validate.checks.types import _CELLWISE, _FEW, _distinct

    check = {
        "pattern": pa.Check.str_matches(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"),
        "list": pa.Check.isin(["a", "b", "ab", "1", "", "id-0"]),
        "length": pa.Check.str_length(1, 3),
    }[kind]
    assert check.name in _CELLWISE
    # The values repeated past the sample size, or (spread 2) among mostly distinct ids.
    rows = (values * (_FEW // len(values) + 2))[: _FEW + 1000]
    if spread == 2:
        rows = [f"id-{i}" for i in range(len(rows) - len(values))] + values
    column = pd.Series(rows, dtype="str")
    distinct = _distinct(column)
    judged = distinct is not None and bool(check(distinct).check_passed)
    assert not judged or bool(check(column).check_passed)
    if spread < 2:  # few distinct values: judged by them, so the answer is the full check's
        assert distinct is not None
        assert judged == bool(check(column).check_passed)


def test_a_bad_id_among_a_large_table_of_few_ids_is_found_at_its_line(tmp_path: Path) -> None:
    import csv

    from benchmarks.generate import generate
    from conftest import run

    package = tmp_path / "package"
    generate(package, 12_000)
    path = package / "data" / "outcomes.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("metric_id")
    rows[5000][column] = "Arrests"  # upper case breaks the identifier pattern
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    _, report = run(package)
    found = {(f["code"], f["file"], f["line"], f["field"]) for f in report["findings"]}
    assert ("pattern-mismatch", "data/outcomes.csv", 5001, "metric_id") in found


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["1", "12", "-3", "+5", " 12", "3.5 ", "1_000", "", "NA", "abc", "1e3", "99999999999999999999"]
        ),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from(["integer", "number"]),
    st.sampled_from([[""], ["", "NA"], []]),
)
def test_a_numeric_column_read_by_distinct_values_reads_as_cell_by_cell(
    values: list[str], kind: str, missing: list[str]
) -> None:
    """Every row gets its value's reading, and every row holding a value that does not read is
    a bad cell, as when each cell is read."""
    import pandas as pd

    from validate.cells import BadCell
    from validate.typed import _FEW, _by_distinct, _few_distinct, _read_column

    column = pd.Series((values * (_FEW // len(values) + 2))[: _FEW + 500], dtype="str")
    spec = {"name": "n", "type": kind}
    assert _few_distinct(column)
    one_by_one: list[BadCell] = []
    absent = column.isin(missing) if missing else pd.Series(False, index=column.index)
    expected = _read_column(column, absent, spec, one_by_one)
    by_value: list[BadCell] = []
    got = _by_distinct(column, missing, spec, by_value)
    pd.testing.assert_series_equal(got, expected, check_names=False)
    assert sorted(by_value, key=lambda c: (c.row, c.code)) == sorted(one_by_one, key=lambda c: (c.row, c.code))
