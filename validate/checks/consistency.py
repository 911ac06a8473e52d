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
from validate.findings import Finding, finding
from validate.intervals import QUALIFIERS, Interval, read_figure
from validate.model import RULES, Package, Table
from validate.rules import BreakdownRule, CaseLimitRule, SubsetRule
from validate.typed import typed_table

_YEARS_PER = {"years": 1.0, "months": 1 / 12, "weeks": 1 / 52}


@dataclass(frozen=True)
class Figure:
    """An outcomes row read as an interval."""

    row: int
    outcome_id: str
    operation: str
    metric: str
    breakdown: tuple[str, str]
    interval: Interval
    number: float


def figures(pkg: Package, keep: Any = None) -> list[Figure]:
    """Readable outcomes rows as Figures (rows with type or key problems are left out).

    ``keep`` is a boolean mask over outcomes rows: building a Figure per row of a large
    table costs seconds, so each check asks only for the rows it can judge.
    """
    found: list[Figure] = []
    outcomes, metrics = pkg.table("outcomes"), pkg.table("metrics")
    needed = {"outcome_id", "operation_id", "metric_id", "number", "qualifier"}
    if outcomes is not None and needed <= set(outcomes.frame.columns):
        units = {}
        if metrics is not None and {"metric_id", "unit"} <= set(metrics.frame.columns):
            mf = typed_table(metrics).frame
            units = dict(zip(mf["metric_id"], mf["unit"], strict=True))
        frame = typed_table(outcomes).frame
        positions = list(range(len(frame)))
        if keep is not None:
            import numpy as np

            positions = np.flatnonzero(keep).tolist()
            frame = frame.iloc[positions]
        blank = [None] * len(frame)
        # Plain lists: indexing a pandas column per row costs more than all the reasoning here.
        columns = [frame[name].tolist() if name in frame.columns else blank
                   for name in ("outcome_id", "operation_id", "metric_id", "number", "qualifier",
                                "rounding_unit", "breakdown_dimension", "breakdown_value")]
        for row, oid, op, metric, number, qualifier, unit, dim, value in zip(positions, *columns, strict=True):
            if not all(isinstance(v, str) for v in (oid, op, metric, qualifier)) or _absent(number):
                continue
            interval = read_figure(float(number), qualifier, None if _absent(unit) else float(unit),
                                   units.get(metric, "count") == "count")
            if interval is None:
                continue
            found.append(Figure(row, oid, op, metric, (_text(dim), _text(value)), interval, float(number)))
    return found


def _outcome_mask(pkg: Package, metrics: set[str] | None = None, broken_down: bool | None = None) -> Any:
    """Outcomes rows of the given metrics, and with or without a breakdown, as a boolean mask."""
    import numpy as np

    outcomes = pkg.table("outcomes")
    if outcomes is None:
        return None
    frame = typed_table(outcomes).frame
    mask = np.ones(len(frame), dtype=bool)
    if metrics is not None and "metric_id" in frame.columns:
        mask &= frame["metric_id"].isin(metrics).to_numpy(dtype=bool, na_value=False)
    if broken_down is not None and "breakdown_dimension" in frame.columns:
        has = frame["breakdown_dimension"].notna().to_numpy(dtype=bool)
        mask &= has if broken_down else ~has
    return mask


def _rough_bounds(frame: Any) -> tuple[Any, Any, Any]:
    """Each outcomes row's interval with every bound read as closed, vectorised; and its qualifier.

    The bounds come from the same QUALIFIERS table as the exact reading; an unknown
    qualifier reads as exact here and is left out of the exact reading.
    """
    import numpy as np

    number = frame["number"].astype("float64").to_numpy()
    unit = frame["rounding_unit"].astype("float64").fillna(0).to_numpy() if "rounding_unit" in frame.columns \
        else np.zeros(len(frame))
    qualifier = frame["qualifier"].astype(object).to_numpy()
    lo, hi = number.copy(), number.copy()
    for name, reading in QUALIFIERS.items():
        rows = qualifier == name
        lo[rows] = reading.lo_times * number[rows] + reading.lo_units * unit[rows]
        if reading.hi_times is None:
            hi[rows] = np.inf
        else:
            hi[rows] = reading.hi_times * number[rows] + reading.hi_units * unit[rows]
    return lo, hi, qualifier


