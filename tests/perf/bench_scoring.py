"""Entity-scoring benchmark: our scorer against nervaluate 1.2.1 on identical input.

Run by hand from the repository root:

    python tests/perf/bench_scoring.py [--docs 10000] [--nervaluate-docs N]

It builds seeded synthetic documents (100 gold and 100 predicted spans each,
five sentences of 20 gold spans), times ``score_entities`` (all four schemes,
per type) and nervaluate's ``Evaluator.evaluate`` on the same spans, the peak
memory, and a 1000-sample bootstrap over the strict per-sentence statistics.
Goals: at least 20x faster than nervaluate, peak memory under 2 GB,
bootstrap under 10 s.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmark.metrics.bootstrap import bootstrap_ci  # noqa: E402
from benchmark.metrics.entities import SCHEMES, score_entities  # noqa: E402
from benchmark.records import DocRecords, EntityRecord  # noqa: E402

TYPES = ["PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART",
         "LAW", "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"]
SPANS_PER_DOC = 100
SPANS_PER_SENTENCE = 20
# Above this many seconds for the full set, nervaluate is timed on a subset and scaled.
NERVALUATE_FULL_BUDGET_S = 300.0


@dataclass
class Corpus:
    gold: list[DocRecords]
    pred: list[DocRecords]


def _gold_doc(rng: random.Random, doc_id: str) -> DocRecords:
    entities, cursor = [], 0
    for _ in range(SPANS_PER_DOC):
        cursor += rng.randint(1, 20)
        length = rng.randint(1, 15)
        entities.append(EntityRecord(cursor, cursor + length, rng.choice(TYPES)))
        cursor += length
    sentence_starts = [0] + [entities[i].start for i in range(SPANS_PER_SENTENCE, SPANS_PER_DOC, SPANS_PER_SENTENCE)]
    return DocRecords(id=doc_id, entities=entities, sentence_starts=sentence_starts)


def _shifted(rng: random.Random, entity: EntityRecord) -> tuple[int, int]:
    start = max(0, entity.start + rng.randint(-3, 3))
    end = max(start + 1, entity.end + rng.randint(-3, 3))
    return start, end


def _predicted(rng: random.Random, gold: DocRecords) -> DocRecords:
    """Copies, type changes, boundary shifts and misses of the gold, topped up with spurious spans."""
    entities = []
    for entity in gold.entities:
        roll = rng.random()
        if roll < 0.10:
            continue  # missed
        if roll < 0.60:
            entities.append(entity)
        elif roll < 0.72:
            entities.append(EntityRecord(entity.start, entity.end, rng.choice(TYPES)))
        elif roll < 0.90:
            entities.append(EntityRecord(*_shifted(rng, entity), entity.type))
        else:
            entities.append(EntityRecord(*_shifted(rng, entity), rng.choice(TYPES)))
    doc_end = gold.entities[-1].end
    while len(entities) < SPANS_PER_DOC:
        start = rng.randint(0, doc_end)
        entities.append(EntityRecord(start, start + rng.randint(1, 15), rng.choice(TYPES)))
    rng.shuffle(entities)
    return DocRecords(id=gold.id, entities=entities)


def build_corpus(n_docs: int, seed: int = 13) -> Corpus:
    rng = random.Random(seed)
    gold = [_gold_doc(rng, f"doc{i}") for i in range(n_docs)]
    return Corpus(gold, [_predicted(rng, doc) for doc in gold])


def to_nervaluate(docs: list[DocRecords]) -> list[list[dict]]:
    """nervaluate's dict format: inclusive end offsets."""
    return [[{"label": e.type, "start": e.start, "end": e.end - 1} for e in doc.entities] for doc in docs]


def loop_calibration_s() -> float:
    """Seconds for a bare 10-million-step Python loop: how fast this machine runs Python."""
    started = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - started


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def time_ours(corpus: Corpus):
    started = time.perf_counter()
    score = score_entities(corpus.gold, corpus.pred)
    return score, time.perf_counter() - started


def traced_peak_mb(corpus: Corpus) -> float:
    """Peak Python allocation of one scoring run (traced separately: tracing slows it down)."""
    tracemalloc.start()
    score_entities(corpus.gold, corpus.pred)
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
    parser.add_argument("--nervaluate-docs", type=int, default=None,
                        help="time nervaluate on this many documents and scale linearly "
                             "(default: all, unless a probe predicts more than 5 minutes)")
    args = parser.parse_args()

    corpus = build_corpus(args.docs)
    n_spans = sum(len(d.entities) for d in corpus.gold) + sum(len(d.entities) for d in corpus.pred)
    print(f"corpus: {args.docs} documents, {n_spans} spans (gold + predicted), {len(TYPES)} types")
    print(f"machine: a bare 10M-step Python loop takes {loop_calibration_s():.2f} s here")

    score, ours_s = time_ours(corpus)
    print(f"ours: score_entities, 4 schemes + per type + unit stats: {ours_s:.3f} s "
          f"({ours_s / len(SCHEMES):.3f} s per scheme if shared evenly)")
    for scheme in SCHEMES:
        m = score.metrics[scheme]
        print(f"  {scheme:8s} P={m['precision']:.4f} R={m['recall']:.4f} F1={m['f1']:.4f} "
              f"COR={m['correct']} INC={m['incorrect']} PAR={m['partial']} MIS={m['missed']} SPU={m['spurious']}")
    print(f"peak RSS after our scoring (whole process, corpus included): {max_rss_mb():.0f} MB")
    print(f"peak traced allocation of one score_entities run: {traced_peak_mb(corpus):.0f} MB")

    interval, boot_s = time_bootstrap(score.unit_stats)
    print(f"bootstrap: 1000 samples over {len(score.unit_stats)} sentences: {boot_s:.2f} s, "
          f"strict F1 95% CI {interval[0]:.4f}-{interval[1]:.4f}")
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
        print(f"nervaluate 1.2.1: Evaluator.evaluate on a subset of {n_nerv} documents: {nerv_s:.1f} s, "
              f"scaled linearly to {args.docs}: {scaled_s:.1f} s")
    print(f"speed-up: {scaled_s / ours_s:.0f}x (goal: at least 20x)")
    if n_nerv == args.docs:
        for scheme in SCHEMES:
            theirs = results["overall"][scheme]
            print(f"  {scheme:8s} nervaluate F1={theirs.f1:.4f} ours F1={score.metrics[scheme]['f1']:.4f} "
                  "(they differ where predictions overlap several spans: greedy input-order matching)")
    print(f"peak RSS at the end: {max_rss_mb():.0f} MB (goal: under 2048 MB)")


if __name__ == "__main__":
    main()
