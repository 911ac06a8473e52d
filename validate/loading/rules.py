"""Reading the rules file a package declares (x-claims.rules) into typed rules, and setting aside,
each with a finding, a rule that cannot apply to the tables as declared."""

from __future__ import annotations

import dataclasses
from typing import Any

from validate.declarations import PROPERTY
from validate.findings import finding
from validate.loading.files import json_limit, read_file
from validate.loading.structured import read_json
from validate.model import DESCRIPTOR, Package
from validate.options import Options
from validate.rules import CaseLimitRule, RuleSet, parse_rules
from validate.typed import missing_values

_NUMBER_TYPES = ("integer", "number")


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
    pkg.rules = _applicable(pkg, path, parse_rules(value))


def _applicable(pkg: Package, path: str, rules: RuleSet) -> RuleSet:
    """The rules with each that cannot apply set aside, with a finding: a check that skipped it in
    silence would pass a package it never judged."""
    kept: list[CaseLimitRule] = []
    for rule in rules.case_limits:
        problem = _case_limit_problem(pkg, rule)
        if problem is None:
            kept.append(rule)
            _unknown_units(pkg, rule)
            continue
        where, message = problem
        line = pkg.json_line(path, ("case_limits", rule.position, *where))
        field_ = ".".join(map(str, ("case_limits", rule.position, *where)))
        pkg.findings.append(finding("rules-invalid", path, line, field_, f"rule {rule.id!r} cannot apply: {message}"))
    breakdowns = rules.breakdowns
    claims = pkg.declarations.claims
    if breakdowns and claims is not None and (claims.dimension is None or claims.part is None):
        for breakdown in breakdowns:
            pkg.findings.append(
                finding(
                    "rules-invalid",
                    path,
                    pkg.json_line(path, ("breakdowns", breakdown.position)),
                    f"breakdowns.{breakdown.position}",
                    f"rule {breakdown.id!r} cannot apply: {PROPERTY}.claims declares no dimension and part",
                )
            )
        breakdowns = ()
    return dataclasses.replace(rules, case_limits=tuple(kept), breakdowns=breakdowns)


def _case_limit_problem(pkg: Package, rule: CaseLimitRule) -> tuple[tuple[str, ...], str] | None:
    """Where in the rule, and why, a case limit cannot apply to the declared events; None when it can
    (or when the events did not load, which their own findings say)."""
    events = pkg.declarations.events
    if events is None:
        # Undeclared, the case-limit check does not run and layer-not-declared says so; set
        # aside, its declaration-invalid says why.
        return None
    table = pkg.table(events.resource)
    if table is None:
        return None
    types = {f["name"]: f.get("type", "string") for f in table.schema["fields"]}
    for key, column in (("value", rule.value), ("unit", rule.unit)):
        if column not in types:
            return (key,), f"{events.resource!r} has no field {column!r}"
    if types[rule.value] not in _NUMBER_TYPES:
        return ("value",), f"{rule.value!r} is a {types[rule.value]} field of {events.resource!r}, not a number"
    return None


def _unknown_units(pkg: Package, rule: CaseLimitRule) -> None:
    """One finding per unit a case limit meets that units_per_year does not convert: its rows
    would be left out of the limit in silence."""
    events = pkg.declarations.events
    table = pkg.table(events.resource) if events else None
    if table is None or rule.unit not in table.frame.columns:
        return
    known = pkg.declarations.units_per_year
    missing = missing_values(table.schema) or [""]

    def blank(column: str) -> Any:
        cells = table.frame[column]
        return cells.isna() | cells.isin(missing)

    units = table.frame[rule.unit]
    # A unit without a value limits nothing; a value's unit must convert.
    stated = units[~blank(rule.unit) & ~blank(rule.value)] if rule.value in table.frame.columns else units[:0]
    where = (PROPERTY, "units_per_year") if known else (PROPERTY,)
    unknown = ~stated.isin(list(known))
    if not unknown.any():
        return
    listed = ", ".join(repr(u) for u in sorted(set(stated[unknown].tolist())))
    first = table.line(int(stated.index[unknown][0]))
    pkg.findings.append(
        finding(
            "declaration-invalid",
            DESCRIPTOR,
            pkg.json_line(DESCRIPTOR, where),
            ".".join(where),
            f"{'has no entry for' if known else 'declares no units_per_year, to convert'} {listed}, given in "
            f"{rule.unit} of {int(unknown.sum())} row(s) of {table.path} (first at line {first}): "
            f"rule {rule.id!r} cannot judge them",
        )
    )
