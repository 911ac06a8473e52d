"""Path safety: which resource paths the loader may open."""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path, PurePosixPath

_REMOTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_URL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:)?//")


def is_url(reference: object) -> bool:
    """Whether a reference in the descriptor is a URL (https://..., //host/...), which the validator never fetches."""
    return isinstance(reference, str) and _URL.match(reference) is not None


def path_problem(root: Path, path: object) -> str | None:
    """Why a resource path may not be opened, or None when it is a safe path inside root."""
    if not isinstance(path, str) or not path:
        return "path must be a non-empty string"
    if "\x00" in path or "\\" in path:
        return f"path {path!r} contains a NUL or backslash"
    if path.startswith("//") or _REMOTE.match(path):
        return f"remote path {path!r} is refused: the validator never opens a connection"
    if path.startswith("~"):
        return f"path {path!r} starts with '~'; use a path relative to the package root"
    if os.path.isabs(path):
        return f"absolute path {path!r}; use a path relative to the package root"
    if ".." in PurePosixPath(path).parts:
        return f"path {path!r} climbs out of the package with '..'"
    full = root / path
    # A file's real path is its folder's, resolved once per folder, unless the file is a link
    # itself: resolving each of a thousand archived texts in full took a tenth of a second.
    try:
        real = full.resolve() if os.path.islink(full) else _resolved(full.parent) / full.name
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError for a loop, 3.13 OSError
        return f"path {path!r} is a symlink loop"
    if not real.is_relative_to(_resolved(root)):
        return f"path {path!r} is a symlink to outside the package"
    return None


def forget_folders() -> None:
    """Resolve folders afresh: called as each run starts loading, so that a folder swapped for a
    link out of the package since an earlier run in this process is seen."""
    _resolved.cache_clear()


@functools.lru_cache(maxsize=1024)
def _resolved(folder: Path) -> Path:
    """The folder with its symlinks resolved, once per folder in a run (every resource path is
    checked against the package root: a thousand archived texts asked for it two thousand times)."""
    return folder.resolve()


def paths_of(path: object) -> list[str]:
    """The file paths a resource's path gives: itself, or each part of a multipart path."""
    if isinstance(path, str):
        return [path]
    return [p for p in path if isinstance(p, str)] if isinstance(path, list) else []


def same_file(path: str) -> str:
    """One spelling of a path for every alias of it: data/x.csv, ./data/x.csv and data//./x.csv
    name one file ('..' is refused as unsafe before it matters)."""
    import posixpath

    return posixpath.normpath(path)
