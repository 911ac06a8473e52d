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
from validate.loading.declared import judge_declarations
from validate.loading.files import json_limit, read_file
from validate.loading.inline import load_inline
from validate.loading.multipart import load_multipart
from validate.loading.paths import forget_folders, path_problem, paths_of, same_file
from validate.loading.refusals import remote_references
from validate.loading.rules import load_rules
from validate.loading.structured import read_json
from validate.loading.structured_yaml import read_yaml
from validate.loading.tables import load_table, only_lf
from validate.model import DESCRIPTOR, DESCRIPTOR_NAMES, Package, Table
from validate.options import Options

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
            lf_only = only_lf(pkg)
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
