"""What the validator promises about untrusted packages, each proven by a test.

It never writes into the package, never follows a symlink out of it, never opens a socket,
and gives the same report, byte for byte, for the same input.
"""

from __future__ import annotations

import builtins
import hashlib
import io
import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_hostile import (
    ARCHIVE_0,
    DESCRIPTOR,
    METRICS,
    PARTS,
    ROOT,
    copy_package,
    edit_descriptor,
    located,
    run,
    set_cell,
    set_resource,
)

from conftest import read_rows
from validate.cli import main
from validate.runner import validate_package

Snapshot = dict[str, tuple[str, ...]]


def snapshot(root: Path, parts: tuple[str, ...] | None = None) -> Snapshot:
    """Every entry under root (or under the named parts): kind, bytes' sha256, mode, mtime."""
    state: Snapshot = {}
    starts = [root / p for p in parts] if parts else [root]
    for start in starts:
        for entry in [start, *sorted(start.rglob("*"))] if start.is_dir() else [start]:
            info = entry.lstat()
            name = str(entry.relative_to(root))
            if entry.is_symlink():
                state[name] = ("link", os.readlink(entry), str(info.st_mtime_ns))
            elif entry.is_dir():
                state[name] = ("dir", ",".join(sorted(os.listdir(entry))), str(info.st_mtime_ns), oct(info.st_mode))
            elif entry.is_file():
                state[name] = (
                    "file",
                    hashlib.sha256(entry.read_bytes()).hexdigest(),
                    str(info.st_mtime_ns),
                    oct(info.st_mode),
                )
            else:
                state[name] = ("other", oct(info.st_mode), str(info.st_mtime_ns))
    return state


