"""Fuzz harness: one-defect copies of a package, run through every command as a hostile pull request would.

Each case copies a package (the real one, or the small example under ``examples/``) into a fresh
working folder beside a sentinel folder of outside files, applies ONE mutation from a class below,
runs one command as a subprocess (no network, under a time limit) and checks what every command
promises whatever the bytes:

- the exit code is 0, 1 or 2 and nothing prints a traceback;
- no byte changes and no file appears outside the command's allowed outputs (the validator and
  ``contribute numbers`` write nothing at all; ``publish build`` writes only inside ``--out``;
  ``contribute add-source`` changes only the descriptor, the sources table and one new archive
  file, all of it or none of it, keeping the files' own formatting);
- the time and memory stay within a linear bound of the input's size;
- a mutation known to break the package is never called valid.

Hypothesis draws the cases (the class, the base package, the command and the mutation's
parameters); the commands run in a small pool of threads. ``tests/test_fuzz.py`` runs a short fixed
budget of the classes in ``SHORT_BUDGET``; ``make fuzz`` runs a long one::

    python tests/fuzz_harness.py --cases 400 --seed 1 [--classes a,b] [--jobs 2] [--report out.json]
    python tests/fuzz_harness.py --replay '{"kind": ..., "base": ..., "command": ..., "params": {...}}' --keep DIR
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

COMMANDS = ("validate", "publish", "add-source", "numbers")
BASES = ("real", "example")

# Time and memory a command may take: a constant for the interpreter, imports and a busy machine,
# plus a generous cost per byte of input (the validator reads about 10 MB a second).
TIME_BASE_SECONDS = 40.0
TIME_PER_BYTE = 4e-6
MEMORY_BASE_BYTES = 1024 * 1024 * 1024
MEMORY_PER_BYTE = 60
CASCADE_LIMIT = 10  # errors one renamed key may give: one per referencing table, not one per row

# The classes the short budget in the test command runs: those every command already handles.
# A class that still finds a defect stays out until the fix lands; then add its name here.
SHORT_BUDGET = frozenset(
    {
        "archive-byte-flip",
        "bytes-huge",
        "cell-date-range",
        "cell-duration-range",
        "cell-hostile-text",
        "cell-number-range",
        "created-range",
        "crlf-table",
        "csv-byte-flip",
        "csv-cut-row",
        "csv-duplicate-row",
        "deep-nesting",
        "descriptor-big-number",
        "descriptor-byte-flip",
        "descriptor-duplicate-key",
        "descriptor-not-json",
        "descriptor-reindent",
        "dialect-delimiter",
        "dir-in-place",
        "fifo",
        "field-name-hostile",
        "hardlink-out",
        "interrupted",
        "key-renamed",
        "name-unsafe",
        "out-links",
        "planted-temp",
        "resource-name-hostile",
        "rules-byte-flip",
        "rules-wrong-shape",
        "schema-bad-regex",
        "schema-big-number",
        "schema-byte-flip",
        "schema-constraint-type",
        "schema-enum-nonscalar",
        "schema-foreign-key-dangling",
        "symlink-in",
        "symlink-loop",
        "symlink-out",
        "units-match-nothing",
        "x-claims-empty-column",
        "x-claims-json-type",
        "x-claims-wrong-type",
        "yaml-descriptor",
    }
)
"""Every class but the four whose cases are large by design (many-columns, same-claim-many,
archive-many-numbers, source-text-huge: each has its own test of bounded work, and `make fuzz`
runs them)."""

Params = dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Case:
    """One generated case: the mutation class, its parameters, the base package and the command."""

    kind: str
    """Name of the mutation class (a key of CLASSES)."""
    base: str
    """Which package is copied: the repository's own ("real") or the small example ("example")."""
    command: str
    """Which command runs: one of COMMANDS."""
    params: Params
    """The mutation's drawn parameters, JSON-serialisable so that a case can be replayed."""

    def to_json(self) -> str:
        """The case as one line of JSON, the form --replay takes."""
        return json.dumps(dataclasses.asdict(self), sort_keys=True)


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What one case did: its exit code, time, peak memory and every broken promise."""

    case: Case
    exit_code: int | None
    seconds: float
    max_rss: int
    input_bytes: int
    failures: tuple[str, ...]
    """Broken promises, each 'check: detail'; empty when the case passed."""
    output: str
    """The command's stdout and stderr, cut short, for the report."""
    notes: tuple[str, ...] = ()
    """What the mutation did where its parameters leave a choice (which column, which file)."""


# ---- the working folder of one case ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Interrupt:
    """A Ctrl-C sent after some seconds, or as soon as a watched path appears or changes."""

    after: float | None = None
    watch: Path | None = None


@dataclasses.dataclass
class Layout:
    """The folders of one case: the package, the outside sentinel, the --out folder, the input text."""

    root: Path
    breaks: bool | None = None
    """True when the mutation is known to make the package invalid (exit 0 is then a false valid)."""
    max_errors: int | None = None
    interrupt: Interrupt | None = None
    """When the harness sends the command SIGINT (Ctrl-C), to test all-or-nothing edits."""
    """For one-defect mutations: how many error findings the validator may give."""
    notes: list[str] = dataclasses.field(default_factory=list)
    source_id: str = "none"
    """A source id of the base package, read before the mutation (what `numbers` lists)."""
    sources_path: str = ""
    """The sources table's path and, with the descriptor's lines, its bytes just before the command."""
    original_sources: bytes = b""
    original_descriptor: list[str] = dataclasses.field(default_factory=list)

    @property
    def package(self) -> Path:
        """The copied package the mutation edits."""
        return self.root / "package"

    @property
    def outside(self) -> Path:
        """Files beside the package that no command may touch (targets of planted links)."""
        return self.root / "outside"

    @property
    def out(self) -> Path:
        """publish build's --out folder."""
        return self.root / "out"

    @property
    def source_text(self) -> Path:
        """The text add-source archives."""
        return self.root / "input" / "source.txt"

    @property
    def cwd(self) -> Path:
        """The command's working directory (nothing may appear in it)."""
        return self.root / "cwd"

    # -- reading and writing the package as the mutation needs --

    def descriptor(self) -> dict[str, Any]:
        """The package's descriptor, parsed (the copy is trusted until the mutation)."""
        parsed: dict[str, Any] = json.loads((self.package / "datapackage.json").read_text(encoding="utf-8"))
        return parsed

    def write_descriptor(self, descriptor: Mapping[str, Any]) -> None:
        """Write the descriptor back as the package keeps it (two-space indent)."""
        text = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
        (self.package / "datapackage.json").write_text(text, encoding="utf-8")

    def tables(self) -> list[dict[str, Any]]:
        """The descriptor's tabular resources that have a CSV path and a schema path."""
        return [
            r
            for r in self.descriptor()["resources"]
            if isinstance(r.get("path"), str) and isinstance(r.get("schema"), str) and r["path"].endswith(".csv")
        ]

    def archives(self) -> list[dict[str, Any]]:
        """The descriptor's archived text resources."""
        return [r for r in self.descriptor()["resources"] if str(r.get("path", "")).endswith(".txt")]

    def schema(self, resource: Mapping[str, Any]) -> dict[str, Any]:
        """A resource's Table Schema, parsed."""
        parsed: dict[str, Any] = json.loads((self.package / resource["schema"]).read_text(encoding="utf-8"))
        return parsed

    def write_schema(self, resource: Mapping[str, Any], schema: Mapping[str, Any]) -> None:
        """Write a resource's schema back, two-space indent."""
        text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
        (self.package / resource["schema"]).write_text(text, encoding="utf-8")

    def rows(self, path: str) -> list[list[str]]:
        """A CSV's rows, header first."""
        text = (self.package / path).read_text(encoding="utf-8")
        return list(csv.reader(io.StringIO(text, newline="")))

    def write_rows(self, path: str, rows: Sequence[Sequence[str]]) -> None:
        """Write rows back with LF endings and minimal quoting."""
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        (self.package / path).write_bytes(out.getvalue().encode("utf-8"))

    def files(self) -> list[str]:
        """Every regular file of the package, as sorted POSIX paths."""
        return sorted(
            p.relative_to(self.package).as_posix()
            for p in self.package.rglob("*")
            if p.is_file() and not p.is_symlink()
        )


def pick(items: Sequence[Any], index: int) -> Any:
    """An item chosen by a drawn index, whatever the length of the list (never empty here)."""
    return items[index % len(items)]


