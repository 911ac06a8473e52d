"""frictionless 5's verdict on each fixture in tests/fixtures/third_party, recorded.

How VERDICTS was computed: with frictionless 5.21.0 (the version requirements.lock pins),
offline, by running this module from the repository root:

    unshare -n .venv/bin/python tests/third_party_verdicts.py

which runs `frictionless validate --json DESCRIPTOR` in each fixture's folder in a network
namespace with no interfaces (unshare -n; where that is not allowed, the run falls back to
HTTP(S)_PROXY set to a closed local port, so that any fetch fails at once), and prints the
dictionary below. frictionless checks v1 and v2 descriptors against the profiles it ships,
so nothing else needs the network; the URL of remote-path is on the reserved .invalid domain
and its fetch fails, which frictionless reports as a scheme-error, and camtrap-dp's profile
URL cannot be fetched offline either (a metadata-error, at which frictionless stops).

Each verdict is a projection of frictionless's report: whether it is valid, and the
(type, rowNumber, fieldName) of every error, sorted; rowNumber counts the header as row 1.
tests/test_third_party_parity.py checks that frictionless still says the same.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, NamedTuple

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "third_party"
FRICTIONLESS = Path(sys.executable).parent / "frictionless"
TIMEOUT = 180
# A closed port on the loopback: any HTTP(S) request fails at once instead of going out.
OFFLINE_ENV = {
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "NO_PROXY": "",
    "no_proxy": "",
}

ErrorKey = tuple[str, int | None, str | None]  # frictionless type, rowNumber, fieldName


class Verdict(NamedTuple):
    valid: bool
    errors: tuple[ErrorKey, ...]


VERDICTS: dict[str, Verdict] = {
    "camtrap-dp": Verdict(valid=False, errors=(("metadata-error", None, None),)),
    "co2-ppm": Verdict(
        valid=False,
        errors=(
            ("blank-row", 2, None),
            ("extra-cell", 2, ""),
            ("extra-cell", 3, ""),
            ("extra-cell", 4, ""),
            ("extra-cell", 5, ""),
            ("extra-cell", 6, ""),
            ("extra-cell", 7, ""),
            ("extra-cell", 8, ""),
            ("extra-cell", 9, ""),
        ),
    ),
    "co2-ppm-bad-cell": Verdict(
        valid=False,
        errors=(
            ("blank-row", 2, None),
            ("extra-cell", 2, ""),
            ("extra-cell", 3, ""),
            ("extra-cell", 4, ""),
            ("extra-cell", 5, ""),
            ("extra-cell", 6, ""),
            ("extra-cell", 7, ""),
            ("extra-cell", 8, ""),
            ("extra-cell", 9, ""),
            ("type-error", 3, "Average"),
        ),
    ),
    "currency-codes": Verdict(valid=True, errors=()),
    "currency-codes-bad-cell": Verdict(valid=False, errors=(("type-error", 2, "NumericCode"),)),
    "frictionless-r-v1": Verdict(valid=True, errors=()),
    "frictionless-r-v2": Verdict(valid=True, errors=()),
    "frictionless-r-v2-bad-cell": Verdict(valid=False, errors=(("type-error", 6, "count"),)),
    "gdp-v1": Verdict(valid=True, errors=()),
    "gdp-v1-bad-cell": Verdict(valid=False, errors=(("type-error", 7, "Value"),)),
    "inline-data": Verdict(valid=True, errors=()),
    "inline-data-bad-cell": Verdict(valid=False, errors=(("type-error", 4, "Value"),)),
    "remote-path": Verdict(valid=False, errors=(("scheme-error", None, None),)),
    "semicolon-dialect": Verdict(valid=True, errors=()),
    "semicolon-dialect-bad-cell": Verdict(valid=False, errors=(("type-error", 5, "Year"),)),
    "tsv": Verdict(valid=True, errors=()),
    "tsv-bad-cell": Verdict(valid=False, errors=(("type-error", 2, "Value"),)),
    "yaml-descriptor": Verdict(valid=True, errors=()),
    "yaml-descriptor-bad-cell": Verdict(valid=False, errors=(("type-error", 6, "Year"),)),
}


def descriptor_name(fixture: Path) -> str:
    """datapackage.json, or the YAML descriptor where the fixture has no JSON one."""
    for name in ("datapackage.json", "datapackage.yaml", "datapackage.yml"):
        if (fixture / name).is_file():
            return name
    raise FileNotFoundError(f"no descriptor in {fixture.name}")


def frictionless_report(fixture: Path, isolate: bool = False) -> dict[str, Any]:
    """frictionless's JSON report on a fixture, with every HTTP(S) request sent to a closed port.

    isolate also runs it in a network namespace of its own (unshare -n), when allowed.
    """
    command = [str(FRICTIONLESS), "validate", "--json", descriptor_name(fixture)]
    unshare = shutil.which("unshare")
    if isolate and unshare:
        allowed = subprocess.run([unshare, "-n", "true"], capture_output=True, check=False).returncode == 0
        command = [unshare, "-n", *command] if allowed else command
    done = subprocess.run(
        command,
        cwd=fixture,
        env={**os.environ, **OFFLINE_ENV},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def errors_of(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Every error of a report, each with the place (path, URL or '<memory>') and name of its resource."""
    found = [dict(e, place=None, resource=None) for e in report.get("errors", [])]
    for task in report.get("tasks", []):
        found += [dict(e, place=task.get("place"), resource=task.get("name")) for e in task.get("errors", [])]
    return found


def project(report: dict[str, Any]) -> Verdict:
    """valid, and the sorted (type, rowNumber, fieldName) of every error."""
    keys = [(e["type"], e.get("rowNumber"), e.get("fieldName")) for e in errors_of(report)]
    return Verdict(valid=bool(report["valid"]), errors=tuple(sorted(keys, key=lambda k: (k[0], k[1] or 0, k[2] or ""))))


def fixture_names() -> list[str]:
    """Every fixture folder, sorted."""
    return sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


if __name__ == "__main__":
    print("VERDICTS: dict[str, Verdict] = {")
    for name in fixture_names():
        print(f"    {name!r}: {project(frictionless_report(FIXTURES / name, isolate=True))!r},")
    print("}")