def cli(directory: Path, *args: str, seed: str = "0", timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The validator as CI runs it: a separate process, with a given hash seed."""
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run(
        [sys.executable, "-m", "validate", str(directory), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


# ---- broken packages used by several guarantees -----------------------------------------------


def break_many(directory: Path) -> None:
    """Many defects at once: bad cells, a bad header, a binary archive, an unsafe path."""
    set_cell(directory, METRICS, 3, "label", '=HYPERLINK("x")')
    set_cell(directory, "data/outcomes.csv", 2, "number", "1,665")
    (directory / ARCHIVE_0).write_bytes(bytes(range(256)))
    (directory / "data" / "quotes.csv").write_bytes(
        (directory / "data" / "quotes.csv").read_bytes().replace(b"\n", b"\r\n", 3)
    )
    set_resource(directory, "corrections", "path", "https://example.invalid/c.csv")


BREAKS: dict[str, Callable[[Path], None]] = {
    "intact": lambda d: None,
    "many-defects": break_many,
    "descriptor-not-json": lambda d: (d / DESCRIPTOR).write_text("{", encoding="utf-8"),
    "csv-empty": lambda d: (d / METRICS).write_bytes(b""),
    "csv-binary": lambda d: (d / METRICS).write_bytes(bytes(range(256)) * 4),
    "schema-not-json": lambda d: (d / "schemas" / "metrics.json").write_bytes(b"\x00\xff{"),
}


# ---- never writes ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_never_writes_into_the_package(tmp_path: Path, name: str) -> None:
    package = copy_package(tmp_path)
    BREAKS[name](package)
    before = snapshot(package)
    for args in (("--format", "json"), ("--format", "text"), ("--format", "github", "--strict")):
        result = CliRunner().invoke(main, [str(package), *args])
        assert result.exit_code in (0, 1)
    assert snapshot(package) == before


def test_never_writes_into_the_real_package() -> None:
    before = snapshot(ROOT, PARTS)
    result = cli(ROOT, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert CliRunner().invoke(main, [str(ROOT), "--format", "markdown"]).exit_code == 0
    assert snapshot(ROOT, PARTS) == before


def test_never_writes_from_a_separate_process_on_a_broken_package(tmp_path: Path) -> None:
    package = copy_package(tmp_path)
    break_many(package)
    before = snapshot(package)
    result = cli(package, "--format", "json")
    assert result.returncode == 1, result.stderr
    assert snapshot(package) == before


# ---- never follows a symlink out ------------------------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Iterator[Path]:
    """A directory beside the package holding a FIFO (opening it would hang) and an unreadable file."""
    directory = tmp_path / "outside"
    directory.mkdir()
    os.mkfifo(directory / "fifo")
    (directory / "secret").write_text("metric_id,label,unit,definition\n", encoding="utf-8")
    (directory / "secret").chmod(0)
    yield directory
    (directory / "secret").chmod(0o600)


LINKS = {
    METRICS: ("unsafe-path", DESCRIPTOR, None, "resources[metrics].path"),
    "schemas/metrics.json": ("unsafe-path", DESCRIPTOR, None, "resources[metrics].schema"),
}


@pytest.mark.parametrize("target", ["fifo", "secret"])
@pytest.mark.parametrize("link", sorted(LINKS))
def test_symlink_out_is_refused_without_opening_it(tmp_path: Path, outside: Path, link: str, target: str) -> None:
    package = copy_package(tmp_path)
    (package / link).unlink()
    (package / link).symlink_to(outside / target)
    result = cli(package, "--format", "json", timeout=60)  # a FIFO opened for reading would hang
    assert result.returncode == 1, result.stderr
    assert located(json.loads(result.stdout)) == {LINKS[link]}


def test_archive_symlinked_to_a_fifo_outside(tmp_path: Path, outside: Path) -> None:
    package = copy_package(tmp_path)
    (package / ARCHIVE_0).unlink()
    (package / ARCHIVE_0).symlink_to(outside / "fifo")
    result = cli(package, "--format", "json", timeout=60)
    assert result.returncode == 1, result.stderr
    assert ("unsafe-path", DESCRIPTOR, None, "resources[archive-metro-ucol-1600-arrests].path") in located(
        json.loads(result.stdout)
    )


def test_a_folder_symlinked_outside_refuses_every_file_in_it(tmp_path: Path, outside: Path) -> None:
    """A folder of the package that is a link out: the files under it are outside, though none is
    a link itself (the path check resolves each file's folder)."""
    package = copy_package(tmp_path)
    archive = package / ARCHIVE_0.rsplit("/", 1)[0]
    archive.rename(outside / "archive")
    archive.symlink_to(outside / "archive")
    result = cli(package, "--format", "json", timeout=60)
    assert result.returncode == 1, result.stderr
    refused = {f for f in located(json.loads(result.stdout)) if f[0] == "unsafe-path"}
    resources = json.loads((package / DESCRIPTOR).read_text(encoding="utf-8"))["resources"]
    archived = {r["name"] for r in resources if str(r.get("path", "")).startswith("data/archive/")}
    assert refused == {("unsafe-path", DESCRIPTOR, None, f"resources[{name}].path") for name in archived}
    assert len(archived) == len(read_rows(package / "data" / "sources.csv")) - 1  # one per source


def test_descriptor_symlinked_to_a_fifo_outside(tmp_path: Path, outside: Path) -> None:
    package = copy_package(tmp_path)
    (package / DESCRIPTOR).unlink()
    (package / DESCRIPTOR).symlink_to(outside / "fifo")
    result = cli(package, "--format", "json", timeout=60)
    assert result.returncode == 1, result.stderr
    assert {f[0] for f in located(json.loads(result.stdout))} == {"descriptor-missing"}


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every path the run opens, recorded in-process (builtins.open, io.open and os.open)."""
    paths: list[str] = []
    real_open, real_io_open, real_os_open = builtins.open, io.open, os.open

    def spy(real: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(file: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(file, (str, bytes, os.PathLike)):
                paths.append(os.fsdecode(file))
            return real(file, *args, **kwargs)

        return wrapper

    monkeypatch.setattr(builtins, "open", spy(real_open))
    monkeypatch.setattr(io, "open", spy(real_io_open))
    monkeypatch.setattr(os, "open", spy(real_os_open))
    return paths


def test_symlinked_files_outside_are_never_opened(tmp_path: Path, outside: Path, opened: list[str]) -> None:
    package = copy_package(tmp_path)
    for link in LINKS:
        (package / link).unlink()
        (package / link).symlink_to(outside / "secret")
    opened.clear()  # copying the package opened its files; only the runs count
    validate_package(package)
    CliRunner().invoke(main, [str(package), "--format", "json"])
    assert opened, "the spy saw no open at all"
    assert not [p for p in opened if Path(p).resolve().is_relative_to(outside)]
    assert not [p for p in opened if Path(p).name in ("metrics.csv", "metrics.json")]


# ---- never opens a socket ---------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Sockets refused in-process; every attempt is recorded, even one a library swallows."""
    attempts: list[str] = []

    def refuse(name: str) -> Callable[..., Any]:
        def blocked(*args: Any, **kwargs: Any) -> Any:
            attempts.append(f"{name}{args[:2]!r}")
            raise OSError(f"network access is blocked in this test ({name})")

        return blocked

    class NoSocket(socket.socket):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            attempts.append("socket.socket")
            raise OSError("network access is blocked in this test (socket)")

    monkeypatch.setattr(socket, "socket", NoSocket)
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    return attempts


URLS = [
    "http://example.invalid/x",
    "https://example.invalid/x",
    "file:///etc/hostname",
    "s3://bucket/x",
    "ftp://example.invalid/x",
    "//example.invalid/x",
]


def remote_everything(directory: Path, url: str) -> None:
    """Every place a descriptor can name a URL: $schema, profiles, paths, schemas, dialects."""

    def change(d: dict[str, Any]) -> None:
        d["$schema"] = url + "/datapackage.json"
        d["profile"] = url + "/profile.json"
        tables = [r for r in d["resources"] if "schema" in r]
        archives = [r for r in d["resources"] if "schema" not in r]
        tables[0]["path"] = url + "/data.csv"
        tables[1]["schema"] = url + "/schema.json"
        tables[2]["profile"] = url + "/resource-profile.json"
        tables[3]["dialect"] = url + "/dialect.json"
        tables[4]["$schema"] = url + "/resource.json"
        archives[0]["path"] = url + "/archive.txt"

    edit_descriptor(directory, change)
    schema_path = directory / "schemas" / "qualifiers.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["$schema"] = url + "/tableschema.json"
    schema["profile"] = url + "/tableschema.json"
    schema_path.write_text(json.dumps(schema, indent=2), encoding="utf-8")


@pytest.mark.parametrize("url", URLS)
def test_no_socket_through_the_library(tmp_path: Path, no_network: list[str], url: str) -> None:
    package = copy_package(tmp_path)
    remote_everything(package, url)
    report = validate_package(package)
    assert not report.valid
    assert {f.code for f in report.findings} >= {"remote-reference", "descriptor-profile"}
    assert no_network == []


@pytest.mark.parametrize("url", URLS)
def test_no_socket_through_the_command_line(tmp_path: Path, no_network: list[str], url: str) -> None:
    package = copy_package(tmp_path)
    remote_everything(package, url)
    code, report = run(package)
    assert code == 1
    codes = {f[0] for f in located(report)}
    assert {"remote-reference", "descriptor-profile"} <= codes
    assert no_network == []


def test_no_socket_on_the_real_package(no_network: list[str]) -> None:
    assert validate_package(ROOT).valid
    assert no_network == []


def test_the_socket_guard_works(no_network: list[str]) -> None:
    """The guard itself catches a library's attempt, so an empty record means something."""
    import urllib.request

    with pytest.raises(OSError):
        urllib.request.urlopen("http://example.invalid/", timeout=1)
    assert no_network


# ---- same input, same report ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["intact", "many-defects"])
@pytest.mark.parametrize("format_", ["json", "text"])
def test_same_input_same_report_byte_for_byte(tmp_path: Path, name: str, format_: str) -> None:
    package = copy_package(tmp_path)
    BREAKS[name](package)
    first = cli(package, "--format", format_, seed="1")
    second = cli(package, "--format", format_, seed="2")
    assert first.returncode == second.returncode == (0 if name == "intact" else 1)
    assert first.stdout == second.stdout
    assert first.stdout
    in_process = [CliRunner().invoke(main, [str(package), "--format", format_]).stdout for _ in range(2)]
    assert in_process[0] == in_process[1] == first.stdout


def test_report_does_not_depend_on_where_the_package_is(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "deeper").mkdir(parents=True)
    one, two = copy_package(tmp_path / "a"), copy_package(tmp_path / "b" / "deeper")
    for package in (one, two):
        break_many(package)
    assert cli(one, "--format", "json").stdout == cli(two, "--format", "json").stdout


@pytest.mark.parametrize("name", ["intact", "many-defects"])
def test_checks_at_once_or_one_by_one_give_the_same_report(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A package this small is checked in one thread (validate.bulk); here it takes two."""
    import validate.bulk

    monkeypatch.setattr(validate.bulk, "FROM_ROWS", 0)
    package = copy_package(tmp_path)
    BREAKS[name](package)
    one, two = (CliRunner().invoke(main, [str(package), "--format", "json", "--jobs", jobs]) for jobs in ("1", "2"))
    assert one.exit_code == two.exit_code == (0 if name == "intact" else 1)
    assert one.stdout == two.stdout


def test_a_generated_package_with_defects_gives_the_same_report_at_once_or_one_by_one(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    command = [sys.executable, "-m", "benchmarks.generate", str(out), "--rows", "3000", "--defects", "6"]
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    one, two = (cli(out, "--format", "json", "--jobs", jobs) for jobs in ("1", "2"))
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout
    assert len(json.loads(one.stdout)["findings"]) >= 6


@pytest.mark.parametrize("name", ["intact", "many-defects"])
def test_settling_rows_in_bulk_or_reading_each_gives_the_same_report(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A small package is read row by row, a large one settled in bulk first (validate.bulk)."""
    import validate.bulk

    package = copy_package(tmp_path)
    BREAKS[name](package)
    reports = []
    for rows in (0, 10**9):
        monkeypatch.setattr(validate.bulk, "FROM_ROWS", rows)
        reports.append(CliRunner().invoke(main, [str(package), "--format", "json"]).stdout)
    assert reports[0] == reports[1]
    assert json.loads(reports[0])["valid"] is (name == "intact")


def test_a_folder_swapped_for_a_link_out_between_runs_is_refused(tmp_path: Path, outside: Path) -> None:
    """Folders are resolved once per run, not once per process: a second run in the same process
    sees a folder that has since become a link out of the package."""
    package = copy_package(tmp_path)
    assert validate_package(package).valid
    archive = package / ARCHIVE_0.rsplit("/", 1)[0]
    archive.rename(outside / "archive")
    archive.symlink_to(outside / "archive")
    refused = {f.code for f in validate_package(package).findings if f.severity == "error"}
    assert refused == {"unsafe-path"}


@pytest.mark.parametrize("name", ["intact", "many-defects"])
def test_reading_the_largest_table_ahead_gives_the_same_report(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The largest table's file is read and parsed ahead only in a large package
    (validate.loading.ahead); forced here, the report is the same, and it was read ahead."""
    import threading

    import validate.loading.ahead as ahead

    package = copy_package(tmp_path)
    BREAKS[name](package)
    parsed_in: list[str] = []
    real = ahead.read_arrow

    def spy(data: bytes, dialect: Any) -> Any:
        parsed_in.append(threading.current_thread().name)
        return real(data, dialect)

    monkeypatch.setattr(ahead, "read_arrow", spy)
    reports = []
    for size in (10**12, 0):
        monkeypatch.setattr(ahead, "FROM_BYTES", size)
        reports.append(CliRunner().invoke(main, [str(package), "--format", "json"]).stdout)
    assert reports[0] == reports[1]
    assert json.loads(reports[0])["valid"] is (name == "intact")
    # The largest file, quotes.csv, is read ahead unless it has CR line endings, as it has among
    # the defects: the loader rewrites those bytes before it parses them.
    assert [n.startswith("read-ahead") for n in parsed_in] == ([True] if name == "intact" else [])


def test_a_large_table_linked_outside_is_not_read_ahead(
    tmp_path: Path, outside: Path, opened: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The largest table is picked among safe paths only: a link out is never opened."""
    import validate.loading.ahead as ahead

    monkeypatch.setattr(ahead, "FROM_BYTES", 0)
    package = copy_package(tmp_path)
    (outside / "large.csv").write_bytes(b"metric_id,label,unit\n" + b"m,M,count\n" * 500_000)
    (package / METRICS).unlink()
    (package / METRICS).symlink_to(outside / "large.csv")
    opened.clear()
    report = CliRunner().invoke(main, [str(package), "--format", "json"]).stdout
    assert opened, "the spy saw no open at all"
    assert not [p for p in opened if Path(p).resolve().is_relative_to(outside)]
    assert ("unsafe-path", DESCRIPTOR, None, "resources[metrics].path") in located(json.loads(report))
