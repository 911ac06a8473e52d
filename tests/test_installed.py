"""The validator as others get it: the wheel installed in a fresh environment, run outside the repository.

The wheel is built from the sdist, which is built from the repository's files, and installed
(not editable) into a new venv whose only way to the dependencies is a folder of links to the
test environment's third-party packages (see conftest.installed). Every command here runs from
a folder outside the repository, with no PYTHONPATH, so the code that runs is the wheel's.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import (
    PROJECT_NAMES,
    ROOT,
    Installed,
    clean_environment,
    edit,
    fresh_venv,
    install_wheel,
    site_packages,
)

TIMEOUT = 300
EXAMPLE = ROOT / "examples" / "council-roads"
RUN_PY = ROOT / ".github" / "action" / "run.py"


def modules_in_tree() -> set[str]:
    """Every module of the project's import packages, found by walking the working tree."""
    return {
        path.relative_to(ROOT).as_posix()
        for name in PROJECT_NAMES
        for path in (ROOT / name).rglob("*.py")
        if "__pycache__" not in path.parts
    }


def run_in(folder: Path, *command: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    """A command run from folder, with the environment of a shell outside this test run."""
    return subprocess.run(
        [str(part) for part in command],
        cwd=folder,
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A folder outside the repository holding a copy of a package that is not this one."""
    shutil.copytree(EXAMPLE, tmp_path / "roads")
    return tmp_path


def test_the_wheel_and_the_sdist_hold_every_module_of_every_sub_package(installed: Installed) -> None:
    expected = modules_in_tree()
    assert {"validate/checks/__init__.py", "validate/loading/__init__.py"} <= expected
    with zipfile.ZipFile(installed.wheel) as wheel:
        assert expected <= set(wheel.namelist())
    with tarfile.open(installed.sdist) as sdist:
        in_sdist = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert expected <= in_sdist


def test_the_code_that_runs_is_the_wheels(installed: Installed, tmp_path: Path) -> None:
    done = run_in(
        tmp_path, installed.python, "-c", "import validate.checks, validate.loading; print(validate.__file__)"
    )
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).is_relative_to(site_packages(installed.venv))


@pytest.mark.parametrize("command", [("-m", "validate"), ("ocsa-validate",)], ids=["python -m", "console script"])
def test_installed_validator_checks_another_package_from_outside(
    installed: Installed, elsewhere: Path, command: tuple[str, ...]
) -> None:
    argv = [installed.python, *command] if command[0] == "-m" else [installed.venv / "bin" / command[0]]
    done = run_in(elsewhere, *argv, "roads", "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["valid"] is True
    line = edit(elsewhere / "roads", "claims", "roads-street-lights", "value", "313")
    done = run_in(elsewhere, *argv, "roads", "--format", "json")
    assert done.returncode == 1, done.stdout + done.stderr
    errors = {
        (f["code"], f["file"], f["line"]) for f in json.loads(done.stdout)["findings"] if f["severity"] == "error"
    }
    assert ("figure-not-in-quote", "data/claims.csv", line) in errors


def test_the_unzipped_release_validates_with_the_installed_validator(installed: Installed, tmp_path: Path) -> None:
    """As the README tells a user of the release: build it, unzip it, run the validator on the folder."""
    done = run_in(tmp_path, installed.python, "-m", "publish", "build", ROOT, "--out", tmp_path / "dist")
    assert done.returncode == 0, done.stdout + done.stderr
    (release,) = (tmp_path / "dist").glob("*.zip")
    with zipfile.ZipFile(release) as archive:
        archive.extractall(tmp_path / "unzipped")
    (folder,) = (tmp_path / "unzipped").iterdir()
    done = run_in(tmp_path / "unzipped", installed.python, "-m", "validate", folder.name, "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["valid"] is True


@pytest.fixture(scope="module")
def without_dependencies(installed: Installed, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with the wheel installed by `pip install --no-deps` and nothing else."""
    venv = fresh_venv(tmp_path_factory.mktemp("bare") / "venv", None)
    install_wheel(installed.wheel, venv)
    return venv


def _one_line_exit_3(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 3, done.stdout + done.stderr
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in done.stderr


@pytest.mark.parametrize("command", [("-m", "validate"), ("ocsa-validate",)], ids=["python -m", "console script"])
def test_missing_dependencies_are_one_line_and_exit_3(
    without_dependencies: Path, elsewhere: Path, command: tuple[str, ...]
) -> None:
    argv = (
        [without_dependencies / "bin" / "python", *command]
        if command[0] == "-m"
        else [without_dependencies / "bin" / command[0]]
    )
    done = run_in(elsewhere, *argv, "roads")
    _one_line_exit_3(done, "missing dependencies click, duckdb, frictionless, pandas")


def test_one_missing_dependency_is_named(installed: Installed, tmp_path: Path) -> None:
    dependencies = tmp_path / "dependencies"
    dependencies.mkdir()
    for entry in installed.dependencies.iterdir():
        if entry.name != "pandas":
            (dependencies / entry.name).symlink_to(entry.resolve())
    venv = fresh_venv(tmp_path / "venv", dependencies)
    install_wheel(installed.wheel, venv)
    done = run_in(tmp_path, venv / "bin" / "python", "-m", "validate", ".")
    _one_line_exit_3(done, "missing dependency pandas ")


def test_the_action_script_passes_exit_3_on_when_the_validator_cannot_run(
    without_dependencies: Path, elsewhere: Path
) -> None:
    done = run_in(elsewhere, without_dependencies / "bin" / "python", RUN_PY, INPUT_PACKAGE="roads")
    _one_line_exit_3(done, "missing dependencies click")


def _older_python() -> Path:
    """A Python older than 3.11 on this machine (on PATH, or one pyenv keeps), or skip."""
    candidates = [shutil.which(f"python3.{minor}") for minor in (10, 9, 8)]
    pyenv = shutil.which("pyenv")
    if pyenv is not None:
        root = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False).stdout.strip()
        if root:
            candidates += [str(p) for p in sorted(Path(root, "versions").glob("3.*/bin/python3"))]
    for found in filter(None, candidates):
        probe = subprocess.run(
            [found, "-c", "import sys; print(sys.version_info[:2] < (3, 11))"],
            capture_output=True,
            text=True,
            env=clean_environment(),
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == "True":
            return Path(found)
    pytest.skip("no Python older than 3.11 here")


def test_a_python_too_old_is_one_line_and_exit_3(installed: Installed, elsewhere: Path) -> None:
    old = _older_python()
    # The wheel's files, put on the old Python's path as a pip for that Python would install them.
    done = run_in(elsewhere, old, "-m", "validate", "roads", PYTHONPATH=str(site_packages(installed.venv)))
    _one_line_exit_3(done, "needs Python 3.11 or later")
    done = run_in(elsewhere, old, RUN_PY, INPUT_PACKAGE="roads")
    assert done.returncode == 3, done.stdout + done.stderr
    assert done.stderr == ""
    assert done.stdout.startswith("::error ") and len(done.stdout.splitlines()) == 1
    assert "needs Python 3.11 or later" in done.stdout


def test_the_start_up_check_knows_every_dependency() -> None:
    import tomllib

    from validate.startup import DEPENDENCIES

    pinned = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert sorted(DEPENDENCIES) == sorted(requirement.split("==")[0] for requirement in pinned)


def test_the_start_up_check_parses_on_old_pythons() -> None:
    """So that an old Python reaches the one-line message instead of a SyntaxError."""
    import ast

    for path in (
        ROOT / "validate" / "__init__.py",
        ROOT / "validate" / "startup.py",
        ROOT / "validate" / "__main__.py",
        RUN_PY,
    ):
        ast.parse(path.read_text(encoding="utf-8"), feature_version=(3, 7))
