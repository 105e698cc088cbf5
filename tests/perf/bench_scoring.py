"""Entity-scoring benchmark: our scorer against nervaluate 1.2.1 on identical input.

Run by hand from the repository root:

    python tests/perf/bench_scoring.py [--docs 10000] [--nervaluate-docs N]

It builds seeded synthetic documents (tests/perf/synthetic.py: running text
with 100 gold and 100 predicted spans each, about 50 sentences), times
``score_entities`` on the spans (all four schemes, per type) and
nervaluate's ``Evaluator.evaluate`` on the same spans, the IOB2 view apart,
the peak memory, and a 1000-sample bootstrap over the strict per-sentence
statistics.
Goals: at least 20x faster than nervaluate, peak memory under 2 GB,
bootstrap under 10 s.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmark.metrics.bootstrap import bootstrap_ci  # noqa: E402
from benchmark.metrics.entities import SCHEMES, score_entities  # noqa: E402
from benchmark.metrics.iob import iob2_view  # noqa: E402
from tests.perf.synthetic import TYPES_18, Corpus, build_corpus, to_nervaluate  # noqa: E402

TYPES = TYPES_18
# Above this many seconds for the full set, nervaluate is timed on a subset and scaled.
NERVALUATE_FULL_BUDGET_S = 300.0


def loop_calibration_s() -> float:
    """Seconds for a bare 10-million-step Python loop: how fast this machine runs Python."""
    started = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - started


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def spans_only(corpus: Corpus) -> Corpus:
    """The corpus without the gold text: score_entities then scores spans only, as nervaluate does."""
    return Corpus([replace(doc, text="") for doc in corpus.gold], corpus.pred)


def time_ours(corpus: Corpus):
    started = time.perf_counter()
    score = score_entities(corpus.gold, corpus.pred)
    return score, time.perf_counter() - started


def time_iob2_view(corpus: Corpus) -> float:
    started = time.perf_counter()
    iob2_view(corpus.gold, corpus.pred)
    return time.perf_counter() - started


def traced_peak_mb(corpus: Corpus) -> float:
    """Peak Python allocation of one scoring run (traced separately: tracing slows it down)."""
    tracemalloc.start()
    score_entities(corpus.gold, corpus.pred)  # with the text: the IOB2 view included
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def time_nervaluate(corpus: Corpus, n_docs: int):
    from nervaluate import Evaluator

    true, pred = to_nervaluate(corpus.gold[:n_docs]), to_nervaluate(corpus.pred[:n_docs])
    evaluator = Evaluator(true, pred, tags=TYPES, loader="dict")  # loads (converts) outside the timing
    started = time.perf_counter()
    results = evaluator.evaluate()
    return results, time.perf_counter() - started


def time_bootstrap(unit_stats) -> tuple[tuple[float, float] | None, float]:
    started = time.perf_counter()
    interval = bootstrap_ci(unit_stats, n_samples=1000, seed=13)
    return interval, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument(
        "--nervaluate-docs",
        type=int,
        default=None,
        help="time nervaluate on this many documents and scale linearly "
        "(default: all, unless a probe predicts more than 5 minutes)",
    )
    args = parser.parse_args()

    corpus = build_corpus(args.docs, TYPES)
    n_spans = sum(len(d.entities) for d in corpus.gold) + sum(len(d.entities) for d in corpus.pred)
    print(f"corpus: {args.docs} documents, {n_spans} spans (gold + predicted), {len(TYPES)} types")
    print(f"machine: a bare 10M-step Python loop takes {loop_calibration_s():.2f} s here")

    score, ours_s = time_ours(spans_only(corpus))
    print(
        f"ours: score_entities on spans, 4 schemes + per type + unit stats: {ours_s:.3f} s "
        f"({ours_s / len(SCHEMES):.3f} s per scheme if shared evenly)"
    )
    print(f"ours: the IOB2 view (which score_entities adds when the gold has its text): {time_iob2_view(corpus):.3f} s")
    for scheme in SCHEMES:
        m = score.metrics[scheme]
        print(
            f"  {scheme:8s} P={m['precision']:.4f} R={m['recall']:.4f} F1={m['f1']:.4f} "
            f"COR={m['correct']} INC={m['incorrect']} PAR={m['partial']} MIS={m['missed']} SPU={m['spurious']}"
        )
    print(f"peak RSS after our scoring (whole process, corpus included): {max_rss_mb():.0f} MB")
    print(f"peak traced allocation of one score_entities run: {traced_peak_mb(corpus):.0f} MB")

    interval, boot_s = time_bootstrap(score.unit_stats)
    print(
        f"bootstrap: 1000 samples over {len(score.unit_stats)} sentences: {boot_s:.2f} s, "
        f"strict F1 95% CI {interval[0]:.4f}-{interval[1]:.4f}"
    )
    print(f"peak RSS after bootstrap: {max_rss_mb():.0f} MB")

    n_nerv = args.nervaluate_docs
    if n_nerv is None:
        probe = min(args.docs, 200)
        _, probe_s = time_nervaluate(corpus, probe)
        predicted_s = probe_s * args.docs / probe
        print(f"nervaluate probe: {probe} documents in {probe_s:.2f} s, full set predicted {predicted_s:.0f} s")
        n_nerv = args.docs if predicted_s <= NERVALUATE_FULL_BUDGET_S else probe
    n_nerv = min(n_nerv, args.docs)
    results, nerv_s = time_nervaluate(corpus, n_nerv)
    scaled_s = nerv_s * args.docs / n_nerv
    if n_nerv == args.docs:
        print(f"nervaluate 1.2.1: Evaluator.evaluate on all {n_nerv} documents: {nerv_s:.1f} s")
    else:
        print(
            f"nervaluate 1.2.1: Evaluator.evaluate on a subset of {n_nerv} documents: {nerv_s:.1f} s, "
            f"scaled linearly to {args.docs}: {scaled_s:.1f} s"
        )
    print(f"speed-up: {scaled_s / ours_s:.0f}x (goal: at least 20x)")
    if n_nerv == args.docs:
        for scheme in SCHEMES:
            theirs = results["overall"][scheme]
            print(
                f"  {scheme:8s} nervaluate F1={theirs.f1:.4f} ours F1={score.metrics[scheme]['f1']:.4f} "
                "(they differ where predictions overlap several spans: greedy input-order matching)"
            )
    print(f"peak RSS at the end: {max_rss_mb():.0f} MB (goal: under 2048 MB)")


if __name__ == "__main__":
    main()
