"""A YAML descriptor read within the bounds of validate.loading.structured: duplicate keys,
nesting, number sizes, infinities and tags outside JSON's types are each one located finding."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from validate.findings import finding
from validate.jsonlines import JsonPath
from validate.loading.structured import MAX_DEPTH, MAX_NUMBER_CHARS, decoded
from validate.model import Package

_YAML_TAGS = {
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}
"""YAML tags read: JSON's types and dates. Sets, ordered maps, binary and Python tags are refused."""


def read_yaml(data: bytes, file: str, pkg: Package) -> Any:
    """A YAML descriptor as JSON values within bounds, or None with a located finding; each
    member's line is recorded.

    Read as safe_load reads it, as frictionless does. Aliases are refused: a few lines of
    nested aliases expand to billions of nodes for every later check that walks the tree.
    """
    import yaml

    text = decoded(data, file, pkg)
    if text is None:
        return None
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1 if event.start_mark else None
                pkg.findings.append(
                    finding(
                        "descriptor-invalid", file, line, None, "YAML aliases (*name) are not read; write the value out"
                    )
                )
                return None
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    line = event.start_mark.line + 1 if event.start_mark else None
                    pkg.findings.append(
                        finding("descriptor-invalid", file, line, None, f"nested more than {MAX_DEPTH} levels deep")
                    )
                    return None
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        lines: dict[JsonPath, int] = {}
        if root is not None:
            refused = _yaml_nodes(root, lines)
            if refused is not None:
                line, field_, message = refused
                pkg.findings.append(finding("descriptor-invalid", file, line, field_, message))
                return None
        value = _as_json(yaml.SafeLoader("").construct_document(root)) if root is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        pkg.findings.append(
            finding(
                "descriptor-invalid",
                file,
                mark.line + 1 if mark else 1,
                None,
                f"not valid YAML: {getattr(error, 'problem', None) or error}",
            )
        )
        return None
    pkg.add_lines(file, lines)
    return value


def _yaml_nodes(root: Any, lines: dict[JsonPath, int]) -> tuple[int, str | None, str] | None:
    """Record the line of every member and item of a composed YAML document, by path, and return
    the line, field and reason of the first node past a bound, or None; iterative."""
    import yaml

    stack: list[tuple[Any, JsonPath]] = [(root, ())]
    while stack:
        node, where = stack.pop()
        line = node.start_mark.line + 1
        lines.setdefault(where, line)
        field_ = ".".join(map(str, where)) or None
        if node.tag not in _YAML_TAGS:
            return line, field_, f"YAML tag {node.tag} is not read; write a JSON value"
        if isinstance(node, yaml.ScalarNode):
            problem = _yaml_scalar_problem(node)
            if problem:
                return line, field_, problem
            continue
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, item in node.value:
                name = str(key.value)
                child = (*where, name)
                if name in seen:
                    return key.start_mark.line + 1, ".".join(map(str, child)), f"key {name!r} is given twice"
                seen.add(name)
                lines[child] = key.start_mark.line + 1
                stack.append((key, child))
                stack.append((item, child))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*where, index)) for index, item in enumerate(node.value))
    return None


def _yaml_scalar_problem(node: Any) -> str | None:
    """Why a YAML scalar resolved as a number or date may not be read, or None."""
    import yaml

    if node.tag.endswith(":timestamp"):
        try:
            yaml.SafeLoader("").construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return f"{node.value} is not a real date; quote it to keep it as text"
        return None
    if node.tag.endswith((":int", ":float")) and len(node.value) > MAX_NUMBER_CHARS:
        return f"a number of {len(node.value)} characters; at most {MAX_NUMBER_CHARS} are read"
    if node.tag.endswith(":float"):
        literal = node.value.replace("_", "").lower()
        if literal.lstrip("+-") in (".inf", ".nan"):
            return f"{node.value} is not a JSON number; write a number or null"
        try:
            infinite = ":" not in literal and not math.isfinite(float(literal))
        except ValueError:
            return None
        if infinite:
            return f"{node.value} is beyond the range of a number"
    return None


def _as_json(value: Any) -> Any:
    """YAML's extra scalar types as JSON ones: dates as ISO strings, keys as strings (recursive:
    the depth was bounded by MAX_DEPTH before this runs)."""
    if isinstance(value, dict):
        return {str(k): _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