def prepare(case: Case, root: Path) -> Layout:
    """Copy the case's base package, the sentinel files and the input text into root."""
    layout = Layout(root)
    if case.base == "real":
        for part in ("datapackage.json", "data", "schemas", "README.md", "CITATION.cff", "CHANGELOG.md", "LICENSE"):
            source = ROOT / part
            if source.is_dir():
                shutil.copytree(source, layout.package / part)
            else:
                layout.package.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, layout.package / part)
    else:
        shutil.copytree(ROOT / "examples" / "council-roads", layout.package)
        # The release carries these documents; the example has none, so publish would refuse it.
        for name in ("README.md", "CITATION.cff", "CHANGELOG.md"):
            (layout.package / name).write_text(f"{name} of the example package.\n", encoding="utf-8")
    layout.outside.mkdir()
    (layout.outside / "victim.txt").write_text("outside bytes: no command may change or ship these\n")
    (layout.outside / "CHANGELOG.md").write_text("# An outside changelog\n")
    (layout.outside / "folder").mkdir()
    layout.source_text.parent.mkdir()
    layout.source_text.write_text(
        "Police made 1,234 arrests in a week of action.\nOfficers safeguarded 56 children.\n", encoding="utf-8"
    )
    layout.cwd.mkdir()
    return layout


# ---- mutation classes -----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MutationClass:
    """A class of one-defect mutations: how to draw its parameters and apply one."""

    name: str
    description: str
    params: st.SearchStrategy[Params]
    apply: Callable[[Layout, Params], None]
    commands: tuple[str, ...] = COMMANDS
    bases: tuple[str, ...] = BASES
    breaks: bool | None = None
    """True when every mutation of the class makes the package invalid (apply may still decide)."""


CLASSES: dict[str, MutationClass] = {}


def mutation(
    name: str,
    description: str,
    params: st.SearchStrategy[Params],
    *,
    commands: tuple[str, ...] = COMMANDS,
    bases: tuple[str, ...] = BASES,
    breaks: bool | None = None,
) -> Callable[[Callable[[Layout, Params], None]], Callable[[Layout, Params], None]]:
    """Register the decorated function as the mutation class `name`."""

    def register(apply: Callable[[Layout, Params], None]) -> Callable[[Layout, Params], None]:
        CLASSES[name] = MutationClass(name, description, params, apply, commands, bases, breaks)
        return apply

    return register


INDEX = st.integers(min_value=0, max_value=10_000)
BIG_DIGITS = "9" * 5000
BIG = "@9x5000@"
"""Stands for BIG_DIGITS in drawn parameters, so that a case stays short enough to print and replay."""


def _raw_descriptor(layout: Layout, edit: Callable[[dict[str, Any]], None], raw: Mapping[str, str]) -> None:
    """Edit the parsed descriptor, then replace placeholder strings by raw JSON text (non-JSON tokens too)."""
    descriptor = layout.descriptor()
    edit(descriptor)
    text = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
    for placeholder, token in raw.items():
        text = text.replace(json.dumps(placeholder), token)
    (layout.package / "datapackage.json").write_text(text, encoding="utf-8")


def _flip(data: bytes, position: int, how: str, byte: int) -> bytes:
    """One byte replaced, inserted or deleted at a position."""
    if not data:
        return bytes([byte])
    at = position % len(data)
    if how == "insert":
        return data[:at] + bytes([byte]) + data[at:]
    if how == "delete":
        return data[:at] + data[at + 1 :]
    if data[at] == byte:
        byte = (byte + 1) % 256
    return data[:at] + bytes([byte]) + data[at + 1 :]


FLIP = st.fixed_dictionaries(
    {
        "file": INDEX,
        "position": st.integers(min_value=0, max_value=1_000_000),
        "how": st.sampled_from(["replace", "insert", "delete"]),
        "byte": st.sampled_from([0, 10, 13, 34, 44, 45, 46, 48, 57, 92, 123, 125, 0xC3, 0xFF, 0x7F]),
    }
)


@mutation("descriptor-byte-flip", "One byte of datapackage.json replaced, inserted or deleted.", FLIP)
def _descriptor_flip(layout: Layout, p: Params) -> None:
    path = layout.package / "datapackage.json"
    path.write_bytes(_flip(path.read_bytes(), p["position"], p["how"], p["byte"]))
    layout.notes.append(
        f"{path.relative_to(layout.package)}: {p['how']} byte {p['byte']} at {p['position']} modulo size"
    )


@mutation("schema-byte-flip", "One byte of a table schema replaced, inserted or deleted.", FLIP)
def _schema_flip(layout: Layout, p: Params) -> None:
    path = layout.package / pick(layout.tables(), p["file"])["schema"]
    path.write_bytes(_flip(path.read_bytes(), p["position"], p["how"], p["byte"]))
    layout.notes.append(
        f"{path.relative_to(layout.package)}: {p['how']} byte {p['byte']} at {p['position']} modulo size"
    )


@mutation("csv-byte-flip", "One byte of a CSV table replaced, inserted or deleted.", FLIP)
def _csv_flip(layout: Layout, p: Params) -> None:
    path = layout.package / pick(layout.tables(), p["file"])["path"]
    path.write_bytes(_flip(path.read_bytes(), p["position"], p["how"], p["byte"]))
    layout.notes.append(
        f"{path.relative_to(layout.package)}: {p['how']} byte {p['byte']} at {p['position']} modulo size"
    )


@mutation(
    "archive-byte-flip",
    "One byte of an archived text changed without updating its sha256: the hash must refuse it.",
    FLIP,
    breaks=True,
)
def _archive_flip(layout: Layout, p: Params) -> None:
    path = layout.package / pick(layout.archives(), p["file"])["path"]
    path.write_bytes(_flip(path.read_bytes(), p["position"], p["how"], p["byte"]))
    layout.notes.append(
        f"{path.relative_to(layout.package)}: {p['how']} byte {p['byte']} at {p['position']} modulo size"
    )
    layout.max_errors = 3


@mutation(
    "rules-byte-flip",
    "One byte of schemas/rules.json replaced, inserted or deleted.",
    FLIP,
    bases=("real",),
)
def _rules_flip(layout: Layout, p: Params) -> None:
    path = layout.package / "schemas" / "rules.json"
    path.write_bytes(_flip(path.read_bytes(), p["position"], p["how"], p["byte"]))
    layout.notes.append(
        f"{path.relative_to(layout.package)}: {p['how']} byte {p['byte']} at {p['position']} modulo size"
    )


# -- descriptor: names, versions, dates, numbers, nesting, duplicate keys --

UNSAFE_NAMES = ["../escape", "../../escape", "@ABS@", "1/x", "a\x00b", "n" * 300, "..", "", "a b", "Ünïcode", "CON"]


def _unsafe(value: str, layout: Layout) -> str:
    """A hostile name; @ABS@ stands for an absolute path into the outside folder."""
    return str(layout.outside / "abs") if value == "@ABS@" else value


@mutation(
    "name-unsafe",
    "The descriptor's name or version is a path (../, absolute, a slash), a NUL, 300 characters or empty.",
    st.fixed_dictionaries({"key": st.sampled_from(["name", "version"]), "value": st.sampled_from(UNSAFE_NAMES)}),
    commands=("publish", "validate", "add-source"),
)
def _name_unsafe(layout: Layout, p: Params) -> None:
    descriptor = layout.descriptor()
    descriptor[p["key"]] = _unsafe(p["value"], layout)
    layout.write_descriptor(descriptor)


@mutation(
    "created-range",
    "The descriptor's created date before 1980, after 2107, with an odd offset or a huge year.",
    st.fixed_dictionaries(
        {
            "value": st.sampled_from(
                [
                    "1970-01-01T00:00:00Z",
                    "1979-12-31T23:59:59Z",
                    "2108-01-01T00:00:00Z",
                    "9999-12-31T23:59:59Z",
                    "2023-01-01T00:00:00+23:59",
                    "2023-01-01T00:00:00-23:59",
                    "0001-01-01T00:00:00+01:00",
                    "99999999999999999999-01-01T00:00:00Z",
                    "2023-02-30T00:00:00Z",
                ]
            )
        }
    ),
    commands=("publish", "validate"),
)
def _created(layout: Layout, p: Params) -> None:
    descriptor = layout.descriptor()
    descriptor["created"] = p["value"]
    layout.write_descriptor(descriptor)


@mutation(
    "resource-name-hostile",
    "A second resource for a table named sqlite_master, another's name upper-cased, with NUL, ../, 300 chars.",
    st.fixed_dictionaries(
        {
            "table": INDEX,
            "value": st.sampled_from(
                ["sqlite_master", "@UPPER@", "a\x00b", "r" * 300, "../escape", 'x"; DROP TABLE t; --', "sqlite_x"]
            ),
        }
    ),
    commands=("publish", "validate"),
)
def _resource_name(layout: Layout, p: Params) -> None:
    descriptor = layout.descriptor()
    tables = [r for r in descriptor["resources"] if isinstance(r.get("schema"), str)]
    resource = dict(pick(tables, p["table"]))
    # A copy of the table under a new path, so that the only defect is the name.
    copy = str(Path(resource["path"]).with_name("extra-" + Path(resource["path"]).name))
    shutil.copyfile(layout.package / resource["path"], layout.package / copy)
    resource["path"] = copy
    resource["name"] = resource["name"].upper() if p["value"] == "@UPPER@" else p["value"]
    layout.notes.append(f"resource {resource['name'][:40]!r} for {copy}")
    descriptor["resources"].append(resource)
    layout.write_descriptor(descriptor)


