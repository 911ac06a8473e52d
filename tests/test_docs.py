"""Generated documentation stays in step with the schemas and the code."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from validate import docs
from validate.cli import main


def test_readme_matches_schemas_codes_and_help() -> None:
    current = (ROOT / "README.md").read_text(encoding="utf-8")
    assert docs.render(current) == current, "README.md has drifted: run `make docs`"


def test_drift_is_detected_when_a_schema_description_changes() -> None:
    current = (ROOT / "README.md").read_text(encoding="utf-8")
    stale = current.replace("Stable identifier of the source document.", "An old description.")
    assert stale != current
    assert docs.render(stale) == current


def test_every_command_and_option_has_help() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for option in main.params:
        assert option.name == "package_dir" or getattr(option, "help", None), option.name


def test_threat_model_file_is_the_readme_section_word_for_word() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    copy = (ROOT / docs.THREAT_MODEL).read_text(encoding="utf-8")
    # Written by hand from what the file promises: a one-line note, then the README's section.
    start = readme.index("\n## Threat model\n") + 1
    end = readme.index("\n## ", start) + 1
    assert copy.split("\n", 2)[2] == readme[start:end], "docs/threat-model.md has drifted: run `make docs`"


def test_threat_model_drift_is_caught_by_the_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("README.md", docs.THREAT_MODEL):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    stale = (tmp_path / docs.THREAT_MODEL).read_text(encoding="utf-8").replace("hostile", "friendly", 1)
    (tmp_path / docs.THREAT_MODEL).write_text(stale, encoding="utf-8")
    monkeypatch.setattr(docs, "ROOT", tmp_path)
    result = CliRunner().invoke(docs.main, [])
    assert result.exit_code == 1
