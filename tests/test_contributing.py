"""A contributor's path from a new text to a repository `make test` accepts, as CONTRIBUTING.md
tells it, and the diff a reviewer then reads.

The walk runs on a copy of the repository's files, with a new text written for the test
(fictional: a made-up force, no people named), through the commands a contributor types.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

from conftest import ROOT, clean_environment, commands, quietly, read_rows, sh, sh_blocks

TIMEOUT = 300
SOURCE_ID = "westmarch-week-of-action"
WALK_TEXT = (
    "Westmarch Constabulary: week of action against online child abuse\n"
    "Westmarch Constabulary arrested 9 people during a week of action against online child sexual abuse.\n"
    "More than 20 children were safeguarded, officers said.\n"
    "The week of action ended on 14 November.\n"
)


def append_rows(path: Path, rows: list[dict[str, str]]) -> None:
    """Append rows to a table, each in the table's column order, as a contributor pastes them."""
    header = read_rows(path)[0]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([[row.get(column, "") for column in header] for row in rows])
    path.write_bytes(path.read_bytes() + buffer.getvalue().encode("utf-8"))


def test_a_new_source_walks_from_add_source_to_valid_and_the_derived_docs_refresh(clone: Path, tmp_path: Path) -> None:
    text = tmp_path / "statement.txt"
    text.write_text(WALK_TEXT, encoding="utf-8")
    done = sh(
        clone,
        f"python -m contribute add-source {text} --id {SOURCE_ID} "
        "--field title='Westmarch Constabulary: week of action' --field published_doubtful=false",
    )
    assert done.returncode == 0, done.stdout + done.stderr

    done = sh(clone, f"python -m contribute numbers {SOURCE_ID} --draft")
    assert done.returncode == 0, done.stdout + done.stderr
    header, *drafted = csv.reader(io.StringIO(done.stdout, newline=""))
    draft = {row[header.index("line")]: dict(zip(header, row, strict=True)) for row in drafted}
    assert {line: row["number"] for line, row in draft.items()} == {"2": "9", "3": "20", "4": "14"}

    # What only a reader can decide: the operation, what each figure counts, how it is
    # qualified and where it stands; the date is not a figure of police activity.
    operation = "westmarch-week-of-action-2026"
    append_rows(
        clone / "data" / "operations.csv",
        [
            {
                "operation_id": operation,
                "name": "Westmarch Constabulary week of action",
                "lead_agency": "Westmarch Constabulary",
                "geography": "Westmarch",
                "duration_stated": "a week",
                "duration": "P1W",
                "description": "A week of action against online child sexual abuse.",
            }
        ],
    )
    draft["2"].update(operation_id=operation, metric_id="arrests", qualifier="exact", position="body")
    draft["3"].update(operation_id=operation, metric_id="children_safeguarded", position="body")
    assert (draft["3"]["qualifier"], draft["3"]["qualifier_text"]) == ("more_than", "More than")
    append_rows(clone / "data" / "outcomes.csv", [draft["2"], draft["3"]])
    append_rows(
        clone / "data" / "exclusions.csv",
        [
            {
                "exclusion_id": "westmarch-l4-end",
                "source_id": SOURCE_ID,
                "line": "4",
                "words": "14 November",
                "reason": "date",
                "note": "When the week of action ended.",
            }
        ],
    )
    done = sh(clone, "python -m validate . --format json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["valid"] is True

    # Valid, but what is made from the data is stale until it is refreshed.
    assert sh(clone, "python -m validate.docs --check").returncode == 1
    chart_before = (clone / "docs" / "figures.png").read_bytes()

    blocks = sh_blocks((clone / "CONTRIBUTING.md").read_text(encoding="utf-8"))
    assert commands(blocks[-1]) == ["make validate", "make refresh", "make test"]
    for command in commands(blocks[-1])[:-1]:  # make test is the suite this test belongs to
        done = sh(clone, command)
        assert done.returncode == 0, command + "\n" + done.stdout + done.stderr

    assert sh(clone, "python -m validate.docs --check").returncode == 0
    sources = len(read_rows(clone / "data" / "sources.csv")) - 1
    assert f"| [`data/sources.csv`](data/sources.csv) | {sources} |" in (clone / "README.md").read_text(
        encoding="utf-8"
    )
    chart = clone / "docs" / "figures.png"
    assert chart.read_bytes() != chart_before
    done = sh(clone, f"python -m publish chart . --out {tmp_path / 'again.png'}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "again.png").read_bytes() == chart.read_bytes()
    assert (ROOT / "README.md").read_bytes() != (clone / "README.md").read_bytes(), "the copy's README, not ours"


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return quietly(
        ["git", "-c", "core.pager=cat", *args],
        cwd=repo,
        env=clean_environment(
            GIT_AUTHOR_NAME="Test",
            GIT_AUTHOR_EMAIL="test@example.org",
            GIT_COMMITTER_NAME="Test",
            GIT_COMMITTER_EMAIL="test@example.org",
            GIT_CONFIG_NOSYSTEM="1",
            HOME=str(repo.parent),
        ),
    )


def test_a_changed_row_and_a_new_archived_text_diff_as_text_with_their_bytes_kept(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "data" / "archive").mkdir(parents=True)
    shutil.copy2(ROOT / ".gitattributes", repo / ".gitattributes")
    outcomes = repo / "data" / "outcomes.csv"
    outcomes.write_bytes(
        b"outcome_id,number,quote\na-l1,14,Officers arrested 14 people\nb-l2,30,More than 30 children\n"
    )
    _git(repo, "init", "--quiet")
    _git(repo, "add", ".")
    _git(repo, "commit", "--quiet", "-m", "start")
    outcomes.write_bytes(
        b"outcome_id,number,quote\na-l1,14,Officers arrested 14 people\nb-l2,31,More than 30 children\n"
    )
    (repo / "data" / "archive" / "001_new.txt").write_bytes(b"More than 30 children were safeguarded.\r\n")
    outcomes.write_bytes(outcomes.read_bytes() + b"c-l3,2,two\r\n")

    # The word diff CONTRIBUTING.md documents, run as written: each changed cell is marked as
    # removed (red) and added (green), and the cells around it are not.
    (documented,) = [
        c
        for b in sh_blocks((ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8"))
        for c in commands(b)
        if "--word-diff" in c
    ]
    done = subprocess.run(["bash", "-c", documented], cwd=repo, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    (changed,) = [line for line in done.stdout.splitlines() if "b-l2" in line]
    assert changed == "b-l2,\x1b[31m30\x1b[m\x1b[32m31\x1b[m,More than 30 children"

    _git(repo, "add", ".")
    diff = _git(repo, "diff", "--cached").stdout
    assert "Binary files" not in diff
    assert "-b-l2,30,More than 30 children\n+b-l2,31,More than 30 children\n" in diff
    assert "+More than 30 children were safeguarded.\n" in diff
    # -text: git stores the bytes as they are, a carriage return too.
    stored = subprocess.run(["git", "show", ":data/outcomes.csv"], cwd=repo, capture_output=True, check=True).stdout
    assert stored == outcomes.read_bytes()
