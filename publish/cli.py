"""Command line: ``python -m publish build`` and ``python -m publish chart``.

Both load and judge the package with the validator first and write nothing when it has
errors. Exit codes are the validator's: 0 done, 1 invalid package or refused build,
2 usage error, 3 internal failure.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from publish.guard import guarded as _guarded

if TYPE_CHECKING:
    from publish.package import Package

PACKAGE_DIR = click.argument(
    "package_dir",
    default=".",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Build the release outputs of the data package."""


@main.command(short_help="Write the release: the SQLite database, metadata.json and the zip.")
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
    """Write the SQLite database, datasette metadata.json, the release zip, the flat figures CSV and the workbook."""
    from publish.database import build_database, foreign_key_violations
    from publish.flat import FLAT_PATH, write_file
    from publish.metadata import write_metadata
    from publish.release import build_release, check_outputs, release_files, release_problems
    from publish.workbook import release_assets

    def work(package: Package) -> None:
        # Everything is judged before anything is written: names, dates, inputs, targets.
        problems = release_problems(package)
        if problems:
            raise click.ClickException(
                "the release cannot be built, so nothing was written:\n  " + "\n  ".join(problems)
            )
        files = release_files(package)  # read (and refused) before anything is written
        assets = release_assets(package)  # the flat CSV and the workbook, likewise
        files[FLAT_PATH] = assets[f"{package.stem}-figures.csv"]
        check_outputs(out_dir, [f"{package.stem}.sqlite", "metadata.json", f"{package.stem}.zip", *assets])
        database = build_database(package, out_dir)
        violations = foreign_key_violations(database)
        if violations:
            # The database is left in place so the violations can be inspected with SQL.
            lines = "\n".join(f"  {table} rowid {rowid} -> {parent}" for table, rowid, parent, _ in violations)
            raise click.ClickException(f"{database}: foreign key violations:\n{lines}")
        click.echo(database)
        click.echo(write_metadata(package, database, out_dir))
        click.echo(build_release(package, files, out_dir))
        for name, data in assets.items():
            click.echo(write_file(out_dir / name, data))

    _guarded(package_dir, work)


@main.command(short_help="Draw the outcomes chart (docs/figures.png by default).")
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

    summary = _guarded(package_dir, lambda package: draw_chart(package, out))
    counts = ", ".join(f"{kind} {count}" for kind, count in summary.by_class.items())
    click.echo(f"{out}: {summary.total} figures in {len(summary.panels)} panels ({counts})")
