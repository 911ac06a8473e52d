"""contribute add-source: the archive byte for byte, one hash in both places, or no change at all."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, copy_package, next_archive, read_rows, run, with_extra_source, write_rows
from contribute.cli import main
from contribute.numbers import read_qualifier
from validate.coverage import Accounted
from validate.printed import scan

NEW_TEXT = (
    b"Officers arrested 14 people during a fortnight of action.\n"
    b"More than 30 children were safeguarded, police said.\n"
    b"The force seized over 200 devices.\n"
)
REQUIRED = ("--field", "title=Fortnight of action", "--field", "published_doubtful=false")


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root, by relative path, with its bytes."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def add(package: Path, file: Path, *args: str) -> tuple[int, str]:
    """Exit code and combined output of add-source on the package."""
    result = CliRunner().invoke(main, ["add-source", str(file), "--package", str(package), *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A copy of the real package with one more source than it has, numbered past a gap: these
    tests must hold for any package a contributor has grown, not only for today's."""
    return with_extra_source(copy_package(tmp_path / "package"))


@pytest.fixture
def new_text(tmp_path: Path) -> Path:
    """A new source text outside the package."""
    path = tmp_path / "new.txt"
    path.write_bytes(NEW_TEXT)
    return path


def test_add_source_archives_the_bytes_and_records_one_hash_in_both_places(package: Path, new_text: Path) -> None:
    digest = hashlib.sha256(NEW_TEXT).hexdigest()
    archive = next_archive(package, digest)
    code, output = add(package, new_text, "--id", "fortnight-of-action", *REQUIRED)
    assert code == 0, output
    assert (package / archive).read_bytes() == NEW_TEXT
    header, *rows = read_rows(package / "data/sources.csv")
    row = dict(zip(header, rows[-1], strict=True))
    assert (row["source_id"], row["archive_path"], row["sha256"], row["bytes"]) == (
        "fortnight-of-action",
        archive,
        digest,
        str(len(NEW_TEXT)),
    )
    resources = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    resource = next(r for r in resources if r["name"] == "archive-fortnight-of-action")
    assert (resource["path"], resource["hash"], resource["bytes"]) == (archive, f"sha256:{digest}", len(NEW_TEXT))
    _, report = run(package)
    assert not [f for f in report["findings"] if f["severity"] == "error" and f["code"] != "number-not-covered"]


def test_add_source_changes_nothing_but_the_three_files(package: Path, new_text: Path) -> None:
    before = snapshot(package)
    archive = next_archive(package, hashlib.sha256(NEW_TEXT).hexdigest())
    assert add(package, new_text, "--id", "fortnight-of-action", *REQUIRED)[0] == 0
    after = snapshot(package)
    changed = {p for p in before if before[p] != after[p]} | (after.keys() - before.keys())
    assert changed == {"datapackage.json", "data/sources.csv", archive}
    assert after["data/sources.csv"].startswith(before["data/sources.csv"])  # appended, not rewritten


def _binary(tmp: Path) -> Path:
    path = tmp / "scan.pdf"
    path.write_bytes(b"%PDF-1.7\n\x00\x01\x02binary")
    return path


def _latin1(tmp: Path) -> Path:
    path = tmp / "latin1.txt"
    path.write_bytes("Police arrested 12 people in Malmö.\n".encode("latin-1"))
    return path


def _empty(tmp: Path) -> Path:
    path = tmp / "empty.txt"
    path.write_bytes(b"\n")
    return path


def _directory(tmp: Path) -> Path:
    path = tmp / "folder"
    path.mkdir()
    return path


