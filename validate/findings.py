"""The one finding record, its severities and the registry of stable finding codes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, order=True)
class Finding:
    """One thing the validator found, located as precisely as the input allows."""

    file: str
    """Path as written in datapackage.json (or the descriptor's own name)."""
    line: int | None
    """Physical line in that file, header = 1; None when the finding is about the whole file."""
    field: str | None
    """Column, descriptor property or rule the finding is about; None when none applies."""
    code: str
    """Stable kebab-case code, one of CODES."""
    severity: Severity
    """error fails validation; warning fails only with --strict; info never fails."""
    message: str
    """What is wrong and what was expected."""

    def as_dict(self) -> dict[str, object]:
        """The JSON report's view of the finding."""
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "message": self.message,
            "frictionless_type": self.frictionless_type,
        }

    @property
    def frictionless_type(self) -> str | None:
        """The frictionless 5 error type of the same defect (FRICTIONLESS_TYPES), or None when it has none."""
        kind = FRICTIONLESS_TYPES.get(self.code)
        if self.code == "ragged-row":
            # One code here, three types there: by the row's cell count, which the message gives.
            counts = re.search(r"(\d+) cells; the header has (\d+)", self.message)
            if "empty line" in self.message:
                return "blank-row"
            if counts and int(counts[1]) < int(counts[2]):
                return "missing-cell"
        return kind


@dataclass(frozen=True)
class Code:
    """A documented finding code."""

    code: str
    severity: Severity
    layer: str
    title: str
    fix: str


def _codes(*items: Code) -> dict[str, Code]:
    return {c.code: c for c in items}