def _maybe_exceeding(pkg: Package, part: str, whole: str) -> Any:
    """Rows of part and whole metrics in operations where, read roughly, a part may exceed a whole."""
    import pandas as pd

    outcomes = pkg.table("outcomes")
    if outcomes is None:
        return None
    frame = typed_table(outcomes).frame
    lo, hi, _ = _rough_bounds(frame)
    rough = pd.DataFrame({"op": frame["operation_id"].astype(object), "metric": frame["metric_id"].astype(object),
                          "lo": lo, "hi": hi})
    rough = rough[_outcome_mask(pkg, {part, whole}, broken_down=False)]
    smallest = rough[rough["metric"] == whole].groupby("op")["hi"].min()
    parts = rough[rough["metric"] == part]
    suspect = set(parts.loc[parts["lo"] >= parts["op"].map(smallest).fillna(float("inf")), "op"])
    return (frame["operation_id"].isin(suspect).to_numpy(dtype=bool, na_value=False)
            & _outcome_mask(pkg, {part, whole}, broken_down=False))


def _maybe_disagreeing(pkg: Package) -> Any:
    """Rows in groups whose rough intervals might not overlap; only these are read exactly.

    The rough reading treats every bound as closed, so it can only find too many groups.
    """
    import numpy as np
    import pandas as pd

    outcomes = pkg.table("outcomes")
    if outcomes is None:
        return None
    frame = typed_table(outcomes).frame
    keys = [c for c in ("operation_id", "metric_id", "breakdown_dimension", "breakdown_value") if c in frame.columns]
    if not {"number", "qualifier"} <= set(frame.columns) or len(keys) < 2:
        return None
    lo, hi, qualifier = _rough_bounds(frame)
    rough = pd.DataFrame({k: frame[k].astype(object).fillna("") for k in keys})
    rough["lo"], rough["hi"] = lo, hi
    grouped = rough.groupby(keys, sort=False)
    top, bottom = grouped["lo"].transform("max"), grouped["hi"].transform("min")
    # Touching intervals conflict only where the touching bound itself is open.
    lo_open = [q for q, r in QUALIFIERS.items() if r.lo_open]
    hi_open = [q for q, r in QUALIFIERS.items() if r.hi_open and r.hi_times is not None]
    rough["open_top"] = (rough["lo"] == top) & np.isin(qualifier, lo_open)
    rough["open_bottom"] = (rough["hi"] == bottom) & np.isin(qualifier, hi_open)
    grouped = rough.groupby(keys, sort=False)
    touching_open = grouped["open_top"].transform("max") | grouped["open_bottom"].transform("max")
    size = grouped["lo"].transform("size")
    return ((size > 1) & ((top > bottom) | ((top == bottom) & touching_open))).to_numpy(dtype=bool)


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
    qualifiers = pkg.table("qualifiers")
    if qualifiers is not None and "qualifier_id" in qualifiers.frame.columns:
        for row, qualifier in enumerate(typed_table(qualifiers).frame["qualifier_id"]):
            if isinstance(qualifier, str) and qualifier not in QUALIFIERS:
                yield finding("qualifier-unknown", qualifiers.path, qualifiers.line(row), "qualifier_id",
                              f"{qualifier!r} has no interval reading; known: {', '.join(QUALIFIERS)}")
    outcomes = pkg.table("outcomes")
    if outcomes is None or not {"qualifier", "rounding_unit"} <= set(outcomes.frame.columns):
        return
    frame = typed_table(outcomes).frame
    for row, (qualifier, unit) in enumerate(zip(frame["qualifier"], frame["rounding_unit"], strict=True)):
        if qualifier not in QUALIFIERS:
            continue
        has_unit = unit is not None and unit == unit
        if QUALIFIERS[qualifier].needs_unit and not has_unit:
            yield finding("qualifier-unit", outcomes.path, outcomes.line(row), "rounding_unit",
                          f"a {qualifier} figure needs the unit it was rounded to")
        elif not QUALIFIERS[qualifier].needs_unit and has_unit:
            yield finding("qualifier-unit", outcomes.path, outcomes.line(row), "rounding_unit",
                          f"a {qualifier} figure takes no rounding unit")


