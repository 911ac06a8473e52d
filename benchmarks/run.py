"""Time `python -m validate` against `frictionless validate`, cold, on the real package and on generated ones.

Usage: python -m benchmarks.run [--sizes 10000,100000,1000000,10000000] [--ours-only 10000000] [--repeat 3]
                                [--out docs/benchmark-section.md]

Every measurement is a fresh process (interpreter start-up and imports included), so the
numbers are what a user or CI job waits for. Wall time and peak resident memory are the
median of the repeats. Peak memory comes from /usr/bin/time -v when it exists, otherwise
from a small wrapper process that reads getrusage(RUSAGE_CHILDREN) after its child exits.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import itertools
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.generate import generate

ROOT = Path(__file__).resolve().parents[1]
GNU_TIME = Path("/usr/bin/time")
COMMAND = "python -m benchmarks.run"
# Targets from the issues "Fast at any size" and "Speed at scale".
REAL_RATIO_MAX = 1.5
FLOOR_MARGIN_SECONDS = 0.2
HELP_MAX_SECONDS = 0.3
SPEEDUP_MIN = 10.0
MEMORY_MAX_MB = 1000.0
GROWTH_MAX = 11.0
SAME_CLAIM_MAX_SECONDS = 2.0
TARGET_ROWS = 1_000_000
# The validator refuses files over this many bytes unless told otherwise (--max-file-bytes).
DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024

# Lists the modules outside the standard library that validating a package loads, so that a
# fresh process importing just those measures the start-up no validator built on them avoids.
_PROBE = (
    "import json, sys\n"
    "from pathlib import Path\n"
    "from validate.runner import validate_package\n"
    "validate_package(Path(sys.argv[1]))\n"
    "names = [m for m in list(sys.modules) if m.split('.')[0] not in sys.stdlib_module_names\n"
    "         and m.split('.')[0] not in ('validate', '__main__')]\n"
    "print(json.dumps(names))\n"
)
_IMPORT_ALL = (
    "import importlib, json, sys\n"
    "for name in json.loads(sys.argv[1]):\n"
    "    try:\n"
    "        importlib.import_module(name)\n"
    "    except Exception:\n"
    "        pass\n"
)

# getrusage reports ru_maxrss of the largest child so far, in KiB on Linux.
_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(code)\n"
)


@dataclass(frozen=True)
class Run:
    """One cold process: wall seconds, peak resident memory in MB, exit code."""

    seconds: float
    peak_mb: float
    code: int


@dataclass(frozen=True)
class Measure:
    """The median of several runs of one command."""

    seconds: float
    peak_mb: float
    codes: tuple[int, ...]
    runs: int


@dataclass(frozen=True)
class SizeResult:
    """Both validators on one generated package (ours alone at sizes where frictionless takes many minutes)."""

    rows: int
    generate_seconds: float
    ours: Measure
    frictionless: Measure | None


def run_once(command: list[str], cwd: Path) -> Run:
    """Run the command once in a fresh process and measure its wall time and peak memory."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        if GNU_TIME.exists():
            wrapped = [str(GNU_TIME), "-v", "-o", report.name, *command]
        else:
            wrapped = [sys.executable, "-c", _WRAPPER, *command]
        start = time.perf_counter()
        done = subprocess.run(
            wrapped,
            cwd=cwd,
            stdout=subprocess.PIPE if not GNU_TIME.exists() else subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - start
        if GNU_TIME.exists():
            text = Path(report.name).read_text()
            match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
            status = re.search(r"Exit status: (\d+)", text)
            kib = int(match.group(1)) if match else 0
            code = int(status.group(1)) if status else done.returncode
        else:
            kib = int(done.stdout.strip().splitlines()[-1])
            code = done.returncode
    return Run(seconds, kib / 1024, code)


def measure(command: list[str], cwd: Path, repeat: int) -> Measure:
    """Median wall time and peak memory over `repeat` cold runs."""
    runs = [run_once(command, cwd) for _ in range(repeat)]
    return Measure(
        statistics.median(r.seconds for r in runs),
        statistics.median(r.peak_mb for r in runs),
        tuple(r.code for r in runs),
        repeat,
    )


def frictionless_bin() -> str:
    """The frictionless CLI installed next to this interpreter, else the one on PATH."""
    beside = Path(sys.executable).parent / "frictionless"
    found = str(beside) if beside.exists() else shutil.which("frictionless")
    if not found:
        raise SystemExit("frictionless CLI not found")
    return found


def ours_command(package: Path) -> list[str]:
    """Our validator with every check on, as CI runs it; a file over the default size limit
    (the outcomes table at 10,000,000 rows is 1.2 GB) is allowed by raising --max-file-bytes."""
    command = [sys.executable, "-m", "validate", str(package), "--format", "json"]
    largest = max((p.stat().st_size for p in package.rglob("*") if p.is_file()), default=0)
    if largest > DEFAULT_MAX_FILE_BYTES:
        command += ["--max-file-bytes", str(largest)]
    return command


def import_floor(repeat: int) -> tuple[Measure, list[str]]:
    """A fresh process importing every module outside the standard library that validating the
    real package loads (pandas, pyarrow, pandera, frictionless and theirs), and their names."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(ROOT)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    names = done.stdout.strip().splitlines()[-1]
    return measure([sys.executable, "-c", _IMPORT_ALL, names], ROOT, repeat), json.loads(names)


# The libraries the floor's sentence names, where the real package's run loads them.
_NAMED = {name: name for name in ("pandas", "pyarrow", "pandera", "frictionless")} | {"duckdb": "DuckDB"}


def frictionless_command(package: Path) -> list[str]:
    """frictionless on the same descriptor."""
    return [frictionless_bin(), "validate", str(package / "datapackage.json")]


# The real published packages of the parity suite (tests/fixtures/third_party, each README
# says where it comes from); start-up dominates there, so they measure what a small package costs.
PARITY_PACKAGES = ("currency-codes", "frictionless-r-v1", "frictionless-r-v2", "co2-ppm", "camtrap-dp")
PARITY_RATIO_MAX = 1.2


def parity_ratio(repeat: int) -> tuple[float, list[tuple[str, Measure, Measure]]]:
    """The median over the parity suite's real packages of our time / frictionless's, each cold,
    and each package's two measures. frictionless runs in the package's folder, offline."""
    folder = ROOT / "tests" / "fixtures" / "third_party"
    offline = {**os.environ, "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}
    measured: list[tuple[str, Measure, Measure]] = []
    saved = dict(os.environ)
    try:
        os.environ.update(offline)  # run_once's children inherit it: any fetch fails at once
        for name in PARITY_PACKAGES:
            package = folder / name
            ours = measure(ours_command(package), ROOT, repeat)
            theirs = measure([frictionless_bin(), "validate", "datapackage.json"], package, repeat)
            measured.append((name, ours, theirs))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return statistics.median(o.seconds / t.seconds for _, o, t in measured), measured


def parity_lines(parity: tuple[float, list[tuple[str, Measure, Measure]]]) -> list[str]:
    """The parity packages' table and the start-up target, for the README section."""
    ratio, measured = parity
    lines = [
        "Real published packages of the parity suite (`tests/fixtures/third_party`), cold, median of "
        f"{measured[0][1].runs if measured else 0} runs each:",
        "",
        "| Package | Ours (s) | frictionless (s) | ours / frictionless |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| `{n}` | {o.seconds:.2f} | {t.seconds:.2f} | {o.seconds / t.seconds:.2f}× |" for n, o, t in measured]
    lines += [
        "",
        f"- Median time ratio over them: {ratio:.2f}× frictionless; target ≤ {PARITY_RATIO_MAX}×: "
        f"{verdict(ratio <= PARITY_RATIO_MAX)}.",
        "",
    ]
    return lines


def bench_size(rows: int, repeat: int, slow_repeat: int, log: bool = True, ours_only: bool = False) -> SizeResult:
    """Generate a package of `rows` outcome rows and time both validators (or ours alone) on it."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        package = Path(tmp) / "package"
        start = time.perf_counter()
        generate(package, rows)
        generated = time.perf_counter() - start
        ours = measure(ours_command(package), ROOT, repeat)
        if any(code != 0 for code in ours.codes):
            raise SystemExit(f"validate exited {ours.codes} on the generated valid package of {rows} rows")
        theirs = (
            None
            if ours_only
            else measure(frictionless_command(package), ROOT, slow_repeat if rows >= TARGET_ROWS else repeat)
        )
    if log:
        other = f"frictionless {theirs.seconds:.2f} s {theirs.peak_mb:.0f} MB" if theirs else "frictionless not run"
        print(f"{rows:>10,} rows: ours {ours.seconds:.2f} s {ours.peak_mb:.0f} MB, {other}", file=sys.stderr)
    return SizeResult(rows, generated, ours, theirs)


def same_claim(copies: int, repeat: int) -> Measure:
    """Our validator on the real package with its first claims row stated ``copies`` more times
    (each with its own id): the agreement pass must judge the group by its extremes."""
    import csv
    import io

    with tempfile.TemporaryDirectory(prefix="bench-same-") as tmp:
        package = Path(tmp) / "package"
        package.mkdir()
        for part in ("datapackage.json", "data", "schemas"):
            source = ROOT / part
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, package / part)
        path = package / "data" / "outcomes.csv"
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        rows += [[f"{rows[1][0]}-copy-{n}", *rows[1][1:]] for n in range(copies)]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
        result = measure(ours_command(package), ROOT, repeat)
    if any(code not in (0, 1) for code in result.codes):
        raise SystemExit(f"validate exited {result.codes} on {copies:,} rows stating one claim")
    print(f"{copies:,} rows stating one claim: ours {result.seconds:.2f} s {result.peak_mb:.0f} MB", file=sys.stderr)
    return result


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        model = found.group(1).strip() if found else model
    ram = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.MULTILINE)
        ram = f"{int(found.group(1)) / 1024**2:.1f} GiB" if found else ram
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpus": str(cores),
        "cpu": model,
        "ram": ram,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "frictionless": importlib.metadata.version("frictionless"),
        "date": dt.datetime.now(dt.UTC).date().isoformat(),
        "revision": revision(),
        "memory": "/usr/bin/time -v" if GNU_TIME.exists() else "getrusage(RUSAGE_CHILDREN)",
        # Other work on the machine slows cold runs; the load says how quiet it was.
        "load": " / ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown",
    }


def revision() -> str:
    """The commit the validator was measured at, flagged when validate/ had uncommitted edits."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "validate"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes in validate/" if dirty else "")


