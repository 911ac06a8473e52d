"""Mutation testing of the semantic core: how many small wrong changes do the tests catch?

Each mutant is one small change to one module of modules.toml (a flipped comparison, a constant
plus or minus one, a flipped True/False, a negated condition, a return replaced by None, a
swapped arithmetic operator); the tests chosen for that module run against it, and a mutant
that no test fails on "survives". A survivor is either a missing test or an equivalent mutant
(no input can tell it apart), listed with its reason in equivalent.toml.

Run with `make mutation` (every module, one after the other) or
`python tests/mutation/run.py intervals` (one module). One pytest session per module collects
its tests once; each mutant then runs in a forked child, which swaps the mutated code into the
live module (see apply) and runs the collected tests until one fails. No file of the working
tree is written, and a mutant costs its tests' run time, not an interpreter start or a
collection. mutmut was the first choice, but mutmut 3 mutates only inside functions, and the
module-level tables (the qualifier readings, the number words) are the meaning most worth
pinning.

Not mutated: docstrings, annotations, decorators, a class body's own statements (field
defaults), and operators that build strings or patterns (swapping them only breaks the import).
A mutant that still breaks the import is not counted in the score; the report says how many.
"""

from __future__ import annotations

import argparse
import ast
import copy
import importlib
import itertools
import os
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import CodeType, FunctionType, ModuleType

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

# Operators swapped for their nearest wrong neighbour: a boundary moved, a test negated.
_COMPARE: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
_ARITHMETIC: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult,
    ast.Mod: ast.Mult,
    ast.Pow: ast.Mult,
}
_BOOLEAN: dict[type[ast.boolop], type[ast.boolop]] = {ast.And: ast.Or, ast.Or: ast.And}

# Exit codes of a mutant's child process (pytest's own codes are 0 to 5).
_BROKEN = 97
_TIMEOUT = 98
MINIMUM = 0.9


@dataclass(frozen=True)
class Mutant:
    """One small change to a module's source."""

    key: str
    """Stable name, independent of line numbers: 'function: original -> mutated'."""
    line: int
    tree: ast.Module


@dataclass(frozen=True)
class Target:
    """A module under mutation and the tests that judge it."""

    name: str
    module: str
    tests: tuple[str, ...]
    functions: tuple[str, ...]
    """Only these functions (and their bodies) are mutated; empty means the whole module."""
    timeout: float


def _snippet(node: ast.AST) -> str:
    """One line of source for a node, short enough to read in a list."""
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= 90 else text[:87] + "..."


