"""Shared helpers: copy the real package, edit one thing, run the validator, read its findings."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from validate.cli import main

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_PARTS = ("datapackage.json", "data", "schemas")

Located = tuple[str, str, int | None, str | None]


def copy_package(target: Path) -> Path:
    """A fresh copy of the real package's descriptor, data and schemas."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PACKAGE_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A copy of the real package to break."""
    return copy_package(tmp_path / "package")


def run(directory: Path, *args: str) -> tuple[int, dict[str, Any]]:
    """Exit code and parsed JSON report of the validator on a directory."""
    result = CliRunner().invoke(main, [str(directory), "--format", "json", *args])
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.output)


def located(report: dict[str, Any], severities: tuple[str, ...] = ("error", "warning")) -> set[Located]:
    """The (code, file, line, field) of every finding of the given severities."""
    return {(f["code"], f["file"], f["line"], f["field"]) for f in report["findings"] if f["severity"] in severities}


def read_rows(path: Path) -> list[list[str]]:
    """A CSV's rows, header first."""
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    """Write rows back with LF endings, quoting as the package does."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))


def edit(directory: Path, table: str, key: str, field: str, change: Callable[[str], str] | str) -> int:
    """Change one cell of the row whose first column is key; return that row's physical line."""
    path = directory / "data" / f"{table}.csv"
    rows = read_rows(path)
    column = rows[0].index(field)
    for index, row in enumerate(rows[1:], start=2):
        if row[0] == key:
            row[column] = change(row[column]) if callable(change) else change
            write_rows(path, rows)
            return index  # every row of the package sits on one physical line
    raise KeyError(key)


def line_of(directory: Path, table: str, key: str) -> int:
    """Physical line of the row whose first column is key."""
    rows = read_rows(directory / "data" / f"{table}.csv")
    return next(i for i, row in enumerate(rows[1:], start=2) if row[0] == key)


