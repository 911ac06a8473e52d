"""Consistency: figures agree as intervals, parts stay within wholes, breakdowns add up,
dates come in order, and the discrepancy register matches the disagreements that exist."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from validate import dates
from validate.declarations import Claims
from validate.findings import Finding, finding
from validate.intervals import QUALIFIERS, Interval, read_figure
from validate.model import Package, Table
from validate.rules import BreakdownRule, CaseLimitRule, SubsetRule
from validate.typed import typed_table

# The claims table's declared columns are read under these names, whatever the package calls them.
CANONICAL = ("id", "subject", "metric", "value", "qualifier", "rounding_unit", "dimension", "part", "source")


@dataclass(frozen=True)
class Figure:
    """A claims row read as an interval."""

    row: int
    outcome_id: str
    operation: str
    metric: str
    breakdown: tuple[str, str]
    interval: Interval
    number: float


def claims_frame(pkg: Package) -> tuple[Table, Claims, Any] | None:
    """The declared claims table, its declaration, and its typed columns under CANONICAL names."""
    declared = pkg.declarations.claims
    table = pkg.table(declared.resource) if declared else None
    if declared is None or table is None:
        return None
    frame = typed_table(table).frame
    names = {
        getattr(declared, key): key
        for key in CANONICAL
        if getattr(declared, key) is not None and getattr(declared, key) in frame.columns
    }
    return table, declared, frame[list(names)].rename(columns=names)


def _whole_metrics(pkg: Package) -> tuple[dict[str, str], tuple[str, ...]]:
    """Each metric's unit, and the units that count whole things (a metric with no unit counts)."""
    declared = pkg.declarations.metrics
    metrics = pkg.table(declared.resource) if declared else None
    if (
        declared is None
        or metrics is None
        or declared.unit is None
        or not {declared.id, declared.unit} <= set(metrics.frame.columns)
    ):
        return {}, ("count",)
    mf = typed_table(metrics).frame
    return dict(zip(mf[declared.id], mf[declared.unit], strict=True)), declared.whole_units


def figures(pkg: Package, keep: Any = None) -> list[Figure]:
    """Readable claims rows as Figures (rows with type or key problems are left out).

    ``keep`` is a boolean mask over claims rows: building a Figure per row of a large
    table costs seconds, so each check asks only for the rows it can judge.
    """
    found: list[Figure] = []
    claims = claims_frame(pkg)
    if claims is None or not {"id", "subject", "metric", "value", "qualifier"} <= set(claims[2].columns):
        return found
    frame = claims[2]
    units, whole_units = _whole_metrics(pkg)
    if keep is None:
        positions: list[int] | range = range(len(frame))
    else:
        import numpy as np

        positions = np.flatnonzero(keep).tolist()  # a list of every row's position cost 0.05 s a call
        frame = frame.iloc[positions]
    blank = [None] * len(frame)
    # Plain lists: indexing a pandas column per row costs more than all the reasoning here.
    columns = [
        frame[name].tolist() if name in frame.columns else blank
        for name in ("id", "subject", "metric", "value", "qualifier", "rounding_unit", "dimension", "part")
    ]
    # Rows repeat readings (one figure stated by many rows): each distinct one is read once.
    readings: dict[tuple[str, ...], Interval | None] = {}
    for row, oid, op, metric, number, qualifier, unit, dim, value in zip(positions, *columns, strict=True):
        if not (isinstance(oid, str) and isinstance(op, str) and isinstance(metric, str)):
            continue
        # By repr: a missing cell may be pandas' NA, whose == raises where a hash collides.
        key = (repr(number), repr(qualifier), repr(unit), metric)
        if key in readings:
            interval = readings[key]
        else:
            interval = readings[key] = (
                None
                if not isinstance(qualifier, str) or _absent(number)
                else read_figure(
                    float(number),
                    qualifier,
                    None if _absent(unit) else float(unit),
                    metric not in units or units[metric] in whole_units,
                )
            )
        if interval is None:
            continue
        found.append(Figure(row, oid, op, metric, (_text(dim), _text(value)), interval, float(number)))
    return found


def _claims_mask(pkg: Package, metrics: set[str] | None = None, broken_down: bool | None = None) -> Any:
    """Claims rows of the given metrics, and with or without a breakdown, as a boolean mask."""
    import numpy as np

    claims = claims_frame(pkg)
    if claims is None:
        return None
    frame = claims[2]
    mask = np.ones(len(frame), dtype=bool)
    if metrics is not None and "metric" in frame.columns:
        mask &= frame["metric"].isin(metrics).to_numpy(dtype=bool, na_value=False)
    if broken_down is not None and "dimension" in frame.columns:
        has = frame["dimension"].notna().to_numpy(dtype=bool)
        mask &= has if broken_down else ~has
    return mask


def _codes(column: Any) -> Any:
    """A column's values as integer codes (equal values, equal codes; missing is -1), for numpy."""
    import pandas as pd

    return pd.factorize(column, use_na_sentinel=True)[0]


