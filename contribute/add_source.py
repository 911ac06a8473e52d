"""Add a source document: archive its text byte for byte and register it in both places at once.

The package is read and judged through the validator (one model): nothing here parses the
descriptor or the tables beside it. The new state is written, judged again, and rolled back
byte for byte if the validator finds anything new wrong with it, so the archive file, the
sources row and the descriptor resource land together or not at all.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from contribute.edits import EditRefused, append_row, insert_resource, parse_strict
from validate.findings import Finding
from validate.loading.dialect import read_dialect
from validate.loading.files import read_regular
from validate.model import DESCRIPTOR, Package
from validate.options import Options
from validate.retrieval import date_problem, url_problem
from validate.runner import Report, load_and_judge
from validate.writer import Writer, WriteRefused

TODO_CODES = frozenset({"number-not-covered"})
"""Errors that are a contributor's to-do list, not a broken package: a new text's numbers not yet
entered. add-source runs on a package whose only errors are these, and leaves such errors behind."""

DEFAULT_LIMIT = 1024 * 1024
"""Largest source text accepted: these are articles and press releases (tens of kilobytes), not
corpora. The bound keeps the two validations add-source runs within seconds."""

_TERMINATING = {signal.SIGTERM} | ({signal.SIGHUP} if hasattr(signal, "SIGHUP") else set())
"""Signals that end a run, besides Ctrl-C's SIGINT; each undoes an unfinished edit first."""


class Refused(Exception):
    """The command will not change the package; the message says why, the findings say where."""

    def __init__(self, message: str, findings: Iterable[Finding] = ()) -> None:
        super().__init__(message)
        self.findings = tuple(findings)


@dataclass(frozen=True)
class Added:
    """What add-source wrote, and the validator's verdict on the package afterwards."""

    source_id: str
    archive: str
    sha256: str
    size: int
    report: Report


def blocking(report: Report) -> list[Finding]:
    """The report's errors other than the to-do list of uncovered numbers."""
    return [f for f in report.findings if f.severity == "error" and f.code not in TODO_CODES]


