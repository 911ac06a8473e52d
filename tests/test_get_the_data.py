"""The README's "Get the data" section: near the top, its links live, its examples run as written."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
STEM = f"{DESCRIPTOR['name']}-{DESCRIPTOR['version']}"
TABLES = [r for r in DESCRIPTOR["resources"] if r.get("type") == "table"]
HEADING = "## Get the data"


def section() -> str:
    """The section's text, from its heading to the next second-level heading."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index(HEADING + "\n")
    end = readme.index("\n## ", start + len(HEADING))
    return readme[start:end]


def block(language: str) -> str:
    """The section's one code block in language."""
    blocks = re.findall(rf"```{language}\n(.*?)```", section(), flags=re.S)
    assert len(blocks) == 1, language
    return str(blocks[0])


def the_question() -> tuple[list[str], list[str]]:
    """The UCOL 2022/23 arrest rows, from outcomes.csv, and the register entries that list them."""
    with (ROOT / "data" / "outcomes.csv").open(encoding="utf-8", newline="") as handle:
        ids = [
            row["outcome_id"]
            for row in csv.DictReader(handle)
            if row["operation_id"] == "ucol-2022-23" and row["metric_id"] == "arrests"
        ]
    with (ROOT / "data" / "discrepancy_outcomes.csv").open(encoding="utf-8", newline="") as handle:
        entries = sorted({row["discrepancy_id"] for row in csv.DictReader(handle) if row["outcome_id"] in ids})
    assert ids and entries, "the README's question must have an answer in the data"
    return ids, entries


def test_get_the_data_is_the_first_section() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## .*$", readme, flags=re.M)
    assert headings[0] == HEADING


def test_every_table_and_the_flat_table_is_linked_and_every_local_link_exists() -> None:
    links = re.findall(r"\]\(([^)#]+)\)", section())
    local = [link for link in links if not link.startswith(("http://", "https://", "../"))]
    assert all((ROOT / link).is_file() for link in local), local
    assert {table["path"] for table in TABLES} | {"derived/figures.csv", "CITATION.cff"} <= set(local)


def test_the_release_files_named_are_the_ones_the_build_writes() -> None:
    text = section()
    for name in (f"{STEM}.xlsx", f"{STEM}-figures.csv", f"{STEM}.sqlite", f"{STEM}.zip"):
        assert f"`{name}`" in text, name


def test_the_pandas_example_runs_offline_as_written() -> None:
    completed = subprocess.run(
        [sys.executable, "-c", block("python")], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    ids, entries = the_question()
    printed = completed.stdout.split()
    assert [word for word in printed if word in ids] == ids
    assert all(entry in printed for entry in entries)


def test_the_duckdb_example_runs_offline_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb

    monkeypatch.chdir(ROOT)
    result = duckdb.connect().sql(block("sql"))
    columns = result.columns
    rows = [dict(zip(columns, row, strict=True)) for row in result.fetchall()]
    ids, entries = the_question()
    assert [row["outcome_id"] for row in rows] == ids
    assert sorted({part for row in rows if row["discrepancy_ids"] for part in row["discrepancy_ids"].split("; ")}) == (
        entries
    )
    assert all(row["interval"] and row["quote"] and row["line"] for row in rows)


def test_the_r_example_asks_the_same_question_of_the_same_file() -> None:
    # R is not installed where the tests run; the example is checked to use the same file and filter.
    code = block("r")
    assert 'read_csv("derived/figures.csv")' in code
    assert 'operation_id == "ucol-2022-23" & metric_id == "arrests"' in code
    assert len(code.strip().splitlines()) == 3
