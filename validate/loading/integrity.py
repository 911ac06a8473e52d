"""A table's declared hash and bytes, checked against the file as read (as frictionless checks them)."""

from __future__ import annotations

from typing import Any

from validate.findings import finding
from validate.hashes import digest_of, hash_matches
from validate.model import Package


def check_integrity(pkg: Package, resource: dict[str, Any], path: str, data: bytes) -> None:
    """One finding when the file's bytes are not those the resource declares: hash-mismatch when a
    hash is declared and differs (its message gives the size too), else bytes-mismatch."""
    claim, size = resource.get("hash"), resource.get("bytes")
    wrong_size = isinstance(size, int) and not isinstance(size, bool) and size != len(data)
    if not hash_matches(claim, data):
        pkg.findings.append(
            finding(
                "hash-mismatch",
                path,
                None,
                "hash",
                f"the file's hash is {digest_of(claim, data)} ({len(data)} bytes); the descriptor declares {claim}"
                f"{f' and {size} bytes' if wrong_size else ''}: the file was changed, or the hash is stale",
            )
        )
    elif wrong_size:
        pkg.findings.append(
            finding(
                "bytes-mismatch",
                path,
                None,
                "bytes",
                f"the file has {len(data)} bytes; the descriptor declares {size}",
            )
        )
