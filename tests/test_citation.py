"""CITATION.cff: valid for cffconvert 2.0.0 and consistent with datapackage.json."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CITATION = ROOT / "CITATION.cff"
# Built by `make test` from requirements-cff.lock; cffconvert cannot live in .venv.
CFF_BIN = ROOT / ".venv-cff" / "bin"
CFFCONVERT = CFF_BIN / "cffconvert"
# .venv has no YAML stubs; the cffconvert environment's own parser reads the file instead.
LOAD_AS_JSON = (
    "import json, sys; from ruamel.yaml import YAML; "
    "print(json.dumps(YAML(typ='safe').load(open(sys.argv[1], encoding='utf-8')), default=str))"
)


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    """Run ``cffconvert --validate`` on path."""
    assert CFFCONVERT.is_file(), "cffconvert is missing: run `make test` to build .venv-cff"
    return subprocess.run(
        [str(CFFCONVERT), "--validate", "-i", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_citation_validates() -> None:
    completed = validate(CITATION)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_a_broken_citation_fails_validation(tmp_path: Path) -> None:
    broken = tmp_path / "CITATION.cff"
    text = CITATION.read_text(encoding="utf-8")
    assert "type: dataset\n" in text
    broken.write_text(text.replace("type: dataset\n", "type: spreadsheet\n"), encoding="utf-8")

    completed = validate(broken)

    assert completed.returncode != 0


def load_citation() -> dict[str, Any]:
    """CITATION.cff parsed by the YAML library cffconvert itself uses."""
    completed = subprocess.run(
        [str(CFF_BIN / "python"), "-c", LOAD_AS_JSON, str(CITATION)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    citation: dict[str, Any] = json.loads(completed.stdout)
    return citation


def test_citation_agrees_with_the_descriptor() -> None:
    citation = load_citation()
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    assert citation["type"] == "dataset"
    assert citation["title"] == descriptor["title"]
    assert citation["version"] == descriptor["version"]
    assert citation["abstract"] == descriptor["description"]
    assert citation["keywords"] == descriptor["keywords"]
    assert citation["license"] == descriptor["licenses"][0]["name"]
    assert citation["date-released"] == descriptor["created"][:10]  # the release day, as the descriptor dates it
    assert citation["authors"] == [{"name": "UK online CSA policing data maintainers"}]
