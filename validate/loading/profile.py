"""Profile errors from frictionless, turned into findings at the line and field of the property they name."""

from __future__ import annotations

import re

from validate.findings import Finding, finding
from validate.jsonlines import JsonPath
from validate.model import Package

_AT = re.compile(r" at property '([^']*)'$")
_REQUIRED = re.compile(r"^'([^']*)' is a required property")


def profile_finding(pkg: Package, file: str, base: JsonPath, prefix: str, error: object,
                    code: str = "descriptor-profile") -> Finding:
    """A frictionless profile error as a finding at the line and field of the property it names."""
    note = str(getattr(error, "note", error))
    where = _AT.search(note)
    required = _REQUIRED.match(note)
    parts: list[str | int] = [int(p) if p.isdigit() else p for p in (where.group(1) if where else "").split("/") if p]
    named = [*parts, required.group(1)] if required else parts
    field_ = prefix + ".".join(map(str, named)) if named else prefix.rstrip(".") or None
    return finding(code, file, pkg.json_line(file, (*base, *parts)), field_, note)
