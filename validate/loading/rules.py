"""Reading the rules file a package declares (x-claims.rules) into typed rules."""

from __future__ import annotations

from validate.findings import finding
from validate.loading.files import json_limit, read_file
from validate.loading.structured import read_json
from validate.model import DESCRIPTOR, Package
from validate.options import Options
from validate.rules import parse_rules


def load_rules(pkg: Package, options: Options) -> None:
    """The consistency rules of the rules file the package declares, if it declares one."""
    path = pkg.declarations.rules
    if path is None:
        return
    data = read_file(pkg.root, path, json_limit(options), pkg, DESCRIPTOR, "x-claims.rules")
    value = read_json(data, path, pkg) if data is not None else None
    if value is None:
        return
    if not isinstance(value, dict):
        pkg.findings.append(finding("rules-invalid", path, 1, None, "the rules file must be a JSON object"))
        return
    pkg.rules = parse_rules(value)
