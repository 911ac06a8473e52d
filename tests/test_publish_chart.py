"""The outcomes chart: a deterministic PNG that matches the committed one and the table."""

from __future__ import annotations

import csv
import struct
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from publish.chart import QUALIFIER_CLASS, draw_chart
from publish.cli import main
from publish.package import load_package

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "docs" / "figures.png"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# An independent reading of data/qualifiers.csv: which marker each qualifier gets.
MARKER_CLASS = {
    "exact": "exact",
    "more_than": "lower_bound",
    "at_least": "lower_bound",
    "approximate": "interval",
    "rounded": "interval",
    "hundreds": "interval",
    "nearly": "interval",
    "at_most": "interval",
    "fewer_than": "interval",
    "dozens": "interval",
    "scores": "interval",
    "thousands": "interval",
    "tens_of_thousands": "interval",
    "hundreds_of_thousands": "interval",
}


def read_csv(name: str) -> list[dict[str, str]]:
    """Rows of data/<name>.csv."""
    with (ROOT / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk."""
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_cli_writes_a_png_identical_to_the_committed_one(tmp_path: Path) -> None:
    out = tmp_path / "figures.png"

    result = CliRunner().invoke(main, ["chart", str(ROOT), "--out", str(out)])

    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    width, height = png_size(data)
    assert 600 <= width <= 3000
    assert 600 <= height <= 4000
    # Drift: rerun `make chart` and commit docs/figures.png when data or code change.
    assert data == COMMITTED.read_bytes()


def test_png_has_no_software_or_time_chunk(tmp_path: Path) -> None:
    draw_chart(load_package(ROOT), tmp_path / "figures.png")
    data = (tmp_path / "figures.png").read_bytes()
    assert b"Software" not in data
    assert b"tIME" not in data


def test_summary_matches_the_outcomes_table(tmp_path: Path) -> None:
    outcomes = read_csv("outcomes")

    summary = draw_chart(load_package(ROOT), tmp_path / "figures.png")

    assert summary.total == len(outcomes)
    assert summary.by_qualifier == dict(Counter(row["qualifier"] for row in outcomes))
    expected = Counter(MARKER_CLASS[row["qualifier"]] for row in outcomes)
    kinds = ("exact", "lower_bound", "interval")
    assert summary.by_class == {kind: expected.get(kind, 0) for kind in kinds}
    charted = {row["operation_id"] for row in outcomes}
    names = [row["name"] for row in read_csv("operations") if row["operation_id"] in charted]
    assert list(summary.panels) == names


def test_every_qualifier_in_the_vocabulary_is_drawn_as_its_interval_reads() -> None:
    assert {row["qualifier_id"] for row in read_csv("qualifiers")} <= set(MARKER_CLASS)
    assert QUALIFIER_CLASS == MARKER_CLASS
