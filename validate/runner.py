"""Runs every check, in order, over a loaded package and collects all findings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from validate import bulk, retrieval
from validate.checks import structure, types
from validate.declarations import PROPERTY, Declarations, Register
from validate.findings import Finding, finding
from validate.loading import load_package
from validate.model import DESCRIPTOR, Package
from validate.options import Options

Check = Callable[[Package], Iterable[Finding]]


@dataclass(frozen=True)
class Step:
    """One check in the ordered table: its layer, the function, and the declarations it reads."""

    layer: str
    check: Check
    needs: tuple[str, ...] = ()
    """x-claims sections the check cannot run without: absent, the check does not apply."""
    uses: tuple[str, ...] = ()
    """x-claims sections it also reads when declared."""
    weight: int = 0
    """About how long it takes at scale, relative to the others: when checks run at once the
    heaviest start first, so that no thread is left with a long check while the other waits."""


def _later(module: str, name: str) -> Check:
    """A check whose module is imported when it first runs: a package that declares no claims
    does not pay for the provenance, coverage and consistency machinery (the scanner, DuckDB,
    the bulk passes) at start-up."""

    def check(package: Package) -> Iterable[Finding]:
        import importlib

        found: Iterable[Finding] = getattr(importlib.import_module(f"validate.checks.{module}"), name)(package)
        return found

    check.__name__ = check.__qualname__ = name
    return check


# The ordered table of checks: structure, types and keys, provenance, consistency.
CHECKS: tuple[Step, ...] = (
    Step("structure", structure.check_descriptor),
    Step("structure", structure.check_declarations),
    Step("structure", structure.check_required_tables),
    Step("structure", structure.check_foreign_key_targets),
    Step("structure", structure.check_archives_are_text),
    Step("structure", structure.check_formulas),
    Step("types", types.check_types, weight=1),
    Step("types", types.check_keys),
    Step("provenance", _later("provenance", "check_archives"), uses=("sources",)),
    Step("provenance", retrieval.check_retrieval, ("sources",)),
    Step("provenance", _later("provenance", "check_quotes"), ("quotes", "sources"), weight=1),
    Step("provenance", _later("provenance", "check_figures"), ("figures",)),
    Step("provenance", _later("provenance", "check_people"), ("people", "sources")),
    Step("provenance", _later("coverage", "check_coverage"), ("coverage", "sources"), ("exclusions",), weight=2),
    Step("provenance", _later("positions", "check_positions"), ("layout", "positions"), ("sources",)),
    Step("consistency", _later("consistency", "check_rules_file"), ("rules",), ("metrics",)),
    Step("consistency", _later("consistency", "check_qualifiers"), ("claims",), ("qualifiers",)),
    Step("consistency", _later("consistency", "check_agreement"), ("claims",), ("metrics", "register")),
    Step("consistency", _later("consistency", "check_subsets"), ("claims", "rules"), ("metrics",)),
    Step("consistency", _later("consistency", "check_case_limits"), ("claims", "rules", "events"), ("metrics",)),
    Step("consistency", _later("consistency", "check_breakdowns"), ("claims", "rules"), ("metrics",)),
    Step("consistency", _later("consistency", "check_periods"), ("periods",), ("claims", "sources", "register")),
    Step("consistency", _later("consistency", "check_case_dates"), ("events",), ("sources",)),
    Step("consistency", _later("scope", "check_unjudged_entries"), ("register",)),
)


def _resources(declarations: Declarations, sections: tuple[str, ...]) -> list[str]:
    """The resources the declared sections name."""
    names: list[str] = []
    for section in sections:
        value = getattr(declarations, section)
        for record in value if isinstance(value, tuple) else (value,):
            if record is None or isinstance(record, str):
                continue  # absent, or the rules file: a file, not a resource
            names.append(record.resource)
            if isinstance(record, Register):
                names.append(record.links)
    return names


@dataclass(frozen=True)
class Report:
    """All findings of one run, in a stable order."""

    findings: tuple[Finding, ...]
    strict: bool = False

    @property
    def valid(self) -> bool:
        """No errors (and, when strict, no warnings)."""
        failing = {"error", "warning"} if self.strict else {"error"}
        return not any(f.severity in failing for f in self.findings)

    def counts(self) -> Counter[str]:
        """Number of findings by severity."""
        return Counter(f.severity for f in self.findings)


def _sort_key(item: Finding) -> tuple[str, int, str, str, str]:
    return (item.file, item.line or 0, item.field or "", item.code, item.message)


def capped(items: list[Finding], options: Options) -> list[Finding]:
    """At most max_findings_per_code findings of one code in one file, then one summary finding."""
    kept: list[Finding] = []
    seen: Counter[tuple[str, str]] = Counter()
    for item in items:
        key = (item.file, item.code)
        seen[key] += 1
        if seen[key] <= options.max_findings_per_code:
            kept.append(item)
    for (file, code), count in sorted(seen.items()):
        if count > options.max_findings_per_code:
            first = next(i for i in items if i.file == file and i.code == code)
            kept.append(
                Finding(
                    file,
                    None,
                    None,
                    code,
                    first.severity,
                    f"{count - options.max_findings_per_code} more {code} findings in {file} are not listed",
                )
            )
    return kept


def judge(package: Package, options: Options | None = None, strict: bool = False) -> Report:
    """Run every check that applies and whose inputs loaded over a loaded package; return the report.

    A check whose declarations are absent does not apply (one info per layer says which); a
    check needing a resource that did not load is skipped (one info per resource says so).
    """
    options = options or Options()
    found: list[Finding] = list(package.findings)
    declarations = package.declarations
    skipped: dict[str, list[str]] = {}
    undeclared: dict[str, set[str]] = {}
    runs: list[Step] = []
    for step in CHECKS:
        absent = [s for s in step.needs if not getattr(declarations, s) and s != "rules"]
        if "rules" in step.needs and declarations.rules is None:
            absent.append("rules")
        if absent:
            undeclared.setdefault(step.layer, set()).update(absent)
            continue
        missing = [name for name in _resources(declarations, step.needs + step.uses) if name in package.unloaded]
        if missing:
            for name in missing:
                skipped.setdefault(name, []).append(step.check.__name__)
            continue
        runs.append(step)
    for findings in _run(runs, package, options.jobs):
        found.extend(findings)
    for name, checks in skipped.items():
        found.append(
            finding(
                "check-skipped",
                DESCRIPTOR,
                None,
                f"resources[{name}]",
                f"{', '.join(dict.fromkeys(checks))} skipped: resource {name!r} did not load "
                f"({package.unloaded[name]}, reported above)",
            )
        )
    if package.descriptor is not None and undeclared:
        if declarations.declared:
            what = "; ".join(
                f"{layer}: {', '.join(f'{PROPERTY}.{s}' for s in sorted(sections))}"
                for layer, sections in undeclared.items()
            )
            message = f"checks that need undeclared sections did not run ({what})"
        else:
            message = (
                f"the {' and '.join(undeclared)} checks did not run: the descriptor declares no {PROPERTY} "
                "(the claims profile, in the README)"
            )
        found.append(finding("layer-not-declared", DESCRIPTOR, None, PROPERTY, message))
    # Only a multipart table's findings move, and only a short row's padded cells are dropped: a
    # package with neither (nearly all) is not walked finding by finding for them.
    placed = {package.place(f) for f in found} if any(t.parts for t in package.tables.values()) else set(found)
    if package.padded:
        placed = {f for f in placed if (f.file, f.line, f.field) not in package.padded}
    unique = sorted(placed, key=_sort_key)
    return Report(tuple(capped(unique, options)), strict=strict)


def _run(steps: list[Step], package: Package, jobs: int) -> list[list[Finding]]:
    """Each step's findings, in the order of the steps, from up to ``jobs`` threads at once.

    Two threads gain where the checks spend their time in Arrow, DuckDB and numpy, which let
    go of the interpreter lock (about a quarter of the time at a million rows). The model's
    caches are filled under its lock; findings are gathered in table order, so the report does
    not depend on which check ends first. A small package (validate.bulk) is checked in one
    thread: its checks run in Python nearly throughout, and two threads taking turns with the
    lock took longer than one (0.29 s against 0.24 s on this package).
    """
    if jobs <= 1 or len(steps) <= 1 or not bulk.worth_it(package):
        return [list(step.check(package)) for step in steps]
    from concurrent.futures import ThreadPoolExecutor

    def run(step: Step) -> list[Finding]:
        return list(step.check(package))

    order = sorted(range(len(steps)), key=lambda i: -steps[i].weight)  # stable: table order otherwise
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="check") as pool:
        futures = {i: pool.submit(run, steps[i]) for i in order}
        return [futures[i].result() for i in range(len(steps))]


def load_and_judge(root: Path, options: Options | None = None, strict: bool = False) -> tuple[Package, Report]:
    """The loaded package and its report: what publish and contribute build on."""
    options = options or Options()
    package = load_package(root, options)
    return package, judge(package, options, strict)


def validate_package(root: Path, options: Options | None = None, strict: bool = False) -> Report:
    """Load the package at root, run every check and return the report."""
    return load_and_judge(root, options, strict)[1]