@mutation(
    "field-name-hostile",
    "A new empty column whose name collides by case with another, holds NUL or ../, is 300 chars or rowid.",
    st.fixed_dictionaries(
        {
            "table": INDEX,
            "value": st.sampled_from(["@UPPER@", "a\x00b", "f" * 300, "../escape", "rowid", 'x"y', "", " "]),
        }
    ),
    commands=("publish", "validate", "add-source"),
)
def _field_name(layout: Layout, p: Params) -> None:
    resource = pick(layout.tables(), p["table"])
    schema = layout.schema(resource)
    name = schema["fields"][0]["name"].upper() if p["value"] == "@UPPER@" else p["value"]
    schema["fields"].append({"name": name, "type": "string"})
    layout.write_schema(resource, schema)
    rows = layout.rows(resource["path"])
    layout.write_rows(resource["path"], [[*rows[0], name]] + [[*row, ""] for row in rows[1:]])


@mutation(
    "descriptor-duplicate-key",
    "A key given twice in datapackage.json (the first value would be silently dropped).",
    st.fixed_dictionaries({"key": st.sampled_from(["name", "resources", "x-claims", "version"])}),
    breaks=True,
)
def _duplicate_key(layout: Layout, p: Params) -> None:
    text = (layout.package / "datapackage.json").read_text(encoding="utf-8")
    descriptor = json.loads(text)
    if p["key"] not in descriptor:
        p = {"key": "name"}
    duplicate = json.dumps(p["key"]) + ": " + json.dumps(descriptor[p["key"]], ensure_ascii=False) + ",\n  "
    at = text.index("{") + 1
    (layout.package / "datapackage.json").write_text(text[:at] + "\n  " + duplicate + text[at:], encoding="utf-8")


BIG_NUMBERS = [BIG, "-" + BIG, "1e309", "-1e309", "1" + "0" * 400 + ".5", "1e-400"]


@mutation(
    "descriptor-big-number",
    "A 5,000-digit integer or a number beyond float range in datapackage.json.",
    st.fixed_dictionaries(
        {"where": st.sampled_from(["top", "bytes", "units", "keywords"]), "token": st.sampled_from(BIG_NUMBERS)}
    ),
)
def _descriptor_big(layout: Layout, p: Params) -> None:
    def edit(descriptor: dict[str, Any]) -> None:
        if p["where"] == "bytes" and layout.archives():
            archive = next(r for r in descriptor["resources"] if str(r.get("path", "")).endswith(".txt"))
            archive["bytes"] = "@TOKEN@"
            layout.breaks = True
        elif p["where"] == "units":
            descriptor.setdefault("x-claims", {}).setdefault("units_per_year", {})["years"] = "@TOKEN@"
        elif p["where"] == "keywords":
            descriptor["keywords"] = ["@TOKEN@"]
        else:
            descriptor["x-big"] = "@TOKEN@"

    _raw_descriptor(layout, edit, {"@TOKEN@": p["token"]})


@mutation(
    "descriptor-not-json",
    "NaN, Infinity or -Infinity, which are not JSON, as a value in datapackage.json.",
    st.fixed_dictionaries(
        {
            "where": st.sampled_from(["top", "bytes", "units"]),
            "token": st.sampled_from(["NaN", "Infinity", "-Infinity"]),
        }
    ),
    breaks=True,
)
def _descriptor_not_json(layout: Layout, p: Params) -> None:
    def edit(descriptor: dict[str, Any]) -> None:
        if p["where"] == "bytes" and layout.archives():
            next(r for r in descriptor["resources"] if str(r.get("path", "")).endswith(".txt"))["bytes"] = "@TOKEN@"
        elif p["where"] == "units":
            descriptor.setdefault("x-claims", {}).setdefault("units_per_year", {})["years"] = "@TOKEN@"
        else:
            descriptor["x-number"] = "@TOKEN@"

    _raw_descriptor(layout, edit, {"@TOKEN@": p["token"]})


@mutation(
    "deep-nesting",
    "A value nested hundreds or thousands of levels deep in the descriptor, a schema or rules.json.",
    st.fixed_dictionaries(
        {
            "file": st.sampled_from(["descriptor", "schema", "rules", "x-claims"]),
            "depth": st.sampled_from([200, 900, 5000, 50_000]),
            "kind": st.sampled_from(["list", "object"]),
            "table": INDEX,
        }
    ),
)
def _deep(layout: Layout, p: Params) -> None:
    depth = p["depth"]
    nested = "[" * depth + "]" * depth if p["kind"] == "list" else '{"a":' * depth + "1" + "}" * depth
    if p["file"] == "schema":
        path = layout.package / pick(layout.tables(), p["table"])["schema"]
        placeholder_owner = "x-deep"
    elif p["file"] == "rules" and (layout.package / "schemas" / "rules.json").exists():
        path = layout.package / "schemas" / "rules.json"
        placeholder_owner = "x-deep"
    else:
        path = layout.package / "datapackage.json"
        placeholder_owner = "x-deep"
    data = json.loads(path.read_text(encoding="utf-8"))
    if p["file"] == "x-claims" and isinstance(data.get("x-claims"), dict):
        data["x-claims"]["units_per_year"] = "@DEEP@"
    else:
        data[placeholder_owner] = "@DEEP@"
    text = json.dumps(data, indent=2, ensure_ascii=False).replace('"@DEEP@"', nested)
    path.write_text(text + "\n", encoding="utf-8")


@mutation(
    "descriptor-reindent",
    "datapackage.json re-indented (four spaces, tabs or one line): add-source must keep its formatting.",
    st.fixed_dictionaries({"indent": st.sampled_from(["4", "tab", "none"])}),
    commands=("add-source",),
)
def _reindent(layout: Layout, p: Params) -> None:
    indents: dict[str, int | str | None] = {"4": 4, "tab": "\t", "none": None}
    indent = indents[p["indent"]]
    text = json.dumps(layout.descriptor(), indent=indent, ensure_ascii=False) + "\n"
    (layout.package / "datapackage.json").write_text(text, encoding="utf-8")


@mutation(
    "yaml-descriptor",
    "The descriptor as datapackage.yaml, with a 5,000-digit number, deep nesting or a duplicate key.",
    st.fixed_dictionaries({"defect": st.sampled_from(["big", "deep", "duplicate", "float"])}),
    commands=("validate", "publish"),
)
def _yaml(layout: Layout, p: Params) -> None:
    import yaml

    descriptor = layout.descriptor()
    (layout.package / "datapackage.json").unlink()
    descriptor["x-defect"] = "@DEFECT@"
    text = yaml.safe_dump(descriptor, allow_unicode=True, sort_keys=False, width=10_000)
    token = {
        "big": BIG_DIGITS,
        "deep": "[" * 5000 + "]" * 5000,
        "duplicate": "1\nname: second-name",
        "float": "1e309",
    }[p["defect"]]
    if p["defect"] == "duplicate":
        layout.breaks = True
    (layout.package / "datapackage.yaml").write_text(text.replace("'@DEFECT@'", token), encoding="utf-8")


# -- schemas --


def _string_field(schema: Mapping[str, Any], index: int) -> dict[str, Any]:
    """A string field of the schema (the first field when there is none)."""
    fields = [f for f in schema["fields"] if f.get("type", "string") == "string"] or schema["fields"]
    found: dict[str, Any] = pick(fields, index)
    return found


@mutation(
    "schema-bad-regex",
    "An invalid regular expression as a field's pattern.",
    st.fixed_dictionaries(
        {"table": INDEX, "field": INDEX, "pattern": st.sampled_from(["[a-zp-9", "(?<=a+)b", "(", "*", "\\", "a{2,1}"])}
    ),
    breaks=True,
)
def _bad_regex(layout: Layout, p: Params) -> None:
    resource = pick(layout.tables(), p["table"])
    schema = layout.schema(resource)
    field = _string_field(schema, p["field"])
    field.setdefault("constraints", {})["pattern"] = p["pattern"]
    layout.notes.append(f"{resource['schema']} field {field['name']}")
    layout.write_schema(resource, schema)


@mutation(
    "schema-enum-nonscalar",
    "An enum constraint holding lists or objects.",
    st.fixed_dictionaries({"table": INDEX, "field": INDEX, "enum": st.sampled_from(["lists", "objects", "mixed"])}),
    breaks=True,
)
def _enum(layout: Layout, p: Params) -> None:
    resource = pick(layout.tables(), p["table"])
    schema = layout.schema(resource)
    enums: dict[str, list[Any]] = {"lists": [[1], ["a"]], "objects": [{"a": 1}], "mixed": ["a", [1], {"b": 2}]}
    values = enums[p["enum"]]
    field = _string_field(schema, p["field"])
    field.setdefault("constraints", {})["enum"] = values
    layout.notes.append(f"{resource['schema']} field {field['name']}")
    layout.write_schema(resource, schema)


WRONG_CONSTRAINTS: list[tuple[str, Any]] = [
    ("minimum", "abc"),
    ("maximum", [1]),
    ("minLength", "x"),
    ("maxLength", -1),
    ("required", "yes"),
    ("unique", 1),
    ("pattern", 5),
    ("minimum", {"a": 1}),
    ("enum", "abc"),
]


