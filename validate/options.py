"""Limits and switches that shape a validation run.

The limits bound what an untrusted package can make the validator read; each is documented
with its flag in docs/threat-model.md. A file over a limit gets one finding and is not read.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Options:
    """What a run may read, and how strictly it judges."""

    max_file_bytes: int = 512 * 1024 * 1024
    """Largest file read, in bytes (--max-file-bytes); bigger files get one finding and are not read."""
    max_line_bytes: int = 1024 * 1024
    """Longest physical line accepted in a CSV, in bytes (--max-line-bytes)."""
    max_descriptor_bytes: int = 16 * 1024 * 1024
    """Largest datapackage.json, schema or rules file read, in bytes; never above max_file_bytes."""
    max_findings_per_code: int = 1000
    """Findings of one code in one file beyond this are summarised in one finding (--max-findings)."""
    jobs: int = 2
    """Checks run at once, at most, in threads (--jobs); 1 runs them one after another, as does a
    package whose tables all have under 1,000 rows (validate.bulk). The report is the same."""