def _rough_bounds(frame: Any) -> tuple[Any, Any, Any]:
    """Each claims row's interval with every bound read as closed, vectorised; and its qualifier's code.

    The bounds come from the same QUALIFIERS table as the exact reading; an unknown
    qualifier reads as exact here and is left out of the exact reading. The third value
    maps each qualifier in QUALIFIERS to the rows that have it.
    """
    import numpy as np
    import pandas as pd

    number = frame["value"].astype("float64").to_numpy()
    unit = (
        frame["rounding_unit"].astype("float64").fillna(0).to_numpy()
        if "rounding_unit" in frame.columns
        else np.zeros(len(frame))
    )
    lo, hi = number.copy(), number.copy()
    rows_of: dict[str, Any] = {}
    # One hash pass over the qualifiers, then integer comparisons: comparing the strings once
    # per qualifier cost 0.06 s a call at 1,000,000 rows.
    codes, distinct = pd.factorize(frame["qualifier"], use_na_sentinel=True)
    code_of = {name: code for code, name in enumerate(distinct.tolist())}
    for name, reading in QUALIFIERS.items():
        rows = codes == code_of.get(name, -2)
        rows_of[name] = rows
        lo[rows] = reading.lo_times * number[rows] + reading.lo_units * unit[rows]
        if reading.hi_times is None:
            hi[rows] = np.inf
        else:
            hi[rows] = reading.hi_times * number[rows] + reading.hi_units * unit[rows]
    for shared in (lo, hi, *rows_of.values()):
        shared.flags.writeable = False  # made once and read by several checks (Table.view)
    return lo, hi, rows_of


def _maybe_exceeding(pkg: Package, part: str, whole: str) -> Any:
    """Rows of part and whole metrics in subjects where, read roughly, a part may exceed a whole."""
    import numpy as np

    claims = claims_frame(pkg)
    if claims is None or not {"subject", "metric", "value", "qualifier"} <= set(claims[2].columns):
        return None
    table, _, frame = claims
    lo, hi, _ = table.view("rough bounds", lambda: _rough_bounds(frame))
    subject = table.view("subject codes", lambda: _codes(frame["subject"]))
    considered = _claims_mask(pkg, {part, whole}, broken_down=False) & (subject >= 0)
    wholes = considered & frame["metric"].eq(whole).to_numpy(dtype=bool, na_value=False)
    parts = considered & frame["metric"].eq(part).to_numpy(dtype=bool, na_value=False)
    # The smallest whole of each subject, by subject code; a subject without one has no bound.
    smallest = np.full(int(subject.max()) + 1 if len(subject) else 0, np.inf)
    np.fmin.at(smallest, subject[wholes], hi[wholes])  # a missing value bounds nothing, as in groupby
    suspect = np.zeros(len(smallest), dtype=bool)
    suspect[subject[parts][lo[parts] >= smallest[subject[parts]]]] = True
    flagged = np.zeros(len(frame), dtype=bool)
    flagged[subject >= 0] = suspect[subject[subject >= 0]]
    return flagged & _claims_mask(pkg, {part, whole}, broken_down=False)


def _maybe_disagreeing(pkg: Package) -> Any:
    """Rows in groups whose rough intervals might not overlap; only these are read exactly.

    The rough reading treats every bound as closed, so it can only find too many groups.
    Groups are numbered by combining each key column's codes (_clashing_groups): grouping the
    four string columns as objects cost a second at 1,000,000 rows.
    """
    import numpy as np

    claims = claims_frame(pkg)
    if claims is None:
        return None
    frame = claims[2]
    keys = [c for c in ("subject", "metric", "dimension", "part") if c in frame.columns]
    if not {"value", "qualifier"} <= set(frame.columns) or len(keys) < 2:
        return None
    lo, hi, rows_of = claims[0].view("rough bounds", lambda: _rough_bounds(frame))
    # Touching intervals conflict only where the touching bound itself is open.
    lo_open = np.zeros(len(frame), dtype=bool)
    hi_open = np.zeros(len(frame), dtype=bool)
    for name, reading in QUALIFIERS.items():
        lo_open |= rows_of[name] if reading.lo_open else False
        hi_open |= rows_of[name] if reading.hi_open and reading.hi_times is not None else False
    return _clashing_groups([frame[key] for key in keys], lo, hi, lo_open, hi_open)


def _clashing_groups(keys: list[Any], lo: Any, hi: Any, lo_open: Any, hi_open: Any) -> Any:
    """Rows of groups (equal in every key column, a missing key equal to an empty one) of two
    or more rows whose intervals [lo, hi] might not all overlap: the largest lower bound above
    the smallest upper one, or equal to it where a bound there is open. A missing bound is left
    out, as groupby leaves it."""
    import numpy as np
    import pandas as pd

    group = np.zeros(len(lo), dtype=np.int64)
    span = 1
    for key in keys:
        if key.isna().all():
            continue  # one key for every row (a breakdown column nobody filled): nothing to hash
        codes = _codes(key.fillna(""))
        width = int(codes.max()) + 1 if len(codes) else 1
        if span * width >= 2**62:  # renumber densely before the combined codes could overflow
            group = pd.factorize(group)[0]
            span = int(group.max(initial=-1)) + 1
        group, span = group * width + codes, span * width
    group = pd.factorize(group)[0]
    count = int(group.max(initial=-1)) + 1
    # Each group's largest lower and smallest upper bound, by numpy's unbuffered ufuncs over the
    # group codes (pandas' transform took 0.6 s for each at 10,000,000 rows, these 0.03 s). A
    # missing bound is skipped (fmax, fmin), as groupby skips it.
    top, bottom = np.full(count, -np.inf), np.full(count, np.inf)
    np.fmax.at(top, group, lo)
    np.fmin.at(bottom, group, hi)
    top, bottom = top[group], bottom[group]
    open_top = np.bincount(group, weights=(lo == top) & lo_open, minlength=count)[group] > 0
    open_bottom = np.bincount(group, weights=(hi == bottom) & hi_open, minlength=count)[group] > 0
    size = np.bincount(group, minlength=count)[group]
    return (size > 1) & ((top > bottom) | ((top == bottom) & (open_top | open_bottom)))


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _absent(value: object) -> bool:
    """True for a missing cell, whichever NA pandas used for it."""
    import pandas as pd

    return value is None or bool(pd.isna(value))  # type: ignore[call-overload]


