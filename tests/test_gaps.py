"""The bulk coverage pass (validate.gaps) stands in for the exact ledger (validate.coverage): on any
package the check must report the same numbers, stale exclusions and stray rows from either."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, copy_package, edit, read_rows, write_rows
from validate.archives import source_texts
from validate.coverage import Coverage, coverage
from validate.gaps import _lines, _numbers, gaps
from validate.loading import load_package
from validate.options import Options
from validate.printed import scan

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


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(TOKENS), max_size=14).map("".join), min_size=1, max_size=4))
def test_the_bulk_reading_of_numbers_is_the_scanner_s(texts: list[str]) -> None:
    sources = list(texts)
    frame = _numbers(sources, _lines(sources))
    bulk = sorted(zip(frame["src"], frame["ln"], frame["start"], frame["end"], frame["value"], strict=True))
    exact = sorted((i, n.line, n.start, n.end, n.value) for i, text in enumerate(texts) for n in scan(text))
    assert bulk == exact


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
