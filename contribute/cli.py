"""Command line of the commands that edit the package. Exit codes: 0 done, 1 refused, 2 usage, 3 internal."""

from __future__ import annotations

import sys
from pathlib import Path

import click

EXIT_REFUSED, EXIT_INTERNAL = 1, 3

PACKAGE = click.option(
    "--package",
    "package_dir",
    default=".",
    show_default=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The package directory.",
)


def _field_value(text: str) -> tuple[str, str]:
    """NAME=VALUE as a pair, or a usage error."""
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise click.BadParameter(f"{text!r} is not NAME=VALUE", param_hint="--field")
    return name, value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Edit the data package: add a source text, list the numbers still to enter."""


@main.command("add-source", short_help="Archive a source text and add its sources row and resource.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--id", "source_id", required=True, help="The new source's id (lower case, digits, - and _).")
@click.option(
    "--field",
    "fields",
    multiple=True,
    metavar="NAME=VALUE",
    help="A value for another field of the new sources row (repeatable), e.g. --field title='...'.",
)
@click.option(
    "--retrieved-from",
    metavar="URL",
    help="The web address the text was saved from (recorded apart from any address the text prints).",
)
@click.option("--retrieved-on", metavar="DATE", help="The day the text was saved (YYYY-MM-DD, not in the future).")
@PACKAGE
def add_source_command(
    file: Path,
    source_id: str,
    fields: tuple[str, ...],
    retrieved_from: str | None,
    retrieved_on: str | None,
    package_dir: Path,
) -> None:
    """Archive FILE byte for byte and register it: the sources row and the descriptor resource, together.

    Afterwards the validator lists each number of the new text as uncovered: enter each as a
    figure row (see `numbers --draft`) or as an exclusion.
    """
    from contribute.add_source import Refused, add_source
    from validate.render import RENDERERS
    from validate.runner import Report

    values = dict(_field_value(f) for f in fields)
    try:
        added = add_source(package_dir, file, source_id, values, retrieved_from, retrieved_on)
    except Refused as refused:
        if refused.findings:
            click.echo(RENDERERS["text"](Report(refused.findings)), err=True, nl=False)
        click.echo(f"Refused: {refused}", err=True)
        sys.exit(EXIT_REFUSED)
    except KeyboardInterrupt:
        click.echo("Interrupted: nothing was changed.", err=True)
        sys.exit(EXIT_REFUSED)
    except Exception as error:  # a bug of ours: one line and its own exit code, never a traceback
        click.echo(f"internal error: {type(error).__name__}: {error}", err=True)
        sys.exit(EXIT_INTERNAL)
    todo = [f for f in added.report.findings if f.file == added.archive and f.severity == "error"]
    click.echo(f"Archived {added.archive} ({added.size} bytes, sha256 {added.sha256}) as source {added.source_id!r}.")
    click.echo(f"{len(todo)} numbers of the new text are not yet accounted for:")
    for item in todo:
        click.echo(f"  {item.file}:{item.line}: {item.message}")
    click.echo(f"Next: python -m contribute numbers {added.source_id} --draft")


@main.command("numbers", short_help="List the numbers a source prints and what accounts for each.")
@click.argument("source_id")
@click.option("--draft", is_flag=True, help="Print draft figure rows (CSV) for the numbers not yet covered.")
@PACKAGE
def numbers_command(source_id: str, draft: bool, package_dir: Path) -> None:
    """List every number SOURCE_ID's archived text prints: its line, words, and what accounts for it.

    With --draft, print instead a CSV of draft figure rows for the numbers not yet covered: id,
    source, number, line and verbatim quote filled, the qualifier where the words plainly say
    it; what the figure counts and what it is about are left for you.
    """
    from contribute.numbers import Unknown, draft_rows, ledger, listing

    try:
        package, found = ledger(package_dir, source_id)
        click.echo(draft_rows(package, found) if draft else listing(found), nl=False)
    except Unknown as unknown:
        click.echo(f"Refused: {unknown}", err=True)
        sys.exit(EXIT_REFUSED)
    except Exception as error:  # a bug of ours: one line and its own exit code, never a traceback
        click.echo(f"internal error: {type(error).__name__}: {error}", err=True)
        sys.exit(EXIT_INTERNAL)
