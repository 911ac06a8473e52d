"""Limits and switches that shape a validation run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Options:
    """What a run may read, and how strictly it judges."""

    max_file_bytes: int = 512 * 1024 * 1024
    """Largest file read, in bytes; bigger files get one finding and are not read."""
    max_line_bytes: int = 1024 * 1024
    """Longest physical line accepted in a CSV, in bytes."""
    max_descriptor_bytes: int = 16 * 1024 * 1024
    """Largest datapackage.json or schema read, in bytes."""
    max_findings_per_code: int = 1000
    """Findings of one code in one file beyond this are summarised in one finding."""
