"""Generated documentation stays in step with the schemas and the code."""

from __future__ import annotations

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
