"""The claims profile: what a package declares about its own tables, so that the provenance and
consistency layers know where figures, quotes, sources and periods live.

A package opts in with one descriptor property, ``x-claims``; every section is optional, and a
check whose section is absent does not run (the report says so once, as info). The validator
names no table or column of any particular package: it reads them all from here. The README
documents each section ("The claims profile").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
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
    indices: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """For each list section, the index in the descriptor's list of each record read."""

    def references(self) -> Iterator[tuple[JsonPath, str, str | None]]:
        """Every (where, resource, field) the declarations name; field None for a whole resource."""
        for name in self.required:
            yield (PROPERTY, "required"), name, None
        for section in ("sources", "claims", "metrics", "qualifiers", "periods", "events", "exclusions", "layout"):
            record = getattr(self, section)
            if record is not None:
                yield from _fields_of(record, (PROPERTY, section))
        for section in ("quotes", "figures", "people", "coverage", "positions"):
            for index, record in zip(self.position(section), getattr(self, section), strict=True):
                yield from _fields_of(record, (PROPERTY, section, index))
        if self.register is not None:
            where: JsonPath = (PROPERTY, "register")
            yield from _fields_of(self.register, where, skip={"links", "link_entry", "link_claim"})
            yield where, self.register.links, None
            yield where, self.register.links, self.register.link_entry
            yield where, self.register.links, self.register.link_claim

    def position(self, section: str) -> tuple[int, ...]:
        """The descriptor's list index of each record of a list section."""
        return self.indices.get(section, tuple(range(len(getattr(self, section)))))


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
    indices: dict[str, tuple[int, ...]] = {}
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
            indices[key] = tuple(i for i, r in enumerate(records) if r is not None)
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
    return Declarations(
        declared=True,
        problems=tuple(problems),
        indices=indices,
        **{k: v for k, v in found.items() if v is not None},
    )


FIELD_TYPES: dict[tuple[str, str], tuple[str, ...]] = {
    ("sources", "bytes"): ("integer",),
    ("sources", "published"): ("date",),
    ("sources", "doubtful"): ("boolean",),
    ("quotes", "line"): ("integer",),
    ("figures", "value"): ("integer", "number"),
    ("claims", "value"): ("integer", "number"),
    ("claims", "rounding_unit"): ("integer", "number"),
    ("coverage", "value"): ("integer", "number"),
    ("coverage", "line"): ("integer",),
    ("exclusions", "line"): ("integer",),
    ("sources", "retrieved_on"): ("date",),
    ("layout", "line"): ("integer",),
    ("layout", "sentence"): ("integer",),
    ("positions", "line"): ("integer",),
}
"""The Table Schema types a declared field may have, by (section, property). Every other
property names a string field: an identifier, words as printed, or a partial ISO date."""


MAY_BE_EMPTY = {("figures", "value"), ("figures", "quote"), ("coverage", "value"), ("quotes", "text")}
"""Required properties whose field may be empty in every row: the words or figures a row states,
of which a table may hold several columns (a sentence, a licence, a child's status) that a
package fills for none of its rows yet. Every other required property names a field that
identifies or locates each row, and a field empty in every row would leave its check nothing
to check, in silence."""
LOCATING = {("claims", "source"), ("events", "subject"), ("events", "source"), ("coverage", "id")}
"""Optional properties that, once declared, say which source or subject a row belongs to or where
it is printed: a field empty in every row would turn the checks that read them off in silence
(figures of no source, events of no subject), so it is a problem as for a required property."""
WHOLE_LIST_SECTIONS = {"coverage"}
"""List sections whose records make one promise together: one that cannot be read sets the
whole section aside (every printed number must be a figure of some record)."""


def field_types(section: str, name: str) -> tuple[str, ...]:
    """The Table Schema types the field a section's property names may have."""
    return FIELD_TYPES.get((section, name), ("string",))


@dataclass(frozen=True)
class Loaded:
    """What the descriptor's resources turned out to be, for judging the declarations against them."""

    names: set[str] | None
    """Names of the declared resources; None when some resource has no usable name."""
    types: dict[str, dict[str, str]]
    """For each table that loaded, each field's Table Schema type."""
    empty: Callable[[str, str], bool]
    """Whether a field of a loaded table has rows, all of them missing."""
    unloaded: set[str]
    """Resources declared as tables that did not load (their own findings say why)."""