def disagreements(pkg: Package) -> list[tuple[Figure, Figure]]:
    """Pairs of figures about the same thing whose intervals do not overlap."""
    groups: dict[tuple[str, str, tuple[str, str]], list[Figure]] = defaultdict(list)
    for figure in figures(pkg, _maybe_disagreeing(pkg)):
        groups[(figure.operation, figure.metric, figure.breakdown)].append(figure)
    pairs: list[tuple[Figure, Figure]] = []
    for group in groups.values():
        if len(group) < 2:
            continue
        # Intervals on a line share a point when the highest start is below the lowest end.
        top = max(group, key=lambda f: (f.interval.lo, f.interval.lo_open))
        bottom = min(group, key=lambda f: (f.interval.hi, not f.interval.hi_open))
        if not top.interval.above(bottom.interval):
            continue
        pairs += [(a, b) for a, b in itertools.combinations(group, 2) if not a.interval.overlaps(b.interval)]
    return pairs


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
    """The discrepancy register and the outcomes each entry lists."""
    table = pkg.table("discrepancies")
    entries: list[Entry] = []
    if table is not None and {"discrepancy_id", "kind", "operation_id"} <= set(table.frame.columns):
        frame = typed_table(table).frame
        for row, record in enumerate(frame.to_dict("records")):
            if not isinstance(record["discrepancy_id"], str):
                continue
            entries.append(Entry(row, record["discrepancy_id"], _text(record["kind"]),
                                 _text(record["operation_id"]),
                                 _text(record.get("other_operation_id")), _text(record.get("summary"))))
    links: dict[str, set[str]] = defaultdict(set)
    link_table = pkg.table("discrepancy_outcomes")
    if link_table is not None and {"discrepancy_id", "outcome_id"} <= set(link_table.frame.columns):
        lf = typed_table(link_table).frame
        for did, oid in zip(lf["discrepancy_id"], lf["outcome_id"], strict=True):
            if isinstance(did, str) and isinstance(oid, str):
                links[did].add(oid)
    return table, entries, links


def check_agreement(pkg: Package) -> Iterator[Finding]:
    """Figures for the same operation and metric agree, or their disagreement is registered."""
    outcomes = pkg.table("outcomes")
    if outcomes is None:
        return
    pairs = disagreements(pkg)
    table, entries, links = register(pkg)
    live: set[str] = set()
    open_pairs: list[tuple[Figure, Figure]] = []
    for a, b in pairs:
        covering = [e for e in entries if e.kind == "figures"
                    and {a.outcome_id, b.outcome_id} <= links.get(e.discrepancy_id, set())]
        if covering:
            live.update(e.discrepancy_id for e in covering)
        else:
            open_pairs.append((a, b))
    # One changed figure contradicts several others: blame the figure in most open pairs
    # (the later row on a tie), report it once naming the others, and repeat.
    while open_pairs:
        count: dict[Figure, int] = defaultdict(int)
        for pair in open_pairs:
            for member in pair:
                count[member] += 1
        culprit = max(count, key=lambda f: (count[f], f.row))
        others = [a if b == culprit else b for a, b in open_pairs if culprit in (a, b)]
        open_pairs = [p for p in open_pairs if culprit not in p]
        against = "; ".join(f"{_where(outcomes, o)} says {o.interval}" for o in others)
        yield finding("figures-disagree", outcomes.path, outcomes.line(culprit.row), "number",
                      f"{culprit.outcome_id} says {culprit.interval} for {culprit.metric} of "
                      f"{culprit.operation}, but {against}; they cannot all be true and no register "
                      "entry lists them")
    if table is None:
        return
    for entry in entries:
        if entry.kind != "figures":
            continue
        if entry.discrepancy_id in live:
            yield finding("discrepancy-acknowledged", table.path, table.line(entry.row), "discrepancy_id",
                          f"{entry.discrepancy_id}: {entry.summary}")
        else:
            yield finding("discrepancy-stale", table.path, table.line(entry.row), "discrepancy_id",
                          f"{entry.discrepancy_id} lists figures that now agree (or do not exist); "
                          "remove or update the entry")


def _known_metrics(pkg: Package) -> set[str] | None:
    """The metric ids, or None when the metrics table cannot say a metric is unknown."""
    metrics = pkg.table("metrics")
    if metrics is None or metrics.incomplete or "metric_id" not in metrics.frame.columns:
        return None
    return set(typed_table(metrics).frame["metric_id"].dropna())


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
    if pkg.rules is None:
        return
    for problem in pkg.rules.problems:
        yield finding("rules-invalid", RULES, None, None, problem)
    for rule_id, unknown in _unknown_metrics(pkg).items():
        yield finding("rules-invalid", RULES, None, None,
                      f"rule {rule_id!r} names unknown metric {', '.join(unknown)}")


