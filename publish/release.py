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
LAST_ZIP_YEAR = 2107  # the DOS date field holds years 1980 to 2107
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
    """The bytes of every release path, read as the validator reads files (inside the package,
    regular), and more strictly still: never through a symlink, never a hard link, whose bytes
    may be a file outside the package. Nothing is returned unless every file reads."""
    from validate.loading.paths import path_problem
    from validate.writer import Writer, WriteRefused

    reader = Writer(package.root)
    files: dict[str, bytes] = {}
    problems: list[str] = []
    for path in release_paths(package):
        problem = path_problem(package.root, path)
        if problem:
            problems.append(problem)
            continue
        try:
            files[path] = reader.read(path, MAX_FILE_BYTES)
        except FileNotFoundError:
            problems.append(f"{path} is missing")
            continue
        except WriteRefused as refused:
            problems.append(str(refused))
            continue
        judged = package.model.files.get(path)
        if judged is not None and judged != files[path]:  # ship what was judged, or nothing
            problems.append(f"{path} changed after the validator read it")
    if problems:
        raise PackageError("the release cannot be built: " + "; ".join(problems))
    return files


def release_time(package: Package) -> tuple[int, int, int, int, int, int]:
    """Fixed timestamp for every entry: the package's created date, so rebuilds match.

    A ``created`` the zip format cannot store (before 1980, after 2107 in UTC) or that is not a
    date and time is refused, before anything is written; a package without one gets 1980-01-01.
    """
    created = package.descriptor.get("created")
    if created is None:
        return FALLBACK_TIME
    try:
        if not isinstance(created, str):
            raise ValueError
        moment = dt.datetime.fromisoformat(created.replace("Z", "+00:00"))
        if moment.tzinfo is None:  # read as UTC, so the zip does not depend on this machine's zone
            moment = moment.replace(tzinfo=dt.UTC)
        moment = moment.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise PackageError(f"datapackage.json: created {created!r} is not an ISO 8601 date and time") from None
    if not FALLBACK_TIME[0] <= moment.year <= LAST_ZIP_YEAR:
        raise PackageError(
            f"datapackage.json: created {created!r} is {moment.isoformat()} in UTC; a zip can only "
            f"date its entries from {FALLBACK_TIME[0]} to {LAST_ZIP_YEAR}"
        )
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


def release_problems(package: Package) -> list[str]:
    """Why the release could not be written as the descriptor names it, all at once: names that
    would become file names, zip entries or SQL identifiers, and the date every entry carries."""
    from validate.writer import component_problem, identifier_problems

    problems = [
        problem
        for problem in (
            component_problem("datapackage.json: name", package.name),
            component_problem("datapackage.json: version", package.version),
        )
        if problem
    ]
    if not problems and len(f"{package.stem}.sqlite") > 255:
        problems.append("datapackage.json: name and version make a file name over 255 bytes")
    problems += identifier_problems("datapackage.json: resource name", [table.name for table in package.tables])
    for table in package.tables:
        problems += identifier_problems(f"{table.path}: field", [field.name for field in table.fields])
    try:
        release_time(package)
    except PackageError as error:
        problems.append(str(error))
    return problems


def check_outputs(out_dir: Path, names: list[str]) -> None:
    """Refuse, before anything is written, an output folder or target that is a link or not a file."""
    from validate.writer import Writer

    if not os.path.lexists(out_dir):
        return
    writer = Writer(out_dir)
    for name in names:
        writer.check(name)


def build_release(package: Package, files: dict[str, bytes], out_dir: Path) -> Path:
    """Write ``<name>-<version>.zip`` of the files read by release_files into out_dir; return its path."""
    from validate.writer import Writer, component_problem

    for part in (package.name, package.version):
        problem = component_problem("release name", part)
        if problem:  # release_problems refuses these first; never an entry outside the top folder
            raise PackageError(problem)
    date_time = release_time(package)

    def write(path: Path) -> None:
        """The zip, written at a private path the writer then renames into place."""
        with zipfile.ZipFile(path, "x") as archive:
            for relative in sorted(files):
                archive.writestr(_entry(f"{package.stem}/{relative}", date_time), files[relative])

    return Writer(out_dir, create=True).produce(f"{package.stem}.zip", write)