@pytest.mark.parametrize(
    ("make_file", "source_id", "message"),
    [
        (lambda tmp: tmp / "new.txt", "extra-thanks-statement", "is already a source_id"),
        (lambda tmp: tmp / "new.txt", "../../outside", "is not a valid source_id"),
        (lambda tmp: tmp / "new.txt", "data/archive/x", "is not a valid source_id"),
        (lambda tmp: tmp / "missing.txt", "new-source", "no such file"),
        (_binary, "new-source", "a binary file"),
        (_latin1, "new-source", "not UTF-8 (byte 33, line 1)"),
        (_empty, "new-source", "the file is empty"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_no_byte_changed(
    package: Path, new_text: Path, tmp_path: Path, make_file: object, source_id: str, message: str
) -> None:
    file = make_file(tmp_path)  # type: ignore[operator]
    before = snapshot(package)
    code, output = add(package, file, "--id", source_id, *REQUIRED)
    assert code == 1
    assert message in output
    assert "Refused" in output
    assert snapshot(package) == before


def test_a_directory_is_a_usage_error_and_changes_nothing(package: Path, tmp_path: Path) -> None:
    before = snapshot(package)
    code, output = add(package, _directory(tmp_path), "--id", "new-source", *REQUIRED)
    assert code == 2
    assert "is a directory" in output
    assert snapshot(package) == before


def test_a_text_already_archived_is_refused(package: Path, tmp_path: Path) -> None:
    header, *rows = read_rows(package / "data/sources.csv")
    archived = rows[-1][header.index("archive_path")]
    copy = tmp_path / "again.txt"
    copy.write_bytes((package / archived).read_bytes())
    before = snapshot(package)
    code, output = add(package, copy, "--id", "new-source", *REQUIRED)
    assert (code, snapshot(package)) == (1, before)
    assert f"already archived as {archived}" in output


def test_a_row_the_validator_would_refuse_is_rolled_back(package: Path, new_text: Path) -> None:
    before = snapshot(package)
    code, output = add(package, new_text, "--id", "new-source", "--field", "title=No doubt flag")
    assert code == 1
    assert "required-missing" in output and "published_doubtful" in output
    assert "nothing was changed" in output
    assert snapshot(package) == before


def test_an_unknown_field_is_refused(package: Path, new_text: Path) -> None:
    before = snapshot(package)
    code, output = add(package, new_text, "--id", "new-source", *REQUIRED, "--field", "colour=red")
    assert (code, snapshot(package)) == (1, before)
    assert "has no field colour" in output


def test_an_invalid_package_is_refused_before_anything_is_written(package: Path, new_text: Path) -> None:
    rows = read_rows(package / "data/outcomes.csv")
    rows[1][rows[0].index("number")] = "1700"  # no longer the figure its quote prints
    write_rows(package / "data/outcomes.csv", rows)
    before = snapshot(package)
    code, output = add(package, new_text, "--id", "new-source", *REQUIRED)
    assert (code, snapshot(package)) == (1, before)
    assert "figure-not-in-quote" in output
    assert "fix them before adding a source" in output


def numbers(package: Path, *args: str) -> tuple[int, str]:
    """Exit code and output of the numbers command on the package."""
    result = CliRunner().invoke(main, ["numbers", *args, "--package", str(package)])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_after_add_source_the_validator_lists_each_number_of_the_new_text(package: Path, new_text: Path) -> None:
    archive = next_archive(package, hashlib.sha256(NEW_TEXT).hexdigest())
    assert add(package, new_text, "--id", "fortnight-of-action", *REQUIRED)[0] == 0
    code, report = run(package)
    assert code == 1
    todo = sorted((f["line"], f["message"].split()[0]) for f in report["findings"] if f["code"] == "number-not-covered")
    assert todo == [(1, "'14'"), (2, "'30'"), (3, "'200'")]
    assert {f["file"] for f in report["findings"] if f["code"] == "number-not-covered"} == {archive}


def test_pasted_draft_rows_leave_only_what_a_reader_must_decide(package: Path, new_text: Path) -> None:
    assert add(package, new_text, "--id", "fortnight-of-action", *REQUIRED)[0] == 0
    code, draft = numbers(package, "fortnight-of-action", "--draft")
    assert code == 0
    header, *drafted = read_rows_text(draft)
    assert header == read_rows(package / "data/outcomes.csv")[0]
    by_line = {row[header.index("line")]: dict(zip(header, row, strict=True)) for row in drafted}
    assert {line: (r["number"], r["qualifier"], r["qualifier_text"]) for line, r in by_line.items()} == {
        "1": ("14", "", ""),
        "2": ("30", "more_than", "More than"),
        "3": ("200", "more_than", "over"),
    }
    assert by_line["2"]["quote"] == "More than 30 children were safeguarded, police said."
    rows = read_rows(package / "data/outcomes.csv")
    write_rows(package / "data/outcomes.csv", rows + drafted)
    _, report = run(package)
    errors = {(f["code"], f["field"], f["line"]) for f in report["findings"] if f["severity"] == "error"}
    first = len(rows) + 1  # physical line of the first pasted row
    left = {("required-missing", field, first + i) for i in range(3) for field in ("operation_id", "metric_id")}
    left |= {("required-missing", "position", first + i) for i in range(3)}
    left.add(("required-missing", "qualifier", first))  # a bare 14: exact, or rounded? the reader decides
    assert errors == left


def test_numbers_lists_every_number_with_what_accounts_for_it(package: Path, new_text: Path) -> None:
    """On a text written here, so the counts are read off NEW_TEXT, not off the real package."""
    assert add(package, new_text, "--id", "fortnight-of-action", *REQUIRED)[0] == 0
    code, output = numbers(package, "fortnight-of-action")
    assert code == 0
    assert output.rstrip().endswith("3 numbers: 0 covered, 0 excluded, 3 not covered")

    header, *rows = read_rows(package / "data/outcomes.csv")
    template = dict(zip(header, rows[0], strict=True))  # an existing row's operation and metric
    template.update(
        outcome_id="fortnight-l1-arrests",
        source_id="fortnight-of-action",
        number="14",
        qualifier="exact",
        qualifier_text="",
        rounding_unit="",
        breakdown_dimension="",
        breakdown_value="",
        position="body",
        line="1",
        quote="Officers arrested 14 people",
    )
    write_rows(package / "data/outcomes.csv", [header, *rows, [template[c] for c in header]])
    exclusions = read_rows(package / "data/exclusions.csv")
    excluded = dict.fromkeys(exclusions[0], "")
    excluded.update(exclusion_id="fortnight-l3-devices", source_id="fortnight-of-action", line="3")
    excluded.update(words="over 200 devices", reason="not_a_count", note="Written for this test.")
    write_rows(package / "data/exclusions.csv", [*exclusions, [excluded[c] for c in exclusions[0]]])

    code, output = numbers(package, "fortnight-of-action")
    assert code == 0
    outcome_line = len(rows) + 2  # physical line of the appended row, header being line 1
    assert f"covered by outcomes fortnight-l1-arrests (data/outcomes.csv:{outcome_line} number)" in output
    assert f"excluded (not_a_count) by data/exclusions.csv:{len(exclusions) + 1}" in output
    assert output.rstrip().endswith("3 numbers: 1 covered, 1 excluded, 1 not covered")


def test_numbers_of_an_unknown_source_is_refused(package: Path) -> None:
    code, output = numbers(package, "no-such-source")
    assert code == 1
    assert "no source 'no-such-source' with an intact archived text" in output
    assert "extra-thanks-statement" in output


def read_rows_text(text: str) -> list[list[str]]:
    """CSV rows of a string."""
    return list(csv.reader(io.StringIO(text, newline="")))


PAIRS = sorted(
    [
        ("more than", "more_than"),
        ("over", "more_than"),
        ("some", "approximate"),
        ("hundreds of", "hundreds"),
        ("several hundred", "hundreds"),
        ("only", "exact"),
    ],
    key=lambda pair: -len(pair[0]),
)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Some 1,665 arrests were made", ("approximate", "Some")),
        ("arrested more than 1,600 abusers", ("more_than", "more than")),
        ("hundreds of children were safeguarded", ("hundreds", "hundreds of")),
        ("several hundred suspects", ("hundreds", "several hundred")),
        ("a handsome 30 arrests", None),  # 'some' inside a word is not the word
        ("over the year, 30 arrests", None),  # the words must come just before the number
        ("30 arrests in total", None),
    ],
)
def test_the_draft_reads_a_qualifier_only_where_the_words_plainly_give_it(
    line: str, expected: tuple[str, str] | None
) -> None:
    found = scan(line)
    number = next(n for n in found if n.value != 0)
    assert read_qualifier(line, Accounted(number), PAIRS) == expected


def _blocks(markdown: str) -> list[str]:
    """The fenced text blocks of a Markdown document, in order."""
    return re.findall(r"```text\n(.*?)```", markdown, flags=re.DOTALL)


def test_the_contributing_walkthrough_ends_in_a_clean_validation(package: Path, tmp_path: Path) -> None:
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    text, _, draft_shown, added = _blocks(guide)
    statement = tmp_path / "statement.txt"
    statement.write_text(text, encoding="utf-8")
    args = ("--id", "example-fortnight", "--field", "title=Example Constabulary: fortnight of action")
    assert 'add-source statement.txt --id example-fortnight \\\n  --field title="Example Constabulary' in guide
    assert add(package, statement, *args, "--field", "published_doubtful=false")[0] == 0
    code, draft = numbers(package, "example-fortnight", "--draft")
    assert (code, draft) == (0, draft_shown.split("\n", 1)[1])  # the guide shows what the command prints
    for block in added.strip().split("\n\n"):
        table, *rows = block.split("\n")
        with (package / table.rstrip(":")).open("a", encoding="utf-8") as handle:
            handle.write("\n".join(rows) + "\n")
    code, report = run(package)
    assert (code, [f for f in report["findings"] if f["severity"] != "info"]) == (0, [])
