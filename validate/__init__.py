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

from validate.findings import CODES, Code, Finding
from validate.options import Options
from validate.runner import Report, validate_package

__all__ = ["CODES", "Code", "Finding", "Options", "Report", "validate_package"]
__version__ = "0.1.0"
# A marker other distributions named ``validate`` do not have, so a test can prove
# the environment resolves the import name to this project.
PROJECT = "uk-online-csa-policing"
