"""The command's first step (``python -m validate``, ``ocsa-validate``): check that it can run.

A Python older than the project needs, or a dependency that is not installed, is told in one
line on standard error with exit 3 (internal failure), never as a traceback with exit 1,
which means "invalid" to a CI step or a pre-commit hook. This module imports only the
standard library and parses on old Pythons, so that it can say so there.
"""

from __future__ import annotations

import sys

EXIT_INTERNAL = 3
MINIMUM_PYTHON = (3, 11)
# The import name of each dependency in pyproject.toml's [project] dependencies (a test keeps
# the two lists alike). Looked up, not imported: finding a module costs microseconds.
DEPENDENCIES = {
    "click": "click",
    "duckdb": "duckdb",
    "frictionless": "frictionless",
    "pandas": "pandas",
    "pandera": "pandera",
    "pyarrow": "pyarrow",
    "python-dateutil": "dateutil",
    "PyYAML": "yaml",
}


def problem() -> str | None:
    """Why the validator cannot run with this interpreter, in one line, or None when it can."""
    if sys.version_info < MINIMUM_PYTHON:
        found = ".".join(str(part) for part in sys.version_info[:3])
        wanted = ".".join(str(part) for part in MINIMUM_PYTHON)
        return f"error: the validator needs Python {wanted} or later; {sys.executable} is Python {found}"
    import importlib.util

    missing = []
    for distribution, module in DEPENDENCIES.items():
        try:
            found_spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):  # a broken parent package, or a module set to None
            found_spec = None
        if found_spec is None:
            missing.append(distribution)
    if missing:
        return (
            f"error: missing dependenc{'y' if len(missing) == 1 else 'ies'} {', '.join(missing)} for {sys.executable}; "
            "install the validator with pip, which installs them too (not with --no-deps)"
        )
    return None


def run() -> None:
    """Check the interpreter and the dependencies, then run the command line."""
    message = problem()
    if message is not None:
        print(message, file=sys.stderr)
        sys.exit(EXIT_INTERNAL)
    from validate.cli import run as run_command

    run_command()