def _where(table: Table, figure: Figure) -> str:
    return f"{figure.outcome_id} (line {table.line(figure.row)})"


def check_qualifiers(pkg: Package) -> Iterator[Finding]:
    """Every qualifier has an interval reading, and rounding units are given exactly where needed."""
    vocabulary = pkg.declarations.qualifiers
    qualifiers = pkg.table(vocabulary.resource) if vocabulary else None
    if vocabulary is not None and qualifiers is not None and vocabulary.id in qualifiers.frame.columns:
        for row, qualifier in enumerate(typed_table(qualifiers).frame[vocabulary.id]):
            if isinstance(qualifier, str) and qualifier not in QUALIFIERS:
                yield finding(
                    "qualifier-unknown",
                    qualifiers.path,
                    qualifiers.line(row),
                    vocabulary.id,
                    f"{qualifier!r} has no interval reading; known: {', '.join(QUALIFIERS)}",
                )
    claims = claims_frame(pkg)
    if claims is None or not {"qualifier", "rounding_unit"} <= set(claims[2].columns):
        return
    import numpy as np

    outcomes, declared, frame = claims
    unit_field = declared.rounding_unit
    qualifiers, units = frame["qualifier"], frame["rounding_unit"]
    known = qualifiers.isin(list(QUALIFIERS)).to_numpy(dtype=bool)
    needs_unit = qualifiers.isin([q for q, r in QUALIFIERS.items() if r.needs_unit]).to_numpy(dtype=bool)
    has_units = units.notna().to_numpy(dtype=bool)
    # Only the rows whose unit is wrong for their qualifier reach the loop.
    for row in np.flatnonzero(known & (needs_unit != has_units)).tolist():
        qualifier, has_unit = qualifiers.iat[row], bool(has_units[row])
        if QUALIFIERS[qualifier].needs_unit and not has_unit:
            yield finding(
                "qualifier-unit",
                outcomes.path,
                outcomes.line(row),
                unit_field,
                f"a {qualifier} figure needs the unit it was rounded to",
            )
        elif not QUALIFIERS[qualifier].needs_unit and has_unit:
            yield finding(
                "qualifier-unit",
                outcomes.path,
                outcomes.line(row),
                unit_field,
                f"a {qualifier} figure takes no rounding unit",
            )


@dataclass(frozen=True)
class Entry:
    """A discrepancy register entry."""

    row: int
    discrepancy_id: str
    kind: str
    operation: str
    other: str
    summary: str


def register(pkg: Package) -> tuple[Table | None, list[Entry], dict[str, set[str]]]:
    """The discrepancy register and the claims each entry lists."""
    declared = pkg.declarations.register
    table = pkg.table(declared.resource) if declared else None
    entries: list[Entry] = []
    if declared is None or table is None:
        return None, entries, {}
    if {declared.id, declared.kind, declared.subject} <= set(table.frame.columns):
        frame = typed_table(table).frame
        blank = [None] * len(frame)
        columns = [
            frame[name].tolist() if name and name in frame.columns else blank
            for name in (declared.id, declared.kind, declared.subject, declared.other, declared.summary)
        ]
        for row, (entry_id, kind, subject, other, summary) in enumerate(zip(*columns, strict=True)):
            if isinstance(entry_id, str):
                entries.append(Entry(row, entry_id, _text(kind), _text(subject), _text(other), _text(summary)))
    links: dict[str, set[str]] = defaultdict(set)
    link_table = pkg.table(declared.links)
    if link_table is not None and {declared.link_entry, declared.link_claim} <= set(link_table.frame.columns):
        lf = typed_table(link_table).frame
        for did, oid in zip(lf[declared.link_entry], lf[declared.link_claim], strict=True):
            if isinstance(did, str) and isinstance(oid, str):
                links[did].add(oid)
    return table, entries, links


def disagreements(pkg: Package) -> list[list[Figure]]:
    """Groups of figures about the same thing (subject, metric, breakdown) some two of which do
    not overlap, each in table order."""
    groups: dict[tuple[str, str, tuple[str, str]], list[Figure]] = defaultdict(list)
    for figure in figures(pkg, _maybe_disagreeing(pkg)):
        groups[(figure.operation, figure.metric, figure.breakdown)].append(figure)
    return [group for group in groups.values() if len(group) > 1 and _degrees(_keys(group)).any()]


