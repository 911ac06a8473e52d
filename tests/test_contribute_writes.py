"""add-source against planted links, interruptions, oversized texts and the file's own style:
all or nothing, nothing written outside the package, and the rest of each file kept as it was."""

from __future__ import annotations

import difflib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, copy_package
from contribute.cli import main

NEW_TEXT = (
    b"Officers arrested 14 people during a fortnight of action.\n"
    b"More than 30 children were safeguarded, police said.\n"
    b"The force seized over 200 devices.\n"
)
ARGS = ("--id", "fortnight-of-action", "--field", "title=Fortnight of action", "--field", "published_doubtful=false")

Snapshot = dict[str, tuple[str, bytes | str]]


def snapshot(top: Path) -> Snapshot:
    """Every file and link under top: kind and bytes (or link target)."""
    found: Snapshot = {}
    for path in sorted(top.rglob("*")):
        key = path.relative_to(top).as_posix()
        if path.is_symlink():
            found[key] = ("link", os.readlink(path))
        elif path.is_file():
            found[key] = ("file", path.read_bytes())
    return found


def mtimes(top: Path) -> dict[str, int]:
    """The modification time of every file under top."""
    return {p.relative_to(top).as_posix(): p.lstat().st_mtime_ns for p in sorted(top.rglob("*"))}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """tmp_path holding package/, outside/ (files nothing may touch) and new.txt."""
    copy_package(tmp_path / "package")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.txt").write_bytes(b"outside bytes, never to be overwritten\n")
    (tmp_path / "new.txt").write_bytes(NEW_TEXT)
    return tmp_path


