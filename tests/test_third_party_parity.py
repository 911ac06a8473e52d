"""Parity with frictionless on packages shaped like other people's (tests/fixtures/third_party).

For each fixture both validators run, offline: frictionless live (its verdict must still be
the one recorded in third_party_verdicts.py), and ours as `python -m validate DIR --format json`.
They must agree:

- validity: frictionless valid exactly when we exit 0 (and we exit 0 or 1, never 2 or 3);
- every frictionless error is ours too: a cell error (type-error at rowNumber, fieldName)
  as an error of an equivalent code at the same file, physical line and field; an error
  about a whole resource (scheme-error for a remote path) as an error of an equivalent code;
- we report no error or warning that frictionless does not (infos are ignored).

Where an error is: a table's path as the descriptor writes it, and the physical line where
its record starts (the header is line 1, CRLF counts as one line end). For inline data,
the descriptor's file name and the line of the descriptor that holds the row (the inline
fixtures write one row per line, the header row on the line after `"data": [`).

The validator reads v1 and v2 descriptors, CRLF files, dialects, TSV, inline data and YAML
descriptors. A fixture that does not reach parity goes in GAPS as a strict xfail, with its reason,
so it fails the moment it starts to pass; today GAPS is empty.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml

from third_party_verdicts import (
    FIXTURES,
    FRICTIONLESS,
    VERDICTS,
    descriptor_name,
    errors_of,
    fixture_names,
    frictionless_report,
    project,
)

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 180

# frictionless error type -> the codes of ours that report the same defect.
CELL_CODES: dict[str, set[str]] = {
    "type-error": {"type-error", "invalid-date"},
    "constraint-error": {
        "required-missing",
        "pattern-mismatch",
        "enum-violation",
        "out-of-range",
        "duplicate-value",
        "constraint-violation",
    },
}
RESOURCE_CODES: dict[str, set[str]] = {
    "scheme-error": {"remote-reference"},
}

# test -> fixture -> why it fails today, as a strict xfail. Empty: every fixture is at parity.
GAPS: dict[str, dict[str, str]] = {
    "validity": {},
    "theirs_in_ours": {},
    "ours_in_theirs": {},
    "remote_one_finding": {},
}


class Expected(NamedTuple):
    """Where and how we must report one frictionless error; None for line or field means any."""

    codes: frozenset[str]
    file: str
    line: int | None
    field: str | None


Finding = tuple[str, str, int | None, str | None]  # code, file, line, field


def cases(test: str, names: list[str] | None = None) -> list[Any]:
    """The fixtures as parameters, each known gap of this test a strict xfail."""
    gaps = GAPS[test]
    return [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=gaps[n])) if n in gaps else n
        for n in (names if names is not None else fixture_names())
    ]


def needs_frictionless() -> None:
    if not FRICTIONLESS.exists():
        pytest.skip("frictionless CLI is not installed next to this interpreter")


@cache
def theirs(name: str) -> dict[str, Any]:
    """frictionless's live report on a fixture, offline."""
    return frictionless_report(FIXTURES / name)


@cache
def ours(name: str) -> tuple[int, tuple[dict[str, Any], ...]]:
    """Our validator's exit code and findings on a fixture."""
    done = subprocess.run(
        [sys.executable, "-m", "validate", str(FIXTURES / name), "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, tuple(json.loads(done.stdout)["findings"])


def descriptor(name: str) -> dict[str, Any]:
    fixture = FIXTURES / name
    text = (fixture / descriptor_name(fixture)).read_text(encoding="utf-8")
    loaded: dict[str, Any] = (
        yaml.safe_load(text) if descriptor_name(fixture).endswith(("yaml", "yml")) else json.loads(text)
    )
    return loaded


def delimiter(resource: dict[str, Any]) -> str:
    dialect = resource.get("dialect")
    if isinstance(dialect, dict) and isinstance(dialect.get("delimiter"), str):
        return str(dialect["delimiter"])
    return "\t" if resource.get("format") == "tsv" else ","


def record_line(path: Path, separator: str, row: int) -> int:
    """The physical line where CSV record number row (header = 1) starts."""
    reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""), delimiter=separator)
    previous = 0
    for number, _ in enumerate(reader, start=1):
        if number == row:
            return previous + 1
        previous = reader.line_num
    raise IndexError(f"{path.name} has no record {row}")


def inline_row_line(name: str, row: int) -> int:
    """The descriptor line of inline row number row (header = 1): the fixtures write one row per line."""
    lines = (FIXTURES / name / descriptor_name(FIXTURES / name)).read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines, start=1) if line.strip() == '"data": [']
    assert len(starts) == 1, "the inline fixtures have one inline resource"
    return starts[0] + row