class _Sites(ast.NodeVisitor):
    """Walks a module, noting every place a mutation operator applies and its enclosing scope."""

    def __init__(self, functions: Sequence[str]) -> None:
        self.functions = set(functions)
        self.scope: list[str] = []
        # Where in a statement a node sits (a table's key, a call's argument), so that a constant's
        # mutant is named by its place in a table rather than by its line.
        self.context: list[str] = []
        self.found: list[tuple[str, ast.AST, str]] = []  # (place, node, operator)
        self._skip = 0

    def _in_scope(self) -> bool:
        if self._skip:
            return False
        if not self.functions:
            return True
        return any(".".join(self.scope[: i + 1]) in self.functions for i in range(len(self.scope)))

    def _note(self, node: ast.AST, operator: str) -> None:
        if self._in_scope():
            self.found.append(((".".join(self.scope) or "<module>") + "".join(self.context), node, operator))

    def _within(self, place: str, node: ast.AST | None) -> None:
        if node is not None:
            self.context.append(place)
            self.visit(node)
            self.context.pop()

    def visit_Assign(self, node: ast.Assign) -> None:
        names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        if self.scope or not names:
            self.generic_visit(node)
        else:
            self._within(" " + names[0], node.value)

    def visit_Dict(self, node: ast.Dict) -> None:
        for key, value in zip(node.keys, node.values, strict=True):
            self.visit(key) if key is not None else None
            label = repr(key.value) if isinstance(key, ast.Constant) else "[...]"
            self._within(f"[{label}]", value)

    def visit_Call(self, node: ast.Call) -> None:
        self.visit(node.func)
        callee = _snippet(node.func).rsplit(".", 1)[-1]
        for index, arg in enumerate(node.args):
            self._within(f" {callee}(arg {index + 1})", arg)
        for keyword in node.keywords:
            self._within(f" {callee}({keyword.arg})", keyword.value)

    def _scoped(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        # Decorators (dataclass options, a cache's size) say how, not what: not mutated.
        self.scope.append(node.name)
        body = node.body
        # A docstring is prose, not behaviour.
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]
        for statement in body:
            # A class body's own statements (a dataclass's field defaults) are not mutated: a
            # mutant is applied by swapping code into the live functions, and a class built anew
            # would not be the class the tests' values were made with.
            if not isinstance(node, ast.ClassDef) or isinstance(statement, ast.FunctionDef):
                self.visit(statement)
        self.scope.pop()

    visit_FunctionDef = _scoped
    visit_AsyncFunctionDef = _scoped
    visit_ClassDef = _scoped

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        # The annotation is a type, not behaviour; the value is.
        if node.value is not None and not self.scope and isinstance(node.target, ast.Name):
            self._within(" " + node.target.id, node.value)
        elif node.value is not None:
            self.visit(node.value)

    def visit_arg(self, node: ast.arg) -> None:
        return  # annotations of parameters

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        return

    def visit_Expr(self, node: ast.Expr) -> None:
        if isinstance(node.value, ast.Constant):
            return  # a bare string: a docstring of an attribute
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        for index, op in enumerate(node.ops):
            if type(op) in _COMPARE:
                self._note(node, f"compare:{index}")
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if type(node.op) in _ARITHMETIC and not _is_text(node):
            self._note(node, "arithmetic")
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        self._note(node, "boolean")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, bool):
            self._note(node, "flip")
        elif isinstance(node.value, int | float):
            self._note(node, "plus")
            self._note(node, "minus")

    def visit_If(self, node: ast.If) -> None:
        self._note(node, "negate")
        self.generic_visit(node)

    def visit_While(self, node: ast.While) -> None:
        self._note(node, "negate")
        self.generic_visit(node)

    def visit_IfExp(self, node: ast.IfExp) -> None:
        self._note(node, "negate")
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.Not):
            self._note(node, "unnot")
        self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> None:
        if node.value is not None and not (isinstance(node.value, ast.Constant) and node.value.value is None):
            self._note(node, "none")
        self.generic_visit(node)


def _is_text(node: ast.AST) -> bool:
    """True for string building ('a' + b, a regular expression put together): its operators are
    not arithmetic, and swapping them only breaks the import."""
    return any(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in ast.walk(node)) or any(
        isinstance(n, ast.JoinedStr) for n in ast.walk(node)
    )


def _mutate(node: ast.AST, operator: str) -> tuple[ast.AST, str]:
    """A mutated copy of the node, and the words of the change."""
    new = copy.deepcopy(node)
    if operator.startswith("compare:") and isinstance(new, ast.Compare):
        index = int(operator.split(":")[1])
        new.ops[index] = _COMPARE[type(new.ops[index])]()
    elif operator == "arithmetic" and isinstance(new, ast.BinOp):
        new.op = _ARITHMETIC[type(new.op)]()
    elif operator == "boolean" and isinstance(new, ast.BoolOp):
        new.op = _BOOLEAN[type(new.op)]()
    elif operator == "flip" and isinstance(new, ast.Constant):
        new.value = not new.value
    elif operator in ("plus", "minus") and isinstance(new, ast.Constant):
        assert isinstance(new.value, int | float)
        new.value = new.value + (1 if operator == "plus" else -1)
    elif operator == "negate" and isinstance(new, ast.If | ast.While | ast.IfExp):
        new.test = ast.UnaryOp(ast.Not(), new.test)
    elif operator == "unnot" and isinstance(new, ast.UnaryOp):
        return new.operand, f"{_snippet(node)} -> {_snippet(new.operand)}"
    elif operator == "none" and isinstance(new, ast.Return):
        new.value = ast.Constant(None)
    if isinstance(new, ast.If | ast.While):
        return new, f"{_header(node)} -> {_header(new)}"
    return new, f"{_snippet(node)} -> {_snippet(new)}"