def verdict(ok: bool) -> str:
    """Met or not, in words a reader scans for."""
    return "**met**" if ok else "**not met**"


def growth_rows(results: list[SizeResult]) -> list[tuple[int, int, float, float | None]]:
    """(smaller rows, larger rows, our time ratio, frictionless time ratio or None) for consecutive sizes."""
    out: list[tuple[int, int, float, float | None]] = []
    for small, large in itertools.pairwise(results):
        theirs = (
            large.frictionless.seconds / small.frictionless.seconds
            if large.frictionless and small.frictionless
            else None
        )
        out.append((small.rows, large.rows, large.ours.seconds / small.ours.seconds, theirs))
    return out


def _seconds(measure: Measure | None) -> str:
    return f"{measure.seconds:.2f}" if measure else "not run"


def markdown(
    results: list[SizeResult],
    real: tuple[Measure, Measure],
    help_: Measure,
    info: dict[str, str],
    command: str,
    floor: tuple[Measure, list[str]],
) -> str:
    """The README section: machine, table, growth and the targets met or not."""
    ours_real, theirs_real = real
    lines = [
        "## Performance",
        "",
        "Wall time and peak resident memory of `python -m validate DIR --format json` (every check on)",
        "and of `frictionless validate DIR/datapackage.json`, each in a fresh process (start-up and",
        "imports included; files in the page cache), median of the runs shown. Generated packages come",
        "from `python -m benchmarks.generate`: about 10 outcome rows per (operation, metric) group, one",
        "source per 1,000 rows, valid by construction (our validator must exit 0 on each, so every",
        "check runs over every row). frictionless is not run where it would take many minutes; ours",
        "is then given `--max-file-bytes` when a table is over its default limit of 512 MiB.",
        "",
        f"Measured on {info['date']} at commit {info['revision']}: {info['cpus']} CPUs ({info['cpu']}), "
        f"{info['ram']} RAM, "
        f"{info['os']}, Python {info['python']}, frictionless {info['frictionless']}; peak memory from "
        f"{info['memory']}; load average (1 / 5 / 15 min) at the end {info['load']}.",
        "",
        "| Package | Outcome rows | Ours (s) | frictionless (s) | frictionless / ours | Ours peak (MB) "
        "| frictionless peak (MB) | Runs (ours / frictionless) |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
        f"| real package | {count_outcomes(ROOT):,} | {ours_real.seconds:.2f} | {theirs_real.seconds:.2f} | "
        f"{theirs_real.seconds / ours_real.seconds:.2f}× | {ours_real.peak_mb:.0f} | {theirs_real.peak_mb:.0f} | "
        f"{ours_real.runs} / {theirs_real.runs} |",
    ]
    for r in results:
        theirs = r.frictionless
        lines.append(
            f"| generated | {r.rows:,} | {r.ours.seconds:.2f} | {_seconds(theirs)} | "
            + (f"{theirs.seconds / r.ours.seconds:.2f}× | " if theirs else "— | ")
            + f"{r.ours.peak_mb:.0f} | {f'{theirs.peak_mb:.0f}' if theirs else '—'} | "
            f"{r.ours.runs} / {theirs.runs if theirs else 0} |"
        )
    floor_measure, modules = floor
    named = ", ".join(label for name, label in _NAMED.items() if name in modules)
    lines += [
        "",
        f"Import floor: a fresh process that only imports the {len(modules):,} modules outside the standard "
        f"library that validating the real package loads ({named} and what they import) takes "
        f"{floor_measure.seconds:.2f} s (median of {floor_measure.runs}); frictionless alone imports only itself.",
        "",
        f"`python -m validate --help`: {help_.seconds:.3f} s (median of {help_.runs}).",
        "",
    ]
    growth = growth_rows(results)
    if growth:
        lines += ["| Rows from → to | Ours: time ratio | frictionless: time ratio |", "|---|---:|---:|"]
        lines += [
            f"| {a:,} → {b:,} (×{b / a:g}) | {o:.2f}× | {f'{f:.2f}×' if f is not None else '—'} |"
            for a, b, o, f in growth
        ]
        lines.append("")
    lines += targets(results, real, help_, growth, floor_measure)
    lines += [
        "",
        "Regenerate this section (the 1,000,000-row runs of frictionless take several minutes, the",
        "10,000,000-row package about a minute to generate) with:",
        "",
        "```sh",
        command,
        "```",
        "",
    ]
    return "\n".join(lines)