def _keys(group: list[Figure]) -> tuple[Any, Any]:
    """Each figure's lower bound and upper bound as integers such that a figure a is above a
    figure b (Interval.above) exactly when low[a] >= high[b].

    Every bound is ranked among the group's distinct bounds; an open lower bound sits just above
    its value, a closed upper bound just above its value too, so that touching ends conflict only
    where one of them is open.
    """
    import numpy as np

    lo = np.array([f.interval.lo for f in group], dtype=np.float64)
    hi = np.array([f.interval.hi for f in group], dtype=np.float64)
    lo_open = np.array([f.interval.lo_open for f in group], dtype=np.int64)
    hi_open = np.array([f.interval.hi_open for f in group], dtype=np.int64)
    values = np.unique(np.concatenate([lo, hi]))
    low = 2 * np.searchsorted(values, lo) + lo_open
    high = 2 * np.searchsorted(values, hi) + 1 - hi_open
    return low, high


def _degrees(keys: tuple[Any, Any], among: Any = None) -> Any:
    """For each figure of a group (by its _keys), how many of the figures at positions ``among``
    (default: all) it disagrees with, itself left out: two sorted searches each, not every pair."""
    import numpy as np

    low, high = keys
    chosen = np.arange(len(low)) if among is None else np.asarray(among, dtype=np.int64)
    lows, highs = np.sort(low[chosen]), np.sort(high[chosen])
    above_me = len(lows) - np.searchsorted(lows, high, side="left")  # others whose low >= my high
    below_me = np.searchsorted(highs, low, side="right")  # others whose high <= my low
    counts = above_me + below_me
    inside = np.zeros(len(low), dtype=bool)
    inside[chosen] = True
    # An empty interval (a rounded figure with no whole number in it) is above itself: not a pair.
    return counts - 2 * (inside & (low >= high))


def _live_entries(group: list[Figure], keys: tuple[Any, Any], listed: dict[str, set[str]]) -> set[str]:
    """Register entries two of whose listed figures in this group disagree."""
    members: dict[str, list[int]] = defaultdict(list)
    for position, figure in enumerate(group):
        for entry in listed.get(figure.outcome_id, ()):
            members[entry].append(position)
    return {entry for entry, among in members.items() if len(among) > 1 and _degrees(keys, among)[among].any()}


def _open_degrees(group: list[Figure], keys: tuple[Any, Any], listed: dict[str, set[str]]) -> Any:
    """For each figure, how many figures it disagrees with that no register entry lists with it.

    Figures listed by the same entries form one class; a figure's excused partners are the
    members of every class that shares an entry with its own, counted by the same sorted
    searches over that union.
    """
    import numpy as np

    degrees = _degrees(keys)
    classes: dict[frozenset[str], list[int]] = defaultdict(list)
    for position, figure in enumerate(group):
        if figure.outcome_id in listed:
            classes[frozenset(listed[figure.outcome_id])].append(position)
    holding: dict[str, list[frozenset[str]]] = defaultdict(list)
    for kind in classes:
        for entry in kind:
            holding[entry].append(kind)
    for kind, positions in classes.items():
        sharing = {other for entry in kind for other in holding[entry]}
        excused = np.concatenate([np.asarray(classes[other], dtype=np.int64) for other in sharing])
        degrees[positions] -= _degrees(keys, excused)[positions]
    return degrees


def check_agreement(pkg: Package) -> Iterator[Finding]:
    """Figures for the same subject and metric agree, or their disagreement is registered.

    Each group is judged by its extremes, not by all pairs: one finding per group whose
    disagreement no entry excuses, at the figure in most such disagreements, naming a few of
    the figures it contradicts and how many there are.
    """
    claims = claims_frame(pkg)
    if claims is None:
        return

    outcomes, declared, _ = claims
    table, entries, links = register(pkg)
    listed: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.kind == "figures":
            for claim in links.get(entry.discrepancy_id, ()):
                listed[claim].add(entry.discrepancy_id)
    live: set[str] = set()
    for group in disagreements(pkg):
        keys = _keys(group)
        live |= _live_entries(group, keys, listed)
        degrees = _open_degrees(group, keys, listed)
        if not degrees.any():
            continue
        # The figure in most open disagreements, the later row on a tie: where one changed
        # figure contradicts several others, that is the changed one.
        culprit_at = max(range(len(group)), key=lambda i: (int(degrees[i]), group[i].row))
        yield _disagreement(outcomes, declared.value, group, culprit_at, listed)
    if table is None:
        return
    # A figure whose row was refused may be the disagreement its entry records: not stale.
    named = {claim for entry in entries if entry.kind == "figures" for claim in links.get(entry.discrepancy_id, ())}
    qualifier = outcomes.frame[declared.qualifier] if declared.qualifier in outcomes.frame.columns else None
    refused = _refused_rows(
        outcomes, [declared.subject, declared.metric, declared.value, declared.qualifier, declared.rounding_unit]
    )
    if qualifier is not None:
        refused |= ~qualifier.isin(list(QUALIFIERS)).to_numpy(dtype=bool, na_value=False) & qualifier.notna().to_numpy(
            dtype=bool
        )
    unjudged = _unjudged(outcomes, declared.id, refused, named)
    for entry in entries:
        if entry.kind != "figures":
            continue
        if entry.discrepancy_id not in live and links.get(entry.discrepancy_id, set()) & unjudged:
            continue
        if entry.discrepancy_id in live:
            yield finding(
                "discrepancy-acknowledged",
                table.path,
                table.line(entry.row),
                _entry_field(pkg),
                f"{entry.discrepancy_id}: {entry.summary}",
            )
        else:
            yield finding(
                "discrepancy-stale",
                table.path,
                table.line(entry.row),
                _entry_field(pkg),
                f"{entry.discrepancy_id} lists figures that now agree (or do not exist); remove or update the entry",
            )