@mutation(
    "schema-constraint-type",
    "A constraint of the wrong type (minimum 'abc', maxLength -1, required 'yes', pattern 5, ...).",
    st.fixed_dictionaries(
        {"table": INDEX, "field": INDEX, "constraint": st.integers(min_value=0, max_value=len(WRONG_CONSTRAINTS) - 1)}
    ),
    breaks=True,
)
def _constraint_type(layout: Layout, p: Params) -> None:
    resource = pick(layout.tables(), p["table"])
    schema = layout.schema(resource)
    field = pick(schema["fields"], p["field"])
    key, value = WRONG_CONSTRAINTS[p["constraint"]]
    field.setdefault("constraints", {})[key] = value
    layout.notes.append(f"{resource['schema']} field {field['name']} ({field.get('type', 'string')}): {key}={value!r}")
    layout.write_schema(resource, schema)


@mutation(
    "schema-big-number",
    "A 5,000-digit or out-of-range number as a numeric field's bound in a schema.",
    st.fixed_dictionaries(
        {"table": INDEX, "key": st.sampled_from(["maximum", "minimum"]), "token": st.sampled_from(BIG_NUMBERS)}
    ),
)
def _schema_big(layout: Layout, p: Params) -> None:
    resource = pick(layout.tables(), p["table"])
    schema = layout.schema(resource)
    numeric = [f for f in schema["fields"] if f.get("type") in ("integer", "number")] or schema["fields"]
    numeric[0].setdefault("constraints", {})[p["key"]] = "@TOKEN@"
    text = json.dumps(schema, indent=2, ensure_ascii=False).replace('"@TOKEN@"', p["token"])
    (layout.package / resource["schema"]).write_text(text + "\n", encoding="utf-8")


@mutation(
    "schema-foreign-key-dangling",
    "A foreign key to a resource that does not exist.",
    st.fixed_dictionaries({"table": INDEX}),
    breaks=True,
)
def _dangling_fk(layout: Layout, p: Params) -> None:
    resource = pick(layout.tables(), p["table"])
    schema = layout.schema(resource)
    field = schema["fields"][0]["name"]
    schema.setdefault("foreignKeys", []).append(
        {"fields": field, "reference": {"resource": "no-such-resource", "fields": field}}
    )
    layout.write_schema(resource, schema)


@mutation(
    "dialect-delimiter",
    "A table dialect whose delimiter is empty or several characters.",
    st.fixed_dictionaries({"table": INDEX, "delimiter": st.sampled_from(["", ";;", ",,", "\x00"])}),
    breaks=True,
)
def _dialect(layout: Layout, p: Params) -> None:
    descriptor = layout.descriptor()
    tables = [r for r in descriptor["resources"] if isinstance(r.get("schema"), str)]
    pick(tables, p["table"])["dialect"] = {"delimiter": p["delimiter"]}
    layout.write_descriptor(descriptor)


# -- x-claims and rules --

CLAIMS_RETARGETS = [
    ("claims", "value", "string"),
    ("claims", "rounding_unit", "string"),
    ("sources", "published", "integer"),
    ("sources", "bytes", "string"),
    ("sources", "sha256", "integer"),
    ("coverage", "line", "string"),
    ("quotes", "line", "string"),
    ("figures", "value", "string"),
    ("periods", "start", "integer"),
    ("exclusions", "line", "string"),
]


def _section(claims: dict[str, Any], name: str) -> dict[str, Any] | None:
    """A section of x-claims (the first entry of a list section), or None."""
    section = claims.get(name)
    if isinstance(section, list):
        section = section[0] if section else None
    return section if isinstance(section, dict) else None


@mutation(
    "x-claims-wrong-type",
    "An x-claims field pointed at a column of the wrong type (claims.value at a text column, ...).",
    st.fixed_dictionaries({"retarget": st.integers(min_value=0, max_value=len(CLAIMS_RETARGETS) - 1)}),
    breaks=True,
)
def _claims_wrong_type(layout: Layout, p: Params) -> None:
    descriptor = layout.descriptor()
    claims = descriptor.get("x-claims", {})
    candidates = [
        (s, f, t)
        for s, f, t in CLAIMS_RETARGETS
        if _section(claims, s) is not None and f in _section(claims, s)  # type: ignore[operator]
    ]
    name, key, wanted = pick(candidates or [("claims", "value", "string")], p["retarget"])
    section = _section(claims, name)
    if section is None:
        layout.breaks = None
        return
    resource = next(r for r in descriptor["resources"] if r.get("name") == section.get("resource"))
    schema = layout.schema(resource)
    fields = [f["name"] for f in schema["fields"] if f.get("type", "string") == wanted and f["name"] != section[key]]
    if not fields:
        layout.breaks = None
        return
    section[key] = fields[0]
    layout.notes.append(f"x-claims.{name}.{key} -> {fields[0]} ({wanted})")
    layout.write_descriptor(descriptor)


@mutation(
    "x-claims-json-type",
    "An x-claims property of the wrong JSON type (a number, list, object or boolean where a name belongs).",
    st.fixed_dictionaries(
        {"section": INDEX, "key": INDEX, "value": st.sampled_from([5, [], {}, True, ["a", "b"], {"a": "b"}])}
    ),
    breaks=True,
)
def _claims_json_type(layout: Layout, p: Params) -> None:
    descriptor = layout.descriptor()
    claims = descriptor.get("x-claims")
    if not isinstance(claims, dict) or not claims:
        layout.breaks = None
        return
    name = pick(sorted(claims), p["section"])
    section = _section(claims, name)
    if section is None or not section:
        claims[name] = p["value"]
    else:
        section[pick(sorted(section), p["key"])] = p["value"]
    layout.write_descriptor(descriptor)


@mutation(
    "x-claims-empty-column",
    "An x-claims field pointed at a column that is empty in every row (the checks must not stop in silence).",
    st.fixed_dictionaries({"section": st.sampled_from(["quotes", "figures", "coverage", "claims"]), "key": INDEX}),
    breaks=True,
)
def _claims_empty(layout: Layout, p: Params) -> None:
    descriptor = layout.descriptor()
    claims = descriptor.get("x-claims", {})
    section = _section(claims, p["section"])
    if section is None:
        layout.breaks = None
        return
    resource = next(r for r in descriptor["resources"] if r.get("name") == section.get("resource"))
    rows = layout.rows(resource["path"])
    empty = [name for i, name in enumerate(rows[0]) if all(i >= len(r) or r[i] == "" for r in rows[1:])]
    keys = [k for k in sorted(section) if k in ("text", "value", "quote", "line", "source")]
    if not empty or not keys:
        layout.breaks = None
        return
    key = pick(keys, p["key"])
    section[key] = empty[0]
    if (p["section"], key) == ("coverage", "quote"):
        layout.breaks = None  # optional words: coverage still finds each figure at its line
    layout.notes.append(f"x-claims.{p['section']}.{key} -> empty column {empty[0]}")
    layout.write_descriptor(descriptor)


@mutation(
    "units-match-nothing",
    "units_per_year or a case-limit unit that matches nothing (a limit check must not vanish in silence).",
    st.fixed_dictionaries({"where": st.sampled_from(["units_per_year", "case_limit"])}),
    bases=("real",),
    breaks=True,
)
def _units(layout: Layout, p: Params) -> None:
    if p["where"] == "units_per_year":
        descriptor = layout.descriptor()
        descriptor["x-claims"]["units_per_year"] = {"fortnights": 26}
        layout.write_descriptor(descriptor)
        return
    path = layout.package / "schemas" / "rules.json"
    rules = json.loads(path.read_text(encoding="utf-8"))
    rules["case_limits"][0]["unit"] = "no_such_unit_column"
    path.write_text(json.dumps(rules, indent=2) + "\n", encoding="utf-8")


RULES_DEFECTS: list[tuple[str, Any]] = [
    ("subsets", "not a list"),
    ("subsets", [5]),
    ("subsets", [{"id": "x", "part": 5, "whole": []}]),
    ("breakdowns", [{"id": "x", "dimension": {"a": 1}, "exhaustive": "yes"}]),
    ("case_limits", [{"id": "x", "value": "@BIG@", "unit": "custody_unit", "whole": "arrests"}]),
    ("subsets", [{"id": "x", "part": "no_such_metric", "whole": "arrests"}]),
    ("x-big", "@BIG@"),
]


@mutation(
    "rules-wrong-shape",
    "schemas/rules.json with a section or rule of the wrong type, a 5,000-digit number or an unknown metric.",
    st.fixed_dictionaries({"defect": st.integers(min_value=0, max_value=len(RULES_DEFECTS) - 1)}),
    bases=("real",),
)
def _rules(layout: Layout, p: Params) -> None:
    path = layout.package / "schemas" / "rules.json"
    rules = json.loads(path.read_text(encoding="utf-8"))
    key, value = RULES_DEFECTS[p["defect"]]
    rules[key] = value
    if key != "x-big":
        layout.breaks = True
    text = json.dumps(rules, indent=2).replace('"@BIG@"', BIG_DIGITS)
    path.write_text(text + "\n", encoding="utf-8")


