"""The SQLite release database: typed from the schemas, keys enforced, served by datasette."""

from __future__ import annotations

import csv
import importlib
import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from publish.cli import main
from publish.database import SQLITE_TYPES

ROOT = Path(__file__).resolve().parents[1]
DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
STEM = f"{DESCRIPTOR['name']}-{DESCRIPTOR['version']}"
TABLES = [resource for resource in DESCRIPTOR["resources"] if resource.get("type") == "table"]


def schema_of(resource: dict[str, Any]) -> dict[str, Any]:
    """The Table Schema a resource points at."""
    schema: dict[str, Any] = json.loads((ROOT / resource["schema"]).read_text(encoding="utf-8"))
    return schema


def csv_rows(root: Path, resource: dict[str, Any]) -> list[dict[str, str]]:
    """The raw CSV rows of a resource."""
    with (root / resource["path"]).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def build(package_dir: Path, out_dir: Path) -> Any:
    """Run ``publish build`` in-process and return the click result."""
    return CliRunner().invoke(main, ["build", str(package_dir), "--out", str(out_dir)])


def copy_package(destination: Path) -> Path:
    """Copy the files a build reads into destination."""
    destination.mkdir()
    for name in ("datapackage.json", "README.md", "CITATION.cff", "CHANGELOG.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, destination / name)
    for name in ("data", "schemas"):
        shutil.copytree(ROOT / name, destination / name)
    return destination


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build once into a temporary directory; return the output directory."""
    out = tmp_path_factory.mktemp("dist")
    result = build(ROOT, out)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture()
def db(built: Path) -> Iterator[sqlite3.Connection]:
    """An open connection to the built database."""
    connection = sqlite3.connect(built / f"{STEM}.sqlite")
    try:
        yield connection
    finally:
        connection.close()


def test_database_is_named_after_the_package(built: Path) -> None:
    assert (built / f"{STEM}.sqlite").is_file()
    assert (built / "metadata.json").is_file()


def test_foreign_key_check_is_clean(db: sqlite3.Connection) -> None:
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_every_table_has_every_csv_row(db: sqlite3.Connection) -> None:
    names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    # figure_intervals holds the qualifier readings the figures view joins (publish/flat_sqlite.py).
    assert names == {resource["name"] for resource in TABLES} | {"figure_intervals"}
    for resource in TABLES:
        (count,) = db.execute(f'SELECT count(*) FROM "{resource["name"]}"').fetchone()
        assert count == len(csv_rows(ROOT, resource)), resource["name"]


def test_columns_are_typed_as_the_schema_declares(db: sqlite3.Connection) -> None:
    for resource in TABLES:
        schema = schema_of(resource)
        columns = db.execute(f'PRAGMA table_info("{resource["name"]}")').fetchall()
        assert [column[1] for column in columns] == [field["name"] for field in schema["fields"]]
        for column, field in zip(columns, schema["fields"], strict=True):
            _, name, declared, notnull, _, _ = column
            assert declared == SQLITE_TYPES[field["type"]], (resource["name"], name)
            required = field.get("constraints", {}).get("required", False)
            assert bool(notnull) == required, (resource["name"], name)


def test_primary_keys_follow_the_schema(db: sqlite3.Connection) -> None:
    for resource in TABLES:
        columns = db.execute(f'PRAGMA table_info("{resource["name"]}")').fetchall()
        key = [name for _, name, _, _, _, pk in sorted(columns, key=lambda c: c[5]) if pk]
        assert key == schema_of(resource)["primaryKey"], resource["name"]


def test_foreign_keys_follow_the_schema(db: sqlite3.Connection) -> None:
    for resource in TABLES:
        rows = db.execute(f'PRAGMA foreign_key_list("{resource["name"]}")').fetchall()
        found: dict[int, tuple[str, list[str], list[str]]] = {}
        for fk_id, _, parent, child_col, parent_col, *_ in rows:
            entry = found.setdefault(fk_id, (parent, [], []))
            entry[1].append(child_col)
            entry[2].append(parent_col)
        declared = [
            (fk["reference"]["resource"], fk["fields"], fk["reference"]["fields"])
            for fk in schema_of(resource).get("foreignKeys", [])
        ]
        assert sorted(found.values()) == sorted(declared), resource["name"]


def test_values_are_typed_and_empty_cells_are_null(db: sqlite3.Connection) -> None:
    outcomes = next(resource for resource in TABLES if resource["name"] == "outcomes")
    rows = csv_rows(ROOT, outcomes)
    empty_units = sum(1 for row in rows if row["rounding_unit"] == "")
    (nulls,) = db.execute("SELECT count(*) FROM outcomes WHERE rounding_unit IS NULL").fetchone()
    assert nulls == empty_units
    assert db.execute("SELECT count(*) FROM outcomes WHERE rounding_unit = ''").fetchone() == (0,)
    kinds = {row[0] for row in db.execute("SELECT DISTINCT typeof(number) FROM outcomes")}
    assert kinds == {"real"}
    kinds = {row[0] for row in db.execute("SELECT DISTINCT typeof(line) FROM outcomes")}
    assert kinds == {"integer"}
    flags = {row[0] for row in db.execute("SELECT DISTINCT published_doubtful FROM sources")}
    assert flags <= {0, 1}


def test_a_join_across_the_keys_returns_every_figure(db: sqlite3.Connection) -> None:
    (count,) = db.execute(
        "SELECT count(*) FROM outcomes o"
        " JOIN operations op USING (operation_id)"
        " JOIN sources s USING (source_id)"
        " JOIN metrics m USING (metric_id)"
    ).fetchone()
    (total,) = db.execute("SELECT count(*) FROM outcomes").fetchone()
    assert count == total > 0


def test_two_builds_give_the_same_database_bytes(built: Path, tmp_path: Path) -> None:
    result = build(ROOT, tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / f"{STEM}.sqlite").read_bytes() == (built / f"{STEM}.sqlite").read_bytes()
    assert (tmp_path / "metadata.json").read_bytes() == (built / "metadata.json").read_bytes()


def test_metadata_describes_tables_and_columns(built: Path) -> None:
    metadata = json.loads((built / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["title"] == DESCRIPTOR["title"]
    assert metadata["description"] == DESCRIPTOR["description"]
    assert metadata["license"] == DESCRIPTOR["licenses"][0]["name"]
    tables = metadata["databases"][STEM]["tables"]
    assert set(tables) == {resource["name"] for resource in TABLES} | {"figures", "figure_intervals"}
    for resource in TABLES:
        schema = schema_of(resource)
        assert tables[resource["name"]]["description"] == resource["description"]
        assert tables[resource["name"]]["columns"] == {
            field["name"]: field["description"] for field in schema["fields"]
        }


def test_a_dangling_reference_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    package = copy_package(tmp_path / "package")
    outcomes = package / "data" / "outcomes.csv"
    with outcomes.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("operation_id")
    rows[1][column] = "no-such-operation"
    with outcomes.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)

    result = build(package, tmp_path / "dist")

    assert result.exit_code == 1
    assert "foreign-key" in result.output  # the validator's finding, printed
    assert not (tmp_path / "dist").exists()


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fetch_json(url: str) -> Any:
    """GET url and decode its JSON body."""
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read().decode("utf-8"))


def wait_for(url: str, process: subprocess.Popen[bytes], limit: float = 20.0) -> Any:
    """Poll url until datasette answers, failing if it exits or the limit passes."""
    deadline = time.monotonic() + limit
    while True:
        assert process.poll() is None, "datasette exited before answering"
        try:
            return fetch_json(url)
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def datasette_route(name: str) -> str:
    """The URL form datasette gives a database name (it tilde-encodes the dots)."""
    utils = importlib.import_module("datasette.utils")
    route: str = utils.tilde_encode(name)
    return route


def test_datasette_serves_the_outcomes(built: Path) -> None:
    port = free_port()
    database = built / f"{STEM}.sqlite"
    command = [
        sys.executable, "-m", "datasette", "serve", str(database),
        "-m", str(built / "metadata.json"),
        "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/{datasette_route(STEM)}/outcomes.json?_shape=array&_size=max"
        rows = wait_for(url, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    outcomes = next(resource for resource in TABLES if resource["name"] == "outcomes")
    assert len(rows) == len(csv_rows(ROOT, outcomes))
    assert "ucol-l23-arrests" in {row["outcome_id"] for row in rows}
