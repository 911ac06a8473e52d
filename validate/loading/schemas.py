"""Table Schemas: read inline or from a file, and checked against the Table Schema profile offline."""

from __future__ import annotations

import copy
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
    problems = _schema_profile_findings(pkg, schema, where, base, prefix)
    pkg.findings.extend(problems)
    return None if problems else schema


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
