"""The pre-commit hook in .pre-commit-hooks.yaml: its entry is our console script, and it runs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, copy_package, edit

HOOKS = ROOT / ".pre-commit-hooks.yaml"
TIMEOUT = 300


def hook() -> dict[str, Any]:
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert isinstance(hooks, list) and len(hooks) == 1
    found: dict[str, Any] = hooks[0]
    return found


def scripts() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found: dict[str, str] = project["scripts"]
    return found


def test_hook_runs_our_console_script_once_per_commit() -> None:
    entry = hook()
    assert entry["id"] == "validate-data-package"
    assert entry["language"] == "python"
    assert entry["pass_filenames"] is False
    assert entry["entry"] in scripts()
    assert scripts()[entry["entry"]] == "validate.startup:run"


@pytest.mark.parametrize(
    ("path", "runs"),
    [
        ("datapackage.json", True),
        ("data/outcomes.csv", True),
        ("schemas/outcomes.json", True),
        ("sub/package/datapackage.json", True),
        ("sub/package/data/x.csv", True),
        ("datapackage.yaml", True),
        ("README.md", False),
        ("validate/cli.py", False),
        ("metadata/datapackage.json.bak", False),
    ],
)
def test_hook_runs_when_package_files_change(path: str, runs: bool) -> None:
    # pre-commit matches `files` with re.search against each changed path.
    assert bool(re.search(hook()["files"], path)) is runs


def _console_script(name: str) -> Path:
    path = Path(sys.executable).parent / name
    if not path.exists():
        pytest.skip(f"{name} is not installed next to this interpreter (pip install -e .)")
    return path


def test_entry_validates_the_package_in_the_working_directory(tmp_path: Path) -> None:
    """As pre-commit runs it: the entry with no arguments, in the repository root."""
    package = copy_package(tmp_path / "package")
    script = _console_script(hook()["entry"])
    done = subprocess.run([str(script)], cwd=package, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    edit(package, "sources", "ucol-1700-arrests", "published_doubtful", "maybe")
    done = subprocess.run(
        [str(script), "--format", "json"], cwd=package, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    assert done.returncode == 1
    assert [
        (f["code"], f["file"], f["field"]) for f in json.loads(done.stdout)["findings"] if f["severity"] == "error"
    ] == [("type-error", "data/sources.csv", "published_doubtful")]
