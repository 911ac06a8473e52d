"""Each consistency rule at its boundary: equal, one over, one under.

Small packages, built here from a few rows, go through the consistency checks' public entry
points (check_subsets, check_breakdowns, check_case_limits, check_agreement); the expected
findings are written by hand from the README's rules ("figures about the same operation and
metric must agree once read as intervals", a part never exceeds its whole, parts add up to
their total, one case's sentence never exceeds its operation's total). The mutation run
(tests/mutation/) judges the consistency arithmetic with this file.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from validate.checks.consistency import check_agreement, check_breakdowns, check_case_limits, check_subsets
from validate.findings import Finding
from validate.loading import load_package
from validate.model import Package
from validate.options import Options

CLAIM_FIELDS = ["claim_id", "subject", "metric", "value", "qualifier", "rounding_unit", "dimension", "part"]
RULES = {
    "subsets": [{"id": "part-within-whole", "part": "part_metric", "whole": "whole_metric"}],
    "case_limits": [{"id": "case-within-total", "value": "custody_value", "unit": "custody_unit", "whole": "years"}],
    "breakdowns": [
        {"id": "forces-sum", "dimension": "force", "exhaustive": True},
        {"id": "offences-within", "dimension": "offence", "exhaustive": False},
    ],
}
METRICS = [("part_metric", "count"), ("whole_metric", "count"), ("arrests", "count"), ("years", "years")]

Claim = tuple[str, str, str, float, str, float | None, str, str]


def claim(
    cid: str, value: float, qualifier: str = "exact", unit: float | None = None, *, subject: str = "op", metric: str
) -> Claim:
    """One claims row without a breakdown."""
    return (cid, subject, metric, value, qualifier, unit, "", "")


def part(
    cid: str, value: float, dimension: str, which: str, qualifier: str = "exact", metric: str = "arrests"
) -> Claim:
    """One claims row that is a part of a breakdown."""
    return (cid, "op", metric, value, qualifier, None, dimension, which)


def _schema(names: list[str], numbers: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"fields": [{"name": n, "type": "number" if n in numbers else "string"} for n in names]}


def _resource(name: str, fields: list[str], numbers: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "name": name,
        "type": "table",
        "path": f"{name}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": _schema(fields, numbers),
    }


METRICS_DECLARED = {"resource": "metrics", "id": "metric_id", "unit": "unit", "whole_units": ["count"]}


def build(
    root: Path,
    claims: list[Claim],
    cases: Sequence[tuple[str | None, float | None, str]] = (),
    *,
    metrics: dict[str, Any] | None = METRICS_DECLARED,
    rules: dict[str, Any] | None = None,
    events: bool = True,
    register: Sequence[tuple[str, str, list[str]]] = (),
) -> Package:
    """A package of the given claims rows (and cases), with a metrics table (declared as given,
    or not at all) and the rules above (or others)."""
    root.mkdir(parents=True, exist_ok=True)
    tables = {
        "claims": (CLAIM_FIELDS, [[("" if v is None else v) for v in row] for row in claims]),
        "metrics": (["metric_id", "unit"], [list(m) for m in METRICS]),
        "cases": (
            ["case_id", "subject", "custody_value", "custody_unit"],
            [[f"c{i}", *("" if v is None else v for v in c)] for i, c in enumerate(cases)],
        ),
    }
    if register:
        tables["register"] = (
            ["discrepancy_id", "kind", "subject", "summary"],
            [[d, k, "op", "s"] for d, k, _ in register],
        )
        tables["links"] = (["discrepancy_id", "claim_id"], [[d, c] for d, _, claims in register for c in claims])
    for name, (fields, rows) in tables.items():
        with (root / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(fields)
            writer.writerows(rows)
    (root / "rules.json").write_text(json.dumps(RULES if rules is None else rules), encoding="utf-8")
    descriptor = {
        "name": "boundaries",
        "x-claims": {
            "claims": {
                "resource": "claims",
                "id": "claim_id",
                "subject": "subject",
                "metric": "metric",
                "value": "value",
                "qualifier": "qualifier",
                "rounding_unit": "rounding_unit",
                "dimension": "dimension",
                "part": "part",
            },
            "events": {"resource": "cases", "ordered": [], "subject": "subject"},
            "rules": "rules.json",
            "units_per_year": {"months": 12, "years": 1},
        },
        "resources": [
            _resource("claims", CLAIM_FIELDS, ("value", "rounding_unit")),
            _resource("metrics", ["metric_id", "unit"]),
            _resource("cases", ["case_id", "subject", "custody_value", "custody_unit"], ("custody_value",)),
        ],
    }
    sections: dict[str, Any] = descriptor["x-claims"]  # type: ignore[assignment]
    if metrics is not None:
        sections["metrics"] = metrics
    if not events:
        del sections["events"]
    if register:
        sections["register"] = {
            "resource": "register",
            "id": "discrepancy_id",
            "kind": "kind",
            "subject": "subject",
            "summary": "summary",
            "links": "links",
            "link_entry": "discrepancy_id",
            "link_claim": "claim_id",
        }
        resources: list[dict[str, Any]] = descriptor["resources"]  # type: ignore[assignment]
        resources.append(_resource("register", ["discrepancy_id", "kind", "subject", "summary"]))
        resources.append(_resource("links", ["discrepancy_id", "claim_id"]))
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return load_package(root, Options())


def found(check: Callable[[Package], Iterator[Finding]], pkg: Package) -> set[tuple[str, str, int | None, str | None]]:
    """The (code, file, line, field) of every finding of one check."""
    return {(f.code, f.file, f.line, f.field) for f in check(pkg)}


def test_the_small_package_loads_without_findings(tmp_path: Path) -> None:
    pkg = build(tmp_path, [claim("a", 10, metric="arrests")])
    assert [f for f in pkg.findings if f.severity == "error"] == []


# ---- a part never exceeds its whole (claims rows: header is line 1, first row line 2) ----
@pytest.mark.parametrize(
    ("whole", "part_claim", "exceeds"),
    [
        (claim("w", 10, metric="whole_metric"), claim("p", 9, metric="part_metric"), False),  # one under
        (claim("w", 10, metric="whole_metric"), claim("p", 10, metric="part_metric"), False),  # equal
        (claim("w", 10, metric="whole_metric"), claim("p", 11, metric="part_metric"), True),  # one over
        # 'more than 10' children is at least 11 of them, over a whole of 10
        (claim("w", 10, metric="whole_metric"), claim("p", 10, "more_than", metric="part_metric"), True),
        (claim("w", 10, metric="whole_metric"), claim("p", 9, "more_than", metric="part_metric"), False),
        (claim("w", 10, metric="whole_metric"), claim("p", 10, "at_least", metric="part_metric"), False),
        # a whole of 'fewer than 10' is at most 9
        (claim("w", 10, "fewer_than", metric="whole_metric"), claim("p", 10, metric="part_metric"), True),
        (claim("w", 10, "fewer_than", metric="whole_metric"), claim("p", 9, metric="part_metric"), False),
        (claim("w", 10, "at_most", metric="whole_metric"), claim("p", 10, metric="part_metric"), False),
        # a rounded whole of 1,700 (to the hundred) is 1,650 to 1,749
        (claim("w", 1700, "rounded", 100, metric="whole_metric"), claim("p", 1749, metric="part_metric"), False),
        (claim("w", 1700, "rounded", 100, metric="whole_metric"), claim("p", 1750, metric="part_metric"), True),
    ],
)
def test_a_part_never_exceeds_its_whole(tmp_path: Path, whole: Claim, part_claim: Claim, exceeds: bool) -> None:
    pkg = build(tmp_path, [whole, part_claim])
    expected = {("subset-exceeds-total", "claims.csv", 3, "value")} if exceeds else set()
    assert found(check_subsets, pkg) == expected


def test_a_part_is_judged_against_the_smallest_whole_of_its_own_subject(tmp_path: Path) -> None:
    pkg = build(
        tmp_path,
        [
            claim("w-big", 20, metric="whole_metric"),
            claim("w-small", 10, metric="whole_metric"),
            claim("p-over", 11, metric="part_metric"),
            claim("p-other", 15, metric="part_metric", subject="other"),  # no whole in its subject
            claim("w-other", 30, metric="whole_metric", subject="third"),
            claim("x", 99, metric="arrests"),  # no rule
        ],
    )
    assert found(check_subsets, pkg) == {("subset-exceeds-total", "claims.csv", 4, "value")}
    assert "w-small" in next(iter(check_subsets(pkg))).message


def test_a_part_with_no_whole_is_not_judged(tmp_path: Path) -> None:
    pkg = build(tmp_path, [claim("p", 11, metric="part_metric"), claim("w", 5, metric="whole_metric", subject="b")])
    assert found(check_subsets, pkg) == set()


# ---- parts add up to their total: exhaustive (force) or within it (offence) ----
@pytest.mark.parametrize(
    ("dimension", "parts", "total", "wrong"),
    [
        ("force", [4, 6], 10, False),  # equal
        ("force", [4, 7], 10, True),  # one over
        ("force", [4, 5], 10, True),  # one under: exhaustive parts cover the whole total
        ("force", [10], 10, False),
        ("force", [3, 3, 4], 10, False),
        ("force", [3, 3, 5], 10, True),
        ("offence", [4, 6], 10, False),  # equal
        ("offence", [4, 7], 10, True),  # one over
        ("offence", [4, 5], 10, False),  # one under: the parts may not cover it all
    ],
)
def test_parts_add_up_to_their_total(tmp_path: Path, dimension: str, parts: list[int], total: int, wrong: bool) -> None:
    rows = [claim("total", total, metric="arrests")]
    rows += [part(f"p{i}", value, dimension, f"part-{i}") for i, value in enumerate(parts)]
    pkg = build(tmp_path, rows)
    assert found(check_breakdowns, pkg) == ({("breakdown-sum", "claims.csv", 2, "value")} if wrong else set())


@pytest.mark.parametrize(
    ("qualifier", "number", "wrong"),
    [
        # parts 4 and 'more than 5' (at least 6) add up to at least 10: a total of 10 holds, 9 does not
        ("more_than", 5, False),
        ("more_than", 6, True),
        # 'fewer than 7' is at most 6: 4 + at most 6 can be 10 but never 11
        ("fewer_than", 7, False),
        ("fewer_than", 6, True),
    ],
)
def test_a_qualified_part_adds_as_an_interval(tmp_path: Path, qualifier: str, number: int, wrong: bool) -> None:
    rows = [
        claim("total", 10, metric="arrests"),
        part("a", 4, "force", "a"),
        part("b", number, "force", "b", qualifier),
    ]
    pkg = build(tmp_path, rows)
    assert found(check_breakdowns, pkg) == ({("breakdown-sum", "claims.csv", 2, "value")} if wrong else set())


def test_a_part_stated_twice_counts_once_by_its_narrower_statement(tmp_path: Path) -> None:
    # Part a is 5, and also 'at least 3': read as 5, the parts add up to 11, over the total of 10.
    rows = [
        claim("total", 10, metric="arrests"),
        part("a-wide", 3, "force", "a", "at_least"),
        part("a", 5, "force", "a"),
        part("b", 6, "force", "b"),
    ]
    assert found(check_breakdowns, build(tmp_path, rows)) == {("breakdown-sum", "claims.csv", 2, "value")}


def test_parts_of_another_subject_or_metric_do_not_add_to_a_total(tmp_path: Path) -> None:
    rows = [
        claim("total", 10, metric="arrests"),
        part("a", 4, "force", "a"),
        part("b", 6, "force", "b"),
        (*part("c", 5, "force", "c")[:1], "elsewhere", *part("c", 5, "force", "c")[2:]),
        part("d", 5, "force", "d", metric="whole_metric"),
    ]
    assert found(check_breakdowns, build(tmp_path, rows)) == set()


# ---- one case's sentence never exceeds its operation's total ----
@pytest.mark.parametrize(
    ("total", "case", "exceeds"),
    [
        (claim("t", 10, metric="years"), ("op", 120, "months"), False),  # equal: 120 months are 10 years
        (claim("t", 10, metric="years"), ("op", 132, "months"), True),  # one year over
        (claim("t", 10, metric="years"), ("op", 121, "months"), True),  # one month over
        (claim("t", 10, metric="years"), ("op", 108, "months"), False),  # one under
        (claim("t", 10, metric="years"), ("op", 11, "years"), True),
        (claim("t", 10, metric="years"), ("op", 10, "years"), False),
        (claim("t", 10, metric="years"), ("other", 11, "years"), False),  # another operation's case
        (claim("t", 10, metric="years"), ("op", 11, "weeks"), False),  # a unit with no length is not judged
        # years are continuous: a total of 10 to the year is 9.5 up to 10.5, so 10.25 fits
        (claim("t", 10, "rounded", 1, metric="years"), ("op", 123, "months"), False),
        (claim("t", 10, "rounded", 1, metric="years"), ("op", 126, "months"), True),
        (claim("t", 10, "fewer_than", metric="years"), ("op", 10, "years"), True),
        (claim("t", 10, "more_than", metric="years"), ("op", 50, "years"), False),
    ],
)
def test_a_case_never_exceeds_its_total(
    tmp_path: Path, total: Claim, case: tuple[str, float, str], exceeds: bool
) -> None:
    pkg = build(tmp_path, [total], [case])
    expected = {("case-exceeds-total", "cases.csv", 2, "custody_value")} if exceeds else set()
    assert found(check_case_limits, pkg) == expected


def test_a_case_is_reported_once_however_many_totals_it_exceeds(tmp_path: Path) -> None:
    pkg = build(tmp_path, [claim("t1", 10, metric="years"), claim("t2", 9, metric="years")], [("op", 12, "years")])
    assert len(list(check_case_limits(pkg))) == 1


# ---- figures about the same subject and metric agree ----
@pytest.mark.parametrize(
    ("first", "second", "disagree"),
    [
        ((10, "exact", None), (10, "exact", None), False),
        ((10, "exact", None), (11, "exact", None), True),
        ((10, "exact", None), (9, "exact", None), True),
        ((10, "more_than", None), (10, "exact", None), True),
        ((10, "more_than", None), (11, "exact", None), False),
        ((10, "at_least", None), (10, "exact", None), False),
        ((10, "at_least", None), (9, "exact", None), True),
        ((10, "at_most", None), (10, "at_least", None), False),
        ((10, "fewer_than", None), (10, "at_least", None), True),
        ((10, "fewer_than", None), (9, "exact", None), False),
        ((1700, "rounded", 100), (1749, "exact", None), False),
        ((1700, "rounded", 100), (1750, "exact", None), True),
        ((1700, "rounded", 100), (1650, "exact", None), False),
        ((1700, "rounded", 100), (1649, "exact", None), True),
        ((1600, "more_than", None), (1700, "rounded", 100), False),
        ((100, "hundreds", None), (999, "exact", None), False),
        ((100, "hundreds", None), (1000, "exact", None), True),
        ((100, "hundreds", None), (199, "exact", None), True),
    ],
)
def test_figures_about_the_same_thing_agree_as_intervals(
    tmp_path: Path,
    first: tuple[float, str, float | None],
    second: tuple[float, str, float | None],
    disagree: bool,
) -> None:
    rows = [claim("a", *first, metric="arrests"), claim("b", *second, metric="arrests")]
    expected = {("figures-disagree", "claims.csv", 3, "value")} if disagree else set()
    assert found(check_agreement, build(tmp_path / "one", rows)) == expected
    # The same figures in the other order: the later row is named.
    expected = {("figures-disagree", "claims.csv", 3, "value")} if disagree else set()
    assert found(check_agreement, build(tmp_path / "two", rows[::-1])) == expected


def test_only_figures_about_the_same_thing_are_compared(tmp_path: Path) -> None:
    rows = [
        claim("a", 10, metric="arrests"),
        claim("b", 11, metric="arrests", subject="other"),
        claim("c", 12, metric="whole_metric"),
        part("d", 13, "force", "north"),
        part("e", 14, "force", "south"),
    ]
    assert found(check_agreement, build(tmp_path, rows)) == set()


def test_the_figure_that_contradicts_the_others_is_named_once(tmp_path: Path) -> None:
    rows = [
        claim("a", 10, metric="arrests"),
        claim("odd", 50, metric="arrests"),
        claim("b", 10, metric="arrests"),
        claim("c", 10, "at_least", metric="arrests"),
    ]
    findings = list(check_agreement(build(tmp_path, rows)))
    assert [(f.code, f.line) for f in findings] == [("figures-disagree", 3)]
    assert all(name in findings[0].message for name in ("odd", "a (line 2)", "b (line 4)"))


@pytest.mark.parametrize(
    "metrics",
    [
        None,  # no metrics table declared: every metric counts whole things
        {"resource": "metrics", "id": "metric_id"},  # no unit declared: the same
        {"resource": "metrics", "id": "metric_id", "unit": "unit", "whole_units": ["count", "years"]},
    ],
)
def test_a_metric_counts_whole_things_unless_its_unit_is_declared_otherwise(
    tmp_path: Path, metrics: dict[str, Any] | None
) -> None:
    # Read whole, a total of 10 years to the year is exactly 10, so 10.25 years exceeds it.
    pkg = build(tmp_path, [claim("t", 10, "rounded", 1, metric="years")], [("op", 123, "months")], metrics=metrics)
    assert found(check_case_limits, pkg) == {("case-exceeds-total", "cases.csv", 2, "custody_value")}


@pytest.mark.parametrize(
    "case",
    [
        ("op", None, "months"),  # no value
        (None, 200, "months"),  # no operation
        ("op", 200, ""),  # no unit
    ],
)
def test_a_case_missing_a_value_unit_or_operation_is_not_judged(
    tmp_path: Path, case: tuple[str | None, float | None, str]
) -> None:
    pkg = build(tmp_path, [claim("t", 10, metric="years")], [case])
    assert found(check_case_limits, pkg) == set()


@pytest.mark.parametrize(("value", "unit"), [("custody_value", "no_such_column"), ("no_such_column", "custody_unit")])
def test_a_case_limit_naming_a_missing_column_is_skipped(tmp_path: Path, value: str, unit: str) -> None:
    rules = {"case_limits": [{"id": "r", "value": value, "unit": unit, "whole": "years"}]}
    pkg = build(tmp_path, [claim("t", 10, metric="years")], [("op", 200, "months")], rules=rules)
    assert found(check_case_limits, pkg) == set()


def test_a_rule_naming_an_unknown_metric_is_not_applied(tmp_path: Path) -> None:
    rules = {
        "subsets": [{"id": "s", "part": "part_metric", "whole": "no_such_metric"}],
        "case_limits": [{"id": "c", "value": "custody_value", "unit": "custody_unit", "whole": "no_such_metric"}],
    }
    rows = [claim("w", 1, metric="no_such_metric"), claim("p", 5, metric="part_metric")]
    pkg = build(tmp_path, rows, [("op", 5, "years")], rules=rules)
    assert found(check_subsets, pkg) == set()
    assert found(check_case_limits, pkg) == set()


def test_a_claim_without_a_number_is_not_compared(tmp_path: Path) -> None:
    rows = [claim("a", 10, metric="arrests"), ("b", "op", "arrests", None, "exact", None, "", "")]  # type: ignore[list-item]
    assert found(check_agreement, build(tmp_path, rows)) == set()


@pytest.mark.parametrize(
    ("first", "second", "disagree"),
    [
        # years are continuous: 'fewer than 10' excludes 10 itself, 'at most 10' includes it
        ((10, "fewer_than"), (10, "exact"), True),
        ((10, "at_most"), (10, "exact"), False),
        ((10, "more_than"), (10, "exact"), True),
        ((10, "more_than"), (10.5, "exact"), False),
        ((10, "fewer_than"), (9.5, "exact"), False),
    ],
)
def test_continuous_figures_disagree_only_across_an_open_end(
    tmp_path: Path, first: tuple[float, str], second: tuple[float, str], disagree: bool
) -> None:
    rows = [claim("a", *first, metric="years"), claim("b", *second, metric="years")]
    expected = {("figures-disagree", "claims.csv", 3, "value")} if disagree else set()
    assert found(check_agreement, build(tmp_path / "one", rows)) == expected
    assert found(check_agreement, build(tmp_path / "two", rows[::-1])) == expected


def test_case_limits_need_declared_events(tmp_path: Path) -> None:
    pkg = build(tmp_path, [claim("t", 10, metric="years")], [("op", 20, "years")], events=False)
    assert found(check_case_limits, pkg) == set()


@pytest.mark.parametrize("exact_first", [True, False])
def test_a_part_stated_twice_counts_by_its_narrower_statement_in_either_order(
    tmp_path: Path, exact_first: bool
) -> None:
    # Part a is 5, and also 'at most 6' (0 to 6): read as 5, the parts add up to 11, over 10.
    statements = [part("a-exact", 5, "force", "a"), part("a-at-most", 6, "force", "a", "at_most")]
    rows = [claim("total", 10, metric="arrests"), *statements[:: 1 if exact_first else -1], part("b", 6, "force", "b")]
    assert found(check_breakdowns, build(tmp_path, rows)) == {("breakdown-sum", "claims.csv", 2, "value")}


@pytest.mark.parametrize(("dimension", "within"), [("force", False), ("offence", True)])
def test_a_breakdown_finding_says_whether_parts_may_fall_short(tmp_path: Path, dimension: str, within: bool) -> None:
    rows = [claim("total", 10, metric="arrests"), part("a", 4, dimension, "a"), part("b", 7, dimension, "b")]
    (message,) = [f.message for f in check_breakdowns(build(tmp_path, rows))]
    assert message.endswith(" (parts may not exceed the total)") is within


def test_a_registered_disagreement_is_acknowledged_and_a_stale_entry_reported(tmp_path: Path) -> None:
    rows = [claim("a", 10, metric="arrests"), claim("b", 11, metric="arrests"), claim("c", 11, metric="arrests")]
    register = [
        ("known", "figures", ["a", "b"]),  # a and b disagree: acknowledged
        ("stale", "figures", ["b", "c"]),  # b and c agree: stale
        ("periods-entry", "periods", ["a", "c"]),  # another kind: not this check's
        ("half", "figures", ["a"]),  # lists only one of the pair a, c: a and c stay open
    ]
    pkg = build(tmp_path, rows, register=register)
    assert found(check_agreement, pkg) == {
        ("discrepancy-acknowledged", "register.csv", 2, "discrepancy_id"),
        ("discrepancy-stale", "register.csv", 3, "discrepancy_id"),
        ("discrepancy-stale", "register.csv", 5, "discrepancy_id"),
        ("figures-disagree", "claims.csv", 4, "value"),  # a and c: one pair each, the later row named
    }
