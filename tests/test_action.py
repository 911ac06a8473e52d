"""The composite GitHub Action (action.yml) and its run step, run locally as GitHub would run it.

The install and run steps' commands are taken from action.yml and run with bash, with the
environment a runner gives them: GITHUB_ACTION_PATH at a checkout of this repository,
GITHUB_WORKSPACE, GITHUB_STEP_SUMMARY at a file in tmp_path, the INPUT_* variables the step's
env maps its inputs to, and a fresh virtual environment's bin first on PATH, where
actions/setup-python would put a `python`. The install step runs once per test session in
that environment (conftest.action_venv), so every run step below uses the validator as the
action installs it, not the working tree. The set-up step needs the network and is not run;
its shape is checked instead.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, clean_environment, copy_package, edit, site_packages

ACTION = ROOT / "action.yml"
TIMEOUT = 300
RUN_STEP = "Validate the package"
INPUTS = {"package": ".", "format": "github", "strict": "false", "python-version": "3.11"}

Annotation = tuple[str, str, str, int | None, str | None]  # kind, code, file, line, field
Row = tuple[str, str, str, int | None, str | None]  # severity, code, file, line, field


def action() -> dict[str, Any]:
    loaded = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def step(name: str) -> dict[str, Any]:
    found = [s for s in action()["runs"]["steps"] if s.get("name") == name]
    assert len(found) == 1, name
    result: dict[str, Any] = found[0]
    return result


RunStep = Callable[[Path, dict[str, str], "Path | None"], "subprocess.CompletedProcess[str]"]


@pytest.fixture
def run_step(action_venv: Path) -> RunStep:
    """The action's validate step, run with the python the install step installed the validator in."""
    return functools.partial(_run_step, action_venv / "bin")


def _run_step(
    bin_dir: Path, workspace: Path, inputs: dict[str, str], summary: Path | None
) -> subprocess.CompletedProcess[str]:
    """Run the action's validate step in workspace with the given INPUT_* values."""
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": os.environ.get("HOME", str(workspace)),
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_WORKSPACE": str(workspace),
        **{f"INPUT_{name.upper()}": value for name, value in inputs.items()},
    }
    if summary is not None:
        env["GITHUB_STEP_SUMMARY"] = str(summary)
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step(RUN_STEP)["run"]],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def _unescape(value: str) -> str:
    return value.replace("%2C", ",").replace("%3A", ":").replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")


def annotations_in(output: str) -> set[Annotation]:
    """(kind, code, file, line, field) of every workflow-command annotation with a file."""
    found: set[Annotation] = set()
    for line in output.splitlines():
        match = re.match(r"^::(error|warning|notice) ([^:]*)::", line)
        if not match:
            continue
        props = dict(p.split("=", 1) for p in match.group(2).split(","))
        if "file" not in props:
            continue
        code, _, field = _unescape(props["title"]).partition(" ")
        found.add(
            (
                match.group(1),
                code,
                _unescape(props["file"]),
                int(props["line"]) if "line" in props else None,
                field or None,
            )
        )
    return found