def _header(node: ast.If | ast.While | ast.AST) -> str:
    """The test line of an if or while statement, as the mutant's name."""
    if isinstance(node, ast.If | ast.While):
        return f"{type(node).__name__.lower()} {_snippet(node.test)}"
    return _snippet(node)


class _Replace(ast.NodeTransformer):
    """Puts one mutated node in place of the original (found by identity)."""

    def __init__(self, original: ast.AST, replacement: ast.AST) -> None:
        self.original = original
        self.replacement = replacement

    def visit(self, node: ast.AST) -> ast.AST:
        """The replacement at the original node, every other node as it was."""
        if node is self.original:
            return self.replacement
        visited: ast.AST = super().visit(node)
        return visited


def mutants(source: str, functions: Sequence[str]) -> Iterator[Mutant]:
    """Every mutant of a module's source, each with a stable key."""
    tree = ast.parse(source)
    sites = _Sites(functions)
    sites.visit(tree)
    seen: dict[str, int] = {}
    # Each site's position in walking order, to find its twin in a copy of the tree.
    position = {id(n): i for i, n in enumerate(ast.walk(tree))}
    for scope, node, operator in sites.found:
        copied = copy.deepcopy(tree)
        twin = next(itertools.islice(ast.walk(copied), position[id(node)], None))
        replacement, words = _mutate(twin, operator)
        mutated = _Replace(twin, replacement).visit(copied)
        assert isinstance(mutated, ast.Module)
        ast.fix_missing_locations(mutated)
        key = f"{scope}: {words}"
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key += f" #{seen[key]}"
        yield Mutant(key, getattr(node, "lineno", 0), mutated)


def _functions(module: ModuleType) -> Iterator[FunctionType]:
    """Every function and method the module defines, as the objects its callers hold."""
    for value in list(vars(module).values()):
        if isinstance(value, type) and value.__module__ == module.__name__:
            for attribute in vars(value).values():
                if isinstance(attribute, property):
                    yield from (f for f in (attribute.fget, attribute.fset) if isinstance(f, FunctionType))
                elif isinstance(attribute, staticmethod | classmethod) and isinstance(attribute.__func__, FunctionType):
                    yield attribute.__func__
                elif isinstance(attribute, FunctionType):
                    yield attribute
        wrapped = getattr(value, "__wrapped__", value)  # functools.lru_cache and friends
        if isinstance(wrapped, FunctionType) and wrapped.__module__ == module.__name__:
            yield wrapped


def _codes(code: CodeType) -> dict[str, CodeType]:
    """The code objects of a compiled module's functions and methods, by qualified name."""
    found: dict[str, CodeType] = {}
    for const in code.co_consts:
        if isinstance(const, CodeType):
            found[const.co_qualname] = const
            found.update(_codes(const) if "<locals>" not in const.co_qualname else {})
    return found


