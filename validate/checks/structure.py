"""Structure: the descriptor against its Data Package profile (v2, or v1 without $schema), the tables the package needs,
archived texts that read as text, and cells a spreadsheet would run as formulas."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

from validate.findings import Finding, finding
from validate.formulas import STARTS, is_formula
from validate.hashes import hash_matches
from validate.jsonlines import JsonPath
from validate.loading import path_problem, resource_label
from validate.loading.profile import profile_finding, standard_version
from validate.model import DESCRIPTOR, Package
from validate.text import line_of_offset

PROFILES = {
    "https://datapackage.org/profiles/2.0/datapackage.json",
    "https://datapackage.org/profiles/1.0/datapackage.json",
}
V2_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
# Legacy "profile" values frictionless knows without fetching; any other value is a URL or
# path it would fetch or open, so it is reported and dropped before the profile check.
NAMED_PROFILES = {"data-package", "tabular-data-package", "data-resource", "tabular-data-resource"}


def check_descriptor(pkg: Package) -> Iterator[Finding]:
    """The descriptor conforms to the profile of its Data Package version, checked offline.

    Without $schema (or with the v1 one) that is v1, as frictionless 5 reads it: a v1
    package may name a one-field key as a string and give resources legacy profiles.
    """
    if pkg.descriptor is None:
        return
    file = pkg.descriptor_name
    yield from _custom_profiles(pkg)
    try:
        found = list(_profile_findings(pkg, _offline_copy(pkg)))
    except RecursionError:
        found = [finding("descriptor-invalid", file, 1, None, "the descriptor is nested too deeply to check")]
    except Exception as error:  # frictionless raises its own and jsonschema's exceptions
        found = [finding("descriptor-profile", file, None, None, f"profile check failed: {error}")]
    yield from found


def _custom_profiles(pkg: Package) -> Iterator[Finding]:
    """A custom $schema or legacy profile is reported: the validator never fetches one."""
    assert pkg.descriptor is not None
    file = pkg.descriptor_name
    if "$schema" in pkg.descriptor and not _named(pkg.descriptor["$schema"], PROFILES):
        yield finding(
            "descriptor-profile",
            file,
            pkg.json_line(file, ("$schema",)),
            "$schema",
            f"$schema is {pkg.descriptor.get('$schema')!r}; expected '{V2_PROFILE}' (custom profiles are not fetched)",
        )
    for path, value in _legacy_profiles(pkg.descriptor):
        index = int(path[1]) if path else 0
        field_ = f"{resource_label(pkg.descriptor['resources'][index], index)}.profile" if path else "profile"
        yield finding(
            "descriptor-profile",
            file,
            pkg.json_line(file, (*path, "profile")),
            field_,
            f"profile {value!r} is not a standard profile name (custom profiles are not fetched)",
        )


def _legacy_profiles(descriptor: dict[str, Any]) -> Iterator[tuple[JsonPath, object]]:
    """Where the package or a resource has a legacy profile other than a standard name."""
    if "profile" in descriptor and not _named(descriptor["profile"], NAMED_PROFILES):
        yield (), descriptor["profile"]
    resources = descriptor.get("resources")
    for index, resource in enumerate(resources if isinstance(resources, list) else []):
        if isinstance(resource, dict) and "profile" in resource and not _named(resource["profile"], NAMED_PROFILES):
            yield ("resources", index), resource["profile"]


def _named(value: object, names: set[str]) -> bool:
    """value is one of names (any JSON value may turn up here, lists and objects included)."""
    return isinstance(value, str) and value in names


def _profile_findings(pkg: Package, descriptor: dict[str, Any]) -> Iterator[Finding]:
    """Profile errors of the package, then of each resource, then of each inline schema, located."""
    from frictionless import Package as FrictionlessPackage
    from frictionless import Resource
    from frictionless.metadata import ValidationContext  # type: ignore[attr-defined]

    file = pkg.descriptor_name
    resources = descriptor.get("resources")
    shell = dict(descriptor)
    if isinstance(resources, list):
        # Resources are checked one by one below, where an error can say which resource it is;
        # placeholders with unique names also leave duplicate names to the loader's finding.
        # They keep a resource's standard profile, which a v1 tabular-data-package requires.
        shell["resources"] = [_placeholder(r, i) if isinstance(r, dict) else r for i, r in enumerate(resources)]
    for error in FrictionlessPackage.metadata_validate(shell):
        yield profile_finding(pkg, file, (), "", error)
    if not isinstance(resources, list):
        return
    context = ValidationContext(datapackage_version=standard_version(descriptor))
    for index, resource in enumerate(resources):
        if not isinstance(resource, dict):
            continue
        label = resource_label(resource, index)
        if isinstance(resource.get("schema"), dict):
            # The loader checks each schema against the Table Schema profile, in its own file.
            resource = {**resource, "schema": {"fields": []}}
        parts = resource.get("path")
        if isinstance(parts, list) and parts and all(isinstance(p, str) for p in parts):
            # A multipart path, as frictionless reads it before its profile check: both specs allow it.
            resource = {**resource, "path": parts[0], "extrapaths": parts[1:]}
        for error in Resource.metadata_validate(resource, context=context):
            yield profile_finding(pkg, file, ("resources", index), f"{label}.", error)


def _placeholder(resource: dict[str, Any], index: int) -> dict[str, Any]:
    """A valid stand-in for a resource, keeping the standard profile a v1 tabular-data-package requires."""
    stand_in: dict[str, Any] = {"name": f"resource-{index}", "path": "placeholder.csv"}
    if _named(resource.get("profile"), NAMED_PROFILES):
        stand_in.update(profile=resource["profile"], schema={"fields": []})
    return stand_in


def _offline_copy(pkg: Package) -> dict[str, Any]:
    """The descriptor with nothing frictionless would fetch or open: schemas inlined, unsafe
    paths blanked, a custom $schema replaced and custom legacy profiles dropped."""
    assert pkg.descriptor is not None
    descriptor = copy.deepcopy(pkg.descriptor)
    if "$schema" in descriptor and not _named(descriptor["$schema"], PROFILES):
        descriptor["$schema"] = V2_PROFILE
    for path, _ in list(_legacy_profiles(descriptor)):
        owner = descriptor if not path else descriptor["resources"][path[1]]
        del owner["profile"]
    resources = descriptor.get("resources")
    for resource in resources if isinstance(resources, list) else []:
        if isinstance(resource, dict):
            _offline_resource(pkg, resource)
    return descriptor


def _offline_resource(pkg: Package, resource: dict[str, Any]) -> None:
    """Inline the resource's schema and blank any path that is not safe to open."""
    name = resource.get("name")
    table = pkg.tables.get(name) if isinstance(name, str) else None
    if isinstance(resource.get("schema"), str):
        # The loader reads the schema (or reports why not); frictionless must not fetch it.
        resource["schema"] = table.schema if table else {"fields": []}
    if isinstance(resource.get("dialect"), str):
        resource["dialect"] = {}  # not read by this validator; a string would be a path to open
    path = resource.get("path")
    if isinstance(path, str) and path_problem(pkg.root, path):
        resource["path"] = "unsafe-path-refused"
    elif isinstance(path, list):
        resource["path"] = [
            p if isinstance(p, str) and not path_problem(pkg.root, p) else "unsafe-path-refused" for p in path
        ]