# -- cells --


def _cells_like(
    layout: Layout, test: Callable[[str], bool], columns: Callable[[str], bool] = lambda name: True
) -> list[tuple[str, int, int]]:
    """(path, row, column) of every cell whose value passes test, in columns whose name passes columns."""
    found = []
    for resource in layout.tables():
        rows = layout.rows(resource["path"])
        for r, row in enumerate(rows[1:], start=1):
            for c, value in enumerate(row):
                if test(value) and c < len(rows[0]) and columns(rows[0][c]):
                    found.append((resource["path"], r, c))
    return found


def _set_cell(layout: Layout, where: tuple[str, int, int], value: str) -> None:
    """Set one cell."""
    path, r, c = where
    rows = layout.rows(path)
    layout.notes.append(f"{path} line {r + 1} column {rows[0][c]}: {rows[r][c][:40]!r} -> {value[:40]!r}")
    rows[r][c] = value
    layout.write_rows(path, rows)


def _is_number(value: str) -> bool:
    """A cell holding a plain number."""
    try:
        float(value)
    except ValueError:
        return False
    return value.strip() == value and value != ""


@mutation(
    "cell-number-range",
    "A number cell holding 1e309, a 5,000-digit integer, NaN, Infinity or a sub-normal.",
    st.fixed_dictionaries(
        {
            "cell": INDEX,
            "value": st.sampled_from(["1e309", "-1e309", BIG, "NaN", "Infinity", "-inf", "1e-400", "1" * 25]),
        }
    ),
)
def _cell_number(layout: Layout, p: Params) -> None:
    _set_cell(layout, pick(_cells_like(layout, _is_number), p["cell"]), p["value"])


DATE_LIKE = [
    "99999999999999999999-01-01",
    "0000-01-01",
    "2023-02-30",
    "2023-13-01",
    "10000-01-01",
    "-0001-01-01",
    "9999-12-31",
    "0001-01",
    "99999999999999999999",
]


@mutation(
    "cell-date-range",
    "A date cell (period_start, period_end, a case date, published) out of range or impossible.",
    st.fixed_dictionaries({"cell": INDEX, "value": st.sampled_from(DATE_LIKE)}),
)
def _cell_date(layout: Layout, p: Params) -> None:
    import re

    cells = _cells_like(
        layout,
        lambda v: re.fullmatch(r"\d{4}(-\d{2}){0,2}", v) is not None,
        lambda name: any(word in name for word in ("date", "period", "published", "start", "end")),
    )
    if not cells:
        layout.breaks = None
        return
    _set_cell(layout, pick(cells, p["cell"]), p["value"])
    if p["value"] in ("2023-02-30", "2023-13-01", "0000-01-01", "99999999999999999999-01-01"):
        layout.breaks = True


@mutation(
    "cell-duration-range",
    "A duration cell of P999...9Y or an absurd number of units.",
    st.fixed_dictionaries(
        {
            "cell": INDEX,
            "value": st.sampled_from(["P" + "9" * 30 + "Y", "P" + BIG + "M", "P1e309Y", "PT99999999999999999999S"]),
        }
    ),
    bases=("real",),
)
def _cell_duration(layout: Layout, p: Params) -> None:
    import re

    cells = _cells_like(layout, lambda v: re.fullmatch(r"P\d+[YMWD]", v) is not None)
    _set_cell(layout, pick(cells, p["cell"]), p["value"])


@mutation(
    "cell-hostile-text",
    "A text cell with NUL, an escape character or a formula: a located error, not valid.",
    st.fixed_dictionaries(
        {"cell": INDEX, "value": st.sampled_from(["a\x00b", "\x1b[31mred", "=1+1", "@SUM(A1)", "+1"])}
    ),
    breaks=True,
)
def _cell_text(layout: Layout, p: Params) -> None:
    cells = _cells_like(layout, lambda v: v[:1].isalpha() and " " in v)
    _set_cell(layout, pick(cells, p["cell"]), p["value"])


@mutation(
    "bytes-huge",
    "An archived text's declared bytes of 10^30 (in the descriptor or the sources table).",
    st.fixed_dictionaries({"where": st.sampled_from(["descriptor", "table"]), "file": INDEX}),
    breaks=True,
)
def _bytes_huge(layout: Layout, p: Params) -> None:
    huge = "1" + "0" * 30
    if p["where"] == "descriptor":
        _raw_descriptor(layout, lambda d: _set_archive_bytes(d, p["file"]), {"@BYTES@": huge})
        return
    cells = _cells_like(layout, lambda v: v.isdigit() and 100 < int(v) < 1_000_000)
    _set_cell(layout, pick(cells, p["file"]), huge)


def _set_archive_bytes(descriptor: dict[str, Any], index: int) -> None:
    """Mark an archive resource's bytes for replacement."""
    archives = [r for r in descriptor["resources"] if str(r.get("path", "")).endswith(".txt")]
    pick(archives, index)["bytes"] = "@BYTES@"


# -- rows: duplicates, cuts, renamed keys --


def _primary_key_tables(layout: Layout) -> list[dict[str, Any]]:
    """Tables whose schema declares a primary key and that have a data row."""
    return [r for r in layout.tables() if layout.schema(r).get("primaryKey") and len(layout.rows(r["path"])) > 1]


@mutation(
    "csv-duplicate-row",
    "A data row repeated in a table with a primary key.",
    st.fixed_dictionaries({"table": INDEX, "row": INDEX}),
    breaks=True,
)
def _duplicate_row(layout: Layout, p: Params) -> None:
    resource = pick(_primary_key_tables(layout), p["table"])
    rows = layout.rows(resource["path"])
    layout.write_rows(resource["path"], [*rows, pick(rows[1:], p["row"])])


@mutation(
    "csv-cut-row",
    "One data row removed from a table.",
    st.fixed_dictionaries({"table": INDEX, "row": INDEX}),
)
def _cut_row(layout: Layout, p: Params) -> None:
    resource = pick([r for r in layout.tables() if len(layout.rows(r["path"])) > 1], p["table"])
    rows = layout.rows(resource["path"])
    del rows[1 + p["row"] % (len(rows) - 1)]
    layout.write_rows(resource["path"], rows)


@mutation(
    "key-renamed",
    "A source_id renamed in the sources table only: one defect, a handful of findings, not a storm.",
    st.fixed_dictionaries({"row": INDEX}),
    breaks=True,
)
def _key_renamed(layout: Layout, p: Params) -> None:
    descriptor = layout.descriptor()
    sources = descriptor["x-claims"]["sources"]
    resource = next(r for r in descriptor["resources"] if r["name"] == sources["resource"])
    rows = layout.rows(resource["path"])
    column = rows[0].index(sources["id"])
    row = rows[1 + p["row"] % (len(rows) - 1)]
    row[column] = row[column] + "-renamed"
    layout.write_rows(resource["path"], rows)
    layout.max_errors = CASCADE_LIMIT


@mutation(
    "crlf-table",
    "A table rewritten with CRLF line endings: add-source must append in the file's own line ending.",
    st.fixed_dictionaries({"table": INDEX}),
    commands=("add-source", "validate"),
    bases=("example",),
)
def _crlf(layout: Layout, p: Params) -> None:
    descriptor = layout.descriptor()
    sources = descriptor["x-claims"]["sources"]
    path = next(r for r in descriptor["resources"] if r["name"] == sources["resource"])["path"]
    file = layout.package / path
    file.write_bytes(file.read_bytes().replace(b"\n", b"\r\n"))


# -- size: blow-ups --


@mutation(
    "same-claim-many",
    "One claim row repeated hundreds or thousands of times with new ids (the agreement pass must stay n log n).",
    st.fixed_dictionaries({"copies": st.sampled_from([600, 3000, 20_000]), "row": INDEX}),
    commands=("validate", "publish", "add-source"),
)
def _same_claim(layout: Layout, p: Params) -> None:
    descriptor = layout.descriptor()
    claims = descriptor["x-claims"]["claims"]
    resource = next(r for r in descriptor["resources"] if r["name"] == claims["resource"])
    rows = layout.rows(resource["path"])
    column = rows[0].index(claims["id"])
    row = pick(rows[1:], p["row"])
    copies = [[*row[:column], f"{row[column]}-copy-{i}", *row[column + 1 :]] for i in range(p["copies"])]
    layout.write_rows(resource["path"], [*rows, *copies])


@mutation(
    "many-columns",
    "A table header with tens of thousands of extra columns.",
    st.fixed_dictionaries({"columns": st.sampled_from([10_000, 100_000]), "table": INDEX}),
    commands=("validate", "publish", "add-source"),
)
def _many_columns(layout: Layout, p: Params) -> None:
    resource = pick(layout.tables(), p["table"])
    file = layout.package / resource["path"]
    head, _, rest = file.read_bytes().partition(b"\n")
    extra = ",".join(f"c{i}" for i in range(p["columns"])).encode()
    file.write_bytes(head + b"," + extra + b"\n" + rest)
    layout.breaks = True