def check_subsets(pkg: Package) -> Iterator[Finding]:
    """A part (children at immediate risk) never exceeds its whole (children safeguarded)."""
    outcomes = pkg.table("outcomes")
    if outcomes is None:
        return
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
                    yield finding("subset-exceeds-total", outcomes.path, outcomes.line(part.row), "number",
                                  f"{part.metric} {part.interval} exceeds {smallest.metric} "
                                  f"{smallest.interval} of {_where(outcomes, smallest)} "
                                  f"(rule {rule.id})")


def check_case_limits(pkg: Package) -> Iterator[Finding]:
    """No single case's sentence exceeds its operation's total custodial years."""
    cases = pkg.table("cases")
    if cases is None or "operation_id" not in cases.frame.columns:
        return
    frame = typed_table(cases).frame
    totals: dict[str, list[Figure]] = defaultdict(list)
    limits = _usable_case_limits(pkg)
    wholes = {rule.whole for rule in limits}
    for figure in figures(pkg, _outcome_mask(pkg, wholes)):
        totals[figure.metric + "\0" + figure.operation].append(figure)
    for rule in limits:
        if rule.value not in frame.columns or rule.unit not in frame.columns:
            continue
        rows = zip(frame[rule.value].tolist(), frame[rule.unit].tolist(),
                   frame["operation_id"].tolist(), strict=True)
        for row, (value, unit, operation) in enumerate(rows):
            if value is None or value != value or unit not in _YEARS_PER or not isinstance(operation, str):
                continue
            years = float(value) * _YEARS_PER[unit]
            for whole in totals.get(rule.whole + "\0" + operation, []):
                if Interval(years, years).above(whole.interval):
                    yield finding("case-exceeds-total", cases.path, cases.line(row), rule.value,
                                  f"{years:g} years exceeds {whole.metric} {whole.interval} of "
                                  f"{operation} ({whole.outcome_id})")
                    break


def check_breakdowns(pkg: Package) -> Iterator[Finding]:
    """Parts of a declared breakdown add up to their total."""
    outcomes = pkg.table("outcomes")
    if outcomes is None:
        return
    parts_mask = _outcome_mask(pkg, broken_down=True)
    if parts_mask is None or not parts_mask.any():
        return  # no row is broken down: there is nothing to add up
    all_figures = figures(pkg, parts_mask)
    keys = {(f.operation, f.metric) for f in all_figures}
    all_figures += [f for f in figures(pkg, _outcome_mask(pkg, {m for _, m in keys}, broken_down=False))
                    if (f.operation, f.metric) in keys]
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
                yield finding("breakdown-sum", outcomes.path, outcomes.line(figure.row), "number",
                              f"{len(pieces)} parts by {rule.dimension} add up to {total}, but "
                              f"{figure.outcome_id} gives {figure.interval}"
                              + ("" if exhaustive else " (parts may not exceed the total)"))


def _narrower(a: Interval, b: Interval) -> Interval:
    return a if (a.hi - a.lo) <= (b.hi - b.lo) else b


def _published(pkg: Package) -> dict[str, dt.date]:
    """Publication dates that can be trusted, by source_id."""
    sources = pkg.table("sources")
    if sources is None or not {"source_id", "published"} <= set(sources.frame.columns):
        return {}
    frame = typed_table(sources).frame
    doubtful = frame["published_doubtful"] if "published_doubtful" in frame.columns else None
    out: dict[str, dt.date] = {}
    for row, (source_id, published) in enumerate(zip(frame["source_id"], frame["published"], strict=True)):
        if isinstance(source_id, str) and published is not None and published == published \
                and not (doubtful is not None and doubtful.iloc[row] is True):
            out[source_id] = published.date()
    return out


