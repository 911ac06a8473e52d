"""Reads a package from disk into the one model (validate.model) that checks and commands share.

This package is the only code that opens the package's files. It reads, never writes,
refuses paths that leave the package, and records what it cannot read as findings, and
each declared resource it could not load in ``Package.unloaded``, so that checks needing
that resource are skipped rather than run on half a package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from validate.declarations import read_declarations
from validate.findings import finding
from validate.loading.csv_read import CONTROL, parse_csv
from validate.loading.files import json_limit, read_file, read_json
from validate.loading.header import match_header
from validate.loading.paths import path_problem
from validate.loading.rules import load_rules
from validate.loading.schemas import load_schema
from validate.model import DESCRIPTOR, Package, Table
from validate.options import Options

__all__ = ["Package", "Table", "load_package", "path_problem", "read_file", "resource_label"]


def load_package(root: Path, options: Options) -> Package:
    """Read everything the checks need from the package at root."""
    pkg = Package(root=root)
    if not (root / DESCRIPTOR).is_file():
        pkg.findings.append(finding("descriptor-missing", DESCRIPTOR, None, None,
                                    f"no {DESCRIPTOR} in the package directory"))
        return pkg
    data = read_file(root, DESCRIPTOR, json_limit(options), pkg, DESCRIPTOR)
    descriptor = read_json(data, DESCRIPTOR, pkg) if data is not None else None
    if descriptor is None:
        return pkg
    if not isinstance(descriptor, dict):
        pkg.findings.append(finding("descriptor-invalid", DESCRIPTOR, 1, None,
                                    f"the top level is a JSON {type(descriptor).__name__}, not an object"))
        return pkg
    pkg.descriptor = descriptor
    pkg.declarations = read_declarations(descriptor)
    pkg.descriptor_text = data.decode("utf-8-sig") if data else ""
    resources = descriptor.get("resources")
    if not isinstance(resources, list):
        return pkg  # the profile check reports it
    pkg.resources = [r for r in resources if isinstance(r, dict)]
    seen_names: set[str] = set()
    seen_paths: set[str] = set()
    for index, resource in enumerate(resources):
        if not isinstance(resource, dict):
            continue  # the profile check reports it
        name, path = resource.get("name"), resource.get("path")
        before = len(pkg.findings)
        if isinstance(name, str) and name in seen_names:
            pkg.findings.append(finding("duplicate-resource", DESCRIPTOR, None, "resources",
                                        f"resource name {name!r} is used twice"))
            continue  # the first resource of that name stands
        if isinstance(path, str) and path in seen_paths:
            pkg.findings.append(finding("duplicate-resource", DESCRIPTOR, None, "resources",
                                        f"resource path {path!r} is used twice"))
        else:
            _load_resource(pkg, resource, index, options)
        if isinstance(name, str):
            seen_names.add(name)
            if name not in pkg.tables and not (isinstance(path, str) and path in pkg.files):
                codes = [f.code for f in pkg.findings[before:]]
                pkg.unloaded[name] = codes[0] if codes else "descriptor-profile"
        if isinstance(path, str):
            seen_paths.add(path)
    load_rules(pkg, options)
    return pkg


def _load_resource(pkg: Package, resource: dict[str, Any], index: int, options: Options) -> None:
    """Read one resource as a table or as file bytes, or record why it cannot be read."""
    name, path = resource.get("name"), resource.get("path")
    label = resource_label(resource, index)
    if not isinstance(path, str):
        _report_unreadable_path(pkg, resource, label)
        return
    problem = path_problem(pkg.root, path)
    if problem is not None:
        pkg.findings.append(finding("unsafe-path", DESCRIPTOR, None, f"{label}.path", problem))
        return
    if resource.get("type") == "table" or "schema" in resource:
        load_table(pkg, resource, index, name if isinstance(name, str) else path, path, options, label)
        return
    raw = read_file(pkg.root, path, options.max_file_bytes, pkg, DESCRIPTOR, f"{label}.path")
    if raw is not None:
        pkg.files[path] = raw


def resource_label(resource: dict[str, Any], index: int) -> str:
    """How findings name a resource: resources[name], or resources[index] when it has no name."""
    name = resource.get("name")
    return f"resources[{name}]" if isinstance(name, str) and name else f"resources[{index}]"


def _report_unreadable_path(pkg: Package, resource: dict[str, Any], label: str) -> None:
    """A path that is not one string: the profile reports wrong types, this what it allows."""
    if resource.get("path") is not None or "data" not in resource:
        return  # missing, a list or of the wrong type: the profile check reports it, once
    message = "inline data is not read; put the rows in a CSV file inside the package"
    pkg.findings.append(finding("unsafe-path", DESCRIPTOR, None, f"{label}.path", message))


def load_table(pkg: Package, resource: dict[str, Any], index: int, name: str, path: str, options: Options,
               label: str) -> None:
    """Read one CSV resource and its schema into a Table, or record why it cannot be read."""
    schema = load_schema(pkg, resource, index, options, label)
    data = read_file(pkg.root, path, options.max_file_bytes, pkg, DESCRIPTOR, f"{label}.path")
    if schema is None or data is None:
        return
    before = len(pkg.findings)
    parsed = parse_csv(data, path, options, pkg)
    if parsed is None:
        return
    header, raw, lines = parsed
    incomplete = any(f.code == "ragged-row" and not f.message.endswith("ignored")
                     for f in pkg.findings[before:])
    frame, names = match_header(header, raw, schema, path, pkg)
    if CONTROL.search(data):
        _report_control_characters(raw, lines, names, path, pkg)
    pkg.tables[name] = Table(name, path, schema, frame, lines, incomplete)


def _report_control_characters(frame: Any, lines: Any, names: dict[int, str], path: str, pkg: Package) -> None:
    """One finding per cell (at most 50 a column) that holds a NUL or another control character."""
    pattern = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
    for column in frame.columns:
        hits = frame[column].str.contains(pattern, regex=True)
        for row in hits[hits].index[:50]:
            pkg.findings.append(finding("control-character", path, int(lines[row]), names.get(int(column)),
                                        "the cell holds a NUL or other control character"))
