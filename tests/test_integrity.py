"""A resource's declared hash and bytes: checked for tables as for other files, the hash read as both
specs write it (algorithm:hex, or bare hex, which is MD5), one finding per defect."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import located, run

TABLE = b"id,name\n1,Ada\n2,Grace\n"
NOTE = b"An archived note.\n"
V2 = "https://datapackage.org/profiles/2.0/datapackage.json"


def _package(tmp_path: Path, version: str, table: dict[str, Any], note: dict[str, Any] | None = None) -> Path:
    root = tmp_path / "package"
    root.mkdir()
    (root / "people.csv").write_bytes(TABLE)
    (root / "note.txt").write_bytes(NOTE)
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}]}
    resources: list[dict[str, Any]] = [{"name": "people", "path": "people.csv", "schema": schema, **table}]
    if note is not None:
        resources.append({"name": "note", "path": "note.txt", **note})
    descriptor: dict[str, Any] = {"name": "people", "resources": resources}
    if version == "v2":
        descriptor = {"$schema": V2, **descriptor}
        resources[0]["type"] = "table"
    else:
        descriptor["profile"] = "tabular-data-package"
        resources[0]["profile"] = "tabular-data-resource"
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return root


def _hash(algorithm: str, data: bytes, prefix: bool = True) -> str:
    digest = hashlib.new(algorithm, data).hexdigest()
    return f"{algorithm}:{digest}" if prefix else digest


RIGHT = [
    _hash("md5", TABLE),
    _hash("md5", TABLE, prefix=False),
    _hash("sha1", TABLE),
    _hash("sha256", TABLE),
    _hash("sha512", TABLE),
    _hash("sha256", TABLE).upper().replace("SHA256:", "sha256:"),
]
WRONG = [
    _hash("md5", TABLE + b"x"),
    _hash("md5", TABLE + b"x", prefix=False),
    _hash("sha1", TABLE + b"x"),
    _hash("sha256", TABLE + b"x"),
    _hash("sha512", TABLE + b"x"),
    _hash("sha256", TABLE, prefix=False),  # a bare hash is MD5: a bare sha256 does not match
]


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize("claim", RIGHT)
def test_a_table_with_its_hash_is_valid(tmp_path: Path, version: str, claim: str) -> None:
    code, report = run(_package(tmp_path, version, {"hash": claim, "bytes": len(TABLE)}))
    assert code == 0, located(report)


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize("claim", WRONG)
def test_a_table_with_another_hash_is_one_hash_mismatch(tmp_path: Path, version: str, claim: str) -> None:
    code, report = run(_package(tmp_path, version, {"hash": claim}))
    assert code == 1
    assert located(report) == {("hash-mismatch", "people.csv", None, "hash")}


def test_a_table_of_another_size_is_one_bytes_mismatch(tmp_path: Path) -> None:
    code, report = run(_package(tmp_path, "v2", {"bytes": len(TABLE) + 1}))
    assert code == 1
    assert located(report) == {("bytes-mismatch", "people.csv", None, "bytes")}


def test_wrong_hash_and_size_together_are_one_finding(tmp_path: Path) -> None:
    code, report = run(_package(tmp_path, "v2", {"hash": WRONG[3], "bytes": len(TABLE) + 1}))
    assert code == 1
    assert located(report) == {("hash-mismatch", "people.csv", None, "hash")}


def test_a_bad_cell_is_still_read_in_a_table_whose_hash_differs(tmp_path: Path) -> None:
    root = _package(tmp_path, "v2", {"hash": _hash("md5", TABLE)})
    (root / "people.csv").write_bytes(TABLE.replace(b"2,", b"two,"))
    code, report = run(root)
    assert code == 1
    assert located(report) == {("hash-mismatch", "people.csv", None, "hash"), ("type-error", "people.csv", 3, "id")}


@pytest.mark.parametrize("claim", [_hash("md5", NOTE, prefix=False), _hash("sha512", NOTE), _hash("sha1", NOTE)])
def test_a_file_with_its_bare_md5_or_other_hash_is_valid(tmp_path: Path, claim: str) -> None:
    code, report = run(_package(tmp_path, "v2", {}, {"hash": claim}))
    assert code == 0, located(report)
