"""Scale the package synthetically: N outcome rows that are valid by construction, optionally with defects.

Usage: python -m benchmarks.generate OUT_DIR --rows N [--defects K] [--seed S]

Every outcome quote is written into a small archived text at the line the row states,
every number is printed in its quote, every other number the text prints (bulletin numbers,
years) is an exclusions row, the figures of each (operation, metric) group all
contain one true value (so they agree as intervals), parts stay below wholes, and each
operation's period follows on from the one before it in its series. Schemas, rules,
metrics and qualifiers are copied from the real package so the same checks apply.
With --defects K, K defects are injected at recorded places, each of which the validator
must report as exactly one error; they are listed in OUT_DIR/defects.json.
"""

from __future__ import annotations

import argparse
import copy
import csv
import hashlib
import json
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GROUP_SIZE = 10
"""Outcome rows per (operation, metric) group: small, so agreement checks stay realistic."""
GROUPS_PER_SOURCE = 100
"""About one source (archived text) per 1,000 outcome rows."""
OPERATIONS_PER_SERIES = 5
OFFICIALS_PER_SOURCE = 3
QUOTES_PER_OFFICIAL = 3
CASES_PER_SOURCE = 3
MANIFEST = "defects.json"

# (metric_id, how the text prints it); the third is a part of the second (rules.json subsets).
METRICS = (
    ("arrests", "arrests"),
    ("children_safeguarded", "children safeguarded"),
    ("children_at_immediate_risk", "children at immediate risk"),
)
OUTCOME_FIELDS = [
    "outcome_id",
    "source_id",
    "operation_id",
    "metric_id",
    "number",
    "qualifier",
    "qualifier_text",
    "rounding_unit",
    "breakdown_dimension",
    "breakdown_value",
    "position",
    "line",
    "quote",
]
SYLLABLES = [
    "ka",
    "vo",
    "lu",
    "me",
    "ri",
    "sa",
    "to",
    "nu",  # not "ne" or "ro": "Nine" and "Zero" would be number words printed in the texts
    "di",
    "pa",
    "mo",
    "fe",
    "gu",
    "la",
    "ze",
    "bi",
    "ru",
    "ta",
    "ni",
    "co",
]
FIRST_NAMES = ["Alex", "Sam", "Jordan", "Morgan", "Casey", "Robin", "Jamie", "Taylor", "Drew", "Kim"]
RANKS = ["Assistant Chief Constable", "Detective Chief Superintendent", "Chief Constable"]
SAYINGS = [
    "Every day our officers patrol online spaces to protect children",
    "We follow the intelligence and we pursue offenders wherever they hide",
    "No child should ever be put at risk by someone they meet online",
]
OFFENCES = [
    "arranging or facilitating the commission of a child sex offence",
    "attempting to meet a child following sexual grooming",
    "distributing indecent photographs of children",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
# (defect kind, finding code, table, field): each yields exactly one error finding.
DEFECT_KINDS = (
    ("quote-word", "quote-not-in-source", "outcomes", "quote"),
    ("number-off-by-one", "figure-not-in-quote", "outcomes", "number"),
    ("wrong-line", "quote-wrong-line", "outcomes", "line"),
    ("unknown-operation", "foreign-key", "outcomes", "operation_id"),
    ("archive-bytes", "archive-mismatch", "sources", "bytes"),
    ("bad-position", "enum-violation", "outcomes", "position"),
    ("bad-identifier", "pattern-mismatch", "outcomes", "outcome_id"),
)


@dataclass
class Source:
    """One synthetic source: its archived text lines and the rows that quote it."""

    index: int
    lines: list[str] = field(default_factory=lambda: [])
    operations: list[str] = field(default_factory=lambda: [])

    @property
    def source_id(self) -> str:
        """Stable identifier."""
        return f"source-{self.index:05d}"

    @property
    def archive_path(self) -> str:
        """Path of the archived text inside the package."""
        return f"data/archive/{self.index:05d}.txt"

    def add(self, text: str) -> int:
        """Append a line to the archived text and return its line number (first = 1)."""
        self.lines.append(text)
        return len(self.lines)

    def data(self) -> bytes:
        """The archived text's bytes."""
        return ("\n".join(self.lines) + "\n").encode("utf-8")


@dataclass
class Tables:
    """Rows of every generated table, by table name."""

    rows: dict[str, list[list[Any]]] = field(default_factory=dict)

    def append(self, name: str, row: list[Any]) -> None:
        """Add one row to a table."""
        self.rows.setdefault(name, []).append(row)


def exclude(tables: Tables, source: Source, line: int, words: str, reason: str) -> None:
    """List a number the text prints that is not a figure, so the coverage check accounts for it."""
    number = len(tables.rows.get("exclusions", []))
    tables.append("exclusions", [f"excl-{number:07d}", source.source_id, line, words, reason, ""])


def word(index: int, syllables: list[str], width: int) -> str:
    """A pronounceable, digit-free word that encodes index in base len(syllables)."""
    parts = []
    for _ in range(width):
        index, digit = divmod(index, len(syllables))
        parts.append(syllables[digit])
    return "".join(reversed(parts))


def operation_name(index: int, syllables: list[str], width: int) -> str:
    """A unique two-word name such as 'Kavo Lume', so quotes carry no stray digits."""
    code = word(index, syllables, width)
    half = len(code) // 2
    half -= half % 2  # split on a syllable boundary
    return f"{code[:half].capitalize()} {code[half:].capitalize()}"


def group_clauses(name: str, phrase: str, value: int, rng: random.Random) -> list[tuple[str, int, str, str, str]]:
    """Ten (qualifier, number, qualifier_text, rounding_unit, clause) readings that all contain value."""
    tens = (value + 5) // 10 * 10
    hundreds = (value + 50) // 100 * 100
    more, over = value - rng.randint(2, 50), value - rng.randint(2, 80)
    least, fewer = value - rng.randint(0, 30), value - rng.randint(0, 60)
    last = (
        ("hundreds", 100, "hundreds of", "", f"hundreds of {phrase} in all")
        if 200 <= value < 1000
        else ("at_least", fewer, "no fewer than", "", f"no fewer than {fewer:,} {phrase}")
    )
    return [
        ("exact", value, "", "", f"Operation {name} made {value:,} {phrase}"),
        ("more_than", more, "more than", "", f"more than {more:,} {phrase}"),
        ("at_least", least, "at least", "", f"at least {least} {phrase}"),
        ("approximate", tens, "some", "10", f"some {tens:,} {phrase}"),
        ("rounded", hundreds, "", "100", f"{hundreds:,} {phrase} in a year"),
        ("exact", value, "", "", f"a total of {value} {phrase}"),
        ("more_than", over, "over", "", f"over {over:,} {phrase}"),
        ("approximate", hundreds, "around", "100", f"around {hundreds:,} {phrase}"),
        last,
        ("exact", value, "", "", f"{value:,} {phrase} were recorded"),
    ]


def true_values(rng: random.Random) -> list[int]:
    """One operation's true value per metric; the part never exceeds its whole."""
    safeguarded = rng.randint(300, 5000)
    return [rng.randint(200, 5000), safeguarded, rng.randint(200, safeguarded)]


def build(rows: int, seed: int) -> tuple[Tables, list[Source]]:
    """Every table's rows and every archived text for a package of `rows` outcome rows."""
    rng = random.Random(seed)
    syllables = SYLLABLES[:]
    rng.shuffle(syllables)
    groups = -(-rows // GROUP_SIZE)
    operations = -(-groups // len(METRICS))
    width = 4
    while len(syllables) ** width < operations:
        width += 1
    tables = Tables()
    sources: list[Source] = []
    values: list[int] = []
    name = ""
    written = 0
    for group in range(groups):
        op_index, metric_index = divmod(group, len(METRICS))
        operation_id = f"op-{op_index:06d}"
        if metric_index == 0:
            values = true_values(rng)
            name = operation_name(op_index, syllables, width)
            tables.append("operations", operation_row(op_index, operation_id, name))
        if group % GROUPS_PER_SOURCE == 0:
            sources.append(Source(len(sources), [f"Online child protection results, bulletin {len(sources) + 1}", ""]))
            exclude(tables, sources[-1], 1, f"bulletin {len(sources)}", "part_of_name")
        source = sources[-1]
        if not source.operations or source.operations[-1] != operation_id:
            source.operations.append(operation_id)
        metric_id, phrase = METRICS[metric_index]
        clauses = group_clauses(name, phrase, values[metric_index], rng)[: rows - written]
        line = source.add("; ".join(c[4] for c in clauses) + ".")
        for slot, (qualifier, number, text, unit, clause) in enumerate(clauses):
            position = "body"  # every figure line follows the title: body, as the layout declares
            tables.append(
                "outcomes",
                [
                    f"out-{group:07d}-{slot}",
                    source.source_id,
                    operation_id,
                    metric_id,
                    number,
                    qualifier,
                    text,
                    unit,
                    "",
                    "",
                    position,
                    line,
                    clause,
                ],
            )
        written += len(clauses)
    for source in sources:
        people_and_cases(source, tables, rng)
    return tables, sources


def operation_row(index: int, operation_id: str, name: str) -> list[Any]:
    """An operations row: a year-long period that follows on from the previous one in its series."""
    series, position = divmod(index, OPERATIONS_PER_SERIES)
    start = 2014 + position
    return [
        operation_id,
        f"Operation {name}",
        f"series-{series:05d}",
        "",
        "National Police Chiefs’ Council",
        "",
        "England and Wales",
        f"{start}-04",
        f"{start + 1}-03",
        "one year",
        "P1Y",
        f"A synthetic year of covert work against online child sexual abuse (Operation {name}).",
    ]


def people_and_cases(source: Source, tables: Tables, rng: random.Random) -> None:
    """Officials named in the text, their quoted words, and cases whose sentences are printed."""
    source.add("")
    surname_base = source.index * OFFICIALS_PER_SOURCE
    for number in range(OFFICIALS_PER_SOURCE):
        person_id = f"official-{source.index:05d}-{number}"
        surname = word(surname_base + number, SYLLABLES, 3).capitalize()
        name = f"{FIRST_NAMES[(surname_base + number) % len(FIRST_NAMES)]} {surname}"
        rank = RANKS[number % len(RANKS)]
        attribution = f"{rank} {name}, lead for online child protection in bulletin {source.index + 1}"
        line = source.add(attribution + ", said:")
        exclude(tables, source, line, f"in bulletin {source.index + 1}", "part_of_name")
        tables.append(
            "officials",
            [
                person_id,
                source.source_id,
                name,
                rank,
                "lead for online child protection",
                "",
                "",
                "police",
                line,
                attribution,
            ],
        )
        for said in range(QUOTES_PER_OFFICIAL):
            operation = source.operations[(number + said) % len(source.operations)]
            text = f"{SAYINGS[said]}, {name} said of {operation.replace('-', ' ')}"
            line = source.add(f"“{text},” the bulletin reports.")
            exclude(tables, source, line, f"of {operation.replace('-', ' ')}", "part_of_name")
            tables.append(
                "quotes",
                [
                    f"quote-{source.index:05d}-{number}-{said}",
                    person_id,
                    source.source_id,
                    operation,
                    line,
                    "direct",
                    text,
                ],
            )
    for number in range(CASES_PER_SOURCE):
        year = rng.randint(2019, 2023)
        custody, licence = rng.randint(2, 12), rng.randint(3, 8)
        offence = OFFENCES[number % len(OFFENCES)]
        quote = (
            f"In {year}, a man was sentenced to {custody} years’ imprisonment with an extended "
            f"{licence}-year licence period"
        )
        line = source.add(f"{quote} for {offence}.")
        exclude(tables, source, line, f"In {year},", "date")
        operation = source.operations[number % len(source.operations)]
        tables.append(
            "cases",
            [
                f"case-{source.index:05d}-{number}",
                source.source_id,
                operation,
                line,
                quote,
                offence,
                str(year - 1),
                f"{year - 1}-{rng.randint(1, 12):02d}",
                str(year),
                "guilty",
                custody,
                "years",
                licence,
                "years",
                "",
                "",
                "not_stated",
                "",
                "",
                "",
            ],
        )


def source_row(source: Source, data: bytes) -> list[Any]:
    """A sources row recording the archived text's sha256 and size."""
    month, day = source.index % 12, source.index % 28 + 1
    return [
        source.source_id,
        f"Online child protection results, bulletin {source.index + 1}",
        "Synthetic Police News",
        "Footer: 'Synthetic Police News'",
        "",
        "",
        f"2024-{month + 1:02d}-{day:02d}",
        f"{day} {MONTHS[month]} 2024",
        "false",
        "",
        source.archive_path,
        hashlib.sha256(data).hexdigest(),
        len(data),
        "Generated for benchmarking.",
        "",  # retrieved_from and retrieved_on: not recorded
        "",
    ]


def inject(tables: Tables, sources: list[Source], count: int, rng: random.Random) -> list[dict[str, Any]]:
    """Apply `count` defects at distinct random places and return the manifest of them."""
    outcomes = tables.rows["outcomes"]
    full_groups = len(outcomes) // GROUP_SIZE
    groups = rng.sample(range(full_groups), k=min(count, full_groups))
    source_picks = iter(rng.sample(range(len(sources)), k=len(sources)))
    manifest: list[dict[str, Any]] = []
    for index in range(count):
        kind, code, table, field_name = DEFECT_KINDS[index % len(DEFECT_KINDS)]
        if kind == "archive-bytes":
            position = next(source_picks, None)
            if position is None:
                raise SystemExit(f"too few sources for {count} defects")
            row = tables.rows["sources"][position]
            row[12] = int(row[12]) + 1
            description = f"sources row {position} records one byte more than its archived text has"
        else:
            if index >= len(groups):
                raise SystemExit(f"too few full groups for {count} defects")
            position, description = mutate_outcome(outcomes, groups[index], kind, index)
        manifest.append(
            {
                "kind": kind,
                "code": code,
                "file": f"data/{table}.csv",
                "line": position + 2,
                "field": field_name,
                "description": description,
            }
        )
    return sorted(manifest, key=lambda m: (m["file"], m["line"]))


def mutate_outcome(outcomes: list[list[Any]], group: int, kind: str, index: int) -> tuple[int, str]:
    """Break one outcomes row of a full group; return its row position and what was done."""
    base = group * GROUP_SIZE
    if kind == "quote-word":
        row = outcomes[base + 1]  # "more than N <phrase>": the last word is a word, not the number
        words = row[12].split(" ")
        words[-1] += "q"
        row[12] = " ".join(words)
        return base + 1, f"the quote's last word became {words[-1]!r}"
    if kind == "number-off-by-one":
        row = outcomes[base + 1]  # a more_than figure: one more still agrees, but is not printed
        row[4] = int(row[4]) + 1
        return base + 1, f"number changed to {row[4]}, one more than the quote prints"
    if kind == "wrong-line":
        row = outcomes[base]  # the first clause names its operation, so it is on one line only
        row[11] = int(row[11]) + 1
        return base, f"line changed to {row[11]}, one after the quote's line"
    if kind == "unknown-operation":
        row = outcomes[base + 2]
        row[2] = f"op-missing-{index}"
        return base + 2, f"operation_id changed to {row[2]}, which is not an operation"
    if kind == "bad-position":
        row = outcomes[base + 3]
        row[10] = "sidebar"
        return base + 3, "position changed to 'sidebar', which is not in the enum"
    if kind == "bad-identifier":
        row = outcomes[base + 4]
        row[0] = row[0].upper()
        return base + 4, f"outcome_id changed to {row[0]}, which breaks the lower-case pattern"
    raise ValueError(kind)


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    """Write a table with LF line endings, quoting only where needed."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def schema_header(name: str) -> list[str]:
    """Column names of a table, in its schema's order."""
    schema = json.loads((ROOT / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
    return [f["name"] for f in schema["fields"]]


def descriptor(sources: list[Source], archives: dict[str, bytes]) -> dict[str, Any]:
    """The real datapackage.json with its archive resources replaced by the generated ones."""
    real = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    tables = [r for r in real["resources"] if "schema" in r]
    template = next(r for r in real["resources"] if "schema" not in r)
    out: dict[str, Any] = copy.deepcopy(real)
    out["name"] = "synthetic-" + real["name"]
    out["resources"] = tables
    for source in sources:
        data = archives[source.archive_path]
        resource = copy.deepcopy(template)
        resource.update(
            name=f"archive-{source.source_id}",
            path=source.archive_path,
            title=f"Archived text: bulletin {source.index + 1}",
            hash="sha256:" + hashlib.sha256(data).hexdigest(),
            bytes=len(data),
        )
        out["resources"].append(resource)
    return out


def refuse_foreign(out: Path) -> None:
    """Stop unless out is empty or an earlier generated package: it is about to be deleted."""
    if not any(out.iterdir()):
        return
    try:
        name = json.loads((out / "datapackage.json").read_text(encoding="utf-8")).get("name", "")
    except (OSError, ValueError, AttributeError):
        name = ""
    if not str(name).startswith("synthetic-"):
        raise SystemExit(f"{out} exists and is not a generated package; refusing to replace it")


def generate(out: Path, rows: int, defects: int = 0, seed: int = 0) -> list[dict[str, Any]]:
    """Write a synthetic package of `rows` outcome rows into out; return the defect manifest."""
    if rows < 1:
        raise ValueError("rows must be at least 1")
    tables, sources = build(rows, seed)
    archives = {s.archive_path: s.data() for s in sources}
    tables.rows["sources"] = [source_row(s, archives[s.archive_path]) for s in sources]
    # Each text: its title line a headline, the rest body (every figure is printed there).
    tables.rows["layout"] = [
        row for s in sources for row in ([s.source_id, 1, 1, "headline", ""], [s.source_id, 2, 1, "body", ""])
    ]
    manifest = inject(tables, sources, defects, random.Random(seed + 1)) if defects else []
    if out.exists():
        refuse_foreign(out)
        shutil.rmtree(out)
    (out / "data" / "archive").mkdir(parents=True)
    shutil.copytree(ROOT / "schemas", out / "schemas")
    for name in ("metrics", "qualifiers"):
        shutil.copyfile(ROOT / "data" / f"{name}.csv", out / "data" / f"{name}.csv")
    for name in (
        "sources",
        "operations",
        "outcomes",
        "officials",
        "quotes",
        "cases",
        "discrepancies",
        "discrepancy_outcomes",
        "exclusions",
        "layout",
        "corrections",
    ):
        write_csv(out / "data" / f"{name}.csv", schema_header(name), tables.rows.get(name, []))
    for path, data in archives.items():
        (out / path).write_bytes(data)
    (out / "datapackage.json").write_text(
        json.dumps(descriptor(sources, archives), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    if defects:
        (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="output directory (replaced if it exists)")
    parser.add_argument("--rows", type=int, required=True, help="number of outcome rows")
    parser.add_argument("--defects", type=int, default=0, help="defects to inject (listed in defects.json)")
    parser.add_argument("--seed", type=int, default=0, help="random seed; the output is a function of it")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Generate the package and say what was written."""
    args = parse_args(argv)
    manifest = generate(args.out, args.rows, args.defects, args.seed)
    print(
        f"wrote {args.rows} outcome rows to {args.out}"
        + (f" with {len(manifest)} defects listed in {MANIFEST}" if manifest else ""),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
