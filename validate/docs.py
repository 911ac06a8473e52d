"""Generates the README's reference sections from the schemas, the code registry and --help.

``python -m validate.docs --write`` rewrites the sections between their markers;
``--check`` exits 1 when README.md has drifted from what would be generated.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def tables_at_a_glance(root: Path = ROOT) -> str:
    """One line per table: name, rows, what a row is."""
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    out = ["| table | rows | one row is |", "|---|---:|---|"]
    for resource in descriptor["resources"]:
        if resource.get("type") != "table":
            continue
        with (root / resource["path"]).open(encoding="utf-8", newline="") as handle:
            rows = sum(1 for _ in csv.reader(handle)) - 1
        out.append(f"| [`{resource['path']}`]({resource['path']}) | {rows} | {_cell(resource['description'])} |")
    return "\n".join(out)


def data_dictionary(root: Path = ROOT) -> str:
    """Every field of every Table Schema: type, constraints, description."""
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    out: list[str] = []
    for resource in descriptor["resources"]:
        if resource.get("type") != "table":
            continue
        schema = json.loads((root / resource["schema"]).read_text(encoding="utf-8"))
        out += [
            f"#### `{resource['name']}`",
            "",
            _cell(schema.get("description", "")),
            "",
            f"Primary key: `{', '.join(schema['primaryKey'])}`.",
        ]
        for fk in schema.get("foreignKeys", []):
            out.append(
                f"Foreign key: `{', '.join(fk['fields'])}` → "
                f"`{fk['reference']['resource']}.{', '.join(fk['reference']['fields'])}`."
            )
        out += ["", "| field | type | required | constraints | description |", "|---|---|---|---|---|"]
        for field in schema["fields"]:
            constraints = dict(field.get("constraints", {}))
            required = "yes" if constraints.pop("required", False) else ""
            shown = "; ".join(
                f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in constraints.items()
            )
            out.append(
                f"| `{field['name']}` | {field['type']} | {required} | {_cell(shown)} | {_cell(field['description'])} |"
            )
        out.append("")
    return "\n".join(out).rstrip()


def qualifier_readings(root: Path = ROOT) -> str:
    """The qualifiers vocabulary, as the package defines it."""
    with (root / "data" / "qualifiers.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out = ["| qualifier | reading |", "|---|---|"]
    out += [f"| `{r['qualifier_id']}` ({_cell(r['label'])}) | {_cell(r['definition'])} |" for r in rows]
    return "\n".join(out)


def finding_codes() -> str:
    """Every finding code with its severity, layer, meaning and fix."""
    from validate.findings import CODES

    out = ["| code | severity | layer | what it means | how to fix it |", "|---|---|---|---|---|"]
    out += [f"| `{c.code}` | {c.severity} | {c.layer} | {_cell(c.title)} | {_cell(c.fix)} |" for c in CODES.values()]
    return "\n".join(out)


def frictionless_types() -> str:
    """Every finding code with the frictionless error type of the same defect, from the one table."""
    from validate.findings import CODES, FRICTIONLESS_TYPES

    out = ["| code | frictionless error type |", "|---|---|"]
    for code in CODES:
        kind = FRICTIONLESS_TYPES.get(code)
        out.append(f"| `{code}` | {f'`{kind}`' if kind else 'none: not a frictionless check'} |")
    return "\n".join(out)


def claims_profile() -> str:
    """Every section of the x-claims declaration, with its properties, from validate.declarations."""
    import dataclasses

    from validate.declarations import FIELD_TYPES, LIST_SECTIONS, RECORD_SECTIONS

    out = [
        "| section | what it declares | properties (required in bold; the field's type when not string) |",
        "|---|---|---|",
    ]
    for name, kind in [*RECORD_SECTIONS.items(), *LIST_SECTIONS.items()]:
        fields = [
            (
                f"**`{f.name}`**"
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
                else f"`{f.name}`"
            )
            + (f" ({' or '.join(FIELD_TYPES[(name, f.name)])})" if (name, f.name) in FIELD_TYPES else "")
            for f in dataclasses.fields(kind)
        ]
        many = " (a list of these)" if name in LIST_SECTIONS else ""
        doc = (kind.__doc__ or "").strip().splitlines()[0]
        out.append(f"| `{name}` | {_cell(doc)}{many} | {', '.join(fields)} |")
    out += [
        "| `required` | Resources the package must declare. | a list of resource names |",
        "| `rules` | Path of the rules file (subsets, case limits, breakdowns). | a path in the package |",
        '| `units_per_year` | How many of each duration unit make a year (`{"months": 12}`). | unit: number |',
    ]
    return "\n".join(out)


def cli_help() -> str:
    """The validator's --help, as a user sees it."""
    from click.testing import CliRunner

    from validate.cli import main

    result = CliRunner().invoke(main, ["--help"], prog_name="python -m validate", terminal_width=100)
    return "```text\n" + result.output.rstrip() + "\n```"


SECTIONS = {
    "tables": tables_at_a_glance,
    "qualifiers": qualifier_readings,
    "data-dictionary": data_dictionary,
    "finding-codes": finding_codes,
    "frictionless-types": frictionless_types,
    "cli-help": cli_help,
    "claims-profile": claims_profile,
}


def render(readme: str) -> str:
    """README text with every generated section replaced by what it should say now."""
    for name, make in SECTIONS.items():
        pattern = re.compile(rf"(<!-- BEGIN {name} -->\n)(?:.*?\n)?(<!-- END {name} -->)", re.DOTALL)
        if not pattern.search(readme):
            raise click.ClickException(f"README.md has no markers for the {name} section")
        text = make()
        readme = pattern.sub(lambda m, text=text: m.group(1) + text + "\n" + m.group(2), readme)  # type: ignore[misc]
    return readme


THREAT_MODEL = "docs/threat-model.md"
"""A copy of the README's threat model, for readers sent straight to it (and options.py)."""


def threat_model(readme: str) -> str:
    """docs/threat-model.md: the README's "Threat model" section, word for word."""
    start = readme.index("\n## Threat model\n") + 1
    end = readme.find("\n## ", start)
    section = readme[start : end + 1 if end != -1 else len(readme)]
    return f"<!-- Generated from README.md by `make docs`: edit the README, not this file. -->\n\n{section}"


def _write(relative: str, text: str) -> None:
    """Write one generated file through the one writer: never through a link out of the repository."""
    from validate.writer import Writer, WriteRefused

    try:
        Writer(ROOT).replace(relative, text.encode("utf-8"))
    except WriteRefused as refused:
        raise click.ClickException(f"{refused}; {relative} was not written") from None


@click.command()
@click.option("--write", "mode", flag_value="write", help="Rewrite README.md's generated sections.")
@click.option("--check", "mode", flag_value="check", default=True, help="Exit 1 if README.md has drifted.")
def main(mode: str) -> None:
    """Generate the README's data dictionary, finding codes and --help from their sources."""
    path = ROOT / "README.md"
    current = path.read_text(encoding="utf-8")
    wanted = render(current)
    wanted_threats = threat_model(wanted)
    threats = ROOT / THREAT_MODEL
    current_threats = threats.read_text(encoding="utf-8") if threats.is_file() else ""
    if mode == "write":
        _write("README.md", wanted)
        _write(THREAT_MODEL, wanted_threats)
    elif wanted != current or wanted_threats != current_threats:
        click.echo("README.md or docs/threat-model.md has drifted from the schemas or code: run `make docs`", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
