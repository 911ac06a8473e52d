"""Run a publishing command's work on the validated package: its findings or refusals, never a
traceback. Exit codes are the validator's: 1 invalid package or refused build, 3 internal failure."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:
    from publish.package import Package

EXIT_INVALID, EXIT_INTERNAL = 1, 3
T = TypeVar("T")


def guarded(package_dir: Path, work: Callable[[Package], T]) -> T:
    """Load the package through the validator, then do the work; findings and refusals, never a traceback."""
    from publish.package import InvalidPackage, PackageError, load_package
    from validate.render import RENDERERS
    from validate.writer import WriteRefused

    try:
        return work(load_package(package_dir))
    except InvalidPackage as invalid:
        click.echo(RENDERERS["text"](invalid.report), err=True, nl=False)
        click.echo("Nothing was written: fix the errors above first.", err=True)
        sys.exit(EXIT_INVALID)
    except (PackageError, WriteRefused) as error:
        raise click.ClickException(f"{error}\nNothing was written.") from error
    except click.ClickException:
        raise
    except Exception as error:  # a bug of ours: say so, in one line, with the exit code for it
        click.echo(f"internal error: {type(error).__name__}: {error}", err=True)
        sys.exit(EXIT_INTERNAL)