def check_required_tables(pkg: Package) -> Iterator[Finding]:
    """Every resource the package declares it requires (x-claims.required) is declared."""
    if pkg.descriptor is None or not isinstance(pkg.descriptor.get("resources"), list):
        return  # no list of resources: the profile check reports it, once
    if any(not isinstance(r.get("name"), str) for r in pkg.resources):
        return  # a resource without a usable name may be the one missing: the profile check reports it
    declared = {r.get("name") for r in pkg.resources}
    for name in pkg.declarations.required:
        if name not in declared:
            yield finding("resource-missing", DESCRIPTOR, None, "resources", f"no resource named {name!r}")


def check_declarations(pkg: Package) -> Iterator[Finding]:
    """The claims profile (x-claims) reads, and names only resources and fields that exist, of the
    types its sections need (judged as the package loads: validate.declarations.against_tables)."""
    for where, problem in pkg.declarations.problems:
        yield finding(
            "declaration-invalid", DESCRIPTOR, pkg.json_line(DESCRIPTOR, where), ".".join(map(str, where)), problem
        )


def check_foreign_key_targets(pkg: Package) -> Iterator[Finding]:
    """Every foreign key of a loaded table refers to a resource the package declares.

    A key to an undeclared resource could check no row; frictionless reports it as a
    resource-error. (A declared resource that did not load has its own finding.)
    """
    if any(not isinstance(r.get("name"), str) for r in pkg.resources):
        return  # a resource without a usable name may be the one referred to: the profile check reports it
    names = {r.get("name") for r in pkg.resources}
    listed = pkg.descriptor.get("resources") if pkg.descriptor is not None else None
    for index, resource in enumerate(listed if isinstance(listed, list) else []):
        if not isinstance(resource, dict):
            continue
        table = pkg.table(resource["name"]) if isinstance(resource.get("name"), str) else None
        foreign = table.schema.get("foreignKeys") if table is not None else None
        if table is None or not isinstance(foreign, list):
            continue
        inline = not isinstance(resource.get("schema"), str)
        file = pkg.descriptor_name if inline else str(resource["schema"])
        base: JsonPath = ("resources", index, "schema") if inline else ()
        prefix = f"{resource_label(resource, index)}.schema." if inline else ""
        for position, spec in enumerate(foreign):
            reference = spec.get("reference") if isinstance(spec, dict) else None
            target = reference.get("resource") if isinstance(reference, dict) else None
            if isinstance(target, str) and target and target not in names:
                where = ("foreignKeys", position, "reference", "resource")
                yield finding(
                    "foreign-key-resource",
                    file,
                    pkg.json_line(file, (*base, *where)),
                    f"{prefix}foreignKeys[{position}].reference.resource",
                    f"refers to resource {target!r}, which the package does not declare",
                )


