"""Resource properties the loader refuses before it reads anything: URLs it would have to fetch,
and dialects no reader can use; one finding each."""

from __future__ import annotations

from typing import Any

from validate.findings import finding
from validate.jsonlines import JsonPath
from validate.loading.dialect import dialect_problems
from validate.loading.paths import is_url
from validate.model import Package


def remote_references(pkg: Package, resource: dict[str, Any], index: int, label: str) -> bool:
    """One remote-reference finding per URL the resource's path, schema or dialect gives; True if any."""
    found: list[tuple[JsonPath, str, str]] = []
    path = resource.get("path")
    if isinstance(path, list):
        found += [(("path", i), f"{label}.path[{i}]", p) for i, p in enumerate(path) if is_url(p)]
    elif is_url(path):
        found.append((("path",), f"{label}.path", str(path)))
    for key in ("schema", "dialect"):
        if is_url(resource.get(key)):
            found.append(((key,), f"{label}.{key}", str(resource[key])))
    for where, field_, url in found:
        what = "data" if where[0] == "path" else f"the {where[0]}"
        pkg.findings.append(
            finding(
                "remote-reference",
                pkg.descriptor_name,
                pkg.json_line(pkg.descriptor_name, ("resources", index, *where)),
                field_,
                f"{what} is at {url}, and the validator never opens a connection: vendor it (download the "
                f"file into the package, keep its licence, and write its relative path here instead of the URL)",
            )
        )
    return bool(found)


def bad_dialect(pkg: Package, resource: dict[str, Any], index: int, label: str) -> bool:
    """One dialect-invalid finding per dialect property no reader can use; True if any."""
    problems = dialect_problems(resource)
    csv = isinstance(resource.get("dialect"), dict) and isinstance(resource["dialect"].get("csv"), dict)
    for key, why in problems:
        where = ("resources", index, "dialect", *(("csv",) if csv and key in resource["dialect"]["csv"] else ()), key)
        pkg.findings.append(
            finding(
                "dialect-invalid",
                pkg.descriptor_name,
                pkg.json_line(pkg.descriptor_name, where),
                f"{label}.dialect.{key}",
                why,
            )
        )
    return bool(problems)