EXAMPLES = 3
"""Figures a finding names; the rest are counted."""


def _disagreement(outcomes: Table, field_: str, group: list[Figure], at: int, listed: dict[str, set[str]]) -> Finding:
    """The finding at one figure of a group: the tightest figures it contradicts, and how many."""
    culprit = group[at]
    labels = listed.get(culprit.outcome_id, set())
    against = [
        other
        for position, other in enumerate(group)
        if position != at
        and not culprit.interval.overlaps(other.interval)
        and not labels & listed.get(other.outcome_id, set())
    ]
    # Tightest first: the figures whose bounds leave the culprit furthest out, then table order.
    against.sort(key=lambda o: (-_gap(culprit.interval, o.interval), o.row))
    named = "; ".join(f"{_where(outcomes, o)} says {o.interval}" for o in against[:EXAMPLES])
    rest = len(against) - EXAMPLES
    more = f", and {rest:,} more figure{'s' if rest > 1 else ''}" if rest > 0 else ""
    return finding(
        "figures-disagree",
        outcomes.path,
        outcomes.line(culprit.row),
        field_,
        f"{culprit.outcome_id} says {culprit.interval} for {culprit.metric} of "
        f"{culprit.operation}, but {named}{more}; they cannot all be true and no register "
        "entry lists them",
    )


def _gap(a: Interval, b: Interval) -> float:
    """How far apart two disjoint intervals lie."""
    return max(a.lo - b.hi, b.lo - a.hi)


def _refused_rows(table: Table, fields: list[str | None]) -> Any:
    """Rows with a cell the validator could not read (a type error, an impossible date, a NaN):
    written, yet missing once typed. An empty cell is not refused: it states nothing."""
    import numpy as np

    from validate.typed import missing_values

    typed = typed_table(table).frame
    missing = missing_values(table.schema)
    refused = np.zeros(len(table.frame), dtype=bool)
    for name in fields:
        if name and name in typed.columns and name in table.frame.columns:
            written = ~table.frame[name].isin(missing).to_numpy(dtype=bool, na_value=True)
            refused |= written & typed[name].isna().to_numpy(dtype=bool)
    return refused


def _unjudged(table: Table, id_field: str, refused: Any, named: set[str]) -> set[str]:
    """Of the named ids, those whose row was refused, or, where rows were cut (a ragged row),
    those with no row: a register entry listing them cannot be judged stale."""
    import numpy as np

    if id_field not in table.frame.columns:
        return set()
    ids = table.frame[id_field]
    out = {v for v in ids.iloc[np.flatnonzero(refused)].tolist() if isinstance(v, str)} & named
    if table.incomplete:
        out |= named - {v for v in ids.tolist() if isinstance(v, str)}
    return out


def _entry_field(pkg: Package) -> str | None:
    """The register's id field, where findings about an entry point."""
    return pkg.declarations.register.id if pkg.declarations.register else None


def _known_metrics(pkg: Package) -> set[str] | None:
    """The metric ids, or None when the metrics table cannot say a metric is unknown."""
    declared = pkg.declarations.metrics
    metrics = pkg.table(declared.resource) if declared else None
    if declared is None or metrics is None or metrics.incomplete or declared.id not in metrics.frame.columns:
        return None
    return set(typed_table(metrics).frame[declared.id].dropna())


def _unknown_metrics(pkg: Package) -> dict[str, list[str]]:
    """Metrics each rule names that the metrics table does not define, by rule id."""
    known = _known_metrics(pkg)
    if pkg.rules is None or known is None:
        return {}
    named = pkg.rules.metrics()
    return {rule_id: sorted(m - known) for rule_id, m in named.items() if m - known}


def _usable_subsets(pkg: Package) -> list[SubsetRule]:
    unknown = _unknown_metrics(pkg)
    return [r for r in pkg.rules.subsets if r.id not in unknown] if pkg.rules else []


def _usable_case_limits(pkg: Package) -> list[CaseLimitRule]:
    unknown = _unknown_metrics(pkg)
    return [r for r in pkg.rules.case_limits if r.id not in unknown] if pkg.rules else []


def _breakdown_rules(pkg: Package) -> list[BreakdownRule]:
    return list(pkg.rules.breakdowns) if pkg.rules else []


