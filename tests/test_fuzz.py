"""The fuzz harness's short fixed budget, and proof that its checks catch what they claim to.

The budget draws the same cases on every run (hypothesis, derandomized) from the classes in
``fuzz_harness.SHORT_BUDGET`` and runs every command they apply to as a subprocess. ``make fuzz``
runs the long budget over every class.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import fuzz_harness as fuzz
import pytest

SHORT_CASES = len(fuzz.SHORT_BUDGET)
"""Cases in the test command's budget: one per class, about a minute of processor time in all."""


def test_short_budget_keeps_every_promise() -> None:
    """Every drawn case of the enabled classes: exit 0/1/2, no traceback, no write outside, in time, no false valid."""
    cases = fuzz.draw_cases(sorted(fuzz.SHORT_BUDGET), SHORT_CASES, seed=None)
    assert {c.kind for c in cases} == set(fuzz.SHORT_BUDGET)
    outcomes = fuzz.run_cases(cases, jobs=2)
    failing = [o for o in outcomes if o.failures]
    assert not failing, fuzz.summary(failing)


def test_short_budget_is_fixed() -> None:
    """The same cases every run: a failure in CI is reproduced by running the test again."""
    first = fuzz.draw_cases(sorted(fuzz.SHORT_BUDGET), SHORT_CASES, seed=None)
    second = fuzz.draw_cases(sorted(fuzz.SHORT_BUDGET), SHORT_CASES, seed=None)
    assert [c.to_json() for c in first] == [c.to_json() for c in second]


def test_every_class_draws_runnable_cases(tmp_path: Path) -> None:
    """Each class applies its mutation to the base packages it names without failing itself."""
    for name in sorted(fuzz.CLASSES):
        for case in fuzz.draw_cases([name], 2, seed=None):
            root = tmp_path / f"{name}-{len(list(tmp_path.iterdir()))}"
            root.mkdir()
            layout = fuzz.prepare(case, root)
            fuzz.apply_mutation(case, layout)
            assert fuzz.command_line(case, layout)[0] == sys.executable


def test_short_budget_names_only_known_classes() -> None:
    """A misspelt class name in the switch would silently run nothing."""
    assert set(fuzz.CLASSES) >= fuzz.SHORT_BUDGET


# ---- the checks themselves catch what they claim to ---------------------------------------------------


def _layout(tmp_path: Path, command: str = "validate") -> tuple[fuzz.Case, fuzz.Layout]:
    """A prepared, unmutated case of the example package."""
    case = fuzz.Case("csv-cut-row", "example", command, {"table": 0, "row": 0})
    return case, fuzz.prepare(case, tmp_path / "case")


def _judge(
    case: fuzz.Case, layout: fuzz.Layout, before: fuzz.Snapshot, exit_code: int | None, output: str
) -> list[str]:
    """The harness's verdict on a run that left the folder as it is now."""
    after = fuzz.snapshot(layout.root)
    return fuzz.judge(case, layout, before, after, exit_code, 1.0, 0, output, 1000, 60.0)


def test_judge_catches_a_write_outside(tmp_path: Path) -> None:
    """A byte changed in the sentinel folder, or a file created beside the package, is a failure."""
    case, layout = _layout(tmp_path)
    before = fuzz.snapshot(layout.root)
    (layout.outside / "victim.txt").write_text("overwritten\n")
    (layout.root / "escape.sqlite").write_bytes(b"x")
    failures = _judge(case, layout, before, 1, "")
    assert [f.split(":")[0] for f in failures] == ["write-outside"]
    assert "escape.sqlite created" in failures[0] and "outside/victim.txt changed" in failures[0]


def test_judge_catches_the_validator_writing_its_package(tmp_path: Path) -> None:
    """validate may not touch the package, not even its mtime."""
    case, layout = _layout(tmp_path)
    before = fuzz.snapshot(layout.root)
    descriptor = layout.package / "datapackage.json"
    descriptor.touch()
    import os

    os.utime(descriptor, ns=(0, 1))
    assert [f.split(":")[0] for f in _judge(case, layout, before, 0, "")] == ["write-outside"]


def test_judge_catches_crash_traceback_and_false_valid(tmp_path: Path) -> None:
    """Exit 3, a traceback, a timeout and exit 0 on a package known broken are each a failure."""
    case, layout = _layout(tmp_path)
    before = fuzz.snapshot(layout.root)
    assert [f.split(":")[0] for f in _judge(case, layout, before, 3, "internal error: X")] == ["exit-code"]
    traceback = "Traceback (most recent call last):\n  File x\nValueError: y\n"
    assert [f.split(":")[0] for f in _judge(case, layout, before, 1, traceback)] == ["traceback"]
    assert [f.split(":")[0] for f in _judge(case, layout, before, None, "")] == ["timeout"]
    layout.breaks = True
    assert [f.split(":")[0] for f in _judge(case, layout, before, 0, "")] == ["false-valid"]


