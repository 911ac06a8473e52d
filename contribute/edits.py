"""Minimal edits of a package's own files, in the file's own style.

A contributor's descriptor keeps its indentation, key order, escapes and line endings: a new
resource is inserted as text after an existing one, and nothing else of the file is re-emitted.
A CSV row is appended with the file's own line ending and dialect.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any


class EditRefused(Exception):
    """The file cannot be edited safely as it stands; the message says why."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object hook refusing a key given twice, which json.loads would silently drop."""
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise EditRefused(f"the key {key!r} appears twice in one object; remove one before editing")
        seen[key] = value
    return seen


def _constant(name: str) -> Any:
    """NaN and Infinity are not JSON: refuse them rather than write them back."""
    raise EditRefused(f"{name} is not JSON")


def parse_strict(text: str) -> Any:
    """The JSON value of text, refusing duplicate keys and NaN/Infinity."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_constant)
    except (ValueError, RecursionError) as error:
        if isinstance(error, EditRefused):
            raise
        raise EditRefused(f"not JSON: {error}") from None


_WS = re.compile(r"[ \t\n\r]*")


def _skip(text: str, at: int) -> int:
    """The first position at or after at that is not JSON whitespace."""
    match = _WS.match(text, at)
    return match.end() if match else at


def _resource_spans(text: str) -> list[tuple[int, int]]:
    """Start and end offsets of each element of the top-level "resources" array in text."""
    decoder = json.JSONDecoder()
    at = _skip(text, 0)
    if text[at : at + 1] != "{":
        raise EditRefused("the descriptor is not a JSON object")
    at = _skip(text, at + 1)
    while text[at : at + 1] != "}":
        key, at = json.decoder.scanstring(text, at + 1)  # type: ignore[attr-defined]
        at = _skip(text, _skip(text, at) + 1)  # past ':'
        if key == "resources" and text[at : at + 1] == "[":
            spans = []
            at = _skip(text, at + 1)
            while text[at : at + 1] != "]":
                _, end = decoder.raw_decode(text, at)
                spans.append((at, end))
                at = _skip(text, end)
                if text[at : at + 1] == ",":
                    at = _skip(text, at + 1)
            return spans
        _, at = decoder.raw_decode(text, at)
        at = _skip(text, at)
        if text[at : at + 1] == ",":
            at = _skip(text, at + 1)
    raise EditRefused("the descriptor has no resources array")


def insert_resource(text: str, after: int, resource: Mapping[str, Any]) -> str:
    """text with resource inserted as the element after index after of "resources" (-1: first),
    written in the style of the elements around it."""
    spans = _resource_spans(text)
    newline = "\r\n" if "\r\n" in text else "\n"
    escaped = not re.search(r"[^\x00-\x7f]", text) and "\\u" in text
    if not spans:
        raise EditRefused("the descriptor's resources array is empty: nothing to match the new resource to")
    anchor = spans[min(max(after, 0), len(spans) - 1)]
    # The whitespace before an element (after '[' or ','), as the file writes it.
    lead_start = anchor[0]
    while lead_start > 0 and text[lead_start - 1] in " \t\r\n":
        lead_start -= 1
    lead = text[lead_start : anchor[0]]
    line_indent = lead.rsplit("\n", 1)[1] if "\n" in lead else None
    if line_indent is None:  # all on one line: keep it so
        rendered = json.dumps(resource, ensure_ascii=escaped)
    else:
        unit = _indent_unit(text) or "  "
        rendered = json.dumps(resource, indent=unit, ensure_ascii=escaped)
        rendered = rendered.replace("\n", "\n" + line_indent).replace("\n", newline)
    if after < 0:
        return text[: anchor[0]] + rendered + "," + lead + text[anchor[0] :]
    return text[: anchor[1]] + "," + lead + rendered + text[anchor[1] :]


def _indent_unit(text: str) -> str | None:
    """The indentation of the descriptor's first nested line: its unit of indentation."""
    match = re.search(r"\{[ \t]*\r?\n([ \t]+)\S", text)
    return match.group(1) if match else None


def line_ending(data: bytes) -> bytes:
    """The line ending a CSV's first line uses (LF when it has none)."""
    end = data.find(b"\n")
    if end > 0 and data[end - 1 : end] == b"\r":
        return b"\r\n"
    if end < 0 and b"\r" in data:
        return b"\r"
    return b"\n"


def append_row(
    current: bytes, columns: Sequence[str], row: Mapping[str, str], options: Mapping[str, Any] | None = None
) -> bytes:
    """The CSV with one row appended, in the file's own line ending and dialect."""
    ending = line_ending(current)
    out = io.StringIO()
    settings = dict(options or {})
    settings.pop("skipinitialspace", None)
    csv.writer(out, lineterminator=ending.decode("ascii"), **settings).writerow([row.get(c, "") for c in columns])
    head = current if current.endswith((b"\n", b"\r")) else current + ending
    return head + out.getvalue().encode("utf-8")
