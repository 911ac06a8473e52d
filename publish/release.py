"""Reproducible release archive: the package files byte for byte under one top folder."""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from pathlib import Path

from publish.package import Package, PackageError

DESCRIPTOR = "datapackage.json"
MAX_FILE_BYTES = 512 * 1024 * 1024  # the validator's default limit for any one file

# Documents that travel with the data; LICENSE is shipped when present.
RELEASE_DOCUMENTS = ("README.md", "CITATION.cff", "CHANGELOG.md")
OPTIONAL_DOCUMENTS = ("LICENSE",)

# Used when the descriptor has no usable "created" date; the earliest time ZIP can store.
FALLBACK_TIME = (1980, 1, 1, 0, 0, 0)
UNIX = 3
FILE_MODE = 0o100644


def release_paths(package: Package) -> list[str]:
    """What the release carries, as sorted POSIX paths: the descriptor, the descriptor's
    resources, the schemas the validator read, and the named documents."""
    model = package.model
    paths = {DESCRIPTOR, *RELEASE_DOCUMENTS}
    paths.update(name for name in OPTIONAL_DOCUMENTS if (package.root / name).is_file())
    paths.update(str(r["path"]) for r in model.resources if isinstance(r.get("path"), str))
    paths.update(str(r["schema"]) for r in model.resources if isinstance(r.get("schema"), str))
    paths.update(name for name in model.json_texts if name != DESCRIPTOR)  # schemas/rules.json
    return sorted(paths)


def release_files(package: Package) -> dict[str, bytes]:
    """The bytes of every release path, read as the validator reads files: inside the package,
    regular, never through a symlink out. Nothing is returned unless every file reads."""
    from validate.loading import read_file
    from validate.model import Package as Scratch

    scratch = Scratch(root=package.root)
    files: dict[str, bytes] = {}
    for path in release_paths(package):
        data = read_file(package.root, path, MAX_FILE_BYTES, scratch, DESCRIPTOR, path)
        if data is not None:
            files[path] = data
    if scratch.findings:
        raise PackageError("the release cannot be built: " + "; ".join(f"{f.message}" for f in scratch.findings))
    return files


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


def build_release(package: Package, files: dict[str, bytes], out_dir: Path) -> Path:
    """Write ``<name>-<version>.zip`` of the files read by release_files into out_dir; return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{package.stem}.zip"
    partial = out_dir / f".{target.name}.partial"
    date_time = release_time(package)
    with zipfile.ZipFile(partial, "w") as archive:
        for relative in sorted(files):
            archive.writestr(_entry(f"{package.stem}/{relative}", date_time), files[relative])
    os.replace(partial, target)
    return target
