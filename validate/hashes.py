"""A resource's declared hash, read as both Data Package specs write it: ``algorithm:hex``, or a bare
hex digest, which is MD5 (v1 and v2 alike; a bare sha256 is a mismatch, as frictionless says)."""

from __future__ import annotations

import hashlib

ALGORITHMS = ("md5", "sha1", "sha256", "sha512")
"""The algorithms checked. frictionless checks md5 and sha256 and ignores the others; a declared
sha1 or sha512 that does not match is a mismatch here."""


def declared_hash(claim: object) -> tuple[str, str] | None:
    """(algorithm, lower-case hex) of a declared hash, or None when it is not one of ALGORITHMS."""
    if not isinstance(claim, str) or not claim:
        return None
    algorithm, _, digest = claim.rpartition(":")
    algorithm = algorithm.lower() or "md5"
    return (algorithm, digest.lower()) if algorithm in ALGORITHMS else None


def hash_matches(claim: object, data: bytes) -> bool:
    """Whether data has the declared hash; True when none is declared in a checked algorithm."""
    parsed = declared_hash(claim)
    return parsed is None or hashlib.new(parsed[0], data).hexdigest() == parsed[1]


def digest_of(claim: object, data: bytes) -> str:
    """The data's digest in the claim's algorithm, written as the claim would be (algorithm:hex)."""
    parsed = declared_hash(claim)
    algorithm = parsed[0] if parsed else "sha256"
    return f"{algorithm}:{hashlib.new(algorithm, data).hexdigest()}"