CODES: dict[str, Code] = _codes(
    # structure
    Code(
        "descriptor-missing",
        "error",
        "structure",
        "datapackage.json (or datapackage.yaml) is missing",
        "Run the validator on the package root, where datapackage.json lives.",
    ),
    Code(
        "descriptor-invalid",
        "error",
        "structure",
        "The descriptor is not a JSON (or YAML) object",
        "Fix the syntax at the reported line; the top level must be an object.",
    ),
    Code(
        "descriptor-profile",
        "error",
        "structure",
        "The descriptor does not conform to its Data Package profile",
        "Correct the property named in the finding as the Data Package specification (v2, or v1 "
        "without $schema) requires.",
    ),
    Code(
        "file-too-large",
        "error",
        "structure",
        "A file is over the configured size limit",
        "Split or shrink the file, or raise the limit with --max-file-bytes.",
    ),
    Code(
        "duplicate-resource",
        "error",
        "structure",
        "Two resources share a name or path",
        "Give every resource a unique name and path.",
    ),
    Code(
        "resource-missing",
        "error",
        "structure",
        "A table the validator needs is not declared",
        "Declare the resource in datapackage.json with its schema.",
    ),
    Code(
        "unsafe-path",
        "error",
        "structure",
        "A resource path leaves the package or is remote",
        "Use a relative path inside the package: no '..', absolute path, '~', URL or symlink out.",
    ),
    Code(
        "remote-reference",
        "error",
        "structure",
        "A resource's data, schema or dialect is a URL",
        "Vendor it: download the file into the package (keeping its licence), and write its path "
        "relative to the package root in place of the URL; the validator never opens a connection.",
    ),
    Code(
        "hash-mismatch",
        "error",
        "structure",
        "A table's file does not have the hash its resource declares",
        "Restore the file, or update the resource's hash (write it as sha256:<hex>; a bare hex hash is MD5).",
    ),
    Code(
        "bytes-mismatch",
        "error",
        "structure",
        "A table's file does not have the size its resource declares",
        "Restore the file, or update the resource's bytes to the file's size.",
    ),
    Code(
        "dialect-invalid",
        "error",
        "structure",
        "A table's CSV dialect has a property no reader can use",
        'Make delimiter, quoteChar and escapeChar one character each (a tab is written "\\t"), '
        "and commentChar a non-empty string.",
    ),
    Code(
        "file-missing",
        "error",
        "structure",
        "A declared file does not exist or is not a regular file",
        "Add the file, or correct its path in datapackage.json.",
    ),
    Code(
        "file-empty",
        "error",
        "structure",
        "A declared file is empty",
        "Restore the file's content; a table needs at least its header row.",
    ),
    Code(
        "schema-invalid",
        "error",
        "structure",
        "A Table Schema cannot be read or is not valid",
        "Fix the schema JSON; every field needs a name and a known type.",
    ),
    Code(
        "encoding-error",
        "error",
        "structure",
        "A file is not valid UTF-8",
        "Re-save the file as UTF-8; the finding gives the first bad line.",
    ),
    Code(
        "byte-order-mark",
        "warning",
        "structure",
        "A CSV starts with a UTF-8 byte-order mark",
        "Save without BOM ('CSV UTF-8' in some spreadsheets adds one); it is ignored for checking.",
    ),
    Code(
        "line-ending",
        "error",
        "structure",
        "A CSV uses CR or CRLF line endings where the package declares LF only",
        'Save with LF line endings only, as the descriptor\'s "x-line-endings": "LF" requires.',
    ),
    Code(
        "mixed-line-endings",
        "warning",
        "structure",
        "A CSV mixes line ending styles (LF, CRLF, CR)",
        "Save the file with one line ending style throughout; a mix is a sign of a hand-merged file.",
    ),
    Code(
        "control-character",
        "error",
        "structure",
        "A cell holds a NUL or other control character",
        "Remove the invisible character from the cell.",
    ),
    Code(
        "line-too-long",
        "error",
        "structure",
        "A line is over the configured length limit",
        "Shorten the line, or raise the limit with --max-line-bytes.",
    ),
    Code(
        "unclosed-quote",
        "error",
        "structure",
        "A quoted CSV field never closes",
        "Add the closing double quote; the finding gives the line where the field opens.",
    ),
    Code(
        "ragged-row",
        "error",
        "structure",
        "A row has more or fewer cells than the header",
        "Make the row's cell count match the header (quote cells that contain commas).",
    ),
    Code("blank-header", "error", "structure", "A header cell is empty", "Name the column as the schema does."),
    Code(
        "duplicate-header",
        "error",
        "structure",
        "Two header cells have the same name",
        "Remove or rename the repeated column.",
    ),
    Code(
        "header-order",
        "error",
        "structure",
        "The header has the schema's columns in another order",
        "Put the columns in the order the schema lists them.",
    ),
    Code(
        "missing-column",
        "error",
        "structure",
        "A schema field has no column in the CSV",
        "Add the column, or remove the field from the schema.",
    ),
    Code(
        "extra-column",
        "error",
        "structure",
        "A CSV column is not in the schema",
        "Remove the column, or describe it in the schema.",
    ),
    Code(
        "formula-injection",
        "error",
        "structure",
        "A text cell starts like a spreadsheet formula",
        "Text starting with = or @, or with + or - and then anything but a plain number (tab or CR "
        "first or not), runs as a formula when the CSV is opened in a spreadsheet: "
        "reword the cell so that it starts with a letter, a digit or a quote mark.",
    ),
    # types and constraints
    Code(
        "type-error",
        "error",
        "types",
        "A cell does not parse as its field's type",
        "Write the value in the field's type: integers as 1665, numbers as 4.5, booleans as true/false.",
    ),
    Code(
        "invalid-date",
        "error",
        "types",
        "A date is not a real calendar date",
        "Use an ISO 8601 date that exists (2023-02-28, not 2023-02-30).",
    ),
    Code(
        "required-missing",
        "error",
        "types",
        "A required cell is empty",
        "Fill the cell; if the source does not state it, the field should not be required.",
    ),
    Code(
        "pattern-mismatch",
        "error",
        "types",
        "A cell does not match its field's pattern",
        "Write the value in the pattern the schema gives (identifiers are lower-case kebab-case).",
    ),
    Code(
        "enum-violation",
        "error",
        "types",
        "A cell is not one of the field's allowed values",
        "Use one of the values the schema lists.",
    ),
    Code(
        "out-of-range",
        "error",
        "types",
        "A number is below its minimum or above its maximum",
        "Correct the number; counts and lengths are never negative.",
    ),
    Code(
        "duplicate-value",
        "error",
        "types",
        "A unique field repeats a value",
        "Give the row its own identifier; identifiers are never reused.",
    ),
    Code("duplicate-key", "error", "types", "Two rows share a primary key", "Make the primary key of each row unique."),
    Code(
        "foreign-key",
        "error",
        "types",
        "A reference points at a row that does not exist",
        "Correct the identifier, or add the row it refers to.",
    ),
    Code(
        "foreign-key-resource",
        "error",
        "structure",
        "A foreign key refers to a resource the package does not declare",
        "Correct the reference's resource name, or declare that resource; an empty name refers to the table itself.",
    ),
    Code(
        "constraint-violation",
        "error",
        "types",
        "A cell breaks another schema constraint",
        "Correct the value as the schema's constraint requires.",
    ),
    # provenance
    Code(
        "archive-mismatch",
        "error",
        "provenance",
        "An archived text does not match its recorded sha256 or size",
        "Restore the byte-for-byte original; never edit archived texts.",
    ),
    Code(
        "retrieval-invalid",
        "error",
        "provenance",
        "Where an archived copy was retrieved from is not a web address, or when is in the future",
        "Give the http(s) address the text was saved from and the day it was saved (YYYY-MM-DD, "
        "not after today); leave both empty when unknown.",
    ),
    Code(
        "archive-undeclared",
        "error",
        "provenance",
        "A source's archived text is not a resource of the package",
        "Declare the archived text as a resource with its sha256 hash and bytes.",
    ),
    Code(
        "quote-not-in-source",
        "error",
        "provenance",
        "A quote is not in its source's archived text",
        "Copy the words exactly from the archived text (only whitespace, quote marks and dashes may differ).",
    ),
    Code(
        "quote-wrong-line",
        "error",
        "provenance",
        "A quote is in its source but not at the stated line",
        "Set the line to where the words start in the archived text.",
    ),
    Code(
        "figure-not-in-quote",
        "error",
        "provenance",
        "A figure's number does not appear in its own quote",
        "Make the number what the quote prints (digits, '1,665', or words such as 'three').",
    ),
    Code(
        "person-not-in-source",
        "error",
        "provenance",
        "A quoted person's name is not in the source",
        "Spell the name exactly as the source prints it.",
    ),
    Code(
        "number-not-covered",
        "error",
        "provenance",
        "A number printed in an archived text is neither a row's figure at that line nor a listed exclusion",
        "If it is a figure of police activity, add its row (figure as printed, verbatim quote, line); "
        "otherwise list it in the exclusions table with its words and a reason.",
    ),
    Code(
        "exclusion-stale",
        "error",
        "provenance",
        "An exclusion excuses nothing: its words are not printed at its line, or hold no number",
        "Correct the line or the words to what the archived text prints, or delete the row.",
    ),
    Code(
        "position-mismatch",
        "error",
        "provenance",
        "A figure's position is not what its source's layout declares at its line and sentence",
        "Give the row the position the layout declares there, or correct the layout to the text.",
    ),
    # consistency
    Code(
        "figures-disagree",
        "error",
        "consistency",
        "Figures for the same thing cannot all be true",
        "Check both against their sources; if both are as printed, register the discrepancy.",
    ),
    Code(
        "discrepancy-acknowledged",
        "info",
        "consistency",
        "A registered discrepancy is present, as the register says",
        "Nothing to fix: the disagreement is in the sources and explained in the register.",
    ),
    Code(
        "discrepancy-stale",
        "error",
        "consistency",
        "A register entry no longer matches a real disagreement",
        "Remove or update the entry: the figures it lists now agree (or no longer exist).",
    ),
    Code(
        "subset-exceeds-total",
        "error",
        "consistency",
        "A part is larger than the whole it belongs to",
        "Check both figures; a part (children at immediate risk) cannot exceed its whole (children safeguarded).",
    ),
    Code(
        "case-exceeds-total",
        "error",
        "consistency",
        "One case's sentence exceeds its operation's total custodial years",
        "Check the sentence and the operation the case is linked to.",
    ),
    Code(
        "breakdown-sum",
        "error",
        "consistency",
        "Parts of a breakdown do not add up to the total",
        "Check the per-force or per-offence rows against the total, or mark the breakdown non-exhaustive.",
    ),
    Code(
        "qualifier-unit",
        "error",
        "consistency",
        "A rounding unit is missing or not allowed for the qualifier",
        "approximate and rounded figures need rounding_unit; other qualifiers must leave it empty.",
    ),
    Code(
        "qualifier-unknown",
        "error",
        "consistency",
        "A qualifier has no interval reading in the validator",
        "Use one of the defined qualifiers, or teach the validator the new one's interval.",
    ),
    Code(
        "period-reversed",
        "error",
        "consistency",
        "A period ends before it starts",
        "Swap or correct period_start and period_end.",
    ),
    Code(
        "period-after-publication",
        "error",
        "consistency",
        "A period ends after its source was published",
        "Check the period's dates and the source's publication date.",
    ),
    Code(
        "duration-mismatch",
        "error",
        "consistency",
        "A stated duration does not match the period's dates",
        "Correct the dates or the duration so that both say the same.",
    ),
    Code(
        "period-not-aligned",
        "warning",
        "consistency",
        "Consecutive periods of a series do not follow on",
        "Year-on-year comparisons over such periods mislead; register the discrepancy with kind 'periods'.",
    ),
    Code(
        "case-dates-order",
        "error",
        "consistency",
        "A case's dates are out of order",
        "Offence, arrest, sentence and publication must come in that order.",
    ),
    Code(
        "check-skipped",
        "info",
        "structure",
        "A check was skipped because a resource it needs did not load",
        "Fix the finding that kept the resource from loading; the skipped checks then run.",
    ),
    Code(
        "layer-not-declared",
        "info",
        "structure",
        "Checks did not run because the package does not declare what they need (x-claims)",
        "Nothing to fix for a package that makes no claims; declare the x-claims sections to turn them on.",
    ),
    Code(
        "declaration-invalid",
        "error",
        "structure",
        "The claims profile (x-claims) cannot be read or names something that does not exist",
        "Correct the section named in the finding: every resource and field it "
        "names must be declared in the descriptor and its schema.",
    ),
    Code(
        "rules-invalid",
        "error",
        "consistency",
        "The rules file cannot be read or names unknown metrics",
        "Fix the rules file; every metric it names must be in the declared metrics table.",
    ),
)