@mutation(
    "archive-many-numbers",
    "An archived text with hundreds of thousands of lines of numbers, its hash and size updated.",
    st.fixed_dictionaries({"lines": st.sampled_from([20_000, 250_000]), "file": INDEX}),
    commands=("validate", "publish", "numbers", "add-source"),
)
def _archive_numbers(layout: Layout, p: Params) -> None:
    descriptor = layout.descriptor()
    archives = [r for r in descriptor["resources"] if str(r.get("path", "")).endswith(".txt")]
    resource = pick(archives, p["file"])
    file = layout.package / resource["path"]
    data = file.read_bytes() + "".join(f"{i} {i * 7}\n" for i in range(p["lines"])).encode()
    file.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    old = resource.get("hash", "")
    resource["hash"], resource["bytes"] = f"sha256:{digest}", len(data)
    layout.write_descriptor(descriptor)
    sources = descriptor.get("x-claims", {}).get("sources", {})
    table = next((r for r in descriptor["resources"] if r.get("name") == sources.get("resource")), None)
    if table is None:
        return
    rows = layout.rows(table["path"])
    header = rows[0]
    for row in rows[1:]:
        if row[header.index(sources["archive"])] == resource["path"]:
            if sources.get("sha256") in header:
                row[header.index(sources["sha256"])] = digest
            if sources.get("bytes") in header:
                row[header.index(sources["bytes"])] = str(len(data))
    layout.write_rows(table["path"], rows)
    layout.notes.append(f"{resource['path']}: {len(data)} bytes (hash {old[:20]}... updated)")


@mutation(
    "source-text-huge",
    "add-source given a text of several megabytes of numbers (within its 10 MB limit).",
    st.fixed_dictionaries({"megabytes": st.sampled_from([1, 5, 9])}),
    commands=("add-source",),
)
def _huge_text(layout: Layout, p: Params) -> None:
    line = b"Officers made 1,234 arrests and 56 charges in 7 days.\n"
    layout.source_text.write_bytes(line * (p["megabytes"] * 1024 * 1024 // len(line)))


# -- planted files and links --


def _victim_file(layout: Layout, p: Params) -> str:
    """A package file a link mutation replaces: the descriptor, a table, a schema or an archive."""
    kinds: dict[str, list[str]] = {
        "descriptor": ["datapackage.json"],
        "table": [r["path"] for r in layout.tables()],
        "schema": [r["schema"] for r in layout.tables()],
        "archive": [r["path"] for r in layout.archives()],
        "document": ["CHANGELOG.md"],
    }
    name = str(pick(kinds[p["what"]] or kinds["table"], p["file"]))
    layout.notes.append(f"file: {name}")
    return name


LINKED = st.fixed_dictionaries(
    {"what": st.sampled_from(["descriptor", "table", "schema", "archive", "document"]), "file": INDEX}
)


@mutation(
    "symlink-out",
    "A package file replaced by a symlink to an outside file with the same bytes: refused, never followed out.",
    LINKED,
    breaks=True,
)
def _symlink_out(layout: Layout, p: Params) -> None:
    name = _victim_file(layout, p)
    if name == "CHANGELOG.md":  # not a package file for the validator: only the release reads it
        layout.breaks = None
    target = layout.outside / ("copy-" + name.replace("/", "_"))
    shutil.copyfile(layout.package / name, target)
    (layout.package / name).unlink()
    (layout.package / name).symlink_to(target)


@mutation(
    "symlink-in",
    "A package file replaced by a symlink to a copy inside the package (allowed, followed).",
    LINKED,
)
def _symlink_in(layout: Layout, p: Params) -> None:
    name = _victim_file(layout, p)
    target = layout.package / (name + ".original")
    (layout.package / name).rename(target)
    (layout.package / name).symlink_to(os.path.relpath(target, (layout.package / name).parent))


@mutation(
    "symlink-loop",
    "A resource path that is a symlink loop (to itself, or two links to each other).",
    st.fixed_dictionaries(
        {"what": st.sampled_from(["table", "schema", "archive", "descriptor"]), "file": INDEX, "self": st.booleans()}
    ),
    breaks=True,
)
def _symlink_loop(layout: Layout, p: Params) -> None:
    name = _victim_file(layout, p)
    link = layout.package / name
    link.unlink()
    if p["self"]:
        link.symlink_to(link.name)
    else:
        other = link.with_name(link.name + ".loop")
        other.symlink_to(link.name)
        link.symlink_to(other.name)


@mutation(
    "hardlink-out",
    "A package file that is a hard link to an outside file: no command may ship or write through it.",
    LINKED,
)
def _hardlink(layout: Layout, p: Params) -> None:
    name = _victim_file(layout, p)
    target = layout.outside / ("linked-" + name.replace("/", "_"))
    os.link(layout.package / name, target)
    layout.notes.append(f"{name} is a hard link to outside/{target.name}")


@mutation(
    "fifo",
    "A package file replaced by a FIFO: never a hang.",
    st.fixed_dictionaries({"what": st.sampled_from(["table", "schema", "archive", "descriptor"]), "file": INDEX}),
    breaks=True,
)
def _fifo(layout: Layout, p: Params) -> None:
    name = _victim_file(layout, p)
    (layout.package / name).unlink()
    os.mkfifo(layout.package / name)


@mutation(
    "dir-in-place",
    "A package file replaced by a directory.",
    st.fixed_dictionaries({"what": st.sampled_from(["table", "schema", "archive", "descriptor"]), "file": INDEX}),
    breaks=True,
)
def _dir(layout: Layout, p: Params) -> None:
    name = _victim_file(layout, p)
    (layout.package / name).unlink()
    (layout.package / name).mkdir()


@mutation(
    "planted-temp",
    "A planted .<name>.contribute-tmp (a symlink out, to an archived text, or a file) beside a file add-source edits.",
    st.fixed_dictionaries(
        {
            "beside": st.sampled_from(["descriptor", "sources"]),
            "kind": st.sampled_from(["link-out", "link-archive", "file", "dir"]),
        }
    ),
    commands=("add-source",),
)
def _planted_temp(layout: Layout, p: Params) -> None:
    descriptor = layout.descriptor()
    if p["beside"] == "descriptor":
        edited = "datapackage.json"
    else:
        sources = descriptor["x-claims"]["sources"]
        edited = next(r for r in descriptor["resources"] if r["name"] == sources["resource"])["path"]
    planted = (layout.package / edited).with_name(f".{Path(edited).name}.contribute-tmp")
    if p["kind"] == "link-out":
        planted.symlink_to(layout.outside / "victim.txt")
    elif p["kind"] == "link-archive":
        planted.symlink_to(layout.package / layout.archives()[0]["path"])
    elif p["kind"] == "file":
        planted.write_text("planted\n")
    else:
        planted.mkdir()


@mutation(
    "out-links",
    "publish's --out folder holding symlinks (to outside files) where its outputs go.",
    st.fixed_dictionaries(
        {"name": st.sampled_from(["metadata.json", "database", "zip", "database-partial", "zip-partial", "out-itself"])}
    ),
    commands=("publish",),
)
def _out_links(layout: Layout, p: Params) -> None:
    descriptor = layout.descriptor()
    stem = f"{descriptor.get('name')}-{descriptor.get('version')}"
    name = {
        "metadata.json": "metadata.json",
        "database": f"{stem}.sqlite",
        "zip": f"{stem}.zip",
        "database-partial": f".{stem}.sqlite.partial",
        "zip-partial": f".{stem}.zip.partial",
    }.get(p["name"])
    if name is None:
        layout.out.symlink_to(layout.outside / "folder")
        return
    layout.out.mkdir()
    (layout.out / name).symlink_to(layout.outside / "victim.txt")


@mutation(
    "interrupted",
    "Ctrl-C at a drawn moment while add-source or publish runs: all or nothing, no temporary left behind.",
    # The moment a file is written (add-source is then judging its own edit, publish building its next
    # output) interrupts the same step on any machine; a delay lands anywhere.
    st.sampled_from(
        [{"on": on} for on in ("sources", "descriptor", "archive-folder", "out", "database")]
        + [{"after": after} for after in (1.0, 2.0, 4.0, 6.0, 8.0)]
    ),
    commands=("add-source", "publish"),
)
def _interrupted(layout: Layout, p: Params) -> None:
    if "after" in p:
        layout.interrupt = Interrupt(after=float(p["after"]))
        return
    descriptor = layout.descriptor()
    stem = f"{descriptor.get('name')}-{descriptor.get('version')}"
    archive = Path(layout.archives()[0]["path"]).parent if layout.archives() else Path("data/archive")
    watched = {
        "sources": layout.package / layout.sources_path,
        "descriptor": layout.package / "datapackage.json",
        "archive-folder": layout.package / archive,
        "out": layout.out / "metadata.json",
        "database": layout.out / f"{stem}.sqlite",
    }
    layout.interrupt = Interrupt(watch=watched[p["on"]])


# ---- running a case -------------------------------------------------------------------------------

Snapshot = dict[str, tuple[Any, ...]]


def snapshot(root: Path) -> Snapshot:
    """Every path under root (links not followed): type, mode, size, mtime and content hash or target."""
    found: Snapshot = {}
    for directory, dirs, files in os.walk(root, followlinks=False):
        for name in [*dirs, *files]:
            path = Path(directory) / name
            info = path.lstat()
            key = path.relative_to(root).as_posix()
            if stat.S_ISLNK(info.st_mode):
                found[key] = ("link", os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                found[key] = ("file", info.st_mode, info.st_size, info.st_mtime_ns, digest)
            elif stat.S_ISDIR(info.st_mode):
                found[key] = ("dir", info.st_mode)
            else:
                found[key] = ("special", info.st_mode)
    return found


def input_size(layout: Layout) -> int:
    """Bytes of every regular file of the package and the input text: the size the time bound scales with."""
    total = layout.source_text.stat().st_size
    for path in layout.package.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
    return total


def command_line(case: Case, layout: Layout) -> list[str]:
    """The command a case runs, as a subprocess argument list."""
    if case.command == "validate":
        return [PYTHON, "-m", "validate", str(layout.package), "--format", "json"]
    if case.command == "publish":
        return [PYTHON, "-m", "publish", "build", str(layout.package), "--out", str(layout.out)]
    if case.command == "numbers":
        return [PYTHON, "-m", "contribute", "numbers", layout.source_id, "--draft", "--package", str(layout.package)]
    fields = ["--field", "title=A fuzzed source", "--field", "published_doubtful=false"] if case.base == "real" else []
    return [
        PYTHON,
        "-m",
        "contribute",
        "add-source",
        str(layout.source_text),
        "--id",
        "fuzzed-source",
        *fields,
        "--package",
        str(layout.package),
    ]


def run_case(case: Case, keep: Path | None = None) -> Outcome:
    """Prepare, mutate, run and judge one case; the working folder is removed unless keep is given."""
    root = Path(tempfile.mkdtemp(prefix="fuzz-")) if keep is None else keep
    try:
        layout = prepare(case, root)
        kind = CLASSES[case.kind]
        # Read before the mutation may break the sources table.
        layout.sources_path, source_ids = _sources(layout)
        layout.source_id = source_ids[0] if source_ids else "none"
        layout.breaks = kind.breaks
        apply_mutation(case, layout)
        _remember_formats(layout)
        before = snapshot(root)
        size = input_size(layout)
        limit = TIME_BASE_SECONDS + TIME_PER_BYTE * size
        exit_code, seconds, max_rss, output = _execute(command_line(case, layout), layout.cwd, limit, layout.interrupt)
        after = snapshot(root)
        failures = judge(case, layout, before, after, exit_code, seconds, max_rss, output, size, limit)
        return Outcome(case, exit_code, seconds, max_rss, size, tuple(failures), output[-4000:], tuple(layout.notes))
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)


def apply_mutation(case: Case, layout: Layout) -> None:
    """Apply the case's mutation to its prepared layout, with BIG expanded in its parameters."""
    params = {k: v.replace(BIG, BIG_DIGITS) if isinstance(v, str) else v for k, v in case.params.items()}
    CLASSES[case.kind].apply(layout, params)


def _sources(layout: Layout) -> tuple[str, list[str]]:
    """The base package's sources table path and its ids."""
    descriptor = layout.descriptor()
    sources = descriptor["x-claims"]["sources"]
    resource = next(r for r in descriptor["resources"] if r["name"] == sources["resource"])
    rows = layout.rows(resource["path"])
    column = rows[0].index(sources["id"])
    return resource["path"], [row[column] for row in rows[1:]]


def _remember_formats(layout: Layout) -> None:
    """The descriptor's lines and the sources table's bytes as the command finds them."""
    descriptor = layout.package / "datapackage.json"
    table = layout.package / layout.sources_path
    if descriptor.is_file() and not descriptor.is_symlink():
        layout.original_descriptor = descriptor.read_text(encoding="utf-8", errors="replace").splitlines()
    if table.is_file() and not table.is_symlink():
        layout.original_sources = table.read_bytes()


def _default_sigint() -> None:
    """In the child, before it runs Python: Ctrl-C raises KeyboardInterrupt again."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _signature(path: Path) -> tuple[int, int, int] | None:
    """What tells a changed path from the same one: size, mtime and, for a folder, its entries."""
    try:
        info = path.lstat()
    except OSError:
        return None
    entries = len(os.listdir(path)) if stat.S_ISDIR(info.st_mode) else 0
    return (info.st_size, info.st_mtime_ns, entries)


def _due(interrupt: Interrupt, start: float, watched: tuple[int, int, int] | None) -> bool:
    """Whether the Ctrl-C is due: its time has come, or its watched path appeared or changed."""
    if interrupt.after is not None:
        return time.monotonic() - start > interrupt.after
    return interrupt.watch is not None and _signature(interrupt.watch) != watched


def _execute(
    argv: list[str], cwd: Path, limit: float, interrupt: Interrupt | None = None
) -> tuple[int | None, float, int, str]:
    """Run a command with a time limit (and a Ctrl-C if asked): exit code (None if killed), seconds, RSS, output."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "Agg",
        "HOME": str(cwd),
        "MPLCONFIGDIR": tempfile.gettempdir(),
        # Any attempt at the network goes to a closed port and fails at once.
        "http_proxy": "http://127.0.0.1:9",
        "https_proxy": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "LC_ALL": "C.UTF-8",
    }
    with tempfile.TemporaryFile() as out:
        watched = _signature(interrupt.watch) if interrupt is not None and interrupt.watch is not None else None
        start = time.monotonic()
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # A shell starts background jobs with Ctrl-C ignored, and a child inherits that.
            preexec_fn=_default_sigint if interrupt is not None else None,
        )
        code: int | None = None
        max_rss = 0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(status)
                max_rss = usage.ru_maxrss * 1024
                process.returncode = code
                break
            if interrupt is not None and _due(interrupt, start, watched):
                os.killpg(process.pid, 2)  # SIGINT, as Ctrl-C sends it to the foreground group
                interrupt = None
            if time.monotonic() - start > limit:
                os.killpg(process.pid, 9)
                _, status, usage = os.wait4(process.pid, 0)
                process.returncode = -9
                max_rss = usage.ru_maxrss * 1024
                break
            time.sleep(0.01 if interrupt is not None else 0.05)
        seconds = time.monotonic() - start
        out.seek(0)
        output = out.read().decode("utf-8", "replace")
    return code, seconds, max_rss, output


