"""Line numbers of the members of a JSON text, so a finding about a property can say where it is."""

from __future__ import annotations

import json
import re
from typing import Any

JsonPath = tuple[str | int, ...]
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}:,]|[^\s\[\]{}:,"]+')


def json_lines(text: str) -> dict[JsonPath, int]:
    """Line of every member and item of a valid JSON text, by path; iterative, so depth is no risk."""
    lines: dict[JsonPath, int] = {}
    # Each frame is [container kind, key or index of the child being read, expecting a key].
    stack: list[list[Any]] = []
    line, position = 1, 0
    for match in _JSON_TOKEN.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        token = match.group()
        top = stack[-1] if stack else None
        if token in ("]", "}"):
            stack.pop()
        elif token == ",":
            if top is not None and top[0] == "[":
                top[1] += 1
            elif top is not None:
                top[2] = True
        elif token == ":":
            continue
        elif top is not None and top[0] == "{" and top[2]:
            top[1], top[2] = json.loads(token), False
            lines.setdefault(tuple(f[1] for f in stack), line)
        else:
            lines.setdefault(tuple(f[1] for f in stack), line)
            if token in ("[", "{"):
                stack.append([token, 0 if token == "[" else None, token == "{"])
    return lines