def check_archives_are_text(pkg: Package) -> Iterator[Finding]:
    """Every non-table resource that matches its declared hash decodes as UTF-8.

    A text that does not match its hash is reported once, as archive-mismatch; binary
    damage there is one more symptom of the same defect.
    """
    declared = {r["path"]: r.get("hash") for r in pkg.resources if isinstance(r.get("path"), str)}
    for path, data in pkg.files.items():
        claim = declared.get(path)
        if not hash_matches(claim, data):
            continue
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            yield finding(
                "encoding-error",
                path,
                line_of_offset(data, error.start),
                None,
                f"byte {error.start} is not valid UTF-8: the text is binary or damaged",
            )


def check_formulas(pkg: Package) -> Iterator[Finding]:
    """Text cells that a spreadsheet would run as a formula (the rule is validate.formulas)."""
    for table in pkg.tables.values():
        for spec in table.fields:
            if spec.get("type", "string") != "string":
                continue  # a number such as -5 in a numeric field is a number, not a formula
            column = table.frame[spec["name"]]
            for row in _formula_rows(column):
                yield finding(
                    "formula-injection",
                    table.path,
                    table.line(int(row)),
                    spec["name"],
                    f"{column.iloc[int(row)][:20]!r} starts like a formula a spreadsheet would run",
                )


def _formula_rows(column: Any) -> list[int]:
    """Positions of the cells a spreadsheet would run as a formula.

    The cells that may be one are found by their first character: in an Arrow-backed column
    from its buffers (a few milliseconds a million cells, where a regular expression over the
    cells took 40); the few found are then judged one by one by the rule.
    """
    return [row for row in _formula_candidates(column) if is_formula(str(column.iloc[row]))]


def _formula_candidates(column: Any) -> list[int]:
    """Positions of the cells whose first character is one a formula can start with."""
    import numpy as np
    import pyarrow as pa

    arrow = getattr(column.array, "__arrow_array__", None)
    chunks = arrow() if arrow is not None else None
    if not isinstance(chunks, pa.ChunkedArray) or not all(
        pa.types.is_string(c.type) or pa.types.is_large_string(c.type) for c in chunks.chunks
    ):
        hits = column.str.match(f"^[{re.escape(STARTS)}]").fillna(False).to_numpy(dtype=bool)
        return np.flatnonzero(hits).tolist()
    found: list[int] = []
    start = 0
    wanted = np.frombuffer(STARTS.encode("ascii"), dtype=np.uint8)
    for chunk in chunks.chunks:
        _, offsets, data = chunk.buffers()
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        ends = np.frombuffer(offsets, dtype=width)[chunk.offset : chunk.offset + len(chunk) + 1].astype(np.int64)
        body = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
        filled = ends[1:] > ends[:-1]
        first = body[np.where(filled, ends[:-1], 0)] if len(body) else np.zeros(len(chunk), dtype=np.uint8)
        hits = filled & np.isin(first, wanted) & chunk.is_valid().to_numpy(zero_copy_only=False)
        found.extend((np.flatnonzero(hits) + start).tolist())
        start += len(chunk)
    return found