def check_rules_file(pkg: Package) -> Iterator[Finding]:
    """The rules file is well formed and names metrics that exist."""
    rules_file = pkg.declarations.rules
    if pkg.rules is None or rules_file is None:
        return
    for problem in pkg.rules.problems:
        yield finding("rules-invalid", rules_file, None, None, problem)
    for rule_id, unknown in _unknown_metrics(pkg).items():
        yield finding(
            "rules-invalid", rules_file, None, None, f"rule {rule_id!r} names unknown metric {', '.join(unknown)}"
        )


def check_subsets(pkg: Package) -> Iterator[Finding]:
    """A part (children at immediate risk) never exceeds its whole (children safeguarded)."""
    claims = claims_frame(pkg)
    if claims is None:
        return
    outcomes, declared, _ = claims
    for rule in _usable_subsets(pkg):
        by_key: dict[tuple[str, str], list[Figure]] = defaultdict(list)
        for figure in figures(pkg, _maybe_exceeding(pkg, rule.part, rule.whole)):
            by_key[(figure.operation, figure.metric)].append(figure)
        for (operation, metric), parts in list(by_key.items()):
            if metric != rule.part:
                continue
            wholes = by_key.get((operation, rule.whole), [])
            if not wholes:
                continue
            smallest = min(wholes, key=lambda f: f.interval.hi)
            for part in parts:
                if part.interval.above(smallest.interval):
                    yield finding(
                        "subset-exceeds-total",
                        outcomes.path,
                        outcomes.line(part.row),
                        declared.value,
                        f"{part.metric} {part.interval} exceeds {smallest.metric} "
                        f"{smallest.interval} of {_where(outcomes, smallest)} "
                        f"(rule {rule.id})",
                    )


def check_case_limits(pkg: Package) -> Iterator[Finding]:
    """No single event's value (a case's sentence) exceeds its subject's total (custodial years)."""
    events = pkg.declarations.events
    cases = pkg.table(events.resource) if events else None
    if events is None or cases is None or events.subject is None or events.subject not in cases.frame.columns:
        return
    frame = typed_table(cases).frame
    per_year = pkg.declarations.units_per_year
    totals: dict[str, list[Figure]] = defaultdict(list)
    limits = _usable_case_limits(pkg)
    wholes = {rule.whole for rule in limits}
    for figure in figures(pkg, _claims_mask(pkg, wholes)):
        totals[figure.metric + "\0" + figure.operation].append(figure)
    for rule in limits:
        if rule.value not in frame.columns or rule.unit not in frame.columns:
            continue
        rows = zip(frame[rule.value].tolist(), frame[rule.unit].tolist(), frame[events.subject].tolist(), strict=True)
        for row, (value, unit, operation) in enumerate(rows):
            if value is None or value != value or unit not in per_year or not isinstance(operation, str):
                continue
            years = float(value) / per_year[unit]
            for whole in totals.get(rule.whole + "\0" + operation, []):
                if Interval(years, years).above(whole.interval):
                    yield finding(
                        "case-exceeds-total",
                        cases.path,
                        cases.line(row),
                        rule.value,
                        f"{years:g} years exceeds {whole.metric} {whole.interval} of {operation} ({whole.outcome_id})",
                    )
                    break


def check_breakdowns(pkg: Package) -> Iterator[Finding]:
    """Parts of a declared breakdown add up to their total."""
    claims = claims_frame(pkg)
    if claims is None:
        return
    outcomes, declared, _ = claims
    parts_mask = _claims_mask(pkg, broken_down=True)
    if parts_mask is None or not parts_mask.any():
        return  # no row is broken down: there is nothing to add up
    all_figures = figures(pkg, parts_mask)
    keys = {(f.operation, f.metric) for f in all_figures}
    all_figures += [
        f
        for f in figures(pkg, _claims_mask(pkg, {m for _, m in keys}, broken_down=False))
        if (f.operation, f.metric) in keys
    ]
    for rule in _breakdown_rules(pkg):
        parts: dict[tuple[str, str], dict[str, Interval]] = defaultdict(dict)
        for figure in all_figures:
            if figure.breakdown[0] != rule.dimension:
                continue
            known = parts[(figure.operation, figure.metric)]
            value = figure.breakdown[1]
            # The same part stated twice counts once; the agreement check compares the two.
            known[value] = figure.interval if value not in known else _narrower(known[value], figure.interval)
        for figure in all_figures:
            if figure.breakdown != ("", "") or (figure.operation, figure.metric) not in parts:
                continue
            pieces = list(parts[(figure.operation, figure.metric)].values())
            total = pieces[0]
            for piece in pieces[1:]:
                total = total + piece
            exhaustive = rule.exhaustive
            wrong = total.above(figure.interval) or (exhaustive and figure.interval.above(total))
            if wrong:
                yield finding(
                    "breakdown-sum",
                    outcomes.path,
                    outcomes.line(figure.row),
                    declared.value,
                    f"{len(pieces)} parts by {rule.dimension} add up to {total}, but "
                    f"{figure.outcome_id} gives {figure.interval}"
                    + ("" if exhaustive else " (parts may not exceed the total)"),
                )


def _narrower(a: Interval, b: Interval) -> Interval:
    return a if (a.hi - a.lo) <= (b.hi - b.lo) else b


