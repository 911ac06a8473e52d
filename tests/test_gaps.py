"""The bulk coverage pass (validate.gaps) stands in for the exact ledger (validate.coverage): on any
package the check must report the same numbers, stale exclusions and stray rows from either."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, copy_package, edit, read_rows, write_rows
from validate.archives import source_texts
from validate.coverage import Coverage, RowRef, _cover, _exclude, _Exclusion, _Figure, coverage
from validate.gaps import _settle, gaps
from validate.loading import load_package
from validate.options import Options
from validate.printed import PrintedNumber, scan_line
from validate.text import SourceText, fold_marks

Verdict = tuple[list[tuple[str, int, int, float]], list[tuple[str, int, str]], list[tuple[str, int]]]


def verdict(ledger: Coverage) -> Verdict:
    """What the check reports from a ledger: uncovered numbers, stale exclusions, stray rows."""
    uncovered = sorted(
        (s.source_id, a.number.line, a.number.start, a.number.value)
        for s in ledger.sources.values()
        for a in s.uncovered()
    )
    stale = sorted((x.source_id, x.row.line, x.problem) for x in ledger.stale)
    strays = sorted((u.source_id, u.row.line) for u in ledger.unmatched)
    return uncovered, stale, strays


def both(directory: Path) -> tuple[Verdict, Verdict]:
    return verdict(coverage(load_package(directory, Options()))), verdict(gaps(load_package(directory, Options())))


TOKENS = [
    "1,600",
    "1600",
    "1,0000",
    "12.5",
    "4 and a half",
    "4-and-a-half",
    "½",
    "No10",
    "A1",
    "2022/23",
    "£200",
    "one",
    "Three",
    "forty-five",
    "hundreds",
    "half",
    "often",
    # the quantity words a bulk pass leaves to the exact scanner (numbers.DEFER)
    "doubled",
    "twice",
    "a dozen",
    "dozens",
    "scores of",
    "tens of thousands",
    "1.2 million",
    "£1m",
    "3bn",
    "2m",
    "a third",
    "50%",
    "é",
    "’",
    "—",
    " ",
    ",",
    ".",
    "-",
    "\n",
    "x",
]


@st.composite
def lines_and_regions(draw: st.DrawFn) -> tuple[list[str], Any, Any]:
    """Texts of token soup, cut into runs of tokens; most runs are the words of a figure row (of
    the value read from them, or a drawn one) or of an exclusion, their edges moved by a
    character now and then, so that lines settle and fail to settle for every reason."""
    tokens = [t for t in TOKENS if t != "\n"]
    texts: list[str] = []
    rows: list[tuple[int, int, float, str]] = []
    spots: list[tuple[int, int, str]] = []
    for src in range(draw(st.integers(1, 2))):
        lines = []
        for ln in range(1, draw(st.integers(1, 3)) + 1):
            parts = draw(st.lists(st.sampled_from(tokens), max_size=10))
            if draw(st.booleans()):  # the same words printed twice on a line
                parts += parts[: draw(st.integers(0, len(parts)))]
            line = "".join(parts)
            lines.append(line)
            cuts = sorted(set(draw(st.lists(st.integers(0, len(parts)), max_size=6))) | {0, len(parts)})
            for lo, hi in itertools.pairwise(cuts):
                start = len("".join(parts[:lo])) + draw(st.sampled_from([0, 0, 0, -1, 1]))
                stop = len("".join(parts[:hi])) + draw(st.sampled_from([0, 0, 0, -1, 1]))
                words = line[max(start, 0) : max(stop, 0)]
                kind = draw(st.sampled_from(["row", "row", "exclusion", "none"]))
                read = [n.value for n in scan_line(words, 1)]
                if kind == "exclusion":
                    spots.append((src, ln, words))
                elif kind == "row" and words:
                    value = read[0] if read and draw(st.booleans()) else float(draw(st.integers(0, 5)))
                    rows.append((src, ln, value, words))
        texts.append("\n".join(lines))
    if rows and draw(st.booleans()):  # a second row with the words of another: the two overlap
        rows.append(draw(st.sampled_from(rows)))
    frame = pd.DataFrame(rows, columns=["src", "ln", "value", "quote"]).astype({"value": "float64"})
    return texts, frame.assign(usable=True), pd.DataFrame(spots, columns=["src", "ln", "words"])


def _inside(line: str, words: str, number: PrintedNumber) -> bool:
    folded, wanted = fold_marks(line), fold_marks(words)
    at = folded.find(wanted)
    while at != -1:
        if at <= number.start and number.end <= at + len(wanted):
            return True
        at = folded.find(wanted, at + 1)
    return False


@settings(max_examples=1000, deadline=None)
@given(lines_and_regions())
def test_a_settled_line_is_one_the_exact_ledger_accounts_for_whole(case: tuple[list[str], Any, Any]) -> None:
    texts, rows, spots = case
    whole, unsettled, undecided = _settle(texts, 0, rows, spots)
    assert set(zip(undecided["src"], undecided["ln"], strict=True)) <= unsettled
    for src, text in enumerate(texts):
        if src in whole:
            continue
        for ln, line in enumerate(text.split("\n"), 1):
            if (src, ln) in unsettled:
                continue
            figures = rows[(rows["src"] == src) & (rows["ln"] == ln)]
            excluded = spots[(spots["src"] == src) & (spots["ln"] == ln)]
            numbers = scan_line(line, ln)
            # Every number is inside a row's words (of its value) or an exclusion's ...
            for n in numbers:
                pairs = zip(figures["value"], figures["quote"], strict=True)
                covered = any(v == n.value and _inside(line, q, n) for v, q in pairs)
                assert covered or any(_inside(line, w, n) for w in excluded["words"]), (line, n)
            # ... every row finds a number of its value inside its words, and every exclusion holds one.
            for v, q in zip(figures["value"], figures["quote"], strict=True):
                assert any(n.value == v and _inside(line, q, n) for n in numbers), (line, q, v)
            for w in excluded["words"]:
                assert any(_inside(line, w, n) for n in numbers), (line, w)
            # ... and the exact ledger, taking for each row in turn the first number of its value
            # its words hold that no earlier row took, leaves nothing over in either order.
            for order in (figures, figures.iloc[::-1]):
                assert _ledger_leaves(line, ln, order, excluded) == ([], [], []), (line, order)


def _ledger_leaves(line: str, ln: int, figures: Any, excluded: Any) -> tuple[list[Any], list[Any], list[Any]]:
    """The exact ledger on one line: its numbers left unaccounted, its stray rows, its stale exclusions."""
    numbers = scan_line(line, ln)
    lines = [""] * (ln - 1) + [line]
    ref = RowRef("t", "t.csv", 0, "value")
    rows = [_Figure(ref, "s", ln, v, q) for v, q in zip(figures["value"], figures["quote"], strict=True)]
    covered, strays = _cover(numbers, rows, SourceText("\n".join(lines)), lines)
    listed = [_Exclusion(ref, "s", ln, w, None) for w in excluded["words"]]
    held, stale = _exclude(numbers, listed, lines)
    return [n for i, n in enumerate(numbers) if i not in covered and i not in held], strays, stale


def test_the_bulk_pass_settles_plain_lines() -> None:
    """The property above holds trivially if nothing settles: plain lines must."""
    line = "Operation X made 1,009 arrests; more than 964 arrests; hundreds of children safeguarded"
    rows = pd.DataFrame(
        [(0, 1, 1009.0, "made 1,009 arrests"), (0, 1, 964.0, "more than 964"), (0, 1, 100.0, "hundreds of children")],
        columns=["src", "ln", "value", "quote"],
    ).assign(usable=True)
    spots = pd.DataFrame([(0, 2, "bulletin 1")], columns=["src", "ln", "words"])
    whole, unsettled, _ = _settle([f"{line}\nbulletin 1\nno numbers here"], 0, rows, spots)
    assert (whole, unsettled) == (set(), set())
    wrong = rows.assign(value=[1009.0, 965.0, 100.0])
    assert _settle([line], 0, wrong, spots.iloc[:0])[0] == {0}  # a row of another value: read whole


def test_the_real_package_gives_the_same_verdict_both_ways() -> None:
    exact, bulk = both(ROOT)
    assert exact == bulk == ([], [], [])


OUTCOMES = read_rows(ROOT / "data/outcomes.csv")


@pytest.mark.parametrize(
    "change",
    ["drop", "value+1", "line+1", "duplicate", "quote-cut"],
)
def test_every_row_broken_every_way_gives_the_same_verdict_both_ways(change: str, tmp_path: Path) -> None:
    header = OUTCOMES[0]
    for n, row in enumerate(OUTCOMES[1:]):
        package = copy_package(tmp_path / f"{change}-{n}")
        key = row[0]
        if change == "drop":
            write_rows(package / "data/outcomes.csv", [r for r in OUTCOMES if r[0] != key])
        elif change == "value+1":
            edit(package, "outcomes", key, "number", lambda v: str(float(v) + 1))
        elif change == "line+1":
            edit(package, "outcomes", key, "line", lambda v: str(int(v) + 1))
        elif change == "duplicate":
            twin = [f"{key}-twin", *row[1:]]
            write_rows(package / "data/outcomes.csv", [*OUTCOMES, twin])
        else:
            quote = row[header.index("quote")]
            edit(package, "outcomes", key, "quote", quote[: max(1, len(quote) // 2)])
        exact, bulk = both(package)
        assert bulk == exact, (change, key)


@pytest.mark.parametrize(("seed", "batch"), [(1, None), (2, None), (3, None), (1, 5000), (2, 1)])
def test_a_generated_package_with_defects_gives_the_same_verdict_both_ways(
    seed: int, batch: int | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if batch is not None:  # texts read in bulk a few (or one) at a time
        monkeypatch.setattr("validate.gaps._BATCH", batch)
    out = tmp_path / "generated"
    command = [sys.executable, "-m", "benchmarks.generate", str(out), "--rows", "3000", "--defects", "6"]
    subprocess.run([*command, "--seed", str(seed)], check=True, capture_output=True, cwd=ROOT)
    exact, bulk = both(out)
    assert bulk == exact
    assert source_texts(load_package(out, Options()))  # the texts were read, so the comparison meant something


def test_two_rows_on_one_number_leave_the_line_to_the_exact_ledger() -> None:
    # Twice the digits of 1600 are as many as the line prints, but 12.5 is nobody's figure.
    line = "1600 12.5 A1"
    rows = pd.DataFrame([(0, 1, 1600.0, "1600"), (0, 1, 1600.0, "1600")], columns=["src", "ln", "value", "quote"])
    _, unsettled, _ = _settle([line], 0, rows.assign(usable=True), pd.DataFrame(columns=["src", "ln", "words"]))
    assert unsettled == {(0, 1)}


def test_every_number_word_starts_where_the_word_count_looks() -> None:
    # The line's count of possible number words must see every word number the scanner reads.
    import re

    from validate.numbers import _WORDS, WORD_START

    start = re.compile(WORD_START.removeprefix("(?i)"), re.IGNORECASE)
    for words in [*_WORDS, "hundreds", "thousands", "millions", "half", "four-and-a-half"]:
        assert start.match(words), words


def test_words_in_another_script_are_read_exactly() -> None:
    # Python reads '5' and an Arabic-Indic three as 53; the bulk patterns would see a 5 alone.
    rows = pd.DataFrame([(0, 1, 5.0, "5\u0663 arrests")], columns=["src", "ln", "value", "quote"])
    whole, unsettled, undecided = _settle(
        ["made 5\u0663 arrests"], 0, rows.assign(usable=True), pd.DataFrame(columns=["src", "ln", "words"])
    )
    assert (0, 1) in unsettled
    assert len(undecided) == 1 or whole == {0}


@given(
    st.lists(st.one_of(st.none(), st.text(st.sampled_from("0123456789,. aé٣"), max_size=24)), max_size=12),
    st.integers(0, 3),
)
def test_digits_are_counted_and_read_from_the_bytes_as_python_reads_them(cells: list[str | None], skip: int) -> None:
    """Over a sliced array too: its bytes start past those of the cells cut off."""
    import pyarrow as pa

    from validate.gaps import _digits

    array = pa.array(["12345", *cells], pa.large_string()).slice(min(skip, len(cells) + 1))
    count, number = _digits(array)
    for i, cell in enumerate(array.to_pylist()):
        ascii_digits = [c for c in cell or "" if c in "0123456789"]
        assert count[i] == len(ascii_digits)
        if 0 < len(ascii_digits) <= 15:
            assert number[i] == int("".join(ascii_digits))
        else:
            assert number[i] != number[i]  # NaN: none, or too many to add up exactly


@given(st.text(st.sampled_from("ab\n\r’é 7"), max_size=30))
def test_lines_read_from_the_bytes_are_the_lines_of_the_text(text: str) -> None:
    """The ledger's lines, each decoded when read, are those str.split gives, by any index."""
    from validate.gaps import _RawLines

    lines, expected = _RawLines(text.encode("utf-8")), text.split("\n")
    assert len(lines) == len(expected)
    for index in range(-len(expected), len(expected)):
        assert lines[index] == expected[index]
    for outside in (len(expected), -len(expected) - 1):
        with pytest.raises(IndexError):
            lines[outside]