def against_tables(declarations: Declarations, loaded: Loaded) -> Declarations:
    """The declarations with every section checked against the resources and fields it names.

    A property naming a resource that is not declared, a field its table does not have, a
    field of a type the section cannot read (``claims.value`` naming a text column), or a
    required property naming a field empty in every row, is a problem (declaration-invalid);
    the record is then left out, so that no check runs on a column it cannot read, nor silently
    finds nothing to check.
    """
    if loaded.names is None:
        return declarations  # no usable list of resource names: the profile check reports it, once
    problems = list(declarations.problems)
    # A required resource that is not declared is resource-missing; each other is reported once.
    missing = set(declarations.required) - loaded.names
    changes: dict[str, Any] = {}
    for section in RECORD_SECTIONS:
        record = getattr(declarations, section)
        if record is not None:
            changes[section] = _judged(record, section, (PROPERTY, section), loaded, problems, missing)
    indices: dict[str, tuple[int, ...]] = {}
    for section in LIST_SECTIONS:
        kept = [
            (index, _judged(record, section, (PROPERTY, section, index), loaded, problems, missing))
            for index, record in zip(declarations.position(section), getattr(declarations, section), strict=True)
        ]
        if section in WHOLE_LIST_SECTIONS and any(r is None for _, r in kept):
            kept = []  # one promise: without one of its records, its other numbers would look uncovered
        changes[section] = tuple(r for _, r in kept if r is not None)
        indices[section] = tuple(i for i, r in kept if r is not None)
    return dataclasses.replace(declarations, problems=tuple(problems), indices=indices, **changes)


def _judged(
    record: Any, section: str, where: JsonPath, loaded: Loaded, problems: list[tuple[JsonPath, str]], missing: set[str]
) -> Any:
    """One record checked against its table: the record, or None when a property is broken.

    The whole record is set aside even for an optional property: read without it, the checks
    would judge otherwise (a figure without its rounding unit reads as exact; a source without
    its doubtful flag has its printed date trusted).
    """
    usable = True
    for item in dataclasses.fields(record):
        value = getattr(record, item.name)
        if item.name == "whole_units" or value is None:
            continue
        required = item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING
        resource = record.links if item.name in ("link_entry", "link_claim") else record.resource
        if item.name in ("resource", "links"):
            problem = _resource_problem(value, loaded, missing)
        else:
            names = value if isinstance(value, tuple) else (value,)
            problem = next(
                (p for name in names if (p := _field_problem(section, item.name, resource, name, loaded, required))),
                None,
            )
        if problem is None:
            continue
        if problem:  # an empty message: a missing resource already reported at another mention
            problems.append(((*where, item.name) if item.name != "resource" else where, problem))
        usable = False
    return record if usable else None


def _resource_problem(name: str, loaded: Loaded, missing: set[str]) -> str | None:
    """Why a declared resource name cannot be used, or None; '' when that was already said."""
    assert loaded.names is not None
    if name in loaded.names and (name in loaded.types or name in loaded.unloaded):
        return None  # a table, or one that did not load (check-skipped says which checks wait on it)
    if name in missing:
        return ""
    missing.add(name)
    if name in loaded.names:
        return f"names resource {name!r}, which is not a table (it has no schema)"
    return f"names resource {name!r}, which is not declared"


def _field_problem(section: str, prop: str, resource: str, name: str, loaded: Loaded, required: bool) -> str | None:
    """Why a declared field cannot be read as the section needs, or None."""
    fields = loaded.types.get(resource)
    if fields is None:
        return None  # the resource is missing, not a table, or did not load: said once, elsewhere
    if name not in fields:
        return f"names field {name!r}, which {resource!r} does not have"
    wanted = field_types(section, prop)
    if fields[name] not in wanted:
        needed = " or ".join(wanted)
        return f"names field {name!r}, a {fields[name]} field of {resource!r}; {section}.{prop} needs a {needed} field"
    locates = (required and (section, prop) not in MAY_BE_EMPTY) or (section, prop) in LOCATING
    if locates and loaded.empty(resource, name):
        return f"names field {name!r}, which is empty in every row of {resource!r}: no row could be checked"
    return None