def apply(module: ModuleType, tree: ast.Module) -> None:
    """Turns the live, imported module into its mutant, keeping the identity of what others hold.

    Each function and method gets the mutated code (callers and tests keep the same function
    object); then the module's top-level statements, except definitions and imports, run again,
    so that tables and patterns built at import (the number words, the qualifier readings) are
    rebuilt from the mutated code. A rebuilt dict or list is updated in place; another rebuilt
    value replaces the old one in every module that imported it under its name.
    """
    path = module.__file__ or "<mutant>"
    codes = _codes(compile(tree, path, "exec"))
    for function in _functions(module):
        new = codes.get(function.__code__.co_qualname)
        if new is not None and new != function.__code__:
            function.__code__ = new
    statements = [
        node
        for node in tree.body
        if not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Import | ast.ImportFrom | ast.Expr)
    ]
    namespace = vars(module)
    before = dict(namespace)
    exec(compile(ast.Module(statements, type_ignores=[]), path, "exec"), namespace)
    for name, value in list(namespace.items()):
        old = before.get(name)
        if old is None or old is value:
            continue
        if isinstance(old, dict) and isinstance(value, dict):
            old.clear()
            old.update(value)
            namespace[name] = old
        elif isinstance(old, list) and isinstance(value, list):
            old[:] = value
            namespace[name] = old
        else:
            for other in list(sys.modules.values()):
                names = getattr(other, "__dict__", None)
                if isinstance(names, dict) and names.get(name) is old:
                    names[name] = value
    for function in _functions(module):
        for holder in (function, getattr(module, function.__name__, None)):
            clear = getattr(holder, "cache_clear", None)
            if callable(clear):
                clear()


def _run_items(items: list[pytest.Item]) -> int:
    """Runs collected tests in this process until one fails: 1 if one failed, else 0."""
    from _pytest.runner import runtestprotocol

    for index, item in enumerate(items):
        following = items[index + 1] if index + 1 < len(items) else None
        if any(r.failed for r in runtestprotocol(item, log=False, nextitem=following)):
            return 1  # one failing test kills the mutant
    return 0


class _Plugin:
    """Runs inside one pytest session: collects the tests once, then forks a child per mutant."""

    def __init__(self, target: Target, all_mutants: list[Mutant], equivalent: dict[str, str], quiet: bool) -> None:
        self.target, self.mutants, self.equivalent, self.quiet = target, all_mutants, equivalent, quiet
        self.failed = False
        self.complete = True

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        """Replaces pytest's own loop: the baseline, then every mutant, each in a forked child."""
        if session.testsfailed:
            raise SystemExit(f"{self.target.name}: the tests could not be collected")
        module = importlib.import_module(self.target.module)
        items = list(session.items)
        # The baseline runs here, not in a child: what the tests import lazily (frictionless,
        # pandera, a package's loaders) is then imported once, and every child starts warm.
        if _run_items(items) != 0:
            raise SystemExit(f"{self.target.name}: the chosen tests fail on the unmutated code")
        self.failed = report(
            self.target, self.mutants, self.equivalent, lambda m: self._run(module, m, items), self.complete
        )
        return True

    def _run(self, module: ModuleType, mutant: Mutant | None, items: list[pytest.Item]) -> int:
        """The tests' verdict on one mutant (0: all pass), run in a forked child."""
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                signal.signal(signal.SIGALRM, lambda *_: os._exit(_TIMEOUT))
                signal.setitimer(signal.ITIMER_REAL, self.target.timeout)
                if mutant is not None:
                    try:
                        apply(module, mutant.tree)
                    except Exception:
                        os._exit(_BROKEN)
                if self.quiet:
                    devnull = os.open(os.devnull, os.O_WRONLY)
                    os.dup2(devnull, 1)
                    os.dup2(devnull, 2)
                code = _run_items(items)
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)


