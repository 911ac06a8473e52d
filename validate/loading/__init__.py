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
from validate.loading.ahead import Ahead, read_ahead
from validate.loading.byte_scans import has_control_byte
from validate.loading.csv_read import parse_csv, report_control_characters
from validate.loading.declared import judge_declarations
from validate.loading.dialect import read_dialect
from validate.loading.files import json_limit, read_file
from validate.loading.header import match_header, positional_header
from validate.loading.inline import load_inline
from validate.loading.integrity import check_integrity
from validate.loading.multipart import load_multipart
from validate.loading.paths import forget_folders, path_problem, paths_of, same_file
from validate.loading.refusals import bad_dialect, remote_references
from validate.loading.rules import load_rules
from validate.loading.schemas import load_schema
from validate.loading.structured import read_json
from validate.loading.structured_yaml import read_yaml
from validate.model import DESCRIPTOR, DESCRIPTOR_NAMES, Package, Table
from validate.options import Options

LINE_ENDINGS = "x-line-endings"
"""Descriptor property by which a package declares its own line-ending rule ("LF": LF only)."""

__all__ = ["Package", "Table", "load_package", "path_problem", "read_file", "resource_label"]


def load_package(root: Path, options: Options) -> Package:
    """Read everything the checks need from the package at root."""
    forget_folders()
    pkg = Package(root=root)
    name = next((n for n in DESCRIPTOR_NAMES if (root / n).is_file()), None)
    if name is None:
        pkg.findings.append(
            finding(
                "descriptor-missing",
                DESCRIPTOR,
                None,
                None,
                f"no {DESCRIPTOR} (or datapackage.yaml) in the package directory",
            )
        )
        return pkg
    pkg.descriptor_name = name
    data = read_file(root, name, json_limit(options), pkg, name)
    if data is None:
        return pkg
    descriptor = read_json(data, name, pkg) if name == DESCRIPTOR else read_yaml(data, name, pkg)
    if descriptor is None:
        return pkg
    if not isinstance(descriptor, dict):
        pkg.findings.append(
            finding(
                "descriptor-invalid", name, 1, None, f"the top level is a {type(descriptor).__name__}, not an object"
            )
        )
        return pkg
    pkg.descriptor = descriptor
    pkg.declarations = read_declarations(descriptor)
    pkg.descriptor_text = data.decode("utf-8-sig")
    resources = descriptor.get("resources")
    if not isinstance(resources, list):
        return pkg  # the profile check reports it
    pkg.resources = [r for r in resources if isinstance(r, dict)]
    ahead = read_ahead(root, resources, options.max_file_bytes)
    seen_names: set[str] = set()
    seen_paths: set[str] = set()
    for index, resource in enumerate(resources):
        if not isinstance(resource, dict):
            continue  # the profile check reports it
        name, path = resource.get("name"), resource.get("path")
        before = len(pkg.findings)
        if isinstance(name, str) and name in seen_names:
            pkg.findings.append(
                finding(
                    "duplicate-resource",
                    pkg.descriptor_name,
                    None,
                    "resources",
                    f"resource name {name!r} is used twice",
                )
            )
            continue  # the first resource of that name stands
        spelled = [same_file(p) for p in paths_of(path)]
        twice = next(
            (p for i, p in enumerate(paths_of(path)) if spelled[i] in seen_paths or spelled[i] in spelled[:i]), None
        )
        if twice is not None:
            pkg.findings.append(
                finding(
                    "duplicate-resource",
                    pkg.descriptor_name,
                    None,
                    "resources",
                    f"resource path {twice!r} is used twice",
                )
            )
        else:
            _load_resource(pkg, resource, index, options, ahead)
        if isinstance(name, str):
            seen_names.add(name)
            if name not in pkg.tables and not (isinstance(path, str) and path in pkg.files):
                codes = [f.code for f in pkg.findings[before:]]
                pkg.unloaded[name] = codes[0] if codes else "descriptor-profile"
        seen_paths.update(same_file(p) for p in paths_of(path))
    judge_declarations(pkg)
    load_rules(pkg, options)
    return pkg


