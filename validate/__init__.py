"""Validator for the UK online child sexual abuse policing data package.

Run it as ``python -m validate [PACKAGE_DIR]`` or ``ocsa-validate``. The library
entry point is :func:`validate.runner.validate_package`.
"""

from __future__ import annotations

__version__ = "0.1.0"
# A marker other distributions named ``validate`` do not have, so a test can prove
# the environment resolves the import name to this project.
PROJECT = "uk-online-csa-policing"
