"""The one way the package's commands write, and read what they ship: inside an allowed root.

Every command that writes (``publish``, ``contribute``, ``validate.docs --write``) goes through
a ``Writer`` bound to one allowed root, the output folder or the package. A target is a relative
POSIX path checked part by part; each folder on the way is opened without following links, so a
planted symlink (``dist/metadata.json`` pointing at a file elsewhere, a ``data`` folder pointing
out) is refused, never written through. Bytes go to an unpredictable temporary file created
exclusively (``O_EXCL | O_NOFOLLOW``, mode 0600) in the target's own folder, and are renamed over
the target last, so a reader sees the old file or the new one, never half of either. A target
that is a symlink, not a regular file, or a hard link (``st_nlink > 1``: its bytes are shared
with a file elsewhere) is refused.

Names taken from a descriptor are checked here too, before they become a file name, a zip entry
or an SQL identifier (``component_problem``, ``identifier_problems``).
"""

from __future__ import annotations

import os
import re
import secrets
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath

MAX_NAME_CHARS = 100
"""Longest name from a descriptor used in a file name or as an SQL identifier. File systems stop
at 255 bytes for one name, and a release file is named ``<name>-<version>.sqlite``."""

_COMPONENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")
"""A descriptor name safe as part of a file name: Data Package names (lower-case letters, digits,
'.', '_', '-') and SemVer versions ('+' for build metadata); never '.', '..', '/' or a leading dot."""

_FLAGS_DIR = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
_FLAGS_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_FLAGS_READ = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


class WriteRefused(Exception):
    """A write (or a read for a release) that would leave its root, follow a link or use an unsafe name."""


def component_problem(what: str, value: object) -> str | None:
    """Why value may not be part of a file or zip entry name, or None when it may."""
    if not isinstance(value, str) or not value:
        return f"{what} must be a non-empty string"
    if len(value) > MAX_NAME_CHARS:
        return f"{what} is {len(value)} characters long; at most {MAX_NAME_CHARS} are allowed"
    if not _COMPONENT.fullmatch(value):
        return (
            f"{what} {value!r} is not a safe name: use letters, digits, '.', '_', '+' and '-', "
            "starting with a letter or digit (no '/', '..', spaces or control characters)"
        )
    return None


def identifier_problems(what: str, names: Iterable[object]) -> list[str]:
    """Why names (of tables, or of one table's columns) cannot all be SQLite identifiers: each
    must be a string without NUL or control characters, not too long, not reserved (``sqlite_``),
    and distinct from the others ignoring case, as SQLite compares identifiers."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for name in names:
        if not isinstance(name, str) or not name:
            problems.append(f"{what} {name!r} must be a non-empty string")
            continue
        if re.search(r"[\x00-\x1f\x7f]", name):
            problems.append(f"{what} {name!r} holds a NUL or control character")
            continue
        if len(name) > MAX_NAME_CHARS:
            problems.append(f"{what} {name[:20]!r}... is {len(name)} characters long; at most {MAX_NAME_CHARS}")
            continue
        if name.lower().startswith("sqlite_"):
            problems.append(f"{what} {name!r} starts with 'sqlite_', which SQLite reserves for itself")
            continue
        folded = name.casefold()
        if folded in seen:
            problems.append(
                f"{what} {name!r} and {seen[folded]!r} differ only in case, which SQLite does not tell apart"
            )
            continue
        seen[folded] = name
    return problems


def relative_parts(relative: str) -> list[str]:
    """The parts of a relative POSIX path inside a root, or WriteRefused saying why it is not one."""
    if not relative or "\x00" in relative or "\\" in relative or relative.startswith(("/", "~")):
        raise WriteRefused(f"{relative!r} is not a relative path inside the folder")
    parts = list(PurePosixPath(relative).parts)
    if any(part in ("", ".", "..") for part in parts) or not parts:
        raise WriteRefused(f"{relative!r} climbs out of its folder")
    if any(len(part.encode("utf-8")) > 255 for part in parts):
        raise WriteRefused(f"{relative!r} has a part longer than 255 bytes")
    return parts


def _open_folder(root: Path, parts: list[str], create: bool) -> int:
    """A descriptor of the folder root/parts, each part opened without following a link."""
    descriptor = os.open(root, _FLAGS_DIR)
    try:
        for part in parts:
            if create:
                with suppress(FileExistsError):
                    os.mkdir(part, 0o755, dir_fd=descriptor)
            try:
                inner = os.open(part, _FLAGS_DIR, dir_fd=descriptor)
            except FileNotFoundError:
                raise
            except OSError as error:
                raise WriteRefused(
                    f"{part!r} in {root} is not a folder (a symlink is never followed): {error.strerror}"
                ) from None
            os.close(descriptor)
            descriptor = inner
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def _check_target(folder: int, name: str, shown: str) -> int | None:
    """The mode of the existing regular file name in folder, None when absent; WriteRefused for a link."""
    try:
        status = os.lstat(name, dir_fd=folder)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(status.st_mode):
        raise WriteRefused(f"{shown} is a symlink; it is never written through")
    if not stat.S_ISREG(status.st_mode):
        raise WriteRefused(f"{shown} exists and is not a regular file")
    if status.st_nlink > 1:
        raise WriteRefused(f"{shown} is a hard link ({status.st_nlink} names share its bytes); it is never written")
    return stat.S_IMODE(status.st_mode)


def _new_file_mode() -> int:
    """0644 less the process's umask, as an ordinary open() would create."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _unlink_quietly(name: str, folder: int) -> None:
    """Remove name from folder if it is there."""
    with suppress(FileNotFoundError):
        os.unlink(name, dir_fd=folder)


