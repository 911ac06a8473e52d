"""The claims profile: what a package declares about its own tables, so that the provenance and
consistency layers know where figures, quotes, sources and periods live.

A package opts in with one descriptor property, ``x-claims``; every section is optional, and a
check whose section is absent does not run (the report says so once, as info). The validator
names no table or column of any particular package: it reads them all from here. The README
documents each section ("The claims profile").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, get_type_hints

from validate.jsonlines import JsonPath

PROPERTY = "x-claims"


@dataclass(frozen=True)
class Sources:
    """The resource listing the archived source texts, and its fields."""

    resource: str
    id: str
    archive: str
    """Field holding the archived text's path, as a resource path of the descriptor."""
    sha256: str | None = None
    bytes: str | None = None
    published: str | None = None
    doubtful: str | None = None
    """Boolean field: true when the publication date printed is not to be trusted."""
    retrieved_from: str | None = None
    """Field holding the web address the archived copy was retrieved from (not what the text prints)."""
    retrieved_on: str | None = None
    """Date field: the day the archived copy was retrieved; never in the future."""


@dataclass(frozen=True)
class Quoted:
    """A resource whose field holds verbatim words of a source, optionally at a stated line."""

    resource: str
    text: str
    source: str
    line: str | None = None


@dataclass(frozen=True)
class Figured:
    """A resource whose number field must be printed in its words field."""

    resource: str
    value: str
    quote: str


@dataclass(frozen=True)
class People:
    """A resource naming people whose names must be printed in their source."""

    resource: str
    name: str
    source: str


@dataclass(frozen=True)
class Claims:
    """The resource of figures as stated: one row per figure per place it is printed."""

    resource: str
    id: str
    subject: str
    """What the figure is about (an operation); figures agree within subject and metric."""
    metric: str
    value: str
    qualifier: str
    rounding_unit: str | None = None
    dimension: str | None = None
    """For a part of a total: what it is broken down by."""
    part: str | None = None
    """For a part of a total: which part."""
    source: str | None = None
    qualifier_words: str | None = None
    """Field holding the qualifying words as printed ('more than'), empty when there are none."""


@dataclass(frozen=True)
class Metrics:
    """The metrics vocabulary, and which units count whole things."""

    resource: str
    id: str
    unit: str | None = None
    whole_units: tuple[str, ...] = ("count",)


@dataclass(frozen=True)
class Qualifiers:
    """The qualifiers vocabulary; every id must have an interval reading."""

    resource: str
    id: str
    words: str | None = None
    """Field listing, separated by |, the plain words printed before a number that give this qualifier."""


@dataclass(frozen=True)
class Register:
    """The discrepancy register and the resource linking its entries to claims."""

    resource: str
    id: str
    kind: str
    subject: str
    links: str
    link_entry: str
    link_claim: str
    other: str | None = None
    summary: str | None = None


@dataclass(frozen=True)
class Periods:
    """The subjects' reporting periods (partial ISO dates), optionally in series."""

    resource: str
    id: str
    start: str
    end: str
    series: str | None = None
    duration: str | None = None


@dataclass(frozen=True)
class Events:
    """Dated events (court cases) of a subject, whose dates must come in the declared order."""

    resource: str
    ordered: tuple[str, ...]
    subject: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Covered:
    """A resource whose number field is the figure printed at its line of its source."""

    resource: str
    value: str
    line: str
    source: str
    quote: str | None = None
    """Words field starting at the line: a figure may be printed on any line the words run on to."""
    id: str | None = None
    """Field naming the row, to say which row covers a number."""


@dataclass(frozen=True)
class Exclusions:
    """The resource listing printed numbers that are not figures, each with its words and reason."""

    resource: str
    source: str
    line: str
    words: str
    """Field holding the words as printed on that line; every number inside them is excluded."""
    reason: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class LayoutStarts:
    """Each source's layout: the line (and sentence) where each part starts, and what the part is."""

    resource: str
    source: str
    line: str
    position: str
    sentence: str | None = None
    """Integer field: the sentence of the line the part starts at (empty: the first)."""


@dataclass(frozen=True)
class Positioned:
    """A resource whose position field must be what its source's layout declares at its line."""

    resource: str
    position: str
    line: str
    source: str
    quote: str | None = None


