"""The command line: parse options, call the library, render, set the exit code."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from validate.options import Options

EXIT_VALID, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
_DEFAULTS = Options()


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("package_dir", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--format",
    "format_",
    type=click.Choice(["text", "json", "github", "markdown"]),
    default="text",
    show_default=True,
    help="How to print the findings.",
)
@click.option("--strict", is_flag=True, help="Fail on warnings as well as errors.")
@click.option(
    "--max-file-bytes",
    type=click.IntRange(min=1),
    default=_DEFAULTS.max_file_bytes,
    show_default=True,
    help="Largest file read.",
)
@click.option(
    "--max-descriptor-bytes",
    type=click.IntRange(min=1),
    default=_DEFAULTS.max_descriptor_bytes,
    show_default=True,
    help="Largest datapackage.json, schema or rules file read.",
)
@click.option(
    "--max-line-bytes",
    type=click.IntRange(min=1),
    default=_DEFAULTS.max_line_bytes,
    show_default=True,
    help="Longest CSV line accepted.",
)
@click.option(
    "--max-findings",
    type=click.IntRange(min=1),
    default=_DEFAULTS.max_findings_per_code,
    show_default=True,
    help="Findings listed per code and file before the rest are summarised.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=_DEFAULTS.jobs,
    show_default=True,
    help="Checks run at once, at most, in threads (one where no table has 1,000 rows); "
    "the report is the same for any number.",
)
@click.option("--debug", is_flag=True, help="Show a traceback on internal failure.")
@click.version_option(package_name="uk-online-csa-policing")
def main(
    package_dir: Path,
    format_: str,
    strict: bool,
    max_file_bytes: int,
    max_descriptor_bytes: int,
    max_line_bytes: int,
    max_findings: int,
    jobs: int,
    debug: bool,
) -> None:
    """Validate the data package in PACKAGE_DIR (default: the current directory).

    Checks structure, types and constraints, provenance (quotes in their sources,
    figures in their quotes) and consistency (figures agree as intervals, parts within
    wholes, dates in order). Exit 0 valid, 1 invalid, 2 usage error, 3 internal failure.
    """
    from validate.render import RENDERERS
    from validate.runner import validate_package

    options = Options(
        max_file_bytes=max_file_bytes,
        max_descriptor_bytes=max_descriptor_bytes,
        max_line_bytes=max_line_bytes,
        max_findings_per_code=max_findings,
        jobs=jobs,
    )
    if not package_dir.is_dir():
        raise click.UsageError(f"{package_dir} is not a directory")
    _return_freed_memory()
    try:
        report = validate_package(package_dir, options, strict=strict)
    except Exception as error:
        if debug:
            raise
        click.echo(f"internal error: {type(error).__name__}: {error} (rerun with --debug)", err=True)
        sys.exit(EXIT_INTERNAL)
    click.echo(RENDERERS[format_](report), nl=False)
    sys.exit(EXIT_VALID if report.valid else EXIT_INVALID)


def _return_freed_memory() -> None:
    """Let Arrow allocate with the C library's malloc, which hands freed memory back, unless the
    environment chooses a pool (ARROW_DEFAULT_MEMORY_POOL). Arrow's default, mimalloc, keeps
    what each check frees: with two checks at once, a million rows peaked at 1.1 GB, not 0.94."""
    import os

    if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
        import pyarrow as pa

        pa.set_memory_pool(pa.system_memory_pool())


def run() -> None:
    """The command as a process of its own (``python -m validate``, ``ocsa-validate``): main, then
    an exit that does not free what the run built. Freeing a million rows' tables, strings and
    modules one by one took 0.2 s after the report was written; the system takes the memory
    back at once. Called in-process (tests, other tools), main exits as any click command does."""
    import gc
    import os

    # The run keeps its data in Arrow and numpy buffers, which the cycle collector never
    # traverses, but its default thresholds (700, 10, 10) still made it walk the hundred
    # thousand objects of the imported libraries hundreds of times: 0.1 s on the package
    # itself, 0.2 s at a million rows. Young cycles are still collected, every 100,000
    # allocations; the older ones go with the process.
    gc.set_threshold(100_000, 50, 100)
    # pandera offers data synthesis where hypothesis is installed (a test dependency here), and
    # imports it at its first validation: 0.08 s of every run, for strategies the validator never
    # asks for. Marked absent, pandera goes without them; the process ends with the report.
    if "hypothesis" not in sys.modules:
        sys.modules["hypothesis"] = None  # type: ignore[assignment]
    try:
        main()
    except SystemExit as done:
        code = done.code
    else:  # pragma: no cover - click's main always exits
        code = 0
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)  # as Python does for sys.exit("message")
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # the reader went away (a closed pipe): Python's own exit says 120
        code = 120
    os._exit(code or 0)