def _allowed(case: Case, layout: Layout, path: str, exit_code: int | None) -> bool:
    """Whether the command may have changed or created this path (relative to the case's root)."""
    if case.command == "publish":
        return path == "out" or path.startswith("out/")
    if case.command == "add-source" and exit_code == 0:
        descriptor = json.loads((layout.package / "datapackage.json").read_bytes())
        sources = descriptor["x-claims"]["sources"]
        table = next(r["path"] for r in descriptor["resources"] if r["name"] == sources["resource"])
        archive_folders = {
            str(Path(r["path"]).parent) for r in descriptor["resources"] if str(r.get("path", "")).endswith(".txt")
        }
        if path in ("package/datapackage.json", f"package/{table}"):
            return True
        return any(path == f"package/{folder}" or path.startswith(f"package/{folder}/") for folder in archive_folders)
    return False


def judge(
    case: Case,
    layout: Layout,
    before: Snapshot,
    after: Snapshot,
    exit_code: int | None,
    seconds: float,
    max_rss: int,
    output: str,
    size: int,
    limit: float,
) -> list[str]:
    """Every promise the case broke, as 'check: detail' lines."""
    failures = []
    if exit_code is None:
        failures.append(f"timeout: killed after {seconds:.1f} s (limit {limit:.1f} s for {size} bytes)")
    elif exit_code not in (0, 1, 2) and not (layout.interrupt is not None and exit_code in (130, -2)):
        first = next((line for line in output.splitlines() if "error" in line.lower()), output[-300:])
        failures.append(f"exit-code: {exit_code}: {first.strip()[:300]}")
    if "Traceback (most recent call last)" in output:
        failures.append("traceback: " + output.strip().splitlines()[-1][:300])
    memory_limit = MEMORY_BASE_BYTES + MEMORY_PER_BYTE * size
    if max_rss > memory_limit:
        failures.append(f"memory: {max_rss // 2**20} MiB for {size} bytes (limit {memory_limit // 2**20} MiB)")
    changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
    outside = [p for p in changed if not _allowed(case, layout, p, exit_code)]
    if outside:
        failures.append("write-outside: " + ", ".join(_describe(p, before, after) for p in outside[:5]))
    failures += _judge_outputs(case, layout, before, after, exit_code, output)
    if exit_code == 0 and layout.breaks and case.command in ("validate", "publish", "add-source"):
        failures.append("false-valid: the mutation breaks the package, the command exited 0")
    if case.command == "validate" and exit_code == 1 and layout.max_errors is not None:
        errors = _errors(output)
        if errors > layout.max_errors:
            failures.append(f"cascade: {errors} errors for one defect (at most {layout.max_errors})")
    return failures