@dataclass(frozen=True)
class Declarations:
    """Everything a package declares in ``x-claims``; None or empty where it declares nothing."""

    declared: bool = False
    required: tuple[str, ...] = ()
    sources: Sources | None = None
    quotes: tuple[Quoted, ...] = ()
    figures: tuple[Figured, ...] = ()
    people: tuple[People, ...] = ()
    claims: Claims | None = None
    metrics: Metrics | None = None
    qualifiers: Qualifiers | None = None
    register: Register | None = None
    periods: Periods | None = None
    events: Events | None = None
    coverage: tuple[Covered, ...] = ()
    """Where printed numbers are figures: with it, every number printed in a source must be one."""
    exclusions: Exclusions | None = None
    layout: LayoutStarts | None = None
    """Each source's layout: with it and positions, every figure's position is checked."""
    positions: tuple[Positioned, ...] = ()
    rules: str | None = None
    """Path of the rules file (subsets, case limits, breakdowns)."""
    units_per_year: dict[str, float] = field(default_factory=dict)
    """How many of each duration unit make a year, to compare durations across units."""
    problems: tuple[tuple[JsonPath, str], ...] = ()
    """Declarations that could not be read: where in the descriptor, and why."""

    def references(self) -> Iterator[tuple[JsonPath, str, str | None]]:
        """Every (where, resource, field) the declarations name; field None for a whole resource."""
        for name in self.required:
            yield (PROPERTY, "required"), name, None
        for section in ("sources", "claims", "metrics", "qualifiers", "periods", "events", "exclusions", "layout"):
            record = getattr(self, section)
            if record is not None:
                yield from _fields_of(record, (PROPERTY, section))
        for section in ("quotes", "figures", "people", "coverage", "positions"):
            for index, record in enumerate(getattr(self, section)):
                yield from _fields_of(record, (PROPERTY, section, index))
        if self.register is not None:
            where: JsonPath = (PROPERTY, "register")
            yield from _fields_of(self.register, where, skip={"links", "link_entry", "link_claim"})
            yield where, self.register.links, None
            yield where, self.register.links, self.register.link_entry
            yield where, self.register.links, self.register.link_claim


def _fields_of(
    record: Any, where: JsonPath, skip: set[str] | None = None
) -> Iterator[tuple[JsonPath, str, str | None]]:
    yield where, record.resource, None
    for item in dataclasses.fields(record):
        value = getattr(record, item.name)
        if item.name in ("resource", "whole_units") or item.name in (skip or set()) or value is None:
            continue
        for name in value if isinstance(value, tuple) else (value,):
            yield (*where, item.name), record.resource, name


RECORD_SECTIONS: dict[str, type] = {
    "sources": Sources,
    "claims": Claims,
    "metrics": Metrics,
    "qualifiers": Qualifiers,
    "register": Register,
    "periods": Periods,
    "events": Events,
    "exclusions": Exclusions,
    "layout": LayoutStarts,
}
LIST_SECTIONS: dict[str, type] = {
    "quotes": Quoted,
    "figures": Figured,
    "people": People,
    "coverage": Covered,
    "positions": Positioned,
}


def _record(kind: type, value: object, where: JsonPath, problems: list[tuple[JsonPath, str]]) -> Any:
    """One declaration record, or None with a problem when its shape is wrong."""
    if not isinstance(value, dict):
        problems.append((where, "must be an object"))
        return None
    hints = get_type_hints(kind)
    known = {f.name: f for f in dataclasses.fields(kind)}
    values: dict[str, Any] = {}
    for key, item in value.items():
        if key not in known:
            problems.append(((*where, key), f"unknown property {key!r}; known: {', '.join(known)}"))
            return None
        if "tuple" in str(hints[key]):
            if not (isinstance(item, list) and all(isinstance(i, str) for i in item)):
                problems.append(((*where, key), "must be a list of strings"))
                return None
            values[key] = tuple(item)
        elif not isinstance(item, str):
            problems.append(((*where, key), "must be a string"))
            return None
        else:
            values[key] = item
    missing = [
        name
        for name, f in known.items()
        if name not in values and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    if missing:
        problems.append((where, f"lacks {', '.join(missing)}"))
        return None
    return kind(**values)


def read_declarations(descriptor: dict[str, Any]) -> Declarations:
    """The declarations of a descriptor; a package without ``x-claims`` declares nothing."""
    value = descriptor.get(PROPERTY)
    if value is None:
        return Declarations()
    problems: list[tuple[JsonPath, str]] = []
    if not isinstance(value, dict):
        return Declarations(problems=(((PROPERTY,), "must be an object"),))
    found: dict[str, Any] = {}
    for key, item in value.items():
        where: JsonPath = (PROPERTY, key)
        if key in RECORD_SECTIONS:
            found[key] = _record(RECORD_SECTIONS[key], item, where, problems)
        elif key in LIST_SECTIONS:
            items = item if isinstance(item, list) else None
            if items is None:
                problems.append((where, "must be a list of objects"))
                continue
            records = [_record(LIST_SECTIONS[key], one, (*where, i), problems) for i, one in enumerate(items)]
            found[key] = tuple(r for r in records if r is not None)
        elif key == "required":
            if isinstance(item, list) and all(isinstance(i, str) for i in item):
                found[key] = tuple(item)
            else:
                problems.append((where, "must be a list of resource names"))
        elif key == "rules":
            if isinstance(item, str):
                found[key] = item
            else:
                problems.append((where, "must be a string"))
        elif key == "units_per_year":
            if isinstance(item, dict) and all(isinstance(v, (int, float)) and v > 0 for v in item.values()):
                found[key] = {str(k): float(v) for k, v in item.items()}
            else:
                problems.append((where, "must map each unit to how many make a year (a positive number)"))
        elif not key.startswith("$") and key != "description":
            problems.append((where, f"unknown section {key!r}"))
    return Declarations(declared=True, problems=tuple(problems), **{k: v for k, v in found.items() if v is not None})
