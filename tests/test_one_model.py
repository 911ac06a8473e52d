"""One model of the package: publish reads through the validator, qualifiers mean one thing,
rules and caches are declared, and the validator is a public Python API."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from publish.cli import main as publish_main

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = ("datapackage.json", "README.md", "CITATION.cff", "CHANGELOG.md", "LICENSE")


def release_copy(destination: Path) -> Path:
    """A copy of everything a release build reads."""
    destination.mkdir()
    for name in DOCUMENTS:
        shutil.copy2(ROOT / name, destination / name)
    for name in ("data", "schemas"):
        shutil.copytree(ROOT / name, destination / name)
    return destination


def build(package: Path, out: Path) -> Any:
    result = CliRunner().invoke(publish_main, ["build", str(package), "--out", str(out)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def edit_descriptor(package: Path, change: Any) -> None:
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    change(descriptor)
    (package / "datapackage.json").write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")


# ---- publish: one reader, the validator's -------------------------------------------------


def test_an_undeclared_symlink_out_of_the_package_is_never_shipped(tmp_path: Path) -> None:
    secret = tmp_path / "runner-secret.txt"
    secret.write_bytes(b"TOKEN-OF-THE-CI-RUNNER")
    package = release_copy(tmp_path / "package")
    (package / "data" / "evil.txt").symlink_to(secret)
    result = build(package, tmp_path / "dist")
    assert result.exit_code == 0, result.output
    zipped = next((tmp_path / "dist").glob("*.zip"))
    with zipfile.ZipFile(zipped) as archive:
        assert not any(name.endswith("evil.txt") for name in archive.namelist())
    for output in (tmp_path / "dist").iterdir():
        assert b"TOKEN-OF-THE-CI-RUNNER" not in output.read_bytes()


def test_a_declared_symlink_out_of_the_package_is_refused(tmp_path: Path) -> None:
    package = release_copy(tmp_path / "package")
    readme = package / "data" / "metrics.csv"
    outside = tmp_path / "outside.csv"
    shutil.move(readme, outside)
    readme.symlink_to(outside)
    result = build(package, tmp_path / "dist")
    assert result.exit_code == 1
    assert "unsafe-path" in result.output
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize("key", ["version", "name"])
def test_a_descriptor_without_name_or_version_is_a_clear_refusal(tmp_path: Path, key: str) -> None:
    package = release_copy(tmp_path / "package")
    edit_descriptor(package, lambda d: d.pop(key))
    result = build(package, tmp_path / "dist")
    assert result.exit_code == 1
    assert f"no {key}" in result.output
    assert not (tmp_path / "dist").exists()


def test_a_missing_readme_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    package = release_copy(tmp_path / "package")
    (package / "README.md").unlink()
    result = build(package, tmp_path / "dist")
    assert result.exit_code == 1
    assert "README.md" in result.output
    assert not (tmp_path / "dist").exists()


def test_a_url_path_is_the_validators_finding_and_nothing_is_written(tmp_path: Path) -> None:
    package = release_copy(tmp_path / "package")
    edit_descriptor(package, lambda d: d["resources"][0].update(path="https://example.org/sources.csv"))
    result = build(package, tmp_path / "dist")
    assert result.exit_code == 1
    assert "remote-reference" in result.output
    assert not (tmp_path / "dist").exists()


def test_a_package_the_validator_rejects_is_not_built(tmp_path: Path) -> None:
    package = release_copy(tmp_path / "package")
    outcomes = package / "data" / "outcomes.csv"
    outcomes.write_text(outcomes.read_text(encoding="utf-8").replace(",1665,", ",1666,", 1), encoding="utf-8")
    result = build(package, tmp_path / "dist")
    assert result.exit_code == 1
    assert "figure-not-in-quote" in result.output
    assert not (tmp_path / "dist").exists()


def test_the_chart_also_refuses_an_invalid_package(tmp_path: Path) -> None:
    package = release_copy(tmp_path / "package")
    outcomes = package / "data" / "outcomes.csv"
    outcomes.write_text(outcomes.read_text(encoding="utf-8").replace(",1665,", ",1666,", 1), encoding="utf-8")
    result = CliRunner().invoke(publish_main, ["chart", str(package), "--out", str(tmp_path / "c.png")])
    assert result.exit_code == 1
    assert not (tmp_path / "c.png").exists()


def test_the_release_holds_exactly_the_declared_files(tmp_path: Path) -> None:
    package = release_copy(tmp_path / "package")
    (package / "data" / "notes-not-declared.txt").write_text("scratch", encoding="utf-8")
    result = build(package, tmp_path / "dist")
    assert result.exit_code == 0, result.output
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    declared = {r["path"] for r in descriptor["resources"]} | {
        r["schema"] for r in descriptor["resources"] if isinstance(r.get("schema"), str)
    }
    expected = declared | set(DOCUMENTS) | {"schemas/rules.json", "derived/figures.csv"}
    with zipfile.ZipFile(next((tmp_path / "dist").glob("*.zip"))) as archive:
        shipped = {name.split("/", 1)[1] for name in archive.namelist()}
    assert shipped == expected


# ---- one meaning per qualifier ------------------------------------------------------------


def test_the_chart_reads_hundreds_from_the_number_as_the_validator_does() -> None:
    from publish.chart import Plotted, interval
    from validate.intervals import read_figure

    figure = Plotted("x", "op", "m", None, 1000, "hundreds", "hundreds of", None)
    expected = read_figure(1000, "hundreds", None, whole=False)
    assert expected is not None
    assert interval(figure) == (expected.lo, expected.hi) == (2000, 10000)


@pytest.mark.parametrize("qualifier", ["exact", "more_than", "at_least", "approximate", "rounded", "hundreds"])
def test_the_vectorised_reading_has_the_exact_readings_bounds(qualifier: str) -> None:
    import pandas as pd

    from validate.checks.consistency import _rough_bounds
    from validate.intervals import QUALIFIERS, read_figure

    unit = 100.0 if QUALIFIERS[qualifier].needs_unit else None
    frame = pd.DataFrame({"value": [1700.0], "qualifier": [qualifier], "rounding_unit": [unit]})
    lo, hi, _ = _rough_bounds(frame)
    exact = read_figure(1700, qualifier, unit, whole=False)
    assert exact is not None
    assert (lo[0], hi[0]) == (exact.lo, exact.hi)


# ---- declared caches and typed rules --------------------------------------------------------


def test_caches_are_declared_fields_of_the_model() -> None:
    from validate.model import Package, Table

    assert "typed" in {f.name for f in dataclasses.fields(Table)}
    assert "source_texts" in {f.name for f in dataclasses.fields(Package)}


def test_rules_are_parsed_once_into_typed_records() -> None:
    from validate.loading import load_package
    from validate.options import Options
    from validate.rules import BreakdownRule, RuleSet, SubsetRule

    package = load_package(ROOT, Options())
    assert isinstance(package.rules, RuleSet)
    assert (
        SubsetRule("immediate-risk-within-safeguarded", "children_at_immediate_risk", "children_safeguarded")
        in package.rules.subsets
    )
    assert BreakdownRule("offences-sum-to-total", "offence", exhaustive=False) in package.rules.breakdowns
    assert package.rules.problems == ()


def test_loading_is_split_so_each_module_has_one_job() -> None:
    modules = sorted((ROOT / "validate" / "loading").glob("*.py"))
    assert not (ROOT / "validate" / "loading.py").exists()
    assert len(modules) >= 8
    assert all(len(m.read_text(encoding="utf-8").splitlines()) < 200 for m in modules)


# ---- the public API -------------------------------------------------------------------------


def test_the_public_api_is_importable_and_validates_the_package() -> None:
    import validate
    from validate import CODES, Finding, Options, Report, validate_package

    assert set(validate.__all__) >= {"validate_package", "Report", "Finding", "CODES", "Options"}
    report = validate_package(ROOT, Options())
    assert isinstance(report, Report) and report.valid
    assert all(isinstance(f, Finding) and f.code in CODES for f in report.findings)


def test_the_readmes_python_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    example = next(b for b in blocks if "validate_package" in b)
    monkeypatch.chdir(ROOT)
    exec(compile(example, "README.md", "exec"), {})
    assert capsys.readouterr().out.strip().splitlines()[-1] == "valid"


# ---- lint and types are part of the test command ----------------------------------------------


def test_make_test_runs_ruff_and_strict_mypy() -> None:
    planned = subprocess.run(["make", "-n", "-B", "test"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "ruff check" in planned
    assert "ruff format --check" in planned
    assert "mypy --strict" in planned