def edit_descriptor(directory: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Apply a change to datapackage.json and write it back."""
    path = directory / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# ---- the validator as installed: a wheel in a fresh environment outside the repository ----

PROJECT_NAMES = ("validate", "publish", "contribute")  # the import packages the wheel holds
DISTRIBUTION = "uk_online_csa_policing"  # the distribution's name as files spell it


@dataclass(frozen=True)
class Installed:
    """The project built as a user gets it, and a fresh virtual environment it is installed in."""

    source: Path  # a copy of the repository's files, as a fresh clone has them
    sdist: Path
    wheel: Path
    dependencies: Path  # the test environment's third-party packages, without this project
    venv: Path  # a new venv: the wheel installed, the dependencies reached through a .pth file

    @property
    def python(self) -> Path:
        """The new environment's interpreter."""
        return self.venv / "bin" / "python"


def quietly(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run a command that must succeed; fail the test with its output when it does not."""
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False, **kwargs)
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done


def site_packages(venv: Path) -> Path:
    """Where a venv made by this interpreter's version keeps its packages."""
    return venv / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"


def repository_files() -> list[str]:
    """The files a fresh clone has: tracked, or new and not ignored."""
    listed = quietly(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT)
    return sorted({name for name in listed.stdout.split("\0") if name and (ROOT / name).is_file()})


def dependencies_only(target: Path) -> Path:
    """A folder of links to every package of the test environment except this project.

    Installing the pinned dependencies again from the network for each test environment
    would take minutes; linking the ones already installed gives the same versions. This
    project itself is left out, so the code that runs is the wheel's, never the working tree's.
    """
    target.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        name = entry.name.lower()
        if DISTRIBUTION in name or name.startswith("__editable__") or entry.stem in PROJECT_NAMES:
            continue
        (target / entry.name).symlink_to(entry)
    return target


def fresh_venv(venv: Path, dependencies: Path | None) -> Path:
    """A new virtual environment; with dependencies, a .pth file puts them on its path."""
    quietly([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    if dependencies is not None:
        (site_packages(venv) / "project_dependencies.pth").write_text(f"{dependencies}\n", encoding="utf-8")
    return venv


def install_wheel(wheel: Path, venv: Path) -> None:
    """Install the wheel alone (its dependencies are there already, or deliberately missing)."""
    python = str(venv / "bin" / "python")
    quietly(
        [sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", str(wheel)]
    )


@contextmanager
def built_once(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[tuple[Path, bool]]:
    """A folder shared by every worker of this test run (pytest-xdist runs several), and whether
    it is still to be built; held under a lock, so one worker builds it and the others wait."""
    import fcntl

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's own folder, above each worker's
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        folder = base / name
        built = folder / ".built"
        yield folder, not built.exists()
        built.touch()


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """Build the sdist from the repository's files, the wheel from the sdist (as pip would from
    PyPI), and install the wheel, not editable, into a fresh venv. Built once per test run."""
    with built_once(tmp_path_factory, "installed") as (work, to_build):
        if to_build:
            _build_installed(work)
    (sdist,) = (work / "dist").glob("*.tar.gz")
    (wheel,) = (work / "dist").glob("*.whl")
    return Installed(work / "source", sdist, wheel, work / "dependencies", work / "venv")


def _build_installed(work: Path) -> None:
    """The sdist and wheel in work/dist, the venv with the wheel in work/venv."""
    source = work / "source"
    for name in repository_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    dist = work / "dist"
    built = quietly(
        [
            sys.executable,
            "-c",
            "import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))",
            str(dist),
        ],
        cwd=source,
    )
    sdist = dist / built.stdout.split()[-1]
    unpacked = work / "unpacked"
    with tarfile.open(sdist) as archive:
        archive.extractall(unpacked, filter="data")
    (sdist_root,) = unpacked.iterdir()
    quietly(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(dist),
            str(sdist_root),
        ]
    )
    (wheel,) = dist.glob("*.whl")
    dependencies = dependencies_only(work / "dependencies")
    venv = fresh_venv(work / "venv", dependencies)
    install_wheel(wheel, venv)


def clean_environment(**extra: str) -> dict[str, str]:
    """The environment of a process started outside this test run: no PYTHONPATH, no venv."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def action_venv(installed: Installed, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv that has had the action's install step run in it, as a runner runs it.

    actions/setup-python gives a Python with pip; here that is a fresh venv whose pip and
    dependencies are the test environment's (linked, see dependencies_only). The install
    step's own command then runs with bash, GITHUB_ACTION_PATH at a copy of the checkout. On a
    runner pip would download what it lacks; here the two PIP_ variables keep it offline:
    no index, and the build uses the setuptools already installed instead of fetching one.
    """
    with built_once(tmp_path_factory, "action") as (work, to_build):
        if to_build:
            _install_as_the_action_does(work / "venv", installed)
    return work / "venv"


def _install_as_the_action_does(venv: Path, installed: Installed) -> None:
    """A fresh venv, then the action's install step's command run in it with bash."""
    fresh_venv(venv, installed.dependencies)
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    (install,) = [s["run"] for s in action["runs"]["steps"] if str(s.get("name", "")).startswith("Install")]
    quietly(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", install],
        cwd=venv.parent,
        env=clean_environment(
            PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            GITHUB_ACTION_PATH=str(installed.source),
            PIP_NO_INDEX="1",
            PIP_NO_BUILD_ISOLATION="0",
        ),
    )


EXTRA_SOURCE_TEXT = b"Example Constabulary thanked the public for reporting concerns about online abuse.\n"


def with_extra_source(directory: Path, number: int = 17) -> Path:
    """Add a source the real package does not have, archived under a gap in the numbering.

    Tests of the commands that add sources run on such a copy, so they cannot depend on how
    many sources the package has today or on which archive number comes next. The text prints
    no number, so the package stays valid with no figure rows for it.
    """
    digest = hashlib.sha256(EXTRA_SOURCE_TEXT).hexdigest()
    sources = directory / "data" / "sources.csv"
    rows = read_rows(sources)
    archive_folder = PurePosixPath(dict(zip(rows[0], rows[1], strict=True))["archive_path"]).parent
    archive = f"{archive_folder}/{number:03d}_{digest[:16]}.txt"
    (directory / archive).write_bytes(EXTRA_SOURCE_TEXT)
    row = dict.fromkeys(rows[0], "")
    row.update(
        source_id="extra-thanks-statement",
        title="Example Constabulary thanks the public",
        published_doubtful="false",
        archive_path=archive,
        sha256=digest,
        bytes=str(len(EXTRA_SOURCE_TEXT)),
    )
    write_rows(sources, [*rows, [row[column] for column in rows[0]]])

    def add_resource(descriptor: dict[str, Any]) -> None:
        resources = descriptor["resources"]
        last = max(i for i, r in enumerate(resources) if str(r.get("path", "")).startswith(f"{archive_folder}/"))
        resource = {**resources[last], "name": "archive-extra-thanks-statement", "path": archive}
        resource.update(title=f"Archived text: {row['title']}", hash=f"sha256:{digest}", bytes=len(EXTRA_SOURCE_TEXT))
        resources.insert(last + 1, resource)

    edit_descriptor(directory, add_resource)
    return directory


def next_archive(directory: Path, digest: str) -> str:
    """The archive name the documented rule gives a new text: one past the highest number in use."""
    header, *rows = read_rows(directory / "data" / "sources.csv")
    paths = [row[header.index("archive_path")] for row in rows]
    highest = max(int(PurePosixPath(path).name.split("_", 1)[0]) for path in paths)
    return f"{PurePosixPath(paths[0]).parent}/{highest + 1:03d}_{digest[:16]}.txt"


# ---- commands as the documentation gives them, run in a copy of the repository ----


def sh_blocks(markdown: str) -> list[str]:
    """The body of every ```sh block, in order."""
    return re.findall(r"^```sh\n(.*?)^```$", markdown, flags=re.MULTILINE | re.DOTALL)


def commands(block: str) -> list[str]:
    """The commands of a sh block, one per line, continuation lines joined."""
    return [
        line.strip() for line in block.replace("\\\n", " ").splitlines() if line.strip() and not line.startswith("#")
    ]


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A copy of the repository's files, as a fresh clone has them, whose .venv is the one running
    the tests: its make targets find their environment installed, and run the copy's code."""
    repo = tmp_path / "repo"
    for name in repository_files():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, repo / name)
    venv = Path(sys.executable).parent.parent
    (repo / ".venv").mkdir()
    for part in ("bin", "lib", "pyvenv.cfg"):
        (repo / ".venv" / part).symlink_to(venv / part)
    stamp = repo / ".venv" / ".installed"
    stamp.touch()
    newest = max((repo / name).stat().st_mtime for name in ("pyproject.toml", "requirements.lock"))
    os.utime(stamp, (newest + 1, newest + 1))  # make sees the environment as installed
    return repo


def sh(
    repo: Path, command: str, bin_dir: Path | None = None, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """A command line run by a shell in the repository, as a contributor types it, with the
    repository's .venv (or bin_dir) first on PATH, as after activating it."""
    first = bin_dir or repo / ".venv" / "bin"
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-c", command],
        cwd=repo,
        env=clean_environment(PATH=f"{first}{os.pathsep}{os.environ.get('PATH', '')}", **env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