def _describe(path: str, before: Snapshot, after: Snapshot) -> str:
    """A changed path, said briefly."""
    if path not in before:
        return f"{path} created"
    if path not in after:
        return f"{path} removed"
    return f"{path} changed"


def _errors(output: str) -> int:
    """Error findings in a JSON report (0 when the output is not one)."""
    try:
        report = json.loads(output[output.index("{") :])
    except ValueError:
        return 0
    return sum(1 for f in report.get("findings", []) if f.get("severity") == "error")


def _judge_outputs(
    case: Case, layout: Layout, before: Snapshot, after: Snapshot, exit_code: int | None, output: str
) -> list[str]:
    """Per command: add-source edits all or nothing and keeps formats; publish ships only package bytes."""
    failures = []
    leftovers = [p for p in after if p not in before and (p.endswith(".partial") or "contribute-tmp" in p)]
    if leftovers:
        failures.append("leftover-temporary: " + ", ".join(leftovers[:5]))
    if case.command == "add-source" and exit_code == 0:
        failures += _judge_added(layout, before, after)
    if case.command == "publish" and exit_code == 0:
        failures += _judge_release(layout)
    return failures


def _judge_added(layout: Layout, before: Snapshot, after: Snapshot) -> list[str]:
    """add-source succeeded: one new archive holding the input's bytes, edits that keep each file's format."""
    failures = []
    new = [p for p in after if p not in before and after[p][0] == "file"]
    source = layout.source_text.read_bytes()
    if len(new) != 1 or (layout.root / new[0]).read_bytes() != source:
        failures.append(f"add-source-archive: new files {new[:5]}, expected one copy of the input text")
    return failures + _kept_formats(layout)


def _common_start(first: str, second: str) -> int:
    """How many characters the two strings share from their start."""
    shared = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        shared += 1
    return shared


def _kept_formats(layout: Layout) -> list[str]:
    """The descriptor's old text kept whole, with the new resource as one inserted span (so its
    indentation, key order and line endings stand, a one-line descriptor included), and the
    sources table's old bytes kept, line endings too."""
    failures = []
    original = layout.original_descriptor
    text = (layout.package / "datapackage.json").read_text(encoding="utf-8", errors="replace")
    before = "\n".join(original)
    after = "\n".join(text.splitlines())
    head = _common_start(before, after)
    tail = _common_start(before[head:][::-1], after[head:][::-1])
    if head + tail < len(before):
        failures.append(f"descriptor-format: the text {before[head : len(before) - tail][:80]!r} was rewritten")
    table_before, table_path = layout.original_sources, layout.sources_path
    if table_before:
        table = (layout.package / table_path).read_bytes()
        if not table.startswith(table_before.rstrip(b"\r\n")):
            failures.append("sources-format: the sources table's existing bytes were rewritten")
        elif b"\r\n" in table_before and table[len(table_before) :].count(b"\n") != table[len(table_before) :].count(
            b"\r\n"
        ):
            failures.append("sources-format: a row appended with LF to a CRLF table")
    return failures


def _judge_release(layout: Layout) -> list[str]:
    """publish succeeded: zip entries stay under one folder, and no package file is a link (hard or soft) out."""
    failures = []
    out = layout.out
    for archive in out.glob("*.zip") if out.is_dir() else []:
        with zipfile.ZipFile(archive) as opened:
            bad = [n for n in opened.namelist() if n.startswith("/") or ".." in n.split("/") or "\x00" in n]
        if bad:
            failures.append(f"zip-slip: {archive.name} has entries {bad[:3]}")
    for path in layout.package.rglob("*"):
        info = path.lstat()
        if stat.S_ISREG(info.st_mode) and info.st_nlink > 1:
            failures.append(f"ships-hard-link: {path.relative_to(layout.package)} has {info.st_nlink} links")
        elif stat.S_ISLNK(info.st_mode) and not path.resolve().is_relative_to(layout.package.resolve()):
            failures.append(f"ships-symlink-out: {path.relative_to(layout.package)}")
    return failures


# ---- drawing cases with hypothesis ---------------------------------------------------------------


def case_strategy(kinds: Iterable[str]) -> st.SearchStrategy[Case]:
    """Cases of the given classes: a class, then a base and a command it applies to, then its parameters."""
    names = sorted(kinds)

    def of(kind: str) -> st.SearchStrategy[Case]:
        mutation = CLASSES[kind]
        return st.builds(
            Case,
            kind=st.just(kind),
            base=st.sampled_from(mutation.bases),
            command=st.sampled_from(mutation.commands),
            params=mutation.params,
        )

    return st.sampled_from(names).flatmap(of)


def draw_cases(kinds: Iterable[str], count: int, seed: int | None) -> list[Case]:
    """About count cases, the same number of each class, drawn by hypothesis: the same list for the same seed.

    seed None derandomizes (the test command's fixed budget). A class whose parameters allow fewer
    distinct cases than its share gives fewer.
    """
    names = sorted(kinds)
    share = max(1, -(-count // len(names)))
    drawn: list[Case] = []
    for name in names:
        drawn += _draw(name, share, seed)
    return drawn


def _draw(kind: str, count: int, seed: int | None) -> list[Case]:
    """count distinct cases of one class."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as seeded

    drawn: dict[str, Case] = {}

    @settings(
        max_examples=count,
        database=None,
        derandomize=seed is None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case_strategy([kind]))
    def collect(case: Case) -> None:
        drawn.setdefault(case.to_json(), case)

    if seed is not None:
        collect = seeded(seed)(collect)
    collect()
    return list(drawn.values())[:count]


def run_cases(cases: Sequence[Case], jobs: int, progress: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Run cases in a pool of jobs threads (each runs its command as a subprocess)."""
    outcomes = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for outcome in pool.map(run_case, cases):
            outcomes.append(outcome)
            if progress is not None:
                progress(outcome)
    return outcomes


def summary(outcomes: Sequence[Outcome]) -> str:
    """Counts per class and every failure, as text."""
    lines = []
    by_kind: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        by_kind.setdefault(outcome.case.kind, []).append(outcome)
    failing = sum(1 for o in outcomes if o.failures)
    lines.append(f"{len(outcomes)} cases in {len(by_kind)} classes: {failing} failing")
    for kind in sorted(by_kind):
        group = by_kind[kind]
        bad = [o for o in group if o.failures]
        lines.append(f"  {kind:32} {len(group):4} cases  {len(bad):4} failing")
    for outcome in outcomes:
        for failure in outcome.failures:
            lines.append(f"FAIL {outcome.case.kind} [{outcome.case.command} on {outcome.case.base}] {failure}")
            lines.append(f"     replay: {outcome.case.to_json()}")
            if outcome.notes:
                lines.append(f"     mutation: {'; '.join(outcome.notes)[:300]}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run a budget of cases (or replay one); exit 1 when any case broke a promise."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=400, help="How many cases to draw.")
    parser.add_argument("--seed", type=int, default=1, help="Hypothesis seed: the same seed draws the same cases.")
    parser.add_argument("--classes", default="", help="Comma-separated class names (default: all).")
    parser.add_argument("--jobs", type=int, default=2, help="Commands run at once.")
    parser.add_argument("--report", type=Path, help="Write every outcome as JSON lines here.")
    parser.add_argument("--replay", help="Run one case given as JSON (from a report) and keep its folder.")
    parser.add_argument("--keep", type=Path, help="With --replay: the folder to build the case in.")
    parser.add_argument("--list", action="store_true", help="List the mutation classes and exit.")
    args = parser.parse_args(argv)
    if args.list:
        for name, kind in sorted(CLASSES.items()):
            mark = "short" if name in SHORT_BUDGET else "long "
            print(f"{mark} {name:30} {kind.description}")
        return 0
    if args.replay:
        case = Case(**json.loads(args.replay))
        keep = args.keep
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=False)
        outcome = run_case(case, keep)
        print(outcome.output)
        print(summary([outcome]))
        return 1 if outcome.failures else 0
    kinds = [k for k in args.classes.split(",") if k] or sorted(CLASSES)
    unknown = set(kinds) - set(CLASSES)
    if unknown:
        parser.error(f"unknown classes: {', '.join(sorted(unknown))}")
    cases = draw_cases(kinds, args.cases, args.seed)
    report = args.report.open("w", encoding="utf-8") if args.report else None

    def progress(outcome: Outcome) -> None:
        mark = "FAIL" if outcome.failures else "ok  "
        print(
            f"{mark} {outcome.seconds:6.1f}s {outcome.case.kind:28} {outcome.case.command:10} {outcome.case.base:7} "
            f"exit {outcome.exit_code}  {'; '.join(outcome.failures)[:200]}",
            flush=True,
        )
        if report is not None:
            record = dataclasses.asdict(outcome)
            report.write(json.dumps(record) + "\n")
            report.flush()

    started = time.monotonic()
    outcomes = run_cases(cases, args.jobs, progress)
    if report is not None:
        report.close()
    print(summary(outcomes))
    print(f"{time.monotonic() - started:.0f} s")
    return 1 if any(o.failures for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
