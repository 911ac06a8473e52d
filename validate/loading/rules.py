"""Reading schemas/rules.json, when the package has one, into typed rules."""

from __future__ import annotations

from validate.findings import finding
from validate.loading.files import json_limit, read_file, read_json
from validate.model import RULES, Package
from validate.options import Options
from validate.rules import parse_rules


def load_rules(pkg: Package, options: Options) -> None:
    """The consistency rules declared in schemas/rules.json, when the package has them."""
    if not (pkg.root / RULES).is_file():
        return
    data = read_file(pkg.root, RULES, json_limit(options), pkg, RULES)
    value = read_json(data, RULES, pkg) if data is not None else None
    if value is None:
        return
    if not isinstance(value, dict):
        pkg.findings.append(finding("rules-invalid", RULES, 1, None, "the rules file must be a JSON object"))
        return
    pkg.rules = parse_rules(value)