def load_targets(path: Path) -> dict[str, Target]:
    """The modules under mutation and their tests, from modules.toml."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {
        name: Target(
            name,
            entry["module"],
            tuple(entry["tests"]),
            tuple(entry.get("functions", ())),
            float(entry.get("timeout", 60)),
        )
        for name, entry in data["module"].items()
    }


def load_equivalent(path: Path) -> dict[str, dict[str, str]]:
    """The justified survivors: per target, mutant key to the reason it cannot be told apart."""
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {name: {e["mutant"]: e["reason"] for e in entries} for name, entries in data.items()}


def report(
    target: Target,
    all_mutants: list[Mutant],
    equivalent: dict[str, str],
    verdict: Callable[[Mutant], int],
    complete: bool = True,
) -> bool:
    """Judges every mutant of one target, prints its score and survivors; True when it falls short."""
    killed = judged = broken = 0
    survivors: list[Mutant] = []
    justified: list[Mutant] = []
    started = time.monotonic()
    for number, mutant in enumerate(all_mutants, start=1):
        code = verdict(mutant)
        if code == _BROKEN:
            broken += 1
            continue
        judged += 1
        if code != 0:
            killed += 1
        elif mutant.key in equivalent:
            justified.append(mutant)
        else:
            survivors.append(mutant)
        print(f"\r  {target.name}: {number}/{len(all_mutants)}", end="", file=sys.stderr, flush=True)
    print("\r", end="", file=sys.stderr)
    score = killed / judged if judged else 1.0
    print(
        f"{target.name} ({target.module}): killed {killed}/{judged} = {score:.1%}; "
        f"{len(justified)} equivalent (justified), {len(survivors)} survived; "
        f"{broken} more only broke the import and are not counted; {time.monotonic() - started:.0f} s",
        flush=True,
    )
    for mutant in survivors:
        print(f"  SURVIVED line {mutant.line}: {mutant.key}")
    for key in sorted(set(equivalent) - {m.key for m in all_mutants} if complete else ()):
        print(f"  STALE equivalent entry (no such mutant): {key}")
    # Done means both: the score reached, and every survivor explained.
    return bool(survivors) or score < MINIMUM


def run_target(target: Target, equivalent: dict[str, str], verbose: bool, only: Sequence[str] = ()) -> bool:
    """Runs every mutant of one target (or those whose key holds one of only) in one pytest session;
    True when it falls short."""
    source = (ROOT / (target.module.replace(".", "/") + ".py")).read_text(encoding="utf-8")
    chosen = [m for m in mutants(source, target.functions) if not only or any(part in m.key for part in only)]
    plugin = _Plugin(target, chosen, equivalent, quiet=not verbose)
    plugin.complete = not only
    # The meaning tests need no shared fixture: without tests/conftest.py (which imports the
    # whole validator) the session starts at once.
    args = ["-qq", "-p", "no:cacheprovider", "--noconftest", "-W", "ignore", *target.tests]
    code = pytest.main(args, plugins=[plugin])
    if code not in (0, 5) and not plugin.failed:
        raise SystemExit(f"{target.name}: pytest ended with {code}")
    return plugin.failed


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the named targets (all by default) and prints each one's score and survivors."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("targets", nargs="*", help="names from modules.toml (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--verbose", action="store_true", help="show pytest's output for each mutant")
    parser.add_argument("--minimum", type=float, default=0.9, help="fail below this score (default 0.9)")
    parser.add_argument(
        "--only", action="append", default=[], help="run only mutants whose name holds this text (repeatable)"
    )
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    targets = load_targets(HERE / "modules.toml")
    equivalent = load_equivalent(HERE / "equivalent.toml")
    chosen = args.targets or list(targets)
    unknown = [name for name in chosen if name not in targets]
    if unknown:
        parser.error(f"unknown target {', '.join(unknown)}; known: {', '.join(targets)}")
    if args.list:
        for name in chosen:
            source = (ROOT / (targets[name].module.replace(".", "/") + ".py")).read_text(encoding="utf-8")
            for mutant in mutants(source, targets[name].functions):
                print(f"{name} line {mutant.line}: {mutant.key}")
        return 0
    global MINIMUM
    MINIMUM = args.minimum
    if len(chosen) > 1:
        # One process per module: each session imports the code under test afresh.
        codes = [subprocess.call([sys.executable, __file__, name, *extra(args)]) for name in chosen]
        return 1 if any(codes) else 0
    return 1 if run_target(targets[chosen[0]], equivalent.get(chosen[0], {}), args.verbose, args.only) else 0


def extra(args: argparse.Namespace) -> list[str]:
    """The options to pass on to the process of one module."""
    return [
        "--minimum",
        str(args.minimum),
        *(["--verbose"] if args.verbose else []),
        *(f"--only={part}" for part in args.only),
    ]


if __name__ == "__main__":
    sys.exit(main())