def targets(
    results: list[SizeResult],
    real: tuple[Measure, Measure],
    help_: Measure,
    growth: list[tuple[int, int, float, float | None]],
    floor: Measure,
) -> list[str]:
    """One bullet per target of the issue, with the number that decides it."""
    ours_real, theirs_real = real
    ratio = ours_real.seconds / theirs_real.seconds
    above = ours_real.seconds - floor.seconds
    out = [
        "Targets:",
        "",
        f"- Real package, cold: ours {ours_real.seconds:.2f} s is {ratio:.2f}× frictionless "
        f"({theirs_real.seconds:.2f} s) and {abs(above):.2f} s {'above' if above >= 0 else 'below'} the import "
        f"floor ({floor.seconds:.2f} s); "
        f"target ≤ {REAL_RATIO_MAX}× frictionless, or, where importing the libraries alone makes that "
        f"impossible, within {FLOOR_MARGIN_SECONDS} s of the floor: "
        f"{verdict(ratio <= REAL_RATIO_MAX or above <= FLOOR_MARGIN_SECONDS)}.",
        f"- `--help`: {help_.seconds:.3f} s; target ≤ {HELP_MAX_SECONDS} s: "
        f"{verdict(help_.seconds <= HELP_MAX_SECONDS)}.",
    ]
    big = [r for r in results if r.rows >= TARGET_ROWS and r.frictionless]
    if big:
        r = big[0]
        assert r.frictionless is not None
        speedup = r.frictionless.seconds / r.ours.seconds
        out.append(
            f"- {r.rows:,} rows: ours is {speedup:.2f}× as fast as frictionless; target ≥ "
            f"{SPEEDUP_MIN:g}×: {verdict(speedup >= SPEEDUP_MIN)}. Peak memory {r.ours.peak_mb:.0f} MB; "
            f"target ≤ {MEMORY_MAX_MB:.0f} MB: {verdict(r.ours.peak_mb <= MEMORY_MAX_MB)}."
        )
    else:
        out.append(f"- {TARGET_ROWS:,} rows: not measured in this run.")
    tenfold = [(a, b, o) for a, b, o, _ in growth if b == 10 * a]
    for a, b, o in tenfold:
        out.append(
            f"- {a:,} → {b:,} rows costs {o:.2f}× the time; target ≤ {GROWTH_MAX:g}×: {verdict(o <= GROWTH_MAX)}."
        )
    return out