def add(site: Path, *args: str, text: Path | None = None) -> tuple[int, str]:
    """Exit code and output of add-source of site/new.txt (or text) into site/package."""
    text = text or site / "new.txt"
    result = CliRunner().invoke(main, ["add-source", str(text), "--package", str(site / "package"), *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def archived_texts(package: Path) -> dict[str, bytes]:
    """The archived texts the descriptor lists, by path."""
    descriptor = json.loads((package / "datapackage.json").read_bytes())
    return {
        r["path"]: (package / r["path"]).read_bytes()
        for r in descriptor["resources"]
        if str(r.get("path", "")).startswith("data/archive/")
    }


@pytest.mark.parametrize(
    "planted", ["data/.sources.csv.contribute-tmp", ".datapackage.json.contribute-tmp"], ids=["csv", "descriptor"]
)
def test_a_planted_temporary_link_is_never_followed(site: Path, planted: str) -> None:
    package = site / "package"
    victim_outside = site / "outside" / "victim.txt"
    (package / planted).symlink_to(victim_outside)
    # And one more at the other name, pointing at an archived text inside the package.
    texts = archived_texts(package)
    other = ".datapackage.json.contribute-tmp" if planted.startswith("data/") else "data/.sources.csv.contribute-tmp"
    (package / other).symlink_to(package / next(iter(texts)))
    outside_before = snapshot(site / "outside")
    outside_times = mtimes(site / "outside")
    code, output = add(site, *ARGS)
    assert code == 0, output
    assert snapshot(site / "outside") == outside_before
    assert mtimes(site / "outside") == outside_times
    assert {path: archived_texts(package)[path] for path in texts} == texts
    assert (package / planted).is_symlink() and (package / other).is_symlink()
    leftovers = [p.name for p in package.rglob(".*.tmp")]
    assert leftovers == []


def test_a_hard_linked_sources_file_is_refused_and_the_outside_file_untouched(site: Path) -> None:
    package = site / "package"
    shared = site / "outside" / "sources.csv"
    os.link(package / "data" / "sources.csv", shared)
    before = snapshot(site)
    code, output = add(site, *ARGS)
    assert code == 1, output
    assert "hard link" in output
    assert snapshot(site) == before


# The interruption tests run add-source in a real process and signal it while it judges the new
# state: the second call of load_and_judge is made to wait until the signal comes.
DRIVER = textwrap.dedent(
    """
    import sys, time
    import contribute.add_source as module
    original = module.load_and_judge
    calls = []

    def judged_slowly(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            print("judging", flush=True)
            time.sleep(60)
        return original(*args, **kwargs)

    module.load_and_judge = judged_slowly
    from contribute.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interruption_while_judging_leaves_the_package_byte_identical(site: Path, number: int) -> None:
    package = site / "package"
    before, times = snapshot(package), mtimes(package)
    process = subprocess.Popen(
        [sys.executable, "-c", DRIVER, "add-source", str(site / "new.txt"), "--package", str(package), *ARGS],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # blocks until the new state is written and being judged
    assert line.strip() == b"judging", process.stderr.read() if process.stderr else b""
    assert snapshot(package) != before  # the writes had landed: the interruption must undo them
    process.send_signal(number)
    _, errors = process.communicate(timeout=60)
    assert process.returncode == 1, errors
    assert b"Traceback" not in errors and b"nothing was changed" in errors
    assert snapshot(package) == before
    edited = {"datapackage.json", "data/sources.csv"}
    assert {k: v for k, v in mtimes(package).items() if k in edited} == {k: times[k] for k in edited}


def test_a_nine_megabyte_text_is_refused_at_once_and_leaves_nothing(site: Path) -> None:
    big = site / "big.txt"
    line = b"Officers made 1,234 arrests and safeguarded 567 children in the year.\n"
    big.write_bytes(line * (9 * 1024 * 1024 // len(line)))
    before = snapshot(site / "package")
    started = time.monotonic()
    code, output = add(site, *ARGS, text=big)
    elapsed = time.monotonic() - started
    assert code == 1, output
    assert "limit" in output
    assert elapsed < 10, elapsed
    assert snapshot(site / "package") == before


def restyle_descriptor(package: Path) -> str:
    """Rewrite the descriptor as another hand would: four spaces, keys reversed, arrays on one line."""
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_bytes())
    reordered = dict(reversed(list(descriptor.items())))
    text = json.dumps(reordered, indent=4, ensure_ascii=False) + "\n"
    keywords = json.dumps(descriptor["keywords"], ensure_ascii=False)
    text = text.replace(
        json.dumps(descriptor["keywords"], indent=4, ensure_ascii=False).replace("\n", "\n    "), keywords
    )
    assert keywords in text
    path.write_text(text, encoding="utf-8")
    return text


def test_the_descriptor_keeps_its_indentation_key_order_and_layout(site: Path) -> None:
    package = site / "package"
    original = restyle_descriptor(package)
    code, output = add(site, *ARGS)
    assert code == 0, output
    edited = (package / "datapackage.json").read_text(encoding="utf-8")
    old, new = original.splitlines(), edited.splitlines()
    changes = [op for op in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes() if op[0] != "equal"]
    # One block inserted; no line of the original changed or lost (a comma after a '}' aside).
    assert [op[0] for op in changes] in (["insert"], ["replace"])
    tag, i1, i2, j1, j2 = changes[0]
    assert i2 - i1 <= 1
    if tag == "replace":
        assert new[j1] == old[i1] + ","
    inserted = "\n".join(new[j1 + (tag == "replace") : j2])
    assert all(line.startswith("        ") for line in new[j1 + 1 : j2 - 1])  # eight spaces: inside resources
    assert '"name": "archive-fortnight-of-action"' in inserted
    assert list(json.loads(edited)) == list(json.loads(original))


def test_duplicate_keys_in_the_descriptor_are_refused_not_dropped(site: Path) -> None:
    path = site / "package" / "datapackage.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('{\n  "$schema"', '{\n  "title": "A title given twice",\n  "$schema"', 1))
    assert text != path.read_text(encoding="utf-8")
    before = snapshot(site)
    code, output = add(site, *ARGS)
    assert code == 1, output
    assert "twice" in output or "duplicate" in output.lower()
    assert snapshot(site) == before


def test_a_crlf_sources_file_gets_a_crlf_row(site: Path) -> None:
    package = site / "package"
    descriptor_path = package / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_bytes())
    descriptor.pop("x-line-endings", None)  # this package promises LF; another need not
    descriptor_path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    sources = package / "data" / "sources.csv"
    lf = sources.read_bytes()
    sources.write_bytes(lf.replace(b"\n", b"\r\n"))
    code, output = add(site, *ARGS)
    assert code == 0, output
    after = sources.read_bytes()
    assert after.startswith(lf.replace(b"\n", b"\r\n"))
    added = after[len(lf.replace(b"\n", b"\r\n")) :]
    assert added.startswith(b"fortnight-of-action,") and added.endswith(b"\r\n")
    assert added.count(b"\n") == added.count(b"\r\n") == 1
