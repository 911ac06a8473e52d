"""Reproducible release archive: the package files byte for byte under one top folder."""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from pathlib import Path

from publish.package import Package, PackageError

# Directories shipped whole (data/ includes data/archive/, the texts quotes are checked against).
RELEASE_DIRS = ("data", "schemas")
RELEASE_FILES = ("datapackage.json", "README.md", "CITATION.cff", "CHANGELOG.md")
OPTIONAL_FILES = ("LICENSE",)

# Used when the descriptor has no usable "created" date; the earliest time ZIP can store.
FALLBACK_TIME = (1980, 1, 1, 0, 0, 0)
UNIX = 3
FILE_MODE = 0o100644


def release_files(root: Path) -> list[str]:
    """List the package files the release carries, as sorted POSIX paths relative to root."""
    missing = [name for name in RELEASE_FILES if not (root / name).is_file()]
    if missing:
        raise PackageError(f"release needs {', '.join(missing)}")
    paths = list(RELEASE_FILES)
    paths.extend(name for name in OPTIONAL_FILES if (root / name).is_file())
    for directory in RELEASE_DIRS:
        paths.extend(
            path.relative_to(root).as_posix()
            for path in (root / directory).rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
        )
    return sorted(paths)


def release_time(package: Package) -> tuple[int, int, int, int, int, int]:
    """Fixed timestamp for every entry: the package's created date, so rebuilds match."""
    created = package.descriptor.get("created")
    if not isinstance(created, str):
        return FALLBACK_TIME
    try:
        moment = dt.datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        return FALLBACK_TIME
    if moment.year < FALLBACK_TIME[0]:
        return FALLBACK_TIME
    moment = moment.astimezone(dt.UTC)
    # ZIP stores seconds in steps of two.
    return (
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second // 2 * 2,
    )


def _entry(name: str, date_time: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    """A ZipInfo with every field that could vary between machines pinned."""
    info = zipfile.ZipInfo(name, date_time=date_time)
    # Stored, not deflated: files stay byte for byte and zlib versions cannot change the output.
    info.compress_type = zipfile.ZIP_STORED
    info.create_system = UNIX
    info.external_attr = FILE_MODE << 16
    return info


def build_release(package: Package, out_dir: Path) -> Path:
    """Write ``<name>-<version>.zip`` into out_dir and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{package.stem}.zip"
    partial = out_dir / f".{target.name}.partial"
    date_time = release_time(package)
    files = release_files(package.root)
    with zipfile.ZipFile(partial, "w") as archive:
        for relative in files:
            data = (package.root / relative).read_bytes()
            archive.writestr(_entry(f"{package.stem}/{relative}", date_time), data)
    os.replace(partial, target)
    return target
