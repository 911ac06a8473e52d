"""The consistency rules of schemas/rules.json, parsed once into typed records.

Rules are data: a contributor adds a subset, case limit or breakdown to the file, not to
Python. A rule that cannot be read is a problem message, reported once as rules-invalid,
and left out of the checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SubsetRule:
    """A part metric never exceeds its whole metric for the same operation."""

    id: str
    part: str
    whole: str
    position: int = field(default=0, compare=False)
    """Index of the rule in its list of the rules file, to locate findings about it."""


@dataclass(frozen=True)
class CaseLimitRule:
    """One case's value, in its unit, never exceeds its operation's total of the whole metric."""

    id: str
    value: str
    """cases column holding the number (custody_value)."""
    unit: str
    """cases column holding its unit (custody_unit)."""
    whole: str
    position: int = field(default=0, compare=False)
    """Index of the rule in its list of the rules file, to locate findings about it."""


@dataclass(frozen=True)
class BreakdownRule:
    """Outcomes rows broken down by a dimension add up to the total (exhaustive) or stay within it."""

    id: str
    dimension: str
    exhaustive: bool
    position: int = field(default=0, compare=False)
    """Index of the rule in its list of the rules file, to locate findings about it."""


@dataclass(frozen=True)
class RuleSet:
    """Every rule that could be read, and a message for each that could not."""

    subsets: tuple[SubsetRule, ...] = ()
    case_limits: tuple[CaseLimitRule, ...] = ()
    breakdowns: tuple[BreakdownRule, ...] = ()
    problems: tuple[str, ...] = ()

    def metrics(self) -> dict[str, set[str]]:
        """The metrics each rule names, by rule id."""
        named = {r.id: {r.part, r.whole} for r in self.subsets}
        named.update({r.id: {r.whole} for r in self.case_limits})
        return named


_KEYS = {"subsets": ("part", "whole"), "case_limits": ("whole", "value", "unit"), "breakdowns": ("dimension",)}


def parse_rules(value: dict[str, Any]) -> RuleSet:
    """The rules of a rules-file object, each checked for shape."""
    found: dict[str, list[Any]] = {kind: [] for kind in _KEYS}
    problems: list[str] = []
    for kind, items in value.items():
        if kind.startswith("$") or kind == "description":
            continue
        if kind not in _KEYS or not isinstance(items, list):
            problems.append(f"unknown rule kind {kind!r}; known: {', '.join(_KEYS)}")
            continue
        for position, item in enumerate(items):
            if not isinstance(item, dict):
                problems.append(f"{kind}[{position}] is not an object")
                continue
            missing = [k for k in _KEYS[kind] if not isinstance(item.get(k), str)]
            if missing:
                problems.append(f"a {kind} rule lacks {', '.join(missing)}")
                continue
            rule_id = str(item.get("id", f"{kind}[{position}]"))
            if kind == "subsets":
                found[kind].append(SubsetRule(rule_id, item["part"], item["whole"], position))
            elif kind == "case_limits":
                found[kind].append(CaseLimitRule(rule_id, item["value"], item["unit"], item["whole"], position))
            else:
                exhaustive = bool(item.get("exhaustive", True))
                found[kind].append(BreakdownRule(rule_id, item["dimension"], exhaustive, position))
    return RuleSet(tuple(found["subsets"]), tuple(found["case_limits"]), tuple(found["breakdowns"]), tuple(problems))
