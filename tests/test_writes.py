"""Hostile packages and planted files against the commands that write: refused, and nothing
written outside the allowed folder (or anything at all, when refused).

Each case runs in a folder holding the package, a sibling folder of files that must never
change, and the output folder; every byte and mtime outside the output folder is compared
before and after.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from publish.cli import main as publish
from validate.writer import Writer, WriteRefused, component_problem, identifier_problems

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = ("datapackage.json", "README.md", "CITATION.cff", "CHANGELOG.md", "LICENSE")

Snapshot = dict[str, tuple[str, bytes | str, int]]


def copy_release_package(destination: Path) -> Path:
    """Copy the files a build reads into destination."""
    destination.mkdir()
    for name in DOCUMENTS:
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, destination / name)
    for name in ("data", "schemas"):
        shutil.copytree(ROOT / name, destination / name)
    return destination


def snapshot(top: Path, skip: Path | None = None) -> Snapshot:
    """Every file, link and folder under top (but skip): kind, bytes or link target, mtime."""
    found: Snapshot = {}
    for path in sorted(top.rglob("*")):
        if skip is not None and (path == skip or skip in path.parents):
            continue
        status = path.lstat()
        key = path.relative_to(top).as_posix()
        if path.is_symlink():
            found[key] = ("link", os.readlink(path), status.st_mtime_ns)
        elif path.is_dir():
            found[key] = ("dir", "", status.st_mtime_ns)
        else:
            found[key] = ("file", path.read_bytes(), status.st_mtime_ns)
    return found


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """tmp_path holding package/, outside/ (files nothing may touch) and, later, dist/."""
    copy_release_package(tmp_path / "package")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.txt").write_bytes(b"outside bytes, never to be overwritten\n")
    (outside / "secret.md").write_bytes(b"# a file outside the package\n")
    return tmp_path


def build(site: Path, out: Path | None = None) -> Any:
    """Run ``publish build`` on site/package into site/dist (or out)."""
    out = out or site / "dist"
    return CliRunner().invoke(publish, ["build", str(site / "package"), "--out", str(out)])


def edit_descriptor(site: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Change site/package/datapackage.json."""
    path = site / "package" / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def set_key(key: str, value: object) -> Callable[[dict[str, Any]], None]:
    """A descriptor edit setting one top-level key."""

    def change(descriptor: dict[str, Any]) -> None:
        descriptor[key] = value

    return change


def rename_resource(old: str, new: str) -> Callable[[dict[str, Any]], None]:
    """A descriptor edit renaming one resource that nothing else refers to."""

    def change(descriptor: dict[str, Any]) -> None:
        next(r for r in descriptor["resources"] if r["name"] == old)["name"] = new

    return change


def assert_refused_untouched(result: Any, site: Path, before: Snapshot) -> None:
    """Exit 1 with a message, no traceback, and not a byte written anywhere."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert "nothing was written" in result.output.lower()
    assert snapshot(site) == before
    assert not (site / "dist").exists() or not any((site / "dist").iterdir())


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("name", "../outside/evil"),
        ("name", "../../evil"),
        ("name", "/tmp/evil-absolute"),
        ("name", "a" * 300),
        ("name", "with\x00nul"),
        ("version", "1/x"),
        ("version", "../x"),
        ("version", "/x"),
        ("created", "1979-12-31T23:59:59Z"),
        ("created", "1980-01-01T00:30:00+01:00"),  # 1979 once in UTC
        ("created", "2108-01-01T00:00:00Z"),
        ("created", "9999-12-31T23:00:00-05:00"),  # past the calendar once in UTC
    ],
)
def test_an_unsafe_name_or_date_is_refused_before_anything_is_written(site: Path, key: str, value: str) -> None:
    edit_descriptor(site, set_key(key, value))
    before = snapshot(site)
    result = build(site)
    assert_refused_untouched(result, site, before)
    assert f"datapackage.json: {key}" in result.output


def test_an_absolute_name_writes_nothing_where_it_points(site: Path) -> None:
    target = site / "outside" / "planted"
    edit_descriptor(site, set_key("name", str(target)))
    before = snapshot(site)
    assert_refused_untouched(build(site), site, before)
    assert not list((site / "outside").glob("planted*"))


@pytest.mark.parametrize("name", ["sqlite_master", "sqlite_stat1", "SQLITE_x", "Sources"])
def test_a_resource_name_sqlite_cannot_hold_is_refused(site: Path, name: str) -> None:
    # "Sources" differs from the "sources" resource only in case: one table to SQLite.
    edit_descriptor(site, rename_resource("corrections", name))
    before = snapshot(site)
    result = build(site)
    assert_refused_untouched(result, site, before)
    assert "datapackage.json: resource name" in result.output


def rename_field(site: Path, table: str, old: str, new: str) -> None:
    """Rename a field in table's schema and CSV header alike."""
    schema_path = site / "package" / "schemas" / f"{table}.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    next(f for f in schema["fields"] if f["name"] == old)["name"] = new
    schema_path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    csv_path = site / "package" / "data" / f"{table}.csv"
    header, _, rest = csv_path.read_bytes().partition(b"\n")
    names = [new if name == old else name for name in header.decode("utf-8").split(",")]
    csv_path.write_bytes(",".join(names).encode("utf-8") + b"\n" + rest)


