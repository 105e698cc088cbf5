"""Regenerate the committed results and the README's table of scores, in one command:

    python docs/results/regenerate.py                               # rules, empty, oracle + README
    python docs/results/regenerate.py --spacy en_core_web_sm        # ... and the spaCy pipeline

It scores each built-in system (``rules``, ``empty``, ``oracle``) with
``benchmark evaluate --bootstrap 1000 --seed 13 --format json`` into
``docs/results/<system>.json``; with ``--spacy PIPELINE`` (an installed
pipeline package or a pipeline folder; see docs/results/README.md) it also
scores ``spacy:PIPELINE`` into ``docs/results/spacy-en_core_web_sm.json``,
and without it keeps that file as committed. Then it writes
``benchmark leaderboard --format markdown`` over every
``docs/results/*.json`` (in file-name order) between the README's
``<!-- leaderboard:start -->`` and ``<!-- leaderboard:end -->`` markers.

Run it with the checkout's own environment active (``python -m benchmark``
must be this checkout). Tests check that the README's table is the
leaderboard of the committed files and that the committed files equal a
fresh run (tests/test_leaderboard_readme.py).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "docs" / "results"
README = ROOT / "README.md"
BUILTIN_SYSTEMS = ("rules", "empty", "oracle")
SPACY_RESULT = "spacy-en_core_web_sm.json"
SETTINGS = ("--bootstrap", "1000", "--seed", "13")
START, END = "<!-- leaderboard:start -->\n", "<!-- leaderboard:end -->"


def benchmark(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "benchmark", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"benchmark {' '.join(args)} failed (exit {done.returncode}):\n{done.stderr}")
    return done


def score(system: str, output: Path, env: dict[str, str]) -> None:
    benchmark(
        "evaluate", "--system", system, *SETTINGS, "--format", "json", "--quiet", "--output", str(output), env=env
    )
    print(f"scored {system} -> {output}")


def replace_block(text: str, block: str) -> str:
    """``text`` with what lies between the leaderboard markers replaced by ``block``."""
    if text.count(START) != 1 or text.count(END) != 1 or text.index(START) > text.index(END):
        sys.exit(f"the README needs one {START.strip()} ... {END} pair")
    head, rest = text.split(START)
    return head + START + block + END + rest.split(END, 1)[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spacy", metavar="PIPELINE", help="also score spacy:PIPELINE")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder of the result files")
    parser.add_argument("--readme", type=Path, default=README, help="the README to update")
    args = parser.parse_args(argv)
    args.results.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="diplomacy-ie-cache-") as cache:
        env = {**os.environ, "DIPLOMACY_IE_CACHE": cache}  # never the user's cache
        for system in BUILTIN_SYSTEMS:
            score(system, args.results / f"{system}.json", env)
        if args.spacy:
            score(f"spacy:{args.spacy}", args.results / SPACY_RESULT, env)
        elif (args.results / SPACY_RESULT).exists():
            print(f"kept {args.results / SPACY_RESULT} as it is (give --spacy PIPELINE to score it again)")
        files = sorted(str(p) for p in args.results.glob("*.json"))
        board = benchmark("leaderboard", *files, "--format", "markdown", env=env).stdout
    args.readme.write_text(replace_block(args.readme.read_text(encoding="utf-8"), board), encoding="utf-8")
    print(f"updated the table of scores in {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
