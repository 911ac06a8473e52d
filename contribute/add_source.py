"""Add a source document: archive its text byte for byte and register it in both places at once.

The package is read and judged through the validator (one model): nothing here parses the
descriptor or the tables beside it. The new state is written, judged again, and rolled back
byte for byte if the validator finds anything new wrong with it, so the archive file, the
sources row and the descriptor resource land together or not at all.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from validate.findings import Finding
from validate.loading import read_file
from validate.loading.files import read_regular
from validate.model import DESCRIPTOR, Package
from validate.options import Options
from validate.runner import Report, load_and_judge

TODO_CODES = frozenset({"number-not-covered"})
"""Errors that are a contributor's to-do list, not a broken package: a new text's numbers not yet
entered. add-source runs on a package whose only errors are these, and leaves such errors behind."""

DEFAULT_LIMIT = 10 * 1024 * 1024
"""Largest source text accepted: these are articles and press releases, not corpora."""


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


def add_source(root: Path, file: Path, source_id: str, values: Mapping[str, str]) -> Added:
    """Archive file's text and register it as source_id, with values for other fields of its row."""
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
    unknown = sorted(set(values) - {f["name"] for f in table.schema["fields"]})
    if unknown:
        raise Refused(f"{table.path} has no field {', '.join(unknown)}")
    data = read_text(file)
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
    originals = {path: _current(package, root, path) for path in (table.path, package.descriptor_name)}
    writes = {
        table.path: _append_row(originals[table.path], list(table.frame.columns), row),
        package.descriptor_name: _with_resource(package, source_id, archive, digest, len(data), values),
    }
    _apply(root, archive, data, writes, originals)
    after = load_and_judge(root, Options())[1]
    new = [f for f in blocking(after) if f not in report.findings]
    if new:
        _restore(root, archive, originals)
        raise Refused("the new source would make the package invalid, so nothing was changed", new)
    return Added(source_id, archive, digest, len(data), after)


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


def _current(package: Package, root: Path, path: str) -> bytes:
    """The bytes of a package file as they are now, read with the validator's safe reader."""
    data = read_file(root, path, Options().max_file_bytes, package, path)
    if data is None:
        raise Refused(f"{path} could not be read")
    return data


def _append_row(current: bytes, columns: list[str], row: Mapping[str, str]) -> bytes:
    """The CSV with one row appended, written as the package writes its CSVs (LF, minimal quoting)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([row.get(c, "") for c in columns])
    head = current if current.endswith(b"\n") else current + b"\n"
    return head + out.getvalue().encode("utf-8")


def _with_resource(
    package: Package, source_id: str, archive: str, digest: str, size: int, values: Mapping[str, str]
) -> bytes:
    """The descriptor with a resource for the new archive, shaped like the existing archive resources."""
    assert package.descriptor is not None
    descriptor = json.loads(json.dumps(package.descriptor))
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
    resources.insert(after + 1, resource)
    return (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _apply(root: Path, archive: str, data: bytes, writes: Mapping[str, bytes], originals: Mapping[str, bytes]) -> None:
    """Write the archive (never over a file), then replace each edited file whole; on any failure undo all."""
    target = root / archive
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "xb") as handle:
        handle.write(data)
    try:
        for path, content in writes.items():
            _replace(root / path, content)
    except BaseException:
        _restore(root, archive, originals)
        raise


def _replace(path: Path, content: bytes) -> None:
    """Replace a file's bytes atomically: a reader sees the old file or the new one, never half."""
    temporary = path.with_name(f".{path.name}.contribute-tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _restore(root: Path, archive: str, originals: Mapping[str, bytes]) -> None:
    """Put back the bytes each edited file had and remove the new archive."""
    for path, content in originals.items():
        if (root / path).read_bytes() != content:
            _replace(root / path, content)
    (root / archive).unlink(missing_ok=True)