@pytest.mark.parametrize("new", ["TABLE", "r" * 300])
def test_a_field_name_sqlite_cannot_hold_is_refused(site: Path, new: str) -> None:
    rename_field(site, "corrections", "reason", new)
    before = snapshot(site)
    result = build(site)
    assert_refused_untouched(result, site, before)
    assert "data/corrections.csv: field" in result.output


def test_a_planted_metadata_link_is_refused_and_its_target_untouched(site: Path) -> None:
    dist = site / "dist"
    dist.mkdir()
    (dist / "metadata.json").symlink_to(site / "outside" / "victim.txt")
    before = snapshot(site)
    result = build(site)
    assert result.exit_code == 1, result.output
    assert "symlink" in result.output
    assert snapshot(site) == before  # no database, no zip, the victim's bytes as they were


def test_an_output_folder_that_is_a_link_is_refused(site: Path) -> None:
    (site / "dist").symlink_to(site / "outside", target_is_directory=True)
    before = snapshot(site)
    result = build(site)
    assert result.exit_code == 1, result.output
    assert snapshot(site) == before


def test_a_package_file_hard_linked_to_an_outside_file_is_not_shipped(site: Path) -> None:
    changelog = site / "package" / "CHANGELOG.md"
    changelog.unlink()
    os.link(site / "outside" / "secret.md", changelog)
    before = snapshot(site)
    assert_refused_untouched(build(site), site, before)


def test_a_package_file_that_is_a_symlink_is_not_shipped(site: Path) -> None:
    changelog = site / "package" / "CHANGELOG.md"
    changelog.unlink()
    changelog.symlink_to(site / "outside" / "secret.md")
    before = snapshot(site)
    assert_refused_untouched(build(site), site, before)


def test_a_clean_build_writes_only_its_five_files_and_safe_entries(site: Path) -> None:
    before = snapshot(site)
    result = build(site)
    assert result.exit_code == 0, result.output
    assert snapshot(site, skip=site / "dist") == before
    stem = "{name}-{version}".format(**json.loads((site / "package" / "datapackage.json").read_bytes()))
    # The database, its datasette metadata, the release zip, the flat figures CSV and the workbook.
    assert sorted(p.name for p in (site / "dist").iterdir()) == sorted(
        [f"{stem}.sqlite", f"{stem}.zip", "metadata.json", f"{stem}-figures.csv", f"{stem}.xlsx"]
    )
    with zipfile.ZipFile(site / "dist" / f"{stem}.zip") as archive:
        for name in archive.namelist():
            assert name.startswith(f"{stem}/") and ".." not in name.split("/")
    # The workbook is a zip too: none of its entries may point outside it.
    with zipfile.ZipFile(site / "dist" / f"{stem}.xlsx") as workbook:
        for name in workbook.namelist():
            assert not name.startswith("/") and ".." not in name.split("/")