def summary_rows(text: str) -> set[Row]:
    """(severity, code, file, line, field) of every row of the Markdown findings table."""
    rows: set[Row] = set()
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 5 or cells[0] not in ("error", "warning", "info"):
            continue
        severity, code, file, number, field = cells[:5]
        rows.add(
            (severity, code.strip("`"), file.strip("`"), int(number) if number else None, field.strip("`") or None)
        )
    return rows


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A workspace with a copy of the real package in pkg/."""
    copy_package(tmp_path / "ws" / "pkg")
    return tmp_path / "ws"


# ---- the shape of action.yml -------------------------------------------------------------


def test_action_is_composite_with_the_documented_inputs() -> None:
    spec = action()
    assert spec["runs"]["using"] == "composite"
    assert {name: str(value.get("default")) for name, value in spec["inputs"].items()} == INPUTS
    assert all(value.get("description") for value in spec["inputs"].values())


def test_action_sets_up_python_then_installs_from_its_own_checkout_with_the_lock() -> None:
    steps = action()["runs"]["steps"]
    assert steps[0]["uses"].startswith("actions/setup-python@v")
    assert steps[0]["with"]["python-version"] == "${{ inputs.python-version }}"
    install = steps[1]["run"]
    assert '-c "$GITHUB_ACTION_PATH/requirements.lock"' in install
    assert install.rstrip().endswith('"$GITHUB_ACTION_PATH"')
    assert (ROOT / "requirements.lock").is_file()
    assert steps[2]["name"] == RUN_STEP


def test_no_input_is_interpolated_into_shell_code() -> None:
    """Inputs reach the shell only through env: an expression in run: would be script injection."""
    for item in action()["runs"]["steps"]:
        if "run" in item:
            assert "${{" not in item["run"], item["name"]
            assert item["shell"] == "bash", item["name"]
    assert step(RUN_STEP)["env"] == {
        f"INPUT_{n.upper()}": f"${{{{ inputs.{n} }}}}" for n in ("package", "format", "strict")
    }


def test_run_step_calls_a_script_kept_in_the_repository() -> None:
    scripts = re.findall(r'"\$GITHUB_ACTION_PATH/([^"]+)"', step(RUN_STEP)["run"])
    assert scripts and all((ROOT / s).is_file() for s in scripts)


def test_the_install_step_installs_the_validator_itself_not_a_link_to_the_checkout(
    action_venv: Path, tmp_path: Path
) -> None:
    done = subprocess.run(
        [str(action_venv / "bin" / "python"), "-c", "import validate.checks; print(validate.checks.__file__)"],
        cwd=tmp_path,
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).is_relative_to(site_packages(action_venv))


# ---- the run step, run locally --------------------------------------------------------------


def test_valid_package_exits_0_and_writes_the_summary(workspace: Path, tmp_path: Path, run_step: RunStep) -> None:
    summary = tmp_path / "summary.md"
    done = run_step(workspace, {"package": "pkg", "format": "github", "strict": "false"}, summary)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not {a for a in annotations_in(done.stdout) if a[0] != "notice"}
    rows = summary_rows(summary.read_text(encoding="utf-8"))
    assert rows and {r[0] for r in rows} == {"info"}
    # Annotations name files from the workspace root, so GitHub places them on the PR's lines.
    assert {a[2] for a in annotations_in(done.stdout)} <= {f"pkg/{r[2]}" for r in rows}


def test_bad_cell_exits_1_with_an_annotation_on_its_line_and_a_summary_row(
    workspace: Path, tmp_path: Path, run_step: RunStep
) -> None:
    line = edit(workspace / "pkg", "sources", "ucol-1700-arrests", "published_doubtful", "maybe")
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    done = run_step(workspace, {"package": "pkg", "format": "github", "strict": "false"}, summary)
    assert done.returncode == 1
    errors = {a for a in annotations_in(done.stdout) if a[0] == "error"}
    assert errors == {("error", "type-error", "pkg/data/sources.csv", line, "published_doubtful")}
    assert f"::error file=pkg/data/sources.csv,line={line}," in done.stdout
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n"), "the summary is appended to, never overwritten"
    assert ("error", "type-error", "data/sources.csv", line, "published_doubtful") in summary_rows(text)


def test_package_at_the_workspace_root_without_a_summary_file(tmp_path: Path, run_step: RunStep) -> None:
    package = copy_package(tmp_path / "root")
    line = edit(package, "sources", "ucol-1700-arrests", "published_doubtful", "maybe")
    done = run_step(package, {}, None)  # every input at its default, as a bare `uses:` gives
    assert done.returncode == 1
    assert ("error", "type-error", "data/sources.csv", line, "published_doubtful") in annotations_in(done.stdout)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["root"]


def _add_byte_order_mark(package: Path) -> None:
    path = package / "data" / "corrections.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())


@pytest.mark.parametrize(("strict", "expected"), [("true", 1), ("false", 0), ("TRUE", 1)])
def test_strict_fails_on_a_warning_alone(
    workspace: Path, tmp_path: Path, strict: str, expected: int, run_step: RunStep
) -> None:
    _add_byte_order_mark(workspace / "pkg")
    summary = tmp_path / "summary.md"
    done = run_step(workspace, {"package": "pkg", "format": "github", "strict": strict}, summary)
    assert done.returncode == expected
    flagged = {a[:4] for a in annotations_in(done.stdout) if a[0] != "notice"}
    assert flagged == {("warning", "byte-order-mark", "pkg/data/corrections.csv", 1)}
    assert {r[:4] for r in summary_rows(summary.read_text(encoding="utf-8")) if r[0] != "info"} == {
        ("warning", "byte-order-mark", "data/corrections.csv", 1)
    }


def test_a_folder_named_validate_in_the_workspace_does_not_shadow_the_installed_validator(
    workspace: Path, run_step: RunStep
) -> None:
    shadow = workspace / "validate"
    shadow.mkdir()
    (shadow / "__init__.py").write_text("", encoding="utf-8")
    (shadow / "__main__.py").write_text("print('shadowed')\n", encoding="utf-8")
    done = run_step(workspace, {"package": "pkg", "format": "json"}, None)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["valid"] is True


def test_other_formats_are_printed_as_the_validator_prints_them(workspace: Path, run_step: RunStep) -> None:
    done = run_step(workspace, {"package": "pkg", "format": "json"}, None)
    assert done.returncode == 0
    assert json.loads(done.stdout)["valid"] is True


@pytest.mark.parametrize("inputs", [{"strict": "yes"}, {"format": "xml"}])
def test_invalid_inputs_are_a_usage_error(workspace: Path, inputs: dict[str, str], run_step: RunStep) -> None:
    done = run_step(workspace, {"package": "pkg", **inputs}, None)
    assert done.returncode == 2
    assert done.stdout.startswith("::error title=invalid input::")


def test_other_exit_codes_pass_through_and_the_summary_says_so(tmp_path: Path, run_step: RunStep) -> None:
    summary = tmp_path / "summary.md"
    done = run_step(tmp_path, {"package": "no-such-directory"}, summary)
    assert done.returncode == 2
    assert "exit code 2" in summary.read_text(encoding="utf-8")


def test_an_input_is_data_not_shell_code(tmp_path: Path, run_step: RunStep) -> None:
    marker = tmp_path / "injected"
    done = run_step(tmp_path, {"package": f"$(touch {marker}); `touch {marker}`"}, None)
    assert done.returncode == 2
    assert not marker.exists()


def test_the_script_needs_no_package_of_its_own(tmp_path: Path) -> None:
    """run.py imports only the standard library, so it runs from the action's checkout as is."""
    script = ROOT / ".github" / "action" / "run.py"
    isolated = tmp_path / "run.py"
    shutil.copy2(script, isolated)
    done = subprocess.run(
        [sys.executable, "-I", "-c", f"import runpy; runpy.run_path({str(isolated)!r})"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_the_repository_runs_its_own_action_on_a_valid_and_an_invalid_package() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "action-selftest.yml").read_text(encoding="utf-8"))
    steps = [s for job in workflow["jobs"].values() for s in job["steps"] if s.get("uses") == "./"]
    packages = [s["with"]["package"] for s in steps]
    assert packages[0] == "."
    assert all((ROOT / p / "datapackage.json").is_file() for p in packages)
    failing = [s for s in steps if s.get("continue-on-error")]
    assert len(failing) == 1 and failing[0]["id"] == "invalid"
