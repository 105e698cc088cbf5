"""Start-up and small-run timings: ``benchmark --help`` and ``benchmark evaluate --system rules``.

Run by hand from the repository root:

    python tests/perf/bench_commands.py [--runs 20] [--profile]

Each command runs ``--runs`` times in a fresh interpreter, warm (after one
untimed run); the script prints the fastest, median and slowest wall time,
next to ``python -c pass`` (the interpreter's own start-up) measured the same
way, then the heaviest imports by ``python -X importtime``. ``--profile``
adds a cProfile of the rules run. Goals: ``benchmark --help`` under 0.15 s;
``evaluate --system rules`` under 0.6 s (issue 12).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = {
    "python -c pass": ["-c", "pass"],
    "benchmark --help": ["-m", "benchmark", "--help"],
    "benchmark evaluate --system rules": ["-m", "benchmark", "evaluate", "--system", "rules", "--bootstrap", "1000"],
}


def wall_times(args: list[str], runs: int, env: dict) -> list[float]:
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, check=True)  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return times


def heaviest_imports(args: list[str], env: dict, top: int = 12) -> list[tuple[float, str]]:
    """(cumulative milliseconds, module) of the slowest top-level imports of one run."""
    result = subprocess.run([sys.executable, "-X", "importtime", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=True)
    rows = []
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if match and len(match.group(2)) <= 2:  # imported by the program or by its direct imports
            rows.append((int(match.group(1)) / 1000, match.group(2) + match.group(3)))
    return sorted(rows, reverse=True)[:top]


def profile(args: list[str], env: dict) -> None:
    import pstats

    with tempfile.TemporaryDirectory() as folder:
        stats = Path(folder) / "run.prof"
        subprocess.run([sys.executable, "-m", "cProfile", "-o", str(stats), *args], cwd=ROOT, env=env,
                       capture_output=True, check=True)
        pstats.Stats(str(stats)).sort_stats("cumulative").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="also profile the rules run with cProfile")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "DIPLOMACY_IE_CACHE": cache}  # never the user's cache
        for name, command in COMMANDS.items():
            times = wall_times(command, args.runs, env)
            print(f"{name:36s} fastest {min(times):.3f} s  median {statistics.median(times):.3f} s  "
                  f"slowest {max(times):.3f} s  ({args.runs} warm runs)")
        for name, command in list(COMMANDS.items())[1:]:
            print(f"\nheaviest imports of {name} (cumulative ms, python -X importtime):")
            for ms, module in heaviest_imports(command, env):
                print(f"  {ms:8.1f}  {module}")
        if args.profile:
            profile(COMMANDS["benchmark evaluate --system rules"], env)


if __name__ == "__main__":
    main()