# The writer itself, for what the commands above cannot reach.


def test_the_writer_never_leaves_its_root(tmp_path: Path) -> None:
    writer = Writer(tmp_path)
    for relative in ("../x", "/etc/x", "a/../../x", "", "a\x00b", "a\\b", "~/x"):
        with pytest.raises(WriteRefused):
            writer.replace(relative, b"x")
    assert list(tmp_path.iterdir()) == []


def test_the_writer_does_not_follow_a_linked_folder(tmp_path: Path) -> None:
    (tmp_path / "root").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "root" / "data").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(WriteRefused):
        Writer(tmp_path / "root").replace("data/file.csv", b"x")
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_a_failed_produce_leaves_nothing(tmp_path: Path) -> None:
    def fail(path: Path) -> None:
        path.write_bytes(b"half")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        Writer(tmp_path).produce("out.sqlite", fail)
    assert list(tmp_path.iterdir()) == []


def test_replace_keeps_the_mode_and_create_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "file.csv"
    target.write_bytes(b"old")
    target.chmod(0o640)
    Writer(tmp_path).replace("file.csv", b"new")
    assert target.read_bytes() == b"new" and target.stat().st_mode & 0o777 == 0o640
    with pytest.raises(WriteRefused):
        Writer(tmp_path).create("file.csv", b"other")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.csv"]


def test_names_are_checked_as_data_package_names() -> None:
    assert component_problem("name", "uk-online-csa-policing") is None
    assert component_problem("version", "1.0.0+build.5") is None
    for bad in ("", ".hidden", "..", "a/b", "a b", "x" * 101, 5):
        assert component_problem("name", bad) is not None
    assert identifier_problems("table", ["sources", "outcomes", "table"]) == []
    assert len(identifier_problems("table", ["a", "A", "sqlite_master", "x\x00", "y" * 101])) == 4


def test_docs_write_refuses_a_readme_that_is_a_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from validate import docs

    outside = tmp_path / "outside.md"
    drifted = (ROOT / "README.md").read_text(encoding="utf-8").replace("| `sources` |", "| `stale` |", 1)
    outside.write_text(drifted, encoding="utf-8")
    repository = tmp_path / "repository"
    repository.mkdir()
    (repository / "README.md").symlink_to(outside)
    monkeypatch.setattr(docs, "ROOT", repository)
    before = snapshot(tmp_path)
    result = CliRunner().invoke(docs.main, ["--write"])
    assert result.exit_code == 1, result.output
    assert "symlink" in result.output and "Traceback" not in result.output
    assert snapshot(tmp_path) == before


def test_docs_write_writes_the_readme_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from validate import docs

    current = (ROOT / "README.md").read_text(encoding="utf-8")
    (tmp_path / "README.md").write_text(current.replace("| `sources` |", "| `stale` |", 1), encoding="utf-8")
    monkeypatch.setattr(docs, "ROOT", tmp_path)
    result = CliRunner().invoke(docs.main, ["--write"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == current
    # The README and its threat model's copy, and nothing else: no temporary file left behind.
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert written == ["README.md", "docs/threat-model.md"]
    assert (tmp_path / docs.THREAT_MODEL).read_bytes() == (ROOT / docs.THREAT_MODEL).read_bytes()


def test_chart_refuses_an_output_that_is_a_link(site: Path) -> None:
    out = site / "figures.png"
    out.symlink_to(site / "outside" / "victim.txt")
    before = snapshot(site)
    result = CliRunner().invoke(publish, ["chart", str(site / "package"), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "symlink" in result.output and "Traceback" not in result.output
    assert snapshot(site) == before


def test_a_file_changed_after_validation_is_not_shipped(site: Path) -> None:
    from publish.package import PackageError, load_package
    from publish.release import release_files

    package = load_package(site / "package")
    archive = next(path for path in package.model.files if path.startswith("data/archive/"))
    (site / "package" / archive).write_bytes(b"swapped after the verdict\n")
    with pytest.raises(PackageError, match="changed after the validator read it"):
        release_files(package)
