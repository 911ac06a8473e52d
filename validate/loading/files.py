"""Reading files of the package: safe, regular, within limits, never blocking (JSON and YAML are
parsed in validate.loading.structured)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from validate.findings import finding
from validate.loading.paths import path_problem
from validate.model import Package
from validate.options import Options


def json_limit(options: Options) -> int:
    """Largest JSON file read: the descriptor limit, never above the limit for any file."""
    return min(options.max_descriptor_bytes, options.max_file_bytes)


def read_file(root: Path, path: str, limit: int, pkg: Package, owner: str, field_: str = "path") -> bytes | None:
    """Bytes of a safe, regular, non-empty file within the limit, or None with a finding."""
    problem = path_problem(root, path)
    if problem:
        pkg.findings.append(finding("unsafe-path", owner, None, field_, problem))
        return None
    full = root / path
    if not full.is_file():
        what = "a directory" if full.is_dir() else "missing or not a regular file"
        pkg.findings.append(finding("file-missing", path, None, None, f"{path} is {what}"))
        return None
    read = read_regular(full, limit)
    if read is None:
        pkg.findings.append(finding("file-missing", path, None, None, f"{path} could not be opened as a regular file"))
        return None
    size, data = read
    if size > limit:
        pkg.findings.append(
            finding("file-too-large", path, None, None, f"{path} is {size} bytes; the limit is {limit}")
        )
        return None
    if not data:
        pkg.findings.append(finding("file-empty", path, None, None, f"{path} is empty"))
        return None
    return data


def read_regular(full: Path, limit: int) -> tuple[int, bytes] | None:
    """Size and bytes of a regular file (no bytes when over limit); None if not one or unreadable.

    The file is opened non-blocking and checked after opening, so a FIFO or device swapped
    in after the first check can neither hang the run nor be read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        descriptor = os.open(full, flags)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb", closefd=True) as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            return None
        if status.st_size > limit:
            return status.st_size, b""
        data = handle.read(limit + 1)  # the file may grow after fstat: never read past the limit
        return max(status.st_size, len(data)), data