def test_judge_lets_publish_write_only_in_out(tmp_path: Path) -> None:
    """publish may create its outputs in --out and nowhere else; a temporary left behind is a failure."""
    case, layout = _layout(tmp_path, "publish")
    before = fuzz.snapshot(layout.root)
    layout.out.mkdir()
    (layout.out / "metadata.json").write_text("{}")
    assert _judge(case, layout, before, 0, "") == []
    (layout.out / ".x.sqlite.partial").write_bytes(b"")
    assert [f.split(":")[0] for f in _judge(case, layout, before, 1, "")] == ["leftover-temporary"]


def test_judge_catches_add_source_rewriting_the_descriptor(tmp_path: Path) -> None:
    """add-source that re-indents the descriptor breaks the promise to keep the file's formatting."""
    case, layout = _layout(tmp_path, "add-source")
    layout.sources_path, _ = fuzz._sources(layout)
    fuzz._remember_formats(layout)
    before = fuzz.snapshot(layout.root)
    descriptor = json.loads((layout.package / "datapackage.json").read_text(encoding="utf-8"))
    (layout.package / "datapackage.json").write_text(json.dumps(descriptor, indent=4) + "\n", encoding="utf-8")
    archive = layout.package / "data" / "archive" / "001_new.txt"
    archive.write_bytes(layout.source_text.read_bytes())
    failures = _judge(case, layout, before, 0, "")
    assert [f.split(":")[0] for f in failures] == ["descriptor-format"]


def test_judge_lets_add_source_insert_into_a_one_line_descriptor(tmp_path: Path) -> None:
    """A descriptor written on one line stays one line: the new resource inserted as one span is
    the file's own formatting kept; any other change to the old text is not."""
    case, layout = _layout(tmp_path, "add-source")
    layout.sources_path, _ = fuzz._sources(layout)
    path = layout.package / "datapackage.json"
    path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8"))), encoding="utf-8")
    fuzz._remember_formats(layout)
    before = fuzz.snapshot(layout.root)
    one_line = path.read_text(encoding="utf-8")
    end = one_line.rindex("]")
    path.write_text(one_line[:end] + ', {"name": "archive-new", "path": "data/archive/001_new.txt"}' + one_line[end:])
    (layout.package / "data" / "archive" / "001_new.txt").write_bytes(layout.source_text.read_bytes())
    assert _judge(case, layout, before, 0, "") == []
    path.write_text(path.read_text(encoding="utf-8").replace('"name": ', '"name":', 1), encoding="utf-8")
    assert [f.split(":")[0] for f in _judge(case, layout, before, 0, "")] == ["descriptor-format"]


@pytest.mark.parametrize("refused", [1, 2])
def test_judge_wants_a_refused_add_source_to_change_nothing(tmp_path: Path, refused: int) -> None:
    """A refusal that leaves a new archive behind is a write outside the allowed outputs."""
    case, layout = _layout(tmp_path, "add-source")
    before = fuzz.snapshot(layout.root)
    (layout.package / "data" / "archive" / "001_new.txt").write_bytes(b"left behind")
    assert [f.split(":")[0] for f in _judge(case, layout, before, refused, "")] == ["write-outside"]


def test_a_huge_value_stays_short_in_the_case_and_whole_in_the_package(tmp_path: Path) -> None:
    """A 5,000-digit number is drawn as a short marker, so its case prints and replays, and lands whole."""
    case = fuzz.Case("descriptor-big-number", "example", "validate", {"where": "top", "token": fuzz.BIG})
    assert len(case.to_json()) < 200
    layout = fuzz.prepare(case, tmp_path / "case")
    fuzz.apply_mutation(case, layout)
    text = (layout.package / "datapackage.json").read_text(encoding="utf-8")
    assert '"x-big": ' + "9" * 5000 + "\n" in text


def test_ctrl_c_is_due_when_the_watched_file_appears(tmp_path: Path) -> None:
    """The watched interrupt fires on the change itself, whatever the machine's speed."""
    watched = tmp_path / "sources.csv"
    interrupt = fuzz.Interrupt(watch=watched)
    before = fuzz._signature(watched)
    assert not fuzz._due(interrupt, 0.0, before)
    watched.write_text("a\n")
    assert fuzz._due(interrupt, 0.0, before)
