"""The vectorised text helpers agree with the row-by-row ones they replace on the hot path."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings
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


@settings(deadline=None)
@given(st.dictionaries(st.text(max_size=3), st.text(_ALPHABET, max_size=40), max_size=4))
def test_source_texts_of_folds_as_source_text(texts: dict[str, str]) -> None:
    """Texts folded together read exactly as each folded alone."""
    together = source_texts_of(texts)
    for key, text in texts.items():
        alone = SourceText(text)
        assert (together[key].folded, together[key].line_numbers, together[key].line_starts) == (
            alone.folded,
            alone.line_numbers,
            alone.line_starts,
        )