class Writer:
    """Writes files under one allowed root, and nowhere else."""

    def __init__(self, root: Path, create: bool = False) -> None:
        """Bind to root; create it (and its parents) when asked. A root that is a symlink is refused."""
        if create:
            if os.path.islink(root):
                raise WriteRefused(f"{root} is a symlink; give the folder it points to")
            root.mkdir(parents=True, exist_ok=True)
        if os.path.islink(root):
            raise WriteRefused(f"{root} is a symlink; give the folder it points to")
        if not root.is_dir():
            raise WriteRefused(f"{root} is not a folder")
        self.root = root
        self._real = Path(os.path.realpath(root))

    def path(self, relative: str) -> Path:
        """The path of relative under the root, as shown to a user."""
        relative_parts(relative)
        return self.root / relative

    @contextmanager
    def _folder(self, relative: str, create: bool) -> Iterator[tuple[int, str]]:
        """The open folder of relative's target and the target's name in it."""
        parts = relative_parts(relative)
        folder = _open_folder(self._real, parts[:-1], create)
        try:
            yield folder, parts[-1]
        finally:
            os.close(folder)

    def check(self, relative: str) -> None:
        """Refuse now, before anything is written, a target that could not be written safely."""
        parts = relative_parts(relative)
        try:
            folder = _open_folder(self._real, parts[:-1], create=False)
        except FileNotFoundError:
            return  # a folder still to be created holds nothing to follow
        try:
            _check_target(folder, parts[-1], relative)
        finally:
            os.close(folder)

    def replace(self, relative: str, data: bytes) -> Path:
        """Write data as relative, whole: a temporary file renamed over the target last."""
        with self._folder(relative, create=True) as (folder, name):
            mode = _check_target(folder, name, relative)
            temporary = _write_temporary(folder, name, data, _new_file_mode() if mode is None else mode)
            try:
                os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
            except BaseException:
                _unlink_quietly(temporary, folder)
                raise
        return self.root / relative

    def create(self, relative: str, data: bytes) -> Path:
        """Write data as a new file relative; refused when anything (a link included) is there."""
        with self._folder(relative, create=True) as (folder, name):
            if _check_target(folder, name, relative) is not None:
                raise WriteRefused(f"{relative} already exists")
            temporary = _write_temporary(folder, name, data, _new_file_mode())
            try:
                # A hard link fails if the name was taken meanwhile: never over anything.
                os.link(temporary, name, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=False)
            finally:
                _unlink_quietly(temporary, folder)
        return self.root / relative

    def remove(self, relative: str) -> None:
        """Remove relative if it is there (a link is removed, never followed)."""
        with self._folder(relative, create=False) as (folder, name):
            _unlink_quietly(name, folder)

    def produce(self, relative: str, make: Callable[[Path], None]) -> Path:
        """Let make write a file at a path in a private folder (for SQLite, matplotlib), then rename
        it to relative. Nothing is left behind when make fails or the run is interrupted."""
        with self._folder(relative, create=True) as (folder, name):
            _check_target(folder, name, relative)
            private = f".{name[:40]}.{secrets.token_hex(8)}.tmp"
            os.mkdir(private, 0o700, dir_fd=folder)
            try:
                inner = os.open(private, _FLAGS_DIR, dir_fd=folder)
                try:
                    make(Path(self._real, *relative_parts(relative)[:-1], private, name))
                    made = os.lstat(name, dir_fd=inner)
                    if not stat.S_ISREG(made.st_mode):
                        raise WriteRefused(f"{relative} was not written as a regular file")
                    os.chmod(name, _new_file_mode(), dir_fd=inner)
                    os.replace(name, name, src_dir_fd=inner, dst_dir_fd=folder)
                finally:
                    for left in os.listdir(inner):  # a journal, or the file when make failed
                        _unlink_quietly(left, inner)
                    os.close(inner)
            finally:
                os.rmdir(private, dir_fd=folder)
        return self.root / relative

    def read(self, relative: str, limit: int) -> bytes:
        """The bytes of relative, a regular file of one name only (no symlink on the way, no hard
        link), at most limit bytes; WriteRefused saying why not. What a release ships is read so."""
        with self._folder(relative, create=False) as (folder, name):
            try:
                descriptor = os.open(name, _FLAGS_READ, dir_fd=folder)
            except OSError as error:
                raise WriteRefused(f"{relative} cannot be opened as a file of its own: {error.strerror}") from None
            with os.fdopen(descriptor, "rb") as handle:
                status = os.fstat(handle.fileno())
                if not stat.S_ISREG(status.st_mode):
                    raise WriteRefused(f"{relative} is not a regular file")
                if status.st_nlink > 1:
                    raise WriteRefused(
                        f"{relative} is a hard link ({status.st_nlink} names share its bytes); "
                        "a release never ships bytes that may belong to a file outside the package"
                    )
                data = handle.read(limit + 1)
        if len(data) > limit:
            raise WriteRefused(f"{relative} is over the limit of {limit} bytes")
        return data


def _write_temporary(folder: int, name: str, data: bytes, mode: int) -> str:
    """Write data to a new, unpredictably named file in folder; return its name."""
    temporary = f".{name[:40]}.{secrets.token_hex(8)}.tmp"
    descriptor = os.open(temporary, _FLAGS_NEW, 0o600, dir_fd=folder)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), mode)
    except BaseException:
        _unlink_quietly(temporary, folder)
        raise
    return temporary
