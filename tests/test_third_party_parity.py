"""Parity with frictionless on packages others publish (tests/fixtures/third_party).

For each fixture both validators run, offline: frictionless live (its verdict must still be
the one recorded in third_party_verdicts.py), and ours as `python -m validate DIR --format json`.
They must agree:

- validity: frictionless valid exactly when we exit 0 (and we exit 0 or 1, never 2 or 3);
- every frictionless error is ours too, as a finding whose frictionless_type is its type: a
  cell error at the same file, physical line and field; a row error (extra-cell, missing-cell,
  blank-row) at the same file and line; an error about a whole resource or package anywhere;
- we report no error or warning that frictionless does not (infos are ignored), except where
  DOCUMENTED says why, case by case.

Where an error is: a table's path as the descriptor writes it (for a multipart table, the
part's), and the physical line where its record starts (the header is line 1, CRLF counts as
one line end). For inline data, the descriptor's file name and the line of the descriptor that
holds the row (the inline fixtures write one row per line, the header row on the line after
`"data": [`).

A fixture that does not reach parity goes in GAPS as a strict xfail, with its reason, so it
fails the moment it starts to pass; today GAPS is empty.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import subprocess
import sys
from collections import Counter
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

# Each of our findings carries the frictionless type of its defect (frictionless_type); where
# frictionless names the same defect otherwise, the types of ours that report it.
SAME: dict[str, set[str]] = {
    # A profile it cannot fetch: frictionless stops with a metadata-error; ours is descriptor-profile.
    "metadata-error": {"package-error"},
}
# Errors about a row, not a cell: located at the row's line, with no field.
ROW_TYPES = {"extra-cell", "missing-cell", "blank-row"}

# fixture -> codes of ours frictionless does not report there, and why (case by case).
DOCUMENTED: dict[str, dict[str, str]] = {
    "camtrap-dp": {
        "remote-reference": "frictionless stops at the first URL it cannot fetch (the package's profile); "
        "we report every remote reference, one finding each, and read nothing that depends on them",
    },
}

# test -> fixture -> why it fails today, as a strict xfail. Empty: every fixture is at parity.
GAPS: dict[str, dict[str, str]] = {
    "validity": {},
    "theirs_in_ours": {},
    "ours_in_theirs": {},
    "remote_one_finding": {},
}


class Expected(NamedTuple):
    """Where and how we must report one frictionless error; None for file, line or field means any."""

    kinds: frozenset[str]
    file: str | None
    line: int | None
    field: str | None


Finding = tuple[str, str, int | None, str | None, str | None]  # code, file, line, field, frictionless type


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


def records(path: Path, separator: str) -> list[int]:
    """The physical line where each CSV record of a file starts (the header's included)."""
    reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""), delimiter=separator)
    starts, previous = [], 0
    for _ in reader:
        starts.append(previous + 1)
        previous = reader.line_num
    return starts


def row_place(name: str, resource: dict[str, Any], row: int) -> tuple[str, int]:
    """The file and physical line of frictionless's row number (header = 1) of a resource: a multipart
    path is one table whose later parts each start with the header, which frictionless skips."""
    if "data" in resource:
        return descriptor_name(FIXTURES / name), inline_row_line(name, row)
    parts = resource["path"] if isinstance(resource["path"], list) else [resource["path"]]
    placed: list[tuple[str, int]] = []
    for number, part in enumerate(parts):
        lines = records(FIXTURES / name / part, delimiter(resource))
        placed += [(part, line) for line in (lines if number == 0 else lines[1:])]
    return placed[row - 1]


def inline_row_line(name: str, row: int) -> int:
    """The descriptor line of inline row number row (header = 1): the fixtures write one row per line."""
    lines = (FIXTURES / name / descriptor_name(FIXTURES / name)).read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines, start=1) if line.strip() == '"data": [']
    assert len(starts) == 1, "the inline fixtures have one inline resource"
    return starts[0] + row


def expected(name: str, error: dict[str, Any]) -> Expected:
    """Where our validator must report one of frictionless's errors on a fixture."""
    kind = error["type"]
    kinds = frozenset({kind, *SAME.get(kind, set())})
    meta = descriptor(name)
    resource = next((r for r in meta["resources"] if r.get("name") == error["resource"]), None)
    if error.get("rowNumber") is not None and resource is not None:
        file, line = row_place(name, resource, int(error["rowNumber"]))
        field = None if kind in ROW_TYPES else error["fieldName"]
        return Expected(kinds, file, line, field)
    return Expected(kinds, None, None, None)


def matches(want: Expected, got: Finding) -> bool:
    _, file, line, field, kind = got
    return (
        kind in want.kinds
        and (want.file is None or file == want.file)
        and (want.line is None or line == want.line)
        and (want.field is None or field == want.field)
    )


def located(name: str, severities: tuple[str, ...]) -> list[Finding]:
    return [
        (f["code"], f["file"], f["line"], f["field"], f["frictionless_type"])
        for f in ours(name)[1]
        if f["severity"] in severities
    ]


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
    # The twin has exactly one error more than the package as published, and it is a cell's.
    added = Counter(VERDICTS[f"{name}-bad-cell"].errors) - Counter(VERDICTS[name].errors)
    assert not Counter(VERDICTS[name].errors) - Counter(VERDICTS[f"{name}-bad-cell"].errors)
    assert len(list(added.elements())) == 1
    assert all(row is not None and field for _, row, field in added)


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
    excused = DOCUMENTED.get(name, {})
    extra = [
        f for f in located(name, ("error", "warning")) if not any(matches(w, f) for w in wanted) and f[0] not in excused
    ]
    assert extra == []


@pytest.mark.parametrize("name", cases("remote_one_finding", ["remote-path"]))
def test_a_remote_path_is_refused_with_exactly_one_finding(name: str) -> None:
    code, _ = ours(name)
    assert code == 1
    assert [f[:2] for f in located(name, ("error", "warning"))] == [("remote-reference", "datapackage.json")]
    # The one info a package without x-claims gets, saying which layers did not apply.
    assert [f[0] for f in located(name, ("info",))] == ["layer-not-declared"]


def test_each_remote_schema_is_one_finding_that_names_its_url() -> None:
    meta = descriptor("camtrap-dp")
    urls = {
        f"resources[{r['name']}].schema": r["schema"] for r in meta["resources"] if isinstance(r.get("schema"), str)
    }
    assert len(urls) == 3
    code, findings = ours("camtrap-dp")
    assert code == 1
    remote = [f for f in findings if f["code"] == "remote-reference"]
    assert sorted(f["field"] for f in remote) == sorted(urls)
    assert all(urls[f["field"]] in f["message"] and "vendor" in f["message"] for f in remote)
    # The profile it cannot fetch is the only other error; nothing cascades from the schemas.
    others = [(f["code"], f["field"]) for f in findings if f["severity"] == "error" and f["code"] != "remote-reference"]
    assert others == [("descriptor-profile", "profile")]