def expected(name: str, error: dict[str, Any]) -> Expected:
    """Where our validator must report one of frictionless's errors on a fixture."""
    kind = error["type"]
    meta = descriptor(name)
    desc_file = descriptor_name(FIXTURES / name)
    resource = next((r for r in meta["resources"] if r.get("name") == error["resource"]), None)
    if error.get("rowNumber") is not None and error.get("fieldName") and resource is not None:
        row = int(error["rowNumber"])
        if "data" in resource:
            return Expected(frozenset(CELL_CODES[kind]), desc_file, inline_row_line(name, row), error["fieldName"])
        path = str(resource["path"])
        return Expected(
            frozenset(CELL_CODES[kind]),
            path,
            record_line(FIXTURES / name / path, delimiter(resource), row),
            error["fieldName"],
        )
    assert kind in RESOURCE_CODES, f"no equivalent known for frictionless {kind}: {error}"
    return Expected(frozenset(RESOURCE_CODES[kind]), desc_file, None, None)


def matches(want: Expected, got: Finding) -> bool:
    code, file, line, field = got
    return (
        code in want.codes
        and file == want.file
        and (want.line is None or line == want.line)
        and (want.field is None or field == want.field)
    )


def located(name: str, severities: tuple[str, ...]) -> list[Finding]:
    return [(f["code"], f["file"], f["line"], f["field"]) for f in ours(name)[1] if f["severity"] in severities]


# ---- the fixtures themselves ------------------------------------------------------------------


@pytest.mark.parametrize("name", fixture_names())
def test_frictionless_still_gives_the_recorded_verdict(name: str) -> None:
    needs_frictionless()
    assert project(theirs(name)) == VERDICTS[name]


def test_every_fixture_has_a_recorded_verdict() -> None:
    assert sorted(VERDICTS) == fixture_names()


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "README.md"
    }


@pytest.mark.parametrize("name", [n for n in fixture_names() if f"{n}-bad-cell" in fixture_names()])
def test_each_bad_cell_twin_differs_in_exactly_one_cell(name: str) -> None:
    good, bad = _files(FIXTURES / name), _files(FIXTURES / f"{name}-bad-cell")
    assert good.keys() == bad.keys()
    changed = [path for path in good if good[path] != bad[path]]
    assert len(changed) == 1, changed
    old, new = good[changed[0]].split(b"\n"), bad[changed[0]].split(b"\n")
    lines = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    assert len(lines) == 1
    a, b = (line.decode("utf-8") for line in lines[0])
    words = [op for op in difflib.SequenceMatcher(None, a, b).get_opcodes() if op[0] != "equal"]
    assert words, "the twin changes one cell"
    separators = {",", ";", "\t", "[", "]"}
    assert not any(set(a[i1:i2]) & separators or set(b[j1:j2]) & separators for _, i1, i2, j1, j2 in words), (
        "the change stays inside one cell"
    )
    assert VERDICTS[name].valid and not VERDICTS[f"{name}-bad-cell"].valid
    assert len(VERDICTS[f"{name}-bad-cell"].errors) == 1


# ---- parity -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", cases("validity"))
def test_same_validity_as_frictionless(name: str) -> None:
    needs_frictionless()
    assert (ours(name)[0] == 0) is bool(theirs(name)["valid"]), located(name, ("error", "warning"))


@pytest.mark.parametrize("name", cases("theirs_in_ours"))
def test_every_frictionless_error_is_ours_at_the_same_place(name: str) -> None:
    needs_frictionless()
    found = located(name, ("error",))
    wanted = [expected(name, error) for error in errors_of(theirs(name))]
    assert [w for w in wanted if not any(matches(w, f) for f in found)] == [], found


@pytest.mark.parametrize("name", cases("ours_in_theirs"))
def test_no_error_or_warning_of_ours_that_frictionless_does_not_report(name: str) -> None:
    needs_frictionless()
    wanted = [expected(name, error) for error in errors_of(theirs(name))]
    extra = [f for f in located(name, ("error", "warning")) if not any(matches(w, f) for w in wanted)]
    assert extra == []


@pytest.mark.parametrize("name", cases("remote_one_finding", ["remote-path"]))
def test_a_remote_path_is_refused_with_exactly_one_finding(name: str) -> None:
    code, _ = ours(name)
    assert code == 1
    assert [f[:2] for f in located(name, ("error", "warning"))] == [("remote-reference", "datapackage.json")]
    # The one info a package without x-claims gets, saying which layers did not apply.
    assert [f[0] for f in located(name, ("info",))] == ["layer-not-declared"]