def _published(pkg: Package) -> dict[str, dt.date]:
    """Publication dates that can be trusted, by source id."""
    declared = pkg.declarations.sources
    sources = pkg.table(declared.resource) if declared else None
    if (
        declared is None
        or sources is None
        or declared.published is None
        or not {declared.id, declared.published} <= set(sources.frame.columns)
    ):
        return {}
    frame = typed_table(sources).frame
    doubtful = frame[declared.doubtful].tolist() if declared.doubtful in frame.columns else [None] * len(frame)
    out: dict[str, dt.date] = {}
    rows = zip(frame[declared.id], frame[declared.published], doubtful, strict=True)
    for source_id, published, flagged in rows:
        if isinstance(source_id, str) and published is not None and published == published and flagged is not True:
            out[source_id] = published.date()
    return out


def _strings(column: Any) -> Any:
    """Per cell, whether it holds a string (for a string column: whether it is not missing)."""
    import numpy as np
    import pandas as pd

    if pd.api.types.is_string_dtype(column.dtype) and not pd.api.types.is_object_dtype(column.dtype):
        return column.notna().to_numpy(dtype=bool)
    return np.array([isinstance(v, str) for v in column.tolist()], dtype=bool)


def check_periods(pkg: Package) -> Iterator[Finding]:
    """Periods run forward, end before publication, last their stated duration and follow on in a series."""
    import numpy as np
    import pandas as pd

    periods = pkg.declarations.periods
    operations = pkg.table(periods.resource) if periods else None
    if (
        periods is None
        or operations is None
        or not {periods.id, periods.start, periods.end} <= set(operations.frame.columns)
    ):
        return
    frame = typed_table(operations).frame
    ops, starts, ends = frame[periods.id], frame[periods.start], frame[periods.end]
    start_lo, _ = dates.day_bounds(starts)
    end_lo, end_hi = dates.day_bounds(ends)
    named = _strings(ops)
    has_end = named & ~np.isnan(end_lo)
    both = has_end & ~np.isnan(start_lo)
    backwards = both & (start_lo > end_hi)
    for row in np.flatnonzero(backwards).tolist():
        yield finding(
            "period-reversed",
            operations.path,
            operations.line(row),
            periods.end,
            f"the period ends ({ends.iat[row]}) before it starts ({starts.iat[row]})",
        )
    # A period ending after a source that reports it was published: the reporting sources of
    # each subject come from the claims table, as distinct (subject, source) pairs.
    published = _published(pkg)
    claims = claims_frame(pkg)
    if published and claims is not None and {"subject", "source"} <= set(claims[2].columns):
        # Distinct pairs found by their codes, one integer each: dropping duplicate pairs of
        # strings hashed them all (0.5 s at 10,000,000 rows).
        subjects, sources = claims[2]["subject"], claims[2]["source"]
        subject_codes = claims[0].view("subject codes", lambda: _codes(subjects))
        source_codes = _codes(sources)
        named = sources.isin(list(published)).to_numpy(dtype=bool) & (subject_codes >= 0)
        pair = subject_codes.astype(np.int64) * (int(source_codes.max(initial=0)) + 1) + source_codes
        first = np.flatnonzero(named)[pd.Series(pair[named]).drop_duplicates().index.to_numpy()]
        pairs = pd.DataFrame({"op": subjects.iloc[first].to_numpy(), "source": sources.iloc[first].to_numpy()})
        pairs["published"] = pairs["source"].map({k: v.toordinal() for k, v in published.items()}).astype("float64")
        judged = np.flatnonzero(has_end & ~backwards)
        ending = pd.DataFrame({"row": judged, "op": ops.iloc[judged].to_numpy(), "end": end_lo[judged]})
        late = ending.merge(pairs, on="op")
        late = late[late["end"] > late["published"]]
        for row, source in zip(late["row"].tolist(), late["source"].tolist(), strict=True):
            yield finding(
                "period-after-publication",
                operations.path,
                operations.line(row),
                periods.end,
                f"the period ends {ends.iat[row]}, after {source} was published on {published[source].isoformat()}",
            )
    if periods.duration and periods.duration in frame.columns:
        durations = frame[periods.duration]
        timed = np.flatnonzero(both & ~backwards & _strings(durations))
        spans = pd.DataFrame(
            {
                "start": starts.iloc[timed].to_numpy(),
                "end": ends.iloc[timed].to_numpy(),
                "duration": durations.iloc[timed].to_numpy(),
            }
        )
        # Each distinct (start, end, duration) is judged once: a table holds few of them.
        codes, distinct = pd.factorize(pd.MultiIndex.from_frame(spans))
        triples: list[tuple[str, str, str]] = list(distinct) if len(spans) else []
        wrong = np.array([dates.span_matches(*triple) is False for triple in triples] + [False])
        for row in timed[wrong[codes]].tolist():
            yield finding(
                "duration-mismatch",
                operations.path,
                operations.line(row),
                periods.duration,
                f"{starts.iat[row]} to {ends.iat[row]} does not last {durations.iat[row]}",
            )
    yield from _series_alignment(
        pkg, operations, periods.start, _series_gaps(frame, periods.series, both, start_lo, end_hi)
    )


