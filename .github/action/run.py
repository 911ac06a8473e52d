"""The run step of the composite action in action.yml: validate a package, annotate, summarise.

The action passes its inputs in environment variables, never in the command line or the
shell code, so that no input can inject a command:

    INPUT_PACKAGE   package directory, relative to the workspace (default ".")
    INPUT_FORMAT    text, json, github or markdown (default "github")
    INPUT_STRICT    "true" or "false" (default "false"): fail on warnings as well

It runs `python -m validate PACKAGE --format FORMAT [--strict]` with the interpreter that
runs this script, printing its report to standard output (with --format github, GitHub
turns the lines into annotations). Annotation paths are made relative to the workspace,
so that they land on the pull request's lines when the package is not at the root. When
GITHUB_STEP_SUMMARY names a file, the Markdown report is appended to it. The exit code is
the validator's: 0 valid, 1 invalid, 2 usage error, 3 internal failure (a Python older than
3.11, or a dependency that is not installed, is told in one line with exit 3).

Run it by hand the same way: INPUT_PACKAGE=. python .github/action/run.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

FORMATS = ("text", "json", "github", "markdown")
EXIT_USAGE = 2
EXIT_INTERNAL = 3
MINIMUM_PYTHON = (3, 11)
ANNOTATION_KINDS = ("::error ", "::warning ", "::notice ")


def parse_bool(name: str, value: str) -> bool:
    """An action input read as a boolean: true/false in any case, anything else is refused."""
    lowered = value.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    raise ValueError(f"{name} must be 'true' or 'false', not {value!r}")


def escape_property(value: str) -> str:
    """Escape a workflow command property value as GitHub requires."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")


def workspace_prefix(package: Path, workspace: Path) -> str:
    """The package directory relative to the workspace, with a trailing '/', or '' at its root.

    A package outside the workspace gets no prefix: GitHub cannot place such annotations
    on a file of the repository anyway.
    """
    try:
        relative = package.resolve().relative_to(workspace.resolve())
    except ValueError:
        return ""
    text = relative.as_posix()
    return "" if text == "." else text + "/"


def prefix_annotations(output: str, prefix: str) -> str:
    """Put prefix before the file= property of every annotation line; other lines are unchanged."""
    if not prefix:
        return output
    escaped = escape_property(prefix)
    lines = output.split("\n")
    for index, line in enumerate(lines):
        if not line.startswith(ANNOTATION_KINDS) or "::" not in line[2:]:
            continue
        head, _, message = line[2:].partition("::")
        kind, _, props = head.partition(" ")
        parts = [f"file={escaped}{p[5:]}" if p.startswith("file=") else p for p in props.split(",")]
        lines[index] = f"::{kind} {','.join(parts)}::{message}"
    return "\n".join(lines)


def validator_command(package: str, format_: str, strict: bool) -> list[str]:
    """The validator's command line for one report.

    -P keeps the working directory off the module path: run in the workspace, ``-m validate``
    would otherwise import a folder named ``validate`` there (this repository's own source, in
    its self-test, or anything of an adopting repository) instead of the installed validator.
    """
    return [sys.executable, "-P", "-m", "validate", package, "--format", format_, *(["--strict"] if strict else [])]


def main(environ: Mapping[str, str]) -> int:
    """Run the action step with the given environment; return its exit code."""
    if sys.version_info < MINIMUM_PYTHON:
        # One line and exit 3, as the validator itself says it: exit 1 would read as "invalid".
        found = ".".join(str(part) for part in sys.version_info[:3])
        print(f"::error title=Python too old::the validator needs Python 3.11 or later; this is Python {found}")
        return EXIT_INTERNAL
    package = environ.get("INPUT_PACKAGE", "").strip() or "."
    format_ = environ.get("INPUT_FORMAT", "").strip() or "github"
    try:
        strict = parse_bool("strict", environ.get("INPUT_STRICT", "").strip() or "false")
    except ValueError as error:
        print(f"::error title=invalid input::{error}")
        return EXIT_USAGE
    if format_ not in FORMATS:
        print(f"::error title=invalid input::format must be one of {', '.join(FORMATS)}, not {format_!r}")
        return EXIT_USAGE

    done = subprocess.run(validator_command(package, format_, strict), capture_output=True, text=True, check=False)
    output = done.stdout
    if format_ == "github":
        workspace = Path(environ.get("GITHUB_WORKSPACE") or os.getcwd())
        output = prefix_annotations(output, workspace_prefix(Path(package), workspace))
    sys.stdout.write(output)
    sys.stderr.write(done.stderr)
    sys.stdout.flush()

    summary_path = environ.get("GITHUB_STEP_SUMMARY", "")
    if summary_path:
        summary = subprocess.run(
            validator_command(package, "markdown", strict), capture_output=True, text=True, check=False
        )
        text = summary.stdout
        if summary.returncode not in (0, 1):
            text += (
                f"\nThe validator stopped with exit code {summary.returncode}; see the step's log for its message.\n"
            )
        heading, _, rest = text.partition("\n")
        with open(summary_path, "a", encoding="utf-8") as handle:
            handle.write(f"{heading}\n\nPackage directory: `{package}`\n{rest}\n")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(os.environ))
