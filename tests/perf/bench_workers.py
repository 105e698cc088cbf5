"""What running a Python system in a worker process costs, against calling it in process.

Run by hand from the repository root:

    python tests/perf/bench_workers.py [--docs 2000]

It times the worker's start-up (import and handshake) and a trivial system over
copies of the article, once through a worker (benchmark.systems.isolated) and
once called in the harness's process, and prints the per-document overhead and
the ratio. No goal: the worker is the price of timeouts, os._exit and print
being contained; this says how much it is.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmark.run import run_system  # noqa: E402
from benchmark.systems.python_system import PythonSystem  # noqa: E402
from benchmark.systems.registry import load_system, resolve  # noqa: E402

SOURCE = "def predict(document):\n    return {'id': document['id'], 'entities': []}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    args = parser.parse_args()
    text = (ROOT / "corpus" / "us-nato-responses-2022-01-26.txt").read_text(encoding="utf-8")
    documents = [{"id": f"d{i}", "text": text, "date": "2022-01-26", "language": "en"} for i in range(args.docs)]
    folder = Path(tempfile.mkdtemp())
    (folder / "trivial.py").write_text(SOURCE, encoding="utf-8")

    started = time.perf_counter()
    isolated = load_system(resolve("python:trivial.py:predict", cwd=folder))
    startup = time.perf_counter() - started
    started = time.perf_counter()
    run_system(isolated, documents, cache_dir=None, spec_key="", progress=False)
    in_worker = time.perf_counter() - started
    isolated.close()

    namespace: dict = {}
    exec(SOURCE, namespace)
    direct = PythonSystem("trivial", namespace["predict"], None)
    started = time.perf_counter()
    run_system(direct, documents, cache_dir=None, spec_key="", progress=False)
    in_process = time.perf_counter() - started

    per_doc = (in_worker - in_process) / args.docs * 1e6
    print(f"worker start-up (import + handshake): {startup * 1000:.0f} ms")
    print(f"{args.docs} documents of {len(text)} code points: worker {in_worker:.2f} s, in process {in_process:.2f} s")
    print(f"overhead per document: {per_doc:.0f} us; ratio worker / in process: {in_worker / in_process:.1f}x")


if __name__ == "__main__":
    main()
