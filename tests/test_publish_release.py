"""The release zip: the package files byte for byte, reproducible, and valid once unzipped."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from publish.cli import main

ROOT = Path(__file__).resolve().parents[1]
DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
STEM = f"{DESCRIPTOR['name']}-{DESCRIPTOR['version']}"
TOP_FILES = ["CHANGELOG.md", "CITATION.cff", "LICENSE", "README.md", "datapackage.json"]


def build(package_dir: Path, out_dir: Path) -> Any:
    """Run ``publish build`` in-process and return the click result."""
    return CliRunner().invoke(main, ["build", str(package_dir), "--out", str(out_dir)])


def expected_entries() -> list[str]:
    """Entry names the release must hold, listed from the working tree (derived/: the flat figures table)."""
    files = [name for name in TOP_FILES if (ROOT / name).is_file()]
    for directory in ("data", "schemas", "derived"):
        files.extend(path.relative_to(ROOT).as_posix() for path in (ROOT / directory).rglob("*") if path.is_file())
    return sorted(f"{STEM}/{name}" for name in files)


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build once; return the zip's path."""
    out = tmp_path_factory.mktemp("dist")
    result = build(ROOT, out)
    assert result.exit_code == 0, result.output
    return out / f"{STEM}.zip"


def test_entries_are_the_package_files_sorted_under_one_folder(release: Path) -> None:
    with zipfile.ZipFile(release) as archive:
        names = archive.namelist()
    assert names == expected_entries()
    assert names == sorted(names)
    for required in ("datapackage.json", "README.md", "CITATION.cff", "CHANGELOG.md", "LICENSE"):
        assert f"{STEM}/{required}" in names
    for resource in DESCRIPTOR["resources"]:
        assert f"{STEM}/{resource['path']}" in names
        if "schema" in resource:
            assert f"{STEM}/{resource['schema']}" in names
    assert any(name.startswith(f"{STEM}/data/archive/") for name in names)


def test_every_entry_is_byte_identical_to_the_package_file(release: Path) -> None:
    with zipfile.ZipFile(release) as archive:
        for info in archive.infolist():
            relative = info.filename.removeprefix(f"{STEM}/")
            assert archive.read(info) == (ROOT / relative).read_bytes(), relative
            assert info.date_time == archive.infolist()[0].date_time


def test_two_builds_give_identical_zip_bytes(release: Path, tmp_path: Path) -> None:
    result = build(ROOT, tmp_path / "again")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "again" / f"{STEM}.zip").read_bytes() == release.read_bytes()


def test_a_fresh_copy_with_new_timestamps_gives_identical_zip_bytes(release: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in TOP_FILES:
        if (ROOT / name).is_file():
            shutil.copyfile(ROOT / name, copy / name)
    for directory in ("data", "schemas"):
        shutil.copytree(ROOT / directory, copy / directory, copy_function=shutil.copyfile)
    for path in copy.rglob("*"):
        os.utime(path, (0, 0))

    result = build(copy, tmp_path / "dist")

    assert result.exit_code == 0, result.output
    assert (tmp_path / "dist" / f"{STEM}.zip").read_bytes() == release.read_bytes()


def test_the_unzipped_release_validates_clean(release: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(release) as archive:
        archive.extractall(tmp_path)

    completed = subprocess.run(
        [sys.executable, "-m", "validate", str(tmp_path / STEM), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert json.loads(completed.stdout)["valid"] is True
