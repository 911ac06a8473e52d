"""JSON and YAML read within bounds: the one parser of the descriptor, schemas and rules file
(YAML in validate.loading.structured_yaml, with the same bounds).

Every JSON or YAML text of the package is parsed here, and nothing past a bound reaches a
check: a duplicate key (which json and PyYAML would silently resolve to the last value),
nesting deeper than MAX_DEPTH, a number literal longer than MAX_NUMBER_CHARS (Python refuses
to read an integer of more than 4,300 digits, and slows down well before), a number that is
infinite once read (``1e400``), ``Infinity`` and ``NaN`` (not JSON), and YAML tags outside
JSON's types. Each is one finding at its line; the file is then not used.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from validate.findings import finding
from validate.model import Package
from validate.text import line_of_offset

MAX_DEPTH = 64
"""Deepest nesting of objects and arrays read; this package's deepest is 6. Checks and the
profile check (jsonschema) recurse into values, ten or so Python frames a level."""
MAX_NUMBER_CHARS = 100
"""Longest number literal read, in characters: far past a double's precision, far below the
4,300 digits past which Python refuses to read an integer at all."""


# A JSON token: a string (kept whole, so brackets and digits inside it are text), a bracket,
# a colon or comma, or a bare word (number, true, false, null, or anything invalid).
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}:,]|[^\s\[\]{}:,"]+')


class _Refused(Exception):
    """Raised from json's hooks: the text holds something past a bound (located afterwards)."""


def _code(file: str, pkg: Package) -> str:
    """The finding code for an unreadable file: the descriptor's, the rules file's or a schema's."""
    if file == pkg.descriptor_name:
        return "descriptor-invalid"
    if file == pkg.declarations.rules:
        return "rules-invalid"
    return "schema-invalid"


def decoded(data: bytes, file: str, pkg: Package) -> str | None:
    """The file's text (a byte-order mark dropped), or None with a located encoding finding."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        pkg.findings.append(
            finding(
                "encoding-error",
                file,
                line_of_offset(data, error.start),
                None,
                f"byte {error.start} is not valid UTF-8",
            )
        )
        return None


def read_json(data: bytes, file: str, pkg: Package, code: str | None = None) -> Any:
    """Parsed JSON within bounds, or None with one located finding."""
    text = decoded(data, file, pkg)
    if text is None:
        return None
    code = code or _code(file, pkg)
    try:
        value = json.loads(
            text,
            object_pairs_hook=_unique_members,
            parse_int=_integer,
            parse_float=_float,
            parse_constant=_constant,
        )
    except json.JSONDecodeError as error:
        pkg.findings.append(finding(code, file, error.lineno, None, f"not valid JSON: {error.msg}"))
        return None
    except (_Refused, RecursionError):
        line, field_, message = json_bound(text)
        pkg.findings.append(finding(code, file, line, field_, message))
        return None
    if _too_deep(value):
        line, field_, message = json_bound(text)
        pkg.findings.append(finding(code, file, line, field_, message))
        return None
    pkg.json_texts[file] = text
    return value


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's members; a key given twice is refused."""
    value = dict(pairs)
    if len(value) != len(pairs):
        raise _Refused
    return value


def _integer(literal: str) -> int:
    """An integer literal within MAX_NUMBER_CHARS."""
    if len(literal) > MAX_NUMBER_CHARS:
        raise _Refused
    return int(literal)


def _float(literal: str) -> float:
    """A number literal within MAX_NUMBER_CHARS that reads as a finite float."""
    if len(literal) > MAX_NUMBER_CHARS or not math.isfinite(value := float(literal)):
        raise _Refused
    return value


def _constant(literal: str) -> float:
    """Infinity, -Infinity and NaN, which Python's json reads but JSON does not allow."""
    raise _Refused


def _too_deep(value: Any) -> bool:
    """Whether a parsed value nests deeper than MAX_DEPTH; iterative."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def json_bound(text: str) -> tuple[int, str | None, str]:
    """Line, field and message of the first thing in a JSON text past a bound; one pass over its
    tokens, run only when the parse was refused."""
    # Each frame: [kind, key or index of the child being read, expecting a key, keys seen].
    stack: list[list[Any]] = []
    line, position = 1, 0

    def where() -> str | None:
        return ".".join(str(frame[1]) for frame in stack) or None

    for match in _TOKEN.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        token = match.group()
        top = stack[-1] if stack else None
        if token in ("]", "}"):
            if stack:
                stack.pop()
        elif token == ",":
            if top is not None and top[0] == "[":
                top[1] += 1
            elif top is not None:
                top[2] = True
        elif token == ":":
            continue
        elif top is not None and top[0] == "{" and top[2]:
            key = json.loads(token) if token.startswith('"') else token
            top[1], top[2] = key, False
            if key in top[3]:
                return line, where(), f"key {key!r} is given twice in one object"
            top[3].add(key)
        elif token in ("[", "{"):
            if len(stack) >= MAX_DEPTH:
                # Named by its top-level member: the full path would be MAX_DEPTH parts long.
                top_member = str(stack[0][1]) if stack[0][0] == "{" else None
                return line, top_member, f"nested more than {MAX_DEPTH} levels deep"
            stack.append([token, 0 if token == "[" else None, token == "{", set()])
        elif not token.startswith('"'):
            problem = _number_problem(token)
            if problem:
                return line, where(), problem
    return 1, None, "the JSON is past a bound of the reader"


def _number_problem(token: str) -> str | None:
    """Why a bare JSON word may not be read as a number, or None."""
    if token.lstrip("-") in ("Infinity", "NaN"):
        return f"{token} is not JSON; write a number or null"
    if len(token) > MAX_NUMBER_CHARS:
        return f"a number of {len(token)} characters; at most {MAX_NUMBER_CHARS} are read"
    if any(c in token for c in ".eE"):
        try:
            infinite = not math.isfinite(float(token))
        except ValueError:
            return None
        if infinite:
            return f"{token} is beyond the range of a number"
    return None
