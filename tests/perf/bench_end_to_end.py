"""End-to-end benchmark: ``benchmark evaluate`` on JSON Lines files against nervaluate 1.2.1 and json.loads.

Run by hand from the repository root:

    python tests/perf/bench_end_to_end.py [--docs 10000] [--keep DIR] [--profile]

It writes seeded synthetic files (tests/perf/synthetic.py: 100 gold entity
spans of five types per document in running text, a perturbed prediction
for each), then times three child processes on the same two files:

- ours: ``python -m benchmark evaluate --gold G --predictions P --layers
  entities --bootstrap 0``, everything a user waits for;
- nervaluate 1.2.1: ``json.loads`` of every line of both files, conversion to
  its dict format, ``Evaluator(...).evaluate()``;
- the floor: ``json.loads`` of every line of both files, nothing else.

Each child's wall time, CPU time and peak memory (its own maximum resident
set, from ``os.wait4``) are printed, with the ratios. Goals: at least 10x
faster than nervaluate, within 3x of the floor, peak memory under 2 GB.
``--repeat N`` keeps the fastest of N runs of ours and the floor (nervaluate
runs once: it is the slow reference). ``--profile`` runs ours once more
under cProfile and prints where the time goes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.perf.synthetic import TYPES_5, build_corpus, write_jsonl  # noqa: E402

TYPES = TYPES_5


@dataclass
class Timing:
    seconds: float  # wall clock
    cpu_seconds: float  # user + system
    peak_mb: float
    stdout: str


def run_child(args: list[str]) -> Timing:
    """Wall time and peak resident memory of one child process, which must succeed."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(args, cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage, unlike RUSAGE_CHILDREN
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            sys.exit(f"{' '.join(args)} failed ({child.returncode}):\n{err.read().decode()}")
        return Timing(
            seconds,
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024,  # ru_maxrss: KiB on Linux
            out.read().decode(),
        )


# ------------------------------------------------------------------ the children


def child_floor(gold: Path, pred: Path) -> None:
    loads = json.loads
    counted = 0
    for path in (gold, pred):
        with open(path, encoding="utf-8") as handle:
            counted += sum(len(loads(line)["entities"]) for line in handle)
    print(json.dumps({"spans": counted}))


def child_nervaluate(gold: Path, pred: Path) -> None:
    from nervaluate import Evaluator

    def spans(path: Path) -> list[list[dict]]:
        with open(path, encoding="utf-8") as handle:
            return [
                [
                    {"label": e["type"], "start": e["start"], "end": e["end"] - 1}  # inclusive ends
                    for e in json.loads(line)["entities"]
                ]
                for line in handle
            ]

    results = Evaluator(spans(gold), spans(pred), tags=TYPES, loader="dict").evaluate()
    print(json.dumps({scheme: results["overall"][scheme].f1 for scheme in SCHEMES}))


CHILDREN = {"floor": child_floor, "nervaluate": child_nervaluate}


# ------------------------------------------------------------------ the run


def ours_command(gold: Path, pred: Path) -> list[str]:
    """The command of issue 12, as a user runs it: the table on standard output."""
    return [
        sys.executable,
        "-m",
        "benchmark",
        "evaluate",
        "--gold",
        str(gold),
        "--predictions",
        str(pred),
        "--layers",
        "entities",
        "--bootstrap",
        "0",
    ]


def table_f1(table: str) -> dict[str, float]:
    """The F1 of each entity scheme, from the table ``benchmark evaluate`` prints."""
    rows = [line.split() for line in table.splitlines() if line.startswith("entities ")]
    return {row[1]: float(row[-1]) for row in rows if len(row) >= 5 and row[1] in SCHEMES}


SCHEMES = ("strict", "exact", "partial", "ent_type")


def profile_ours(gold: Path, pred: Path, folder: Path) -> None:
    stats = folder / "ours.prof"
    run_child([sys.executable, "-m", "cProfile", "-o", str(stats), *ours_command(gold, pred)[1:]])
    import pstats

    pstats.Stats(str(stats)).sort_stats("cumulative").print_stats(30)
    pstats.Stats(str(stats)).sort_stats("tottime").print_stats(20)


def report(args: argparse.Namespace, folder: Path) -> None:
    gold, pred = folder / "gold.jsonl", folder / "pred.jsonl"
    started = time.perf_counter()
    corpus = build_corpus(args.docs, TYPES)
    write_jsonl(corpus, gold, pred)
    n_gold = sum(len(d.entities) for d in corpus.gold)
    n_pred = sum(len(d.entities) for d in corpus.pred)
    n_chars = sum(len(d.text) for d in corpus.gold)
    del corpus
    print(
        f"corpus: {args.docs} documents, {n_gold} gold and {n_pred} predicted entity spans, {len(TYPES)} types, "
        f"{n_chars / 1e6:.1f} M characters of text; files {gold.stat().st_size / 2**20:.0f} MB + "
        f"{pred.stat().st_size / 2**20:.0f} MB (written in {time.perf_counter() - started:.0f} s)"
    )
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")

    me = [sys.executable, str(Path(__file__).resolve()), "--child"]
    floor = best_of(args.repeat, [*me, "floor", str(gold), str(pred)])
    ours = best_of(args.repeat, ours_command(gold, pred))
    nerv = best_of(1, [*me, "nervaluate", str(gold), str(pred)])
    print(f"{'':34s} {'wall':>8s} {'CPU':>8s} {'peak memory':>12s}")
    for name, timing in (
        ("floor: json.loads of both files", floor),
        ("ours: benchmark evaluate", ours),
        ("nervaluate 1.2.1 with json.loads", nerv),
    ):
        print(f"{name:34s} {timing.seconds:7.2f}s {timing.cpu_seconds:7.2f}s {timing.peak_mb:9.0f} MB")
    print(
        f"ours vs nervaluate: {nerv.seconds / ours.seconds:.1f}x faster by the wall clock, "
        f"{nerv.cpu_seconds / ours.cpu_seconds:.1f}x by CPU time (goal: at least 10x)"
    )
    print(
        f"ours vs the floor:  {ours.seconds / floor.seconds:.2f}x the floor by the wall clock, "
        f"{ours.cpu_seconds / floor.cpu_seconds:.2f}x by CPU time (goal: at most 3x)"
    )
    print(f"our peak memory:    {ours.peak_mb:.0f} MB (goal: under 2048 MB)")
    ours_f1, theirs = table_f1(ours.stdout), json.loads(nerv.stdout)
    for scheme in SCHEMES:
        print(f"  {scheme:8s} F1 ours {ours_f1[scheme]:.3f}  nervaluate {theirs[scheme]:.3f}")
    if args.profile:
        profile_ours(gold, pred, folder)


def best_of(repeat: int, args: list[str]) -> Timing:
    """The fastest of ``repeat`` runs (by the wall clock): the others met other load on the machine."""
    return min((run_child(args) for _ in range(repeat)), key=lambda timing: timing.seconds)


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        CHILDREN[sys.argv[2]](Path(sys.argv[3]), Path(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000, help="documents of 100 gold spans (default 10,000)")
    parser.add_argument("--keep", type=Path, help="write the files to this folder and keep them")
    parser.add_argument(
        "--repeat", type=int, default=1, help="run ours and the floor this many times and keep the fastest (default 1)"
    )
    parser.add_argument("--profile", action="store_true", help="also profile our run with cProfile")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        report(args, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-e2e-") as folder:
            report(args, Path(folder))


if __name__ == "__main__":
    main()
