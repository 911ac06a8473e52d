"""Command line: ``python -m publish build`` and ``python -m publish chart``."""

from __future__ import annotations

from pathlib import Path

import click

PACKAGE_DIR = click.argument(
    "package_dir",
    default=".",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)


@click.group()
def main() -> None:
    """Build the release outputs of the data package."""


@main.command()
@PACKAGE_DIR
@click.option(
    "--out",
    "out_dir",
    default="dist",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for the database, its datasette metadata and the release zip.",
)
def build(package_dir: Path, out_dir: Path) -> None:
    """Write the SQLite database, datasette metadata.json and the release zip."""
    from publish.database import build_database, foreign_key_violations
    from publish.metadata import write_metadata
    from publish.package import PackageError, load_package
    from publish.release import build_release

    try:
        package = load_package(package_dir)
        database = build_database(package, out_dir)
        violations = foreign_key_violations(database)
        if violations:
            # The database is left in place so the violations can be inspected with SQL.
            lines = "\n".join(
                f"  {table} rowid {rowid} -> {parent}" for table, rowid, parent, _ in violations
            )
            raise click.ClickException(f"{database}: foreign key violations:\n{lines}")
        click.echo(database)
        click.echo(write_metadata(package, database, out_dir))
        click.echo(build_release(package, out_dir))
    except PackageError as error:
        raise click.ClickException(str(error)) from error


@main.command()
@PACKAGE_DIR
@click.option(
    "--out",
    default="docs/figures.png",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="PNG file to write.",
)
def chart(package_dir: Path, out: Path) -> None:
    """Draw the outcomes chart: exact figures, lower bounds and intervals told apart."""
    from publish.chart import draw_chart
    from publish.package import PackageError, load_package

    try:
        summary = draw_chart(load_package(package_dir), out)
    except PackageError as error:
        raise click.ClickException(str(error)) from error
    counts = ", ".join(f"{kind} {count}" for kind, count in summary.by_class.items())
    click.echo(f"{out}: {summary.total} figures in {len(summary.panels)} panels ({counts})")