FRICTIONLESS_TYPES: dict[str, str | None] = {
    # The frictionless 5 error type that reports the same defect, for tools built on its reports;
    # None where frictionless has no such check (this package's own rules, limits and claims).
    "descriptor-missing": "package-error",
    "descriptor-invalid": "package-error",
    "descriptor-profile": "package-error",
    "file-too-large": None,
    "duplicate-resource": "package-error",
    "resource-missing": None,
    "unsafe-path": "resource-error",
    "remote-reference": "scheme-error",
    "hash-mismatch": "hash-count",
    "bytes-mismatch": "byte-count",
    "dialect-invalid": "source-error",
    "file-missing": "scheme-error",
    "file-empty": "source-error",
    "schema-invalid": "schema-error",
    "encoding-error": "encoding-error",
    "byte-order-mark": None,
    "line-ending": None,
    "mixed-line-endings": None,
    "control-character": None,
    "line-too-long": None,
    "unclosed-quote": "source-error",
    "ragged-row": "extra-cell",  # missing-cell for a short row, blank-row for an empty line
    "blank-header": "blank-label",
    "duplicate-header": "duplicate-label",
    "header-order": "incorrect-label",
    "missing-column": "missing-label",
    "extra-column": "extra-label",
    "formula-injection": None,
    "type-error": "type-error",
    "invalid-date": "type-error",
    "required-missing": "constraint-error",
    "pattern-mismatch": "constraint-error",
    "enum-violation": "constraint-error",
    "out-of-range": "constraint-error",
    "duplicate-value": "unique-error",
    "duplicate-key": "primary-key",
    "foreign-key": "foreign-key",
    "foreign-key-resource": "resource-error",
    "constraint-violation": "constraint-error",
    "archive-mismatch": "hash-count",
}
"""Codes not listed have no frictionless equivalent: the provenance, coverage and consistency
checks, and the notes about what ran."""


def finding(code: str, file: str, line: int | None, field_: str | None, message: str) -> Finding:
    """A finding whose severity comes from the code registry."""
    return Finding(file, line, field_, code, CODES[code].severity, message)
