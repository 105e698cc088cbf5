"""Warm wall-clock time of the CLI's short paths, against bare interpreter start-up.

Run by hand from the repository root:

    python tests/perf/bench_cli_startup.py [--repeat 15] [--profile]

Each command runs once to warm the OS caches and the bytecode cache (kept in
a scratch folder, even when PYTHONDONTWRITEBYTECODE is set), then
``--repeat`` times; the median and minimum wall time and the median CPU time
(user + system, less disturbed when other work shares the machine) are
printed, with the median's ratio to ``python -c pass`` and to ``python -c
"import benchmark"`` measured in the same run, since the machine's speed
varies. Goals (issue 12): ``benchmark evaluate --system rules`` (1000
bootstrap samples) under 0.6 s, ``benchmark --help`` under 0.15 s, wall time
on an otherwise idle machine.

``--profile`` also runs each CLI command once under ``python -X importtime``
and prints the slowest imports and any heavy library (numpy, scipy, sklearn,
datasets, pandas, jinja2) it loads, then a cProfile of the evaluation.
"""

from __future__ import annotations

import argparse
import io
import os
import pstats
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("numpy", "scipy", "sklearn", "datasets", "pandas", "jinja2")


@dataclass(frozen=True)
class Command:
    label: str
    args: tuple[str, ...]
    goal_s: float | None = None


COMMANDS = (
    Command("python -c pass", ("-c", "pass")),
    Command("python -c 'import benchmark'", ("-c", "import benchmark")),
    Command("benchmark --help", ("-m", "benchmark", "--help"), goal_s=0.15),
    Command("benchmark evaluate --system rules", ("-m", "benchmark", "evaluate", "--system", "rules"), goal_s=0.6),
)


@dataclass(frozen=True)
class Timing:
    median: float
    minimum: float
    cpu_median: float  # user + system CPU time: less disturbed than wall time when the machine is busy


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(args: tuple[str, ...], env: dict[str, str], prefix: tuple[str, ...] = ()) -> tuple[float, float, str]:
    """Wall time, CPU time and standard error of one run."""
    cpu_before, start = cpu_of_children(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, *prefix, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    elapsed, cpu = time.perf_counter() - start, cpu_of_children() - cpu_before
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited with {done.returncode}:\n{done.stderr}")
    return elapsed, cpu, done.stderr


def time_command(command: Command, env: dict[str, str], repeat: int) -> Timing:
    run_once(command.args, env)  # warm the OS caches and the bytecode caches
    runs = [run_once(command.args, env) for _ in range(repeat)]
    walls = [wall for wall, _, _ in runs]
    return Timing(statistics.median(walls), min(walls), statistics.median(cpu for _, cpu, _ in runs))


def cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
    except OSError:
        return "CPU model unknown"
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "CPU model unknown")


def report_timings(timings: dict[Command, Timing]) -> None:
    bare, imported = (timings[c].median for c in COMMANDS[:2])
    print(f"{'command':36}  {'median s':>8}  {'min s':>6}  {'cpu s':>6}  {'x pass':>6}  {'x import':>8}  goal")
    for command, timing in timings.items():
        goal = ""
        if command.goal_s is not None:
            verdict = "met" if timing.median < command.goal_s else "MISSED"
            goal = f"< {command.goal_s} s: {verdict}"
        print(
            f"{command.label:36}  {timing.median:8.3f}  {timing.minimum:6.3f}  {timing.cpu_median:6.3f}  "
            f"{timing.median / bare:6.1f}  {timing.median / imported:8.1f}  {goal}"
        )


IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def profile_imports(command: Command, env: dict[str, str], top: int = 12) -> None:
    _, _, stderr = run_once(command.args, env, prefix=("-X", "importtime"))
    rows = [(int(m[2]), len(m[3]), m[4]) for m in map(IMPORT_LINE.match, stderr.splitlines()) if m]
    total_ms = sum(cumulative for cumulative, depth, _ in rows if depth == 1) / 1000
    heavy = sorted({name.split(".")[0] for _, _, name in rows if name.split(".")[0] in HEAVY})
    print(f"\n{command.label}: {total_ms:.0f} ms of imports; heavy libraries: {', '.join(heavy) or 'none'}")
    for cumulative, _, name in sorted((r for r in rows if r[1] == 1), reverse=True)[:top]:
        print(f"  {cumulative / 1000:7.1f} ms  {name}")


def profile_calls(command: Command, env: dict[str, str], top: int = 20) -> None:
    """cProfile of one run, in its own process: our functions by cumulative time, then all by own time."""
    with tempfile.TemporaryDirectory() as folder:
        output = str(Path(folder) / "profile")
        run_once(command.args, env, prefix=("-m", "cProfile", "-o", output))
        for order, restriction, title in (
            ("cumulative", "benchmark", "our functions, cumulative"),
            ("tottime", "", "all functions, own time"),
        ):
            out = io.StringIO()
            stats = pstats.Stats(output, stream=out).sort_stats(order)
            stats.print_stats(*([restriction] if restriction else []), top)
            print(f"\ncProfile of {command.label} ({title}):")
            print("\n".join(line for line in out.getvalue().splitlines()[4:] if line.strip()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--profile", action="store_true", help="also profile imports and calls")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        # Warm means bytecode cached too, as on a user's second run: PYTHONDONTWRITEBYTECODE is
        # dropped, and the bytecode goes to a scratch folder rather than into the checkout.
        env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
        env.update(DIPLOMACY_IE_CACHE=str(Path(scratch) / "cache"), PYTHONPYCACHEPREFIX=str(Path(scratch) / "pycache"))
        print(
            f"python {sys.version.split()[0]} on {os.cpu_count()} CPUs ({cpu_model()}), load average "
            f"{os.getloadavg()[0]:.1f}; {args.repeat} warm runs each\n"
        )
        report_timings({command: time_command(command, env, args.repeat) for command in COMMANDS})
        if os.getloadavg()[0] > (os.cpu_count() or 1) / 2:
            print(
                "\nThe machine was busy (load average above half its CPUs): the wall times are inflated "
                "and the goals are for an idle machine; the CPU times are the steadier figure."
            )
        if args.profile:
            for command in COMMANDS[2:]:
                profile_imports(command, env)
            profile_calls(COMMANDS[-1], env)


if __name__ == "__main__":
    main()