def read_text(file: Path, limit: int = DEFAULT_LIMIT) -> bytes:
    """The bytes of a UTF-8 text file given on the command line, or Refused saying why not."""
    if not file.exists():
        raise Refused(f"{file}: no such file")
    read = read_regular(file, limit)
    if read is None:
        raise Refused(f"{file}: not a regular file")
    size, data = read
    if size > limit:
        raise Refused(f"{file}: {size} bytes; the limit for a source text is {limit}")
    if not data.strip():
        raise Refused(f"{file}: the file is empty")
    if b"\x00" in data:
        raise Refused(f"{file}: a binary file (it holds NUL bytes), not a text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise Refused(f"{file}: not UTF-8 (byte {error.start}, line {line}); save the text as UTF-8 first") from None
    control = re.search(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    if control:
        line = text[: control.start()].count("\n") + 1
        raise Refused(f"{file}: control character {control.group()!r} at line {line}: a binary file, not a text")
    return data


def add_source(
    root: Path,
    file: Path,
    source_id: str,
    values: Mapping[str, str],
    retrieved_from: str | None = None,
    retrieved_on: str | None = None,
) -> Added:
    """Archive file's text and register it as source_id, with values for other fields of its row,
    and where and when the copy was retrieved in the fields the package declares for them."""
    for given, problem in ((retrieved_from, url_problem), (retrieved_on, date_problem)):
        message = problem(given) if given is not None else None
        if message:
            raise Refused(message)
    # The text first: a text over the limit is refused at once, before the package is read.
    data = read_text(file, min(DEFAULT_LIMIT, Options().max_file_bytes))
    package, report = load_and_judge(root, Options())
    broken = blocking(report)
    if broken:
        raise Refused("the package has errors; fix them before adding a source", broken)
    sources = package.declarations.sources
    if sources is None or package.descriptor is None:
        raise Refused(f"{DESCRIPTOR} declares no sources resource (x-claims.sources), so there is nowhere to add one")
    if package.descriptor_name != DESCRIPTOR:
        raise Refused(f"{package.descriptor_name}: only a {DESCRIPTOR} descriptor can be edited")
    table = package.table(sources.resource)
    if table is None:
        raise Refused(f"the {sources.resource!r} resource could not be read")
    _check_id(source_id, table.schema, sources.id, table.frame[sources.id].tolist(), package)
    values = dict(values)
    for option, declared, given in (
        ("--retrieved-from", sources.retrieved_from, retrieved_from),
        ("--retrieved-on", sources.retrieved_on, retrieved_on),
    ):
        if given is None:
            continue
        if declared is None:
            raise Refused(f"{option}: {DESCRIPTOR} declares no x-claims.sources.{option[2:].replace('-', '_')} field")
        values[declared] = given
    unknown = sorted(set(values) - {f["name"] for f in table.schema["fields"]})
    if unknown:
        raise Refused(f"{table.path} has no field {', '.join(unknown)}")
    digest = hashlib.sha256(data).hexdigest()
    archives = [str(p) for p in table.frame[sources.archive].tolist()]
    for name, existing in package.files.items():
        if hashlib.sha256(existing).hexdigest() == digest:
            raise Refused(f"{file}: the same bytes are already archived as {name}")
    archive = _archive_path(archives, digest)
    if os.path.lexists(root / archive):  # a file, or a link to one, already there
        raise Refused(f"{archive} already exists")

    row = dict.fromkeys(table.frame.columns, "") | dict(values)
    row[sources.id], row[sources.archive] = source_id, archive
    if sources.sha256:
        row[sources.sha256] = digest
    if sources.bytes:
        row[sources.bytes] = str(len(data))
    writer = Writer(root)
    originals = {path: _current(writer, path) for path in (table.path, package.descriptor_name)}
    resource = next((r for r in package.resources if r.get("name") == sources.resource), {})
    try:
        writes = {
            table.path: append_row(
                originals[table.path][0], list(table.frame.columns), row, read_dialect(resource).csv_options()
            ),
            package.descriptor_name: _with_resource(
                package, originals[package.descriptor_name][0], source_id, archive, digest, len(data), values
            ),
        }
    except (EditRefused, UnicodeDecodeError) as error:
        raise Refused(f"{package.descriptor_name} cannot be edited in place: {error}") from None
    after = _apply_and_judge(writer, archive, data, writes, originals, report)
    return Added(source_id, archive, digest, len(data), after)


def _apply_and_judge(
    writer: Writer,
    archive: str,
    data: bytes,
    writes: Mapping[str, bytes],
    originals: Mapping[str, tuple[bytes, int]],
    before: Report,
) -> Report:
    """Write the new state, judge it, and keep it only if nothing new is wrong: otherwise, or when
    interrupted (Ctrl-C, SIGTERM, SIGHUP) at any point, put every byte back as it was."""
    try:
        for path in (archive, *writes):
            writer.check(path)  # a link or a shared file where a write would go: refused first
    except WriteRefused as refused:
        raise Refused(str(refused)) from None
    with _signals_interrupt():
        try:
            with _signals_held():  # the writes land together, or an interruption undoes them
                writer.create(archive, data)
                for path, content in writes.items():
                    writer.replace(path, content)
            after = load_and_judge(writer.root, Options())[1]
            new = [f for f in blocking(after) if f not in before.findings]
            if new:
                raise Refused("the new source would make the package invalid, so nothing was changed", new)
        except BaseException as error:
            with _signals_held():
                _restore(writer, archive, originals)
            if isinstance(error, WriteRefused):  # swapped for a link while running: refused, undone
                raise Refused(f"{error}; nothing was changed") from None
            raise
    return after


@contextmanager
def _signals_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP raise KeyboardInterrupt, as Ctrl-C does, so that an edit is undone."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(number: int, _frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(number).name)

    kept = {number: signal.signal(number, interrupt) for number in _TERMINATING}
    try:
        yield
    finally:
        for number, handler in kept.items():
            signal.signal(number, handler)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP back while files are written or restored; they arrive after."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal mask; the handlers still undo
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _TERMINATING | {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _check_id(source_id: str, schema: dict[str, Any], field: str, taken: list[object], package: Package) -> None:
    """Refuse an id the schema would refuse, one already used, or one that names a path."""
    spec: dict[str, Any] = next((f for f in schema["fields"] if f["name"] == field), {})
    pattern = spec.get("constraints", {}).get("pattern")
    if pattern is None:
        pattern = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"  # an id, never a path: no slash, dot or space
    if not re.fullmatch(pattern, source_id) or "/" in source_id or ".." in source_id:
        raise Refused(f"--id {source_id!r} is not a valid {field}: it must match {pattern}")
    if source_id in {str(t) for t in taken}:
        raise Refused(f"--id {source_id!r} is already a {field}")
    if any(r.get("name") == f"archive-{source_id}" for r in package.resources):
        raise Refused(f"{package.descriptor_name} already has a resource named 'archive-{source_id}'")


def _archive_path(existing: list[str], digest: str) -> str:
    """Next numbered name in the folder the existing archives are in (data/archive by default)."""
    folder = PurePosixPath(existing[0]).parent if existing else PurePosixPath("data/archive")
    numbers = [int(m.group(1)) for p in existing if (m := re.match(r"(\d+)_", PurePosixPath(p).name))]
    return str(folder / f"{max(numbers, default=-1) + 1:03d}_{digest[:16]}.txt")


def _current(writer: Writer, path: str) -> tuple[bytes, int]:
    """The bytes and modification time of a package file now, read as a release reads: no link."""
    try:
        data = writer.read(path, Options().max_file_bytes)
        return data, os.lstat(writer.path(path)).st_mtime_ns
    except (OSError, WriteRefused) as error:
        raise Refused(f"{path} cannot be edited: {error}") from None


def _with_resource(
    package: Package,
    current: bytes,
    source_id: str,
    archive: str,
    digest: str,
    size: int,
    values: Mapping[str, str],
) -> bytes:
    """The descriptor with a resource for the new archive, shaped like the existing archive resources,
    inserted as text after the last of them: the rest of the file stays byte for byte."""
    text = current.decode("utf-8")
    descriptor = parse_strict(text.removeprefix("\ufeff"))
    resources: list[dict[str, Any]] = descriptor["resources"]
    archives = {p for p in package.files}
    template: dict[str, Any] = next((r for r in reversed(resources) if r.get("path") in archives), {})
    resource: dict[str, Any] = {
        "name": f"archive-{source_id}",
        "path": archive,
        "format": "txt",
        "mediatype": "text/plain",
        "encoding": "utf-8",
    }
    title = values.get("title")
    if title:
        resource["title"] = f"Archived text: {title}"
    for key in ("description", "licenses"):
        if key in template:
            resource[key] = template[key]
    resource["hash"] = f"sha256:{digest}"
    resource["bytes"] = size
    after = max((i for i, r in enumerate(resources) if r.get("path") in archives), default=len(resources) - 1)
    return insert_resource(text, after, resource).encode("utf-8")


def _restore(writer: Writer, archive: str, originals: Mapping[str, tuple[bytes, int]]) -> None:
    """Put back the bytes (and modification time) each edited file had and remove the new archive."""
    for path, (content, modified) in originals.items():
        try:
            same = writer.read(path, len(content)) == content
        except (OSError, WriteRefused):
            same = False
        if not same:
            writer.replace(path, content)
            os.utime(writer.path(path), ns=(modified, modified), follow_symlinks=False)
    writer.remove(archive)