def _load_resource(
    pkg: Package, resource: dict[str, Any], index: int, options: Options, ahead: Ahead | None = None
) -> None:
    """Read one resource as a table or as file bytes, or record why it cannot be read."""
    name, path = resource.get("name"), resource.get("path")
    label = resource_label(resource, index)
    if remote_references(pkg, resource, index, label):
        return  # one finding per URL, and nothing read that depends on it
    if path is None and "data" in resource:
        if resource.get("type") == "table" or "schema" in resource:
            load_inline(pkg, resource, index, name if isinstance(name, str) else label, options, label)
        return  # inline data without a schema has no cells to check
    if isinstance(path, list) and path and all(isinstance(p, str) for p in path):
        unsafe = [(i, problem) for i, p in enumerate(path) if (problem := path_problem(pkg.root, p))]
        for i, problem in unsafe:
            pkg.findings.append(finding("unsafe-path", pkg.descriptor_name, None, f"{label}.path[{i}]", problem))
        if not unsafe and (resource.get("type") == "table" or "schema" in resource):
            lf_only = pkg.descriptor is not None and pkg.descriptor.get(LINE_ENDINGS) == "LF"
            table = name if isinstance(name, str) else path[0]
            load_multipart(pkg, resource, index, table, path, options, label, lf_only)
        return  # the bytes of a multipart file that is not a table are not checked
    if not isinstance(path, str):
        return  # missing, empty or of the wrong type: the profile check reports it, once
    problem = path_problem(pkg.root, path)
    if problem is not None:
        pkg.findings.append(finding("unsafe-path", pkg.descriptor_name, None, f"{label}.path", problem))
        return
    if resource.get("type") == "table" or "schema" in resource:
        load_table(pkg, resource, index, name if isinstance(name, str) else path, path, options, label, ahead)
        return
    raw = read_file(pkg.root, path, options.max_file_bytes, pkg, pkg.descriptor_name, f"{label}.path")
    if raw is not None:
        pkg.files[path] = raw


def resource_label(resource: dict[str, Any], index: int) -> str:
    """How findings name a resource: resources[name], or resources[index] when it has no name."""
    name = resource.get("name")
    return f"resources[{name}]" if isinstance(name, str) and name else f"resources[{index}]"


def load_table(
    pkg: Package,
    resource: dict[str, Any],
    index: int,
    name: str,
    path: str,
    options: Options,
    label: str,
    ahead: Ahead | None = None,
) -> None:
    """Read one CSV resource and its schema into a Table, or record why it cannot be read."""
    if bad_dialect(pkg, resource, index, label):
        return
    schema = load_schema(pkg, resource, index, options, label)
    # Read ahead (validate.loading.ahead), the file passed the checks read_file makes.
    data = (ahead.bytes_of(path) if ahead else None) or read_file(
        pkg.root, path, options.max_file_bytes, pkg, pkg.descriptor_name, f"{label}.path"
    )
    if schema is None or data is None:
        return
    check_integrity(pkg, resource, path, data)
    before = len(pkg.findings)
    dialect = read_dialect(resource)
    lf_only = pkg.descriptor is not None and pkg.descriptor.get(LINE_ENDINGS) == "LF"
    started = ahead.parse_of(data, dialect) if ahead else None
    parsed = parse_csv(data, path, options, pkg, dialect, lf_only, started)
    if parsed is None:
        return
    header, raw, lines = parsed
    incomplete = any(f.code == "ragged-row" and not f.message.endswith("ignored") for f in pkg.findings[before:])
    if not dialect.header:
        header = positional_header(schema, len(header))
    frame, names = match_header(header, raw, schema, path, pkg)
    if has_control_byte(data):
        report_control_characters(raw, lines, names, path, pkg)
    pkg.tables[name] = Table(name, path, schema, frame, lines, incomplete)
