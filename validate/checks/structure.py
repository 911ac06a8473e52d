"""Structure: the descriptor against the Data Package v2 profile, the tables the package needs,
archived texts that read as text, and cells a spreadsheet would run as formulas."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

from validate.findings import Finding
from validate.loading import DESCRIPTOR, Package, finding, path_problem
from validate.text import line_of_offset

PROFILES = {
    "https://datapackage.org/profiles/2.0/datapackage.json",
    "https://datapackage.org/profiles/1.0/datapackage.json",
}
REQUIRED_TABLES = ("sources", "operations", "metrics", "qualifiers", "outcomes", "officials",
                   "quotes", "cases", "discrepancies", "discrepancy_outcomes")
_FORMULA = r"^[=+\-@\t\r]"


def check_descriptor(pkg: Package) -> Iterator[Finding]:
    """datapackage.json conforms to the Data Package v2 profile, checked offline."""
    if pkg.descriptor is None:
        return
    descriptor = _offline_copy(pkg)
    if descriptor.get("$schema") not in PROFILES:
        yield finding("descriptor-profile", DESCRIPTOR, _line_of_key(pkg, "$schema"), "$schema",
                      f"$schema is {pkg.descriptor.get('$schema')!r}; expected "
                      "'https://datapackage.org/profiles/2.0/datapackage.json' (custom profiles are "
                      "not fetched)")
        descriptor["$schema"] = "https://datapackage.org/profiles/2.0/datapackage.json"
    from frictionless import Package as FrictionlessPackage

    try:
        errors = list(FrictionlessPackage.metadata_validate(descriptor))
    except Exception as error:  # frictionless raises its own and jsonschema's exceptions
        yield finding("descriptor-profile", DESCRIPTOR, None, None, f"profile check failed: {error}")
        return
    for error in errors:
        note = getattr(error, "note", str(error))
        if note == "names of the resources are not unique":
            continue  # loading reports each repeated name as duplicate-resource
        where = re.search(r"at property '([^']*)'", str(getattr(error, "message", "")))
        field = where.group(1) if where else None
        key = field.rsplit("/", 1)[-1] if field else None
        yield finding("descriptor-profile", DESCRIPTOR, _line_of_key(pkg, key) if key else None,
                      field, note)


def _offline_copy(pkg: Package) -> dict[str, Any]:
    """The descriptor with schema paths inlined and unsafe paths blanked, so nothing is fetched."""
    assert pkg.descriptor is not None
    descriptor = copy.deepcopy(pkg.descriptor)
    resources = descriptor.get("resources")
    if isinstance(resources, list):
        for resource in resources:
            if not isinstance(resource, dict):
                continue
            name = resource.get("name")
            table = pkg.tables.get(name) if isinstance(name, str) else None
            if isinstance(resource.get("schema"), str):
                resource["schema"] = table.schema if table else {"fields": []}
            path = resource.get("path")
            if isinstance(path, str) and path_problem(pkg.root, path):
                resource["path"] = "unsafe-path-refused"
            elif isinstance(path, list):
                resource["path"] = [p if isinstance(p, str) and not path_problem(pkg.root, p)
                                    else "unsafe-path-refused" for p in path]
    return descriptor


def _line_of_key(pkg: Package, key: str | None) -> int | None:
    """Line of the first occurrence of a JSON key in the descriptor, to point an editor at it."""
    if not key or not pkg.descriptor_text:
        return None
    index = pkg.descriptor_text.find(f'"{key}"')
    return pkg.descriptor_text.count("\n", 0, index) + 1 if index >= 0 else None


def check_required_tables(pkg: Package) -> Iterator[Finding]:
    """Every table the checks rely on is declared as a resource."""
    if pkg.descriptor is None:
        return
    declared = {r.get("name") for r in pkg.resources}
    for name in REQUIRED_TABLES:
        if name not in declared:
            yield finding("resource-missing", DESCRIPTOR, None, "resources",
                          f"no resource named {name!r}")


def check_archives_are_text(pkg: Package) -> Iterator[Finding]:
    """Every non-table resource declared as UTF-8 text decodes as UTF-8."""
    for path, data in pkg.files.items():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            yield finding("encoding-error", path, line_of_offset(data, error.start), None,
                          f"byte {error.start} is not valid UTF-8: the text is binary or damaged")


def check_formulas(pkg: Package) -> Iterator[Finding]:
    """Text cells that a spreadsheet would run as a formula."""
    for table in pkg.tables.values():
        for spec in table.fields:
            if spec.get("type", "string") != "string":
                continue
            column = table.frame[spec["name"]]
            hits = column.str.match(_FORMULA)
            for row in hits[hits].index:
                yield finding("formula-injection", table.path, table.line(int(row)), spec["name"],
                              f"{column.iloc[int(row)][:20]!r} starts with a character spreadsheets "
                              "read as a formula")
