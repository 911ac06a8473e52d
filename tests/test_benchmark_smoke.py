"""The benchmark at a tiny size, as CI runs it: the generated package is valid, and injected defects are found.

No timing is asserted: CI machines vary too much for that. The full benchmark is `make bench`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ROWS = 2000
TIMEOUT = 300


def generate(out: Path, *extra: str) -> None:
    """Run the generator as its users do."""
    subprocess.run(
        [sys.executable, "-m", "benchmarks.generate", str(out), "--rows", str(ROWS), *extra],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )


def validate(package: Path) -> tuple[int, dict[str, Any]]:
    """Our validator's exit code and JSON report on the package."""
    done = subprocess.run(
        [sys.executable, "-m", "validate", str(package), "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    return done.returncode, json.loads(done.stdout)


def test_generated_package_is_valid(tmp_path: Path) -> None:
    """A generated package passes every check, so the benchmark measures a full run."""
    generate(tmp_path / "package")
    code, report = validate(tmp_path / "package")
    assert code == 0, report["findings"][:20]
    assert report["counts"]["error"] == 0 and report["counts"]["warning"] == 0


def test_injected_defects_are_exactly_the_errors(tmp_path: Path) -> None:
    """With --defects 3 the validator fails and reports exactly the manifest's defects."""
    package = tmp_path / "package"
    generate(package, "--defects", "3", "--seed", "7")
    manifest = json.loads((package / "defects.json").read_text(encoding="utf-8"))
    assert len(manifest) == 3
    code, report = validate(package)
    assert code == 1
    found = {(f["code"], f["file"], f["line"], f["field"]) for f in report["findings"] if f["severity"] == "error"}
    injected = {(d["code"], d["file"], d["line"], d["field"]) for d in manifest}
    assert found == injected


def test_generator_is_deterministic(tmp_path: Path) -> None:
    """The same seed writes the same bytes, so a benchmark run can be reproduced."""
    generate(tmp_path / "a", "--seed", "5")
    generate(tmp_path / "b", "--seed", "5")
    first = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*") if p.is_file()}
    second = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*") if p.is_file()}
    assert first == second


def test_the_real_package_target_says_above_or_below_the_floor() -> None:
    from benchmarks.run import Measure, targets

    def runs(seconds: float) -> Measure:
        return Measure(seconds, 100.0, (0,), 3)

    below = targets([], (runs(0.86), runs(0.64)), runs(0.1), [], runs(0.91))[2]
    above = targets([], (runs(1.14), runs(0.81)), runs(0.1), [], runs(1.03))[2]
    assert "0.05 s below the import floor (0.91 s)" in below
    assert "0.11 s above the import floor (1.03 s)" in above
    assert below.endswith("**met**.") and above.endswith("**met**.")
