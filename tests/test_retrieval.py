"""Where and when an archived copy was retrieved: recorded by add-source, checked by the validator."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import edit, located, read_rows, run
from contribute.cli import main
from validate.retrieval import date_problem, url_problem

SOURCES = "data/sources.csv"
NEW_TEXT = b"Officers arrested 14 people during a fortnight of action.\n"
ARGS = ("--id", "fortnight-of-action", "--field", "title=Fortnight of action", "--field", "published_doubtful=false")
NOON_UTC = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "url", ["https://www.example.org/news/item?id=4#top", "http://example.co.uk", "https://a.example:8080/x"]
)
def test_a_web_address_has_the_shape(url: str) -> None:
    assert url_problem(url) is None


@pytest.mark.parametrize(
    "url",
    ["example.org/page", "ftp://example.org/x", "https://localhost/x", "https://exa mple.org", "javascript:x", ""],
)
def test_what_is_not_a_web_address(url: str) -> None:
    assert url_problem(url) is not None


def test_a_date_is_in_the_future_only_once_no_zone_has_reached_it() -> None:
    # At noon UTC on 6 December, UTC+14 is already at 02:00 on 7 December: the 7th has begun.
    assert date_problem("2026-12-06", NOON_UTC) is None
    assert date_problem("2026-12-07", NOON_UTC) is None
    assert date_problem("2026-12-08", NOON_UTC) is not None
    assert date_problem("2026-1-8", NOON_UTC) is not None
    assert date_problem("6 December 2026", NOON_UTC) is not None


def test_a_retrieved_from_that_is_not_an_address_is_one_finding_at_its_cell(package: Path) -> None:
    first = read_rows(package / SOURCES)[1][0]
    line = edit(package, "sources", first, "retrieved_from", "www.example.org/page")
    code, report = run(package)
    assert code == 1
    assert located(report) == {("retrieval-invalid", SOURCES, line, "retrieved_from")}


def test_a_malformed_retrieved_on_is_one_finding_from_the_types_layer(package: Path) -> None:
    first = read_rows(package / SOURCES)[1][0]
    line = edit(package, "sources", first, "retrieved_on", "2024-02-30")
    code, report = run(package)
    assert code == 1
    assert located(report) == {("invalid-date", SOURCES, line, "retrieved_on")}


def add(package: Path, tmp_path: Path, *args: str) -> tuple[int, str]:
    """Exit code and output of add-source of a small new text."""
    text = tmp_path / "new.txt"
    text.write_bytes(NEW_TEXT)
    result = CliRunner().invoke(main, ["add-source", str(text), "--package", str(package), *ARGS, *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_add_source_records_where_and_when_the_copy_was_retrieved(package: Path, tmp_path: Path) -> None:
    before = read_rows(package / SOURCES)
    code, output = add(
        package, tmp_path, "--retrieved-from", "https://www.example.org/news/1", "--retrieved-on", "2026-01-15"
    )
    assert code == 0, output
    header, *rows = read_rows(package / SOURCES)
    row = dict(zip(header, rows[-1], strict=True))
    assert (row["source_id"], row["retrieved_from"], row["retrieved_on"]) == (
        "fortnight-of-action",
        "https://www.example.org/news/1",
        "2026-01-15",
    )
    assert row["url"] == ""  # what the text prints stays apart, and unknown
    assert [header, *rows[:-1]] == before  # the rows already there keep their empty cells


def test_add_source_leaves_both_empty_when_not_given(package: Path, tmp_path: Path) -> None:
    code, output = add(package, tmp_path)
    assert code == 0, output
    header, *rows = read_rows(package / SOURCES)
    row = dict(zip(header, rows[-1], strict=True))
    assert (row["retrieved_from"], row["retrieved_on"]) == ("", "")


@pytest.mark.parametrize(
    "args",
    [("--retrieved-from", "example.org/page"), ("--retrieved-on", "2999-01-01"), ("--retrieved-on", "15/01/2026")],
)
def test_add_source_refuses_a_bad_address_or_date_and_changes_nothing(
    package: Path, tmp_path: Path, args: tuple[str, str]
) -> None:
    before = {p: p.read_bytes() for p in sorted(package.rglob("*")) if p.is_file()}
    code, output = add(package, tmp_path, *args)
    assert code == 1, output
    assert args[1] in output
    assert {p: p.read_bytes() for p in sorted(package.rglob("*")) if p.is_file()} == before