def count_outcomes(root: Path) -> int:
    """Data rows of the real package's outcomes table."""
    with (root / "data" / "outcomes.csv").open(encoding="utf-8") as handle:
        return max(sum(1 for _ in handle) - 1, 0)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes", default="10000,100000,1000000", help="comma-separated outcome row counts to generate"
    )
    parser.add_argument(
        "--ours-only",
        default="",
        help="comma-separated sizes (among --sizes) at which only our validator runs (frictionless takes too long)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="cold runs per measurement (median taken)")
    parser.add_argument(
        "--slow-repeat",
        type=int,
        default=None,
        help=f"runs of frictionless at {TARGET_ROWS:,}+ rows (default: --repeat)",
    )
    parser.add_argument(
        "--same-claim", type=int, default=0, help="also time the real package with this many copies of one claim row"
    )
    parser.add_argument("--out", type=Path, default=None, help="write the Markdown section here")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw numbers as JSON here")
    parser.add_argument(
        "--parity",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time both validators on the parity suite's real packages (median ratio)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Measure everything, print the Markdown section and optionally write it."""
    args = parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    alone = {int(s.replace("_", "")) for s in args.ours_only.split(",") if s.strip()}
    slow = args.slow_repeat or args.repeat
    help_ = measure([sys.executable, "-m", "validate", "--help"], ROOT, max(args.repeat, 5))
    floor = import_floor(max(args.repeat, 5))
    real = (measure(ours_command(ROOT), ROOT, args.repeat), measure(frictionless_command(ROOT), ROOT, args.repeat))
    print(
        f"real package: ours {real[0].seconds:.2f} s, frictionless {real[1].seconds:.2f} s, "
        f"import floor {floor[0].seconds:.2f} s",
        file=sys.stderr,
    )
    results = [bench_size(rows, args.repeat, slow, ours_only=rows in alone) for rows in sizes]
    same = same_claim(args.same_claim, args.repeat) if args.same_claim else None
    command = f"{COMMAND} --sizes {','.join(map(str, sizes))} --repeat {args.repeat}"
    if alone:
        command += f" --ours-only {','.join(str(n) for n in sizes if n in alone)}"
    if args.slow_repeat:
        command += f" --slow-repeat {args.slow_repeat}"
    if args.out:
        command += f" --out {args.out.as_posix()}"
    if args.same_claim:
        command += f" --same-claim {args.same_claim}"
    text = markdown(results, real, help_, machine(), command, floor)
    if same is not None:
        text += (
            f"\n{args.same_claim:,} rows stating one claim (the real package's first claims row copied): "
            f"{same.seconds:.2f} s, {same.peak_mb:.0f} MB peak (median of {same.runs}); "
            f"target < {SAME_CLAIM_MAX_SECONDS:g} s: {verdict(same.seconds < SAME_CLAIM_MAX_SECONDS)}.\n"
        )
    parity = parity_ratio(args.repeat) if args.parity else None
    if parity is not None:
        print(f"parity packages: median ratio {parity[0]:.2f}", file=sys.stderr)
        text += "\n" + "\n".join(parity_lines(parity))
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    if args.json:
        raw = {
            "machine": machine(),
            "help": help_.__dict__,
            "import_floor": {**floor[0].__dict__, "modules": len(floor[1])},
            "real": [m.__dict__ for m in real],
            "parity": {
                "median_ratio": parity[0],
                "packages": {n: {"ours": o.__dict__, "frictionless": t.__dict__} for n, o, t in parity[1]},
            }
            if parity
            else None,
            "sizes": [
                {
                    "rows": r.rows,
                    "generate_seconds": r.generate_seconds,
                    "ours": r.ours.__dict__,
                    "frictionless": r.frictionless.__dict__ if r.frictionless else None,
                }
                for r in results
            ],
        }
        args.json.write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
