"""Renders a report as text, JSON, GitHub workflow annotations or Markdown."""

from __future__ import annotations

import json
from itertools import groupby

from validate.runner import Report

GITHUB_ANNOTATION_LIMIT = 10  # GitHub shows at most 10 annotations of each kind per step


def verdict(report: Report) -> str:
    """One line: valid or not, with counts."""
    counts = report.counts()
    parts = ", ".join(f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "info"))
    return f"{'valid' if report.valid else 'INVALID'}: {parts}"


def as_text(report: Report) -> str:
    """Findings grouped by file, then a one-line verdict."""
    out: list[str] = []
    for file, items in groupby(report.findings, key=lambda f: f.file):
        out.append(file)
        for item in items:
            line = str(item.line) if item.line is not None else "-"
            out.append(f"  {line:>6}  {item.severity:<7}  {item.code}  {item.field or '-'}: {item.message}")
    out.append(verdict(report))
    return "\n".join(out) + "\n"


def as_json(report: Report) -> str:
    """The JSON report: {"valid", "counts", "findings": [...]} with sorted keys."""
    data = {
        "valid": report.valid,
        "counts": {s: report.counts()[s] for s in ("error", "warning", "info")},
        "findings": [f.as_dict() for f in report.findings],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _escape(value: str, property_: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if property_ else value


def as_github(report: Report) -> str:
    """Workflow commands (::error file=..,line=..::) within GitHub's per-step limits, then a summary."""
    out: list[str] = []
    shown = {"error": 0, "warning": 0, "notice": 0}
    hidden = 0
    for item in report.findings:
        kind = {"error": "error", "warning": "warning", "info": "notice"}[item.severity]
        if shown[kind] >= GITHUB_ANNOTATION_LIMIT:
            hidden += 1
            continue
        shown[kind] += 1
        props = [f"file={_escape(item.file, True)}"]
        if item.line is not None:
            props.append(f"line={item.line}")
        props.append(f"title={_escape(item.code + (' ' + item.field if item.field else ''), True)}")
        out.append(f"::{kind} {','.join(props)}::{_escape(item.message)}")
    if hidden:
        out.append(
            f"::notice title=more findings::{hidden} more findings are not annotated; "
            "run python -m validate locally for the full list"
        )
    out.append(verdict(report))
    return "\n".join(out) + "\n"


def as_markdown(report: Report) -> str:
    """A Markdown table for a job summary."""
    out = [f"### Package validation: {verdict(report)}", ""]
    if report.findings:
        out += ["| severity | code | file | line | field | message |", "|---|---|---|---|---|---|"]
        for item in report.findings:
            cells = [
                item.severity,
                f"`{item.code}`",
                f"`{item.file}`",
                str(item.line or ""),
                f"`{item.field}`" if item.field else "",
                item.message,
            ]
            out.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return "\n".join(out) + "\n"


RENDERERS = {"text": as_text, "json": as_json, "github": as_github, "markdown": as_markdown}
