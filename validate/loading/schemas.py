"""Table Schemas: read inline or from a file, and checked against the Table Schema profile offline."""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from validate.findings import Finding, finding
from validate.jsonlines import JsonPath
from validate.loading.files import json_limit, read_file
from validate.loading.profile import profile_finding, standard_version
from validate.loading.structured import read_json
from validate.model import Package
from validate.options import Options

FIELD_TYPES = {
    "string",
    "integer",
    "number",
    "boolean",
    "date",
    "datetime",
    "time",
    "year",
    "yearmonth",
    "duration",
    "object",
    "array",
    "list",
    "geopoint",
    "geojson",
    "any",
}


def load_schema(
    pkg: Package, resource: dict[str, Any], index: int, options: Options, label: str
) -> dict[str, Any] | None:
    """The resource's Table Schema, checked enough that the checks can rely on its shape."""
    schema = resource.get("schema")
    where = pkg.descriptor_name
    if schema is not None and not isinstance(schema, (str, dict)):
        return None  # the profile check reports the wrong type, once
    if isinstance(schema, str):
        where = schema
        data = read_file(pkg.root, schema, json_limit(options), pkg, pkg.descriptor_name, f"{label}.schema")
        schema = read_json(data, schema, pkg) if data is not None else None
        if schema is None:
            return None
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        pkg.findings.append(
            finding("schema-invalid", where, None, "fields", "a Table Schema must be an object with a list of fields")
        )
        return None
    names: set[str] = set()
    for position, item in enumerate(schema["fields"]):
        if not (
            isinstance(item, dict)
            and isinstance(item.get("name"), str)
            and isinstance(item.get("type", "string"), str)
            and item.get("type", "string") in FIELD_TYPES
            and item["name"] not in names
        ):
            pkg.findings.append(
                finding(
                    "schema-invalid",
                    where,
                    None,
                    f"fields[{position}]",
                    "each field needs a unique name and a known type",
                )
            )
            return None
        names.add(item["name"])
    inline = where == pkg.descriptor_name
    base: JsonPath = ("resources", index, "schema") if inline else ()
    prefix = f"{label}.schema." if inline else ""
    problems = [
        finding(
            "schema-invalid",
            where,
            pkg.json_line(where, (*base, "fields", position, "constraints", key)),
            f"{prefix}fields[{schema['fields'][position]['name']}].constraints.{key}",
            message,
        )
        for position, key, message in constraint_problems(schema["fields"])
    ]
    # The profile check would report some of the same constraints again, less precisely.
    problems = problems or _schema_profile_findings(pkg, schema, where, base, prefix)
    pkg.findings.extend(problems)
    return None if problems else schema


_NUMBER_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def constraint_problems(fields: list[dict[str, Any]]) -> Iterator[tuple[int, str, str]]:
    """(field position, constraint, why) for each constraint of the wrong type or shape.

    The profile check lets through what the checks could not use: a pattern Python cannot
    compile (``[a-zp-9``, a variable-width look-behind), an enum of lists or objects, and a
    bound of the wrong type (``"minimum": "abc"`` on a number field), each of which crashed a
    check or was silently ignored. Each pattern is compiled here, once, as the schema loads.
    """
    for position, spec in enumerate(fields):
        constraints = spec.get("constraints")
        if not isinstance(constraints, dict):
            continue  # absent, or of the wrong type: the profile check reports it
        kind = spec.get("type", "string")
        for key, value in constraints.items():
            problem = _constraint_problem(kind, key, value)
            if problem:
                yield position, key, problem


def _constraint_problem(kind: str, key: str, value: object) -> str | None:
    """Why one constraint of a field of this type cannot be used, or None."""
    if key in ("required", "unique"):
        return None if isinstance(value, bool) else "must be true or false"
    if key in ("minLength", "maxLength"):
        whole = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return None if whole else "must be a whole number, 0 or more"
    if key == "pattern":
        if not isinstance(value, str):
            return "must be a regular expression, as a string"
        try:
            re.compile(f"^(?:{value})$")
        except (re.error, RecursionError, OverflowError) as error:
            return f"is not a regular expression Python can read: {error}"
        return None
    if key == "enum":
        if not isinstance(value, list) or not value:
            return "must be a non-empty list of values"
        if any(isinstance(item, (list, dict)) for item in value):
            return "must list plain values (strings, numbers, true or false), not lists or objects"
        if kind in ("integer", "number") and not all(_is_number(item, kind) for item in value):
            # Compared with the cells as read, a "1" would match no row and flag every one.
            return f"must list {'whole numbers' if kind == 'integer' else 'numbers'} for a {kind} field"
        return None
    if key in _NUMBER_BOUNDS and kind in ("integer", "number", "year") and not _is_number(value, kind):
        return f"must be {'a whole number' if kind != 'number' else 'a number'} for a {kind} field"
    if key in _NUMBER_BOUNDS and kind == "date" and not _iso_date(value):
        return "must be a date in YYYY-MM-DD form for a date field"
    return None


def _is_number(value: object, kind: str) -> bool:
    """Whether a JSON value is a number a field of this kind compares with: a float only for number."""
    exact = isinstance(value, int) and not isinstance(value, bool)
    return exact or (kind == "number" and isinstance(value, float))


def _iso_date(value: object) -> bool:
    """Whether a value is a real date written YYYY-MM-DD."""
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _schema_profile_findings(
    pkg: Package, schema: dict[str, Any], where: str, base: JsonPath, prefix: str
) -> list[Finding]:
    """The schema against the Table Schema profile of the package's version, offline: the checks rely on
    a valid schema, and a v1 schema may name a one-field key as a string."""
    from frictionless import Schema
    from frictionless.metadata import ValidationContext  # type: ignore[attr-defined]

    # A custom $schema or profile is not fetched; the standard one stands in for it.
    checked = copy.deepcopy({k: v for k, v in schema.items() if k not in ("$schema", "profile")})
    version = standard_version(pkg.descriptor) if pkg.descriptor is not None else "v2"
    try:
        # frictionless upgrades a v1 schema (a key of one field as a string) before it checks one.
        Schema.metadata_transform(checked)
        errors = list(Schema.metadata_validate(checked, context=ValidationContext(datapackage_version=version)))
    except RecursionError:
        return [finding("schema-invalid", where, 1, None, "the schema is nested too deeply to check")]
    except Exception as error:  # frictionless raises its own and jsonschema's exceptions
        return [finding("schema-invalid", where, None, None, f"schema check failed: {error}")]
    return [profile_finding(pkg, where, base, prefix, e, "schema-invalid") for e in errors]
