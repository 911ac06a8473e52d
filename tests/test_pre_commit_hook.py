"""The pre-commit hook in .pre-commit-hooks.yaml: its entry is our console script, and it runs,
also as another repository runs it (pre-commit try-repo installs it in a virtualenv of its own)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, Installed, clean_environment, copy_package, edit, quietly, repository_files

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


# ---- the hook as an adopting repository runs it: pre-commit try-repo ----------------------


def _git(repository: Path, *args: str) -> None:
    env = clean_environment(
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.org",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.org",
        GIT_CONFIG_NOSYSTEM="1",
        HOME=str(repository.parent),
    )
    quietly(["git", *args], cwd=repository, env=env)


@pytest.fixture(scope="module")
def hook_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clone-like copy of this repository's files, committed: the repository adopters name.

    Committed and clean, it is one (path, revision) for pre-commit, which builds the hook's
    environment for it once; try-repo on a repository with changes not yet committed would
    build a new one for every run.
    """
    repository = tmp_path_factory.mktemp("hook-repository")
    for name in repository_files():
        (repository / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, repository / name)
    _git(repository, "init", "--quiet")
    _git(repository, "add", ".")
    _git(repository, "commit", "--quiet", "-m", "the hook's repository")
    return repository


def try_repo(repository: Path, adopter: Path, home: Path, dependencies: Path) -> subprocess.CompletedProcess[str]:
    """`pre-commit try-repo` with this repository's hook, run in adopter on every file.

    pre-commit makes the hook's own virtualenv and runs `pip install .` on a clone of this
    repository there, as for any user. Offline, pip may not download: PIP_NO_INDEX stops it
    looking, PYTHONPATH shows it the pinned dependencies already installed for the tests
    (never this project: see conftest.dependencies_only), and PIP_NO_BUILD_ISOLATION lets it
    build with the setuptools among them.
    """
    return subprocess.run(
        [str(Path(sys.executable).parent / "pre-commit"), "try-repo", str(repository), hook()["id"], "--all-files"],
        cwd=adopter,
        env=clean_environment(
            PRE_COMMIT_HOME=str(home),
            PIP_NO_INDEX="1",
            PIP_NO_BUILD_ISOLATION="0",
            PYTHONPATH=str(dependencies),
            HOME=str(home),
        ),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def test_try_repo_in_another_repository_passes_a_valid_package_and_fails_a_broken_one(
    installed: Installed, hook_repository: Path, tmp_path: Path
) -> None:
    home = tmp_path / "pre-commit-home"
    adopter = tmp_path / "adopter"
    shutil.copytree(ROOT / "examples" / "council-roads", adopter)
    _git(adopter, "init", "--quiet")
    _git(adopter, "add", ".")
    _git(adopter, "commit", "--quiet", "-m", "a package")
    done = try_repo(hook_repository, adopter, home, installed.dependencies)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"validate the Frictionless Data Package\.+Passed", done.stdout), done.stdout
    line = edit(adopter, "claims", "roads-street-lights", "value", "313")
    done = try_repo(hook_repository, adopter, home, installed.dependencies)
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"validate the Frictionless Data Package\.+Failed", done.stdout), done.stdout
    # The validator's text report: the file, then each finding's line, severity, code and field.
    assert re.search(rf"data/claims\.csv\n\s+{line}\s+error\s+figure-not-in-quote\s+value:", done.stdout), done.stdout
