"""The command line: formats, exit codes, and one entry point behind two commands."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import validate
from conftest import ROOT, edit, run
from validate.cli import main


def test_import_name_resolves_to_this_project() -> None:
    # another distribution ships a top-level module called ``validate``
    assert validate.PROJECT == "uk-online-csa-policing"
    assert Path(validate.__file__).resolve().parent == ROOT / "validate"


def test_module_and_console_script_agree() -> None:
    script = Path(sys.executable).with_name("ocsa-validate")
    outputs = [
        subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
        for cmd in ([sys.executable, "-m", "validate", "--format", "json"], [str(script), "--format", "json"])
    ]
    assert outputs[0].returncode == outputs[1].returncode == 0
    assert outputs[0].stdout == outputs[1].stdout
    assert json.loads(outputs[0].stdout)["valid"] is True


@pytest.mark.parametrize("entry", ["module", "script"])
def test_the_process_writes_its_whole_report_before_it_exits(package: Path, entry: str) -> None:
    """The command ends its process without freeing what it built (validate.cli.run): the
    report, far larger than a pipe holds, must still arrive whole, with its exit code."""
    rows = (package / "data" / "metrics.csv").read_text(encoding="utf-8").splitlines()
    body = "\n".join(rows + [f"m{i},M{i},count,=bad" for i in range(2000)]) + "\n"
    (package / "data" / "metrics.csv").write_text(body, encoding="utf-8")
    command = (
        [sys.executable, "-m", "validate"]
        if entry == "module"
        else [str(Path(sys.executable).with_name("ocsa-validate"))]
    )
    done = subprocess.run(
        [*command, str(package), "--format", "json", "--max-findings", "5000"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert len(done.stdout) > 1 << 16
    report = json.loads(done.stdout)
    assert sum(f["code"] == "formula-injection" for f in report["findings"]) == 2000
    usage = subprocess.run([*command, str(package / "absent")], capture_output=True, text=True, timeout=60, check=False)
    assert (usage.returncode, usage.stdout) == (2, "")
    assert "is not a directory" in usage.stderr


def test_the_process_does_not_import_what_it_never_uses() -> None:
    """pandera imports hypothesis, where installed, for data synthesis the validator never
    asks for (validate.cli.run marks it absent): the run must not pay for its import."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "validate", "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "pandera.backends.pandas.builtin_checks" in imported
    assert "hypothesis" not in imported  # its submodules' lines may remain: attempts that failed at once


def test_json_report_keeps_its_contract(package: Path) -> None:
    edit(package, "outcomes", "ucol-l23-arrests", "number", "1666")
    code, report = run(package)
    assert code == 1
    assert report["valid"] is False
    for item in report["findings"]:
        assert {"code", "severity", "file", "line", "field", "message"} <= set(item)


def test_github_annotations_carry_file_and_line(package: Path) -> None:
    line = edit(package, "outcomes", "ucol-l23-arrests", "number", "1666")
    result = CliRunner().invoke(main, [str(package), "--format", "github"])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("::error ")]
    assert errors == [
        f"::error file=data/outcomes.csv,line={line},title=figure-not-in-quote number::" + errors[0].split("::", 2)[2]
    ]


def test_github_annotations_stay_within_limits(package: Path) -> None:
    rows = (package / "data" / "metrics.csv").read_text(encoding="utf-8").splitlines()
    body = "\n".join(rows + [f"m{i},M{i},count,=bad" for i in range(30)]) + "\n"
    (package / "data" / "metrics.csv").write_text(body, encoding="utf-8")
    result = CliRunner().invoke(main, [str(package), "--format", "github"])
    annotations = [line for line in result.output.splitlines() if re.match(r"::(error|warning) ", line)]
    # 30 formula-injection errors: GitHub shows at most 10 annotations of a kind per step
    assert len([a for a in annotations if a.startswith("::error")]) == 10
    assert "more findings are not annotated" in result.output


def test_markdown_and_text_end_with_a_verdict() -> None:
    for format_ in ("text", "markdown"):
        result = CliRunner().invoke(main, [str(ROOT), "--format", format_])
        assert result.exit_code == 0
        # One info per register entry: the count follows the data, not this test.
        assert re.search(r"valid: 0 errors, 0 warnings, \d+ infos", result.output)


def test_usage_error_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, [str(tmp_path / "absent")])
    assert result.exit_code == 2


def test_internal_failure_is_one_line_and_exit_3(monkeypatch: pytest.MonkeyPatch) -> None:
    import validate.runner

    def explode(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(validate.runner, "validate_package", explode)
    result = CliRunner().invoke(main, [str(ROOT)])
    assert result.exit_code == 3
    assert result.output.strip().splitlines() == ["internal error: RuntimeError: boom (rerun with --debug)"]
