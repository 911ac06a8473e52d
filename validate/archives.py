"""The package's archived texts: which are intact (they match a hash recorded for them), read
and folded once for every check that searches them."""

from __future__ import annotations

import hashlib
from typing import Any

from validate.hashes import declared_hash, hash_matches
from validate.model import Package
from validate.text import SourceIndex, SourceText, source_texts_of, utf8_array
from validate.typed import typed_table


def source_texts(pkg: Package) -> dict[str, SourceText]:
    """Each source's archived text, by source id, for the sources whose text is intact."""
    if pkg.source_texts is not None:
        return pkg.source_texts
    with pkg.filling:
        if pkg.source_texts is None:
            pkg.source_texts = _intact_texts(pkg)
        return pkg.source_texts


def _intact_texts(pkg: Package) -> dict[str, SourceText]:
    raw: dict[str, bytes] = {}
    declared = pkg.declarations.sources
    sources = pkg.table(declared.resource) if declared else None
    if declared is not None and sources is not None and {declared.id, declared.archive} <= set(sources.frame.columns):
        frame = typed_table(sources).frame
        by_path = resources_by_path(pkg)
        recorded = frame[declared.sha256].tolist() if declared.sha256 in frame.columns else [None] * len(frame)
        for source_id, path, sha256 in zip(frame[declared.id], frame[declared.archive], recorded, strict=True):
            data = pkg.files.get(path) if isinstance(path, str) else None
            if data is None or not isinstance(source_id, str):
                continue
            if _text_changed(pkg, path, data, sha256, by_path):
                continue  # one archive-mismatch finding says it all; its quotes cannot be judged
            raw[source_id] = data
    # A text that is not UTF-8 is reported once, as an encoding error of the archive.
    return source_texts_of(_utf8(raw))


def _utf8(texts: dict[str, bytes]) -> dict[str, bytes]:
    """The texts that are UTF-8. Arrow checks them all at once, in C; only when one is not are
    they decoded one by one. Decoding every text in Python, to fold it in Arrow after, cost
    0.1 s at a million rows, under the interpreter lock."""
    import pyarrow as pa

    try:
        utf8_array(list(texts.values()))
    except pa.ArrowInvalid:
        return {source_id: data for source_id, data in texts.items() if _decodes(data)}
    return texts


def _decodes(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def source_index(pkg: Package) -> SourceIndex:
    """The line index of every intact source text, built once."""
    if pkg.source_index is None:
        with pkg.filling:
            if pkg.source_index is None:
                pkg.source_index = SourceIndex(source_texts(pkg))
    return pkg.source_index


def resources_by_path(pkg: Package) -> dict[object, dict[str, Any]]:
    """The first resource declaring each path: looked up once per source, so a scan of all
    resources per source grew with the square of the sources (3 s at 10,000 of them)."""
    found: dict[object, dict[str, Any]] = {}
    for resource in pkg.resources:
        path = resource.get("path")
        if isinstance(path, str):
            found.setdefault(path, resource)
    return found


def _text_changed(
    pkg: Package, path: str, data: bytes, table_hash: object, by_path: dict[object, dict[str, Any]]
) -> bool:
    """True when the text matches none of the hashes recorded for it: changed, truncated or swapped.

    The descriptor's hash is read as the spec writes it (validate.hashes: a bare one is MD5);
    the sources table records sha256.
    """
    declared = by_path.get(path, {}).get("hash")
    matches = [hash_matches(declared, data)] if declared_hash(declared) else []
    if isinstance(table_hash, str):
        matches.append(hashlib.sha256(data).hexdigest() == table_hash)
    return bool(matches) and not any(matches)
