"""Validator for the UK online child sexual abuse policing data package.

Run it as ``python -m validate [PACKAGE_DIR]`` or ``ocsa-validate``, or from Python::

    from pathlib import Path
    from validate import Options, validate_package

    report = validate_package(Path("."), Options(max_findings_per_code=50))
    for finding in report.findings:
        print(finding.code, finding.file, finding.line, finding.field)
    print("valid" if report.valid else "invalid")

The command line is a thin layer over this API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from validate.findings import CODES, Code, Finding
    from validate.options import Options
    from validate.runner import Report, validate_package

__all__ = ["CODES", "Code", "Finding", "Options", "Report", "validate_package"]
__version__ = "0.2.0"
# A marker other distributions named ``validate`` do not have, so a test can prove
# the environment resolves the import name to this project.
PROJECT = "uk-online-csa-policing"

# Where each public name lives. Importing the package itself imports no dependency, so that
# the command's start-up check (validate.startup) can run first and say in one line that a
# dependency is missing or Python is too old, instead of a traceback.
_HOMES = {
    "CODES": "validate.findings",
    "Code": "validate.findings",
    "Finding": "validate.findings",
    "Options": "validate.options",
    "Report": "validate.runner",
    "validate_package": "validate.runner",
}


def __getattr__(name: str) -> Any:
    """The public names, imported from their modules on first use."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'validate' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