def _series_gaps(frame: Any, series: str | None, both: Any, start_lo: Any, end_hi: Any) -> list[tuple[str, int, int]]:
    """(series, earlier row, later row) for consecutive periods of a series that do not follow on.

    Members are sorted by their first possible start day, ties in table order, as a stable sort would.
    """
    import numpy as np
    import pandas as pd

    if not series or series not in frame.columns:
        return []
    groups = frame[series]
    members = np.flatnonzero(both & _strings(groups))
    group = pd.factorize(groups.iloc[members])[0]
    order = members[np.lexsort((members, start_lo[members], group))]
    same = pd.factorize(groups.iloc[order])[0]
    before, after = order[:-1], order[1:]
    gap = (same[:-1] == same[1:]) & (start_lo[after] != end_hi[before] + 1)
    return [(groups.iat[a], b, a) for b, a in zip(before[gap].tolist(), after[gap].tolist(), strict=True)]


def _series_alignment(
    pkg: Package, operations: Table, start_field: str, gaps: list[tuple[str, int, int]]
) -> Iterator[Finding]:
    """Consecutive periods of a series follow on, or the gap is registered."""
    import numpy as np

    from validate.typed import missing_values

    periods = pkg.declarations.periods
    frame = typed_table(operations).frame
    table, entries, _ = register(pkg)
    matched: set[str] = set()
    for group, earlier, row in gaps:
        assert periods is not None
        before, before_end = frame[periods.id].iat[earlier], frame[periods.end].iat[earlier]
        after, after_start = frame[periods.id].iat[row], frame[periods.start].iat[row]
        covering = [e for e in entries if e.kind == "periods" and e.operation == after and e.other == before]
        if covering and table is not None:
            matched.update(e.discrepancy_id for e in covering)
            for entry in covering:
                yield finding(
                    "discrepancy-acknowledged",
                    table.path,
                    table.line(entry.row),
                    _entry_field(pkg),
                    f"{entry.discrepancy_id}: {entry.summary}",
                )
            continue
        yield finding(
            "period-not-aligned",
            operations.path,
            operations.line(row),
            start_field,
            f"{after} starts {after_start} but {before} in series {group} ended "
            f"{before_end}: year-on-year comparison of the two misleads",
        )
    if table is None:
        return
    assert periods is not None
    named = {op for entry in entries if entry.kind == "periods" for op in (entry.operation, entry.other)}
    refused = _refused_rows(operations, [periods.start, periods.end, periods.series])
    for name in (periods.start, periods.end):
        # A date that reads as no day (2022-02-30) is a string to the types: refused all the same.
        written = ~operations.frame[name].isin(missing_values(operations.schema)).to_numpy(dtype=bool, na_value=True)
        refused |= written & np.isnan(dates.day_bounds(frame[name])[0])
    unjudged = _unjudged(operations, periods.id, refused, named)
    for entry in entries:
        if entry.kind == "periods" and {entry.operation, entry.other} & unjudged:
            continue  # a period whose dates were refused may be the misalignment the entry records
        if entry.kind == "periods" and entry.discrepancy_id not in matched:
            yield finding(
                "discrepancy-stale",
                table.path,
                table.line(entry.row),
                _entry_field(pkg),
                f"{entry.discrepancy_id}: {entry.other} and {entry.operation} are not "
                "consecutive misaligned periods of a series",
            )


def check_case_dates(pkg: Package) -> Iterator[Finding]:
    """An event's dates (a case's offence, arrest, sentence) come in the declared order, before publication."""
    import numpy as np

    events = pkg.declarations.events
    cases = pkg.table(events.resource) if events else None
    if events is None or cases is None:
        return
    frame = typed_table(cases).frame
    published = _published(pkg)
    order = [c for c in events.ordered if c in frame.columns]
    bounds = {c: dates.day_bounds(frame[c]) for c in order}
    for first, second in itertools.combinations(order, 2):
        (first_lo, _), (_, second_hi) = bounds[first], bounds[second]
        for row in np.flatnonzero(first_lo > second_hi).tolist():  # NaN (unreadable) compares False
            a, b = frame[first].iat[row], frame[second].iat[row]
            yield finding(
                "case-dates-order", cases.path, cases.line(row), second, f"{second} {b} is before {first} {a}"
            )
    if not order or not events.source or events.source not in frame.columns or not published:
        return
    # The last readable date of each row, and the column it is in.
    last_lo = np.full(len(frame), np.nan)
    last_column = np.full(len(frame), -1)
    for index, column in enumerate(order):
        readable = ~np.isnan(bounds[column][0])
        last_lo[readable], last_column[readable] = bounds[column][0][readable], index
    sources = frame[events.source]
    day = {k: float(v.toordinal()) for k, v in published.items()}
    limit = sources.map(day).astype("float64").to_numpy(na_value=np.nan) if len(frame) else np.zeros(0)
    late = _strings(sources) & (last_lo > limit)
    for row in np.flatnonzero(late).tolist():
        column = order[int(last_column[row])]
        source: Any = sources.iat[row]
        yield finding(
            "case-dates-order",
            cases.path,
            cases.line(row),
            column,
            f"{column} {frame[column].iat[row]} is after {source} was published on {published[source]}",
        )