def check_periods(pkg: Package) -> Iterator[Finding]:
    """Periods run forward, end before publication, last their stated duration and follow on in a series."""
    operations = pkg.table("operations")
    if operations is None or not {"operation_id", "period_start", "period_end"} <= set(operations.frame.columns):
        return
    frame = typed_table(operations).frame
    published = _published(pkg)
    reporters: dict[str, set[str]] = defaultdict(set)
    outcomes = pkg.table("outcomes")
    if outcomes is not None and {"operation_id", "source_id"} <= set(outcomes.frame.columns):
        of = typed_table(outcomes).frame
        for op, source in zip(of["operation_id"].tolist(), of["source_id"].tolist(), strict=True):
            reporters[op].add(source)
    series: dict[str, list[tuple[int, str, str, str]]] = defaultdict(list)
    for row, record in enumerate(frame.to_dict("records")):
        op = record["operation_id"]
        start, end = dates.readable(record["period_start"]), dates.readable(record["period_end"])
        if not isinstance(op, str):
            continue
        group = record.get("series_id")
        if isinstance(group, str) and start and end:
            series[group].append((row, op, start, end))
        if start and end and dates.earliest(start) > dates.latest(end):
            yield finding("period-reversed", operations.path, operations.line(row), "period_end",
                          f"the period ends ({end}) before it starts ({start})")
            continue  # its duration and publication order cannot be judged
        if end:
            for source in sorted(reporters.get(op, ())):
                if source in published and dates.earliest(end) > published[source]:
                    yield finding("period-after-publication", operations.path, operations.line(row),
                                  "period_end", f"the period ends {end}, after {source} was published "
                                                f"on {published[source].isoformat()}")
        duration = record.get("duration")
        if start and end and isinstance(duration, str) and dates.span_matches(start, end, duration) is False:
            yield finding("duration-mismatch", operations.path, operations.line(row), "duration",
                          f"{start} to {end} does not last {duration}")
    yield from _series_alignment(pkg, operations, series)


def _series_alignment(pkg: Package, operations: Table,
                      series: dict[str, list[tuple[int, str, str, str]]]) -> Iterator[Finding]:
    """Consecutive periods of a series follow on, or the gap is registered."""
    table, entries, _ = register(pkg)
    matched: set[str] = set()
    for group, members in series.items():
        members.sort(key=lambda m: dates.earliest(m[2]))
        for (_, before, _, before_end), (row, after, after_start, _) in itertools.pairwise(members):
            if dates.earliest(after_start) == dates.latest(before_end) + dt.timedelta(days=1):
                continue
            covering = [e for e in entries if e.kind == "periods" and e.operation == after and e.other == before]
            if covering and table is not None:
                matched.update(e.discrepancy_id for e in covering)
                for entry in covering:
                    yield finding("discrepancy-acknowledged", table.path, table.line(entry.row),
                                  "discrepancy_id", f"{entry.discrepancy_id}: {entry.summary}")
                continue
            yield finding("period-not-aligned", operations.path, operations.line(row), "period_start",
                          f"{after} starts {after_start} but {before} in series {group} ended "
                          f"{before_end}: year-on-year comparison of the two misleads")
    if table is None:
        return
    for entry in entries:
        if entry.kind == "periods" and entry.discrepancy_id not in matched:
            yield finding("discrepancy-stale", table.path, table.line(entry.row), "discrepancy_id",
                          f"{entry.discrepancy_id}: {entry.other} and {entry.operation} are not "
                          "consecutive misaligned periods of a series")


def check_case_dates(pkg: Package) -> Iterator[Finding]:
    """A case's offence, arrest, sentence and publication come in that order."""
    cases = pkg.table("cases")
    if cases is None:
        return
    frame = typed_table(cases).frame
    published = _published(pkg)
    order = [c for c in ("offence_date", "arrest_date", "sentence_date") if c in frame.columns]
    for row, record in enumerate(frame.to_dict("records")):
        steps = [(c, dates.readable(record[c])) for c in order]
        known = [(c, v) for c, v in steps if v]
        for (first, a), (second, b) in itertools.combinations(known, 2):
            if dates.earliest(a) > dates.latest(b):
                yield finding("case-dates-order", cases.path, cases.line(row), second,
                              f"{second} {b} is before {first} {a}")
        source = record.get("source_id")
        if known and isinstance(source, str) and source in published:
            column, value = known[-1]
            if dates.earliest(value) > published[source]:
                yield finding("case-dates-order", cases.path, cases.line(row), column,
                              f"{column} {value} is after {source} was published on {published[source]}")
