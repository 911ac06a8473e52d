"""Every command the README gives, run exactly as written, offline, in a copy of the repository.

Each ```sh block of README.md is run line by line with bash in a fresh copy of the
repository's files whose .venv is the test environment (see conftest.clone), and each ```sql
block is run by the engine its text names. Two commands are not run here, each for a reason
kept in SKIPPED; a new command in the README is run unless it is added there with its reason.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, Installed, commands, fresh_venv, read_rows, sh, sh_blocks

README = (ROOT / "README.md").read_text(encoding="utf-8")
SKIPPED = {
    "make test": "the suite this test belongs to",
    # A quarter of an hour; tests/test_benchmark_smoke.py runs the same command at small sizes.
    "python -m benchmarks.run": "the full benchmark",
}
DATASETTE = "http://127.0.0.1:8001"


def readme_commands() -> list[str]:
    """Every command of every sh block of the README, in order."""
    return [command for block in sh_blocks(README) for command in commands(block)]


def block_with(command: str) -> list[str]:
    """The commands of the one sh block that holds a command starting so."""
    (block,) = [commands(b) for b in sh_blocks(README) if any(c.startswith(command) for c in commands(b))]
    return block


def skipped(command: str) -> bool:
    """True for a command this file does not run (see SKIPPED)."""
    return any(command.startswith(prefix) for prefix in SKIPPED)


def run_all(clone: Path, block: list[str], bin_dir: Path | None = None, **env: str) -> None:
    """Run a block's commands in order in the clone, as one script (a `cd` holds for the rest);
    each must succeed."""
    script = "\n".join(command for command in block if not skipped(command))
    done = sh(clone, script, bin_dir, **env)
    assert done.returncode == 0, f"{script}\n{done.stdout}\n{done.stderr}"


def test_every_command_of_the_readme_is_run_by_a_test_here() -> None:
    """Each command belongs to a block one of the tests below runs, or is skipped with a reason."""
    covered = {
        *block_with("make validate"),
        *block_with("make datasette"),
        *block_with("sqlite3"),
        *block_with("python -m pip install"),
        *block_with("python -m contribute add-source"),
    }
    assert [c for c in readme_commands() if c not in covered and not skipped(c)] == []
    assert all(any(c.startswith(prefix) for c in readme_commands()) for prefix in SKIPPED), "a stale skip"


def test_make_validate_and_the_new_source_commands(clone: Path) -> None:
    run_all(clone, block_with("make validate"))
    (clone / "statement.txt").write_text(
        "Officers arrested 14 people during a fortnight of action.\n", encoding="utf-8"
    )
    run_all(clone, block_with("python -m contribute add-source"))
    header, *rows = read_rows(clone / "draft.csv")
    assert [dict(zip(header, row, strict=True))["number"] for row in rows] == ["14"]


def test_the_sqlite_and_duckdb_queries(clone: Path) -> None:
    run_all(clone, ["make build"])  # the README's way to dist/, given in its text
    (database,) = re.findall(r"sqlite3 -header -column (\S+)", README)
    queries = re.findall(r"^```sql\n(.*?)^```$", README, flags=re.MULTILINE | re.DOTALL)
    # The flat-table question in "Get the data" (DuckDB), the SQLite query and the DuckDB query.
    assert len(queries) == 3
    for query in queries:
        if "read_csv(" in query:
            done = sh(clone, 'python -c "import duckdb, sys; duckdb.sql(sys.stdin.read()).show()"', stdin=query)
        else:
            (command,) = block_with("sqlite3")
            done = sh(clone, command, stdin=query)
        assert done.returncode == 0, done.stderr
        assert "arrests" in done.stdout, done.stdout
    assert (clone / database).is_file()


def test_make_datasette_serves_the_documented_json_api(clone: Path) -> None:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 8001)) == 0:
            pytest.skip("port 8001 is taken on this machine")
    (command,) = block_with("make datasette")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    server = subprocess.Popen(
        ["bash", "--noprofile", "--norc", "-c", command],
        cwd=clone,
        env={**env, "PATH": f"{clone / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: make, and the datasette it starts
    )
    try:
        (url,) = re.findall(r"`(http://127\.0\.0\.1:8001/\S+\.json\?_shape=array)`", README)
        rows = None
        deadline = time.monotonic() + 240
        while rows is None and time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    rows = json.loads(response.read())
            except OSError:
                time.sleep(0.5)
        assert rows is not None, server.stderr.read().decode() if server.poll() is not None else "no answer"
        _, *outcomes = read_rows(clone / "data" / "outcomes.csv")
        ids = {row[0] for row in outcomes}
        # One page of the table (datasette's default page holds 100 rows), in key order.
        assert {row["outcome_id"] for row in rows} <= ids
        assert len(rows) == min(len(ids), 100)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_the_unzipped_release_validates_as_the_readme_says(clone: Path, installed: Installed, tmp_path: Path) -> None:
    """A fresh environment, the install, the unzip and the validator, as the README gives them."""
    run_all(clone, ["make build"])  # the README's way to dist/, given in its text
    venv = fresh_venv(tmp_path / "venv", installed.dependencies)
    # Offline, pip may not download: no index, and the build uses the installed setuptools.
    run_all(
        clone, block_with("python -m pip install"), bin_dir=venv / "bin", PIP_NO_INDEX="1", PIP_NO_BUILD_ISOLATION="0"
    )  # type: ignore[arg-type]
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import validate; print(validate.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(done.stdout.strip()).is_relative_to(venv), "the validator that ran is the installed one"


@pytest.mark.parametrize("module", ["publish", "contribute"])
def test_command_summaries_are_whole_sentences(module: str) -> None:
    """`--help` lists each command with its summary in full, never cut off with an ellipsis."""
    from click.testing import CliRunner

    main = __import__(f"{module}.cli", fromlist=["main"]).main
    result = CliRunner().invoke(main, ["--help"], terminal_width=80)
    assert result.exit_code == 0
    listed = result.output.split("Commands:\n", 1)[1]
    assert "..." not in listed and "…" not in listed, listed
    assert all(line.rstrip().endswith(".") for line in listed.splitlines() if line.strip())
