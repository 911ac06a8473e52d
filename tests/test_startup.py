"""Start-up in proportion to what runs: a package that declares no claims (and no constraints) does
not import the provenance, coverage and consistency machinery, DuckDB or pandera."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "tests" / "fixtures" / "third_party" / "currency-codes"
PROBE = (
    "import json, sys\n"
    "from pathlib import Path\n"
    "from validate.runner import validate_package\n"
    "report = validate_package(Path(sys.argv[1]))\n"
    "print(json.dumps([report.valid, sorted(sys.modules)]))\n"
)
NOT_NEEDED = [
    "duckdb",
    "pandera",
    "validate.checks.coverage",
    "validate.checks.consistency",
    "validate.coverage",
    "validate.gaps",
    "validate.printed",
]


def test_a_package_without_claims_imports_only_what_its_checks_need() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(PACKAGE)], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    valid, modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert valid
    assert [m for m in NOT_NEEDED if m in modules] == []


def test_the_benchmark_reports_the_median_ratio_over_the_parity_packages() -> None:
    from benchmarks.run import Measure, parity_lines

    def timed(seconds: float) -> Measure:
        return Measure(seconds, 100.0, (0,), 3)

    measured = [("a", timed(1.0), timed(1.0)), ("b", timed(3.0), timed(2.0)), ("c", timed(1.0), timed(2.0))]
    text = "\n".join(parity_lines((1.0, measured)))
    assert "| `b` | 3.00 | 2.00 | 1.50× |" in text
    assert "Median time ratio over them: 1.00× frictionless; target ≤ 1.2×: **met**" in text
