"""Profile errors from frictionless, turned into findings at the line and field of the property they name."""

from __future__ import annotations

import re
from typing import Any, Literal

from validate.findings import Finding, finding
from validate.jsonlines import JsonPath
from validate.model import Package

_AT = re.compile(r" at property '([^']*)'$")
_REQUIRED = re.compile(r"^'([^']*)' is a required property")


def profile_finding(
    pkg: Package, file: str, base: JsonPath, prefix: str, error: object, code: str = "descriptor-profile"
) -> Finding:
    """A frictionless profile error as a finding at the line and field of the property it names."""
    note = str(getattr(error, "note", error))
    where = _AT.search(note)
    required = _REQUIRED.match(note)
    parts: list[str | int] = [int(p) if p.isdigit() else p for p in (where.group(1) if where else "").split("/") if p]
    named = [*parts, required.group(1)] if required else parts
    field_ = prefix + ".".join(map(str, named)) if named else prefix.rstrip(".") or None
    return finding(code, file, pkg.json_line(file, (*base, *parts)), field_, note)


def standard_version(descriptor: dict[str, Any]) -> Literal["v1", "v2"]:
    """The Data Package version the descriptor is checked against: v1 or v2, as frictionless resolves it.

    No $schema is v1, as the v2 specification says and frictionless 5 reads it; a custom
    $schema, which the validator reports and does not fetch, is checked as v2.
    """
    from frictionless import Package

    schema = descriptor.get("$schema")
    if not schema:
        return "v1"
    if isinstance(schema, str) and Package.effective_datapackage_version({"$schema": schema}, None) == "v1":
        return "v1"
    return "v2"
