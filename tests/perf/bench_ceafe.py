"""CEAF-e alignment: the pure-Python sparse solver against scipy on the dense matrix.

Run by hand from the repository root:

    python tests/perf/bench_ceafe.py [--repeat 5]

Corpora: the shipped article against the ``rules`` system's clusters; the
generated corpus of tests/synthetic_corpus.py (2,000 documents) against its
predictions with errors; one long document (4,000 mentions in 1,000 gold
clusters) against a response that drops, moves and merges mentions; the same
document against a random clustering (the worst case: one overlap component
holding most clusters). For each it prints the time of the phi4 alignment as
coref.py computes it, of the dense pure-Python ``linear_sum_assignment`` on
the same integer weights, and of scipy on the full float matrix (the scorer
before, without its import of ``scipy.optimize``, timed apart), and checks
that all three find the same aligned total.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmark.corpus import load_shipped  # noqa: E402
from benchmark.jsonl import parse_prediction  # noqa: E402
from benchmark.metrics.assignment import linear_sum_assignment  # noqa: E402
from benchmark.metrics.coref import Partition, _phi4_alignment  # noqa: E402
from benchmark.records import records_from_document  # noqa: E402
from benchmark.systems.rules import RulesSystem  # noqa: E402
from tests.synthetic_corpus import generate_gold, predictions_with_errors  # noqa: E402

Clusters = list[list[tuple[int, int]]]
Pairs = list[tuple[Partition, Partition]]


def article_pairs() -> Pairs:
    pairs = []
    for doc in load_shipped():
        record = RulesSystem().predict({"id": doc.id, "text": doc.text, "date": doc.date, "language": "en"})
        predicted, problems = parse_prediction(record, doc.text, "rules", 1)
        assert not problems, problems
        pairs.append((Partition.of(records_from_document(doc).clusters), Partition.of(predicted.clusters)))
    return pairs


def synthetic_pairs(n_documents: int) -> Pairs:
    gold = generate_gold(n_documents)
    pairs = []
    for doc, record in zip(gold, predictions_with_errors(gold)):
        response = [[(m["start"], m["end"]) for m in cluster] for cluster in record["clusters"]]
        pairs.append((Partition.of(records_from_document(doc).clusters), Partition.of(response)))
    return pairs


def long_key(rng: random.Random, n_mentions: int, n_clusters: int) -> Clusters:
    mentions = [(10 * k, 10 * k + 3) for k in range(n_mentions)]
    clusters: Clusters = [[m] for m in mentions[:n_clusters]]
    for mention in mentions[n_clusters:]:
        clusters[rng.randrange(n_clusters)].append(mention)
    return clusters


def noisy_response(rng: random.Random, key: Clusters) -> Clusters:
    """Each mention dropped (10%), moved to another cluster (10%); some clusters merged."""
    response: Clusters = [[] for _ in key]
    for index, cluster in enumerate(key):
        for mention in cluster:
            roll = rng.random()
            if roll >= 0.2:
                response[index].append(mention)
            elif roll >= 0.1:
                response[rng.randrange(len(key))].append(mention)
    for _ in range(len(key) // 20):
        first, second = rng.sample(range(len(response)), 2)
        response[first] += response[second]
        response[second] = []
    return [c for c in response if c]


def random_response(rng: random.Random, key: Clusters) -> Clusters:
    mentions = [m for cluster in key for m in cluster]
    grouped: dict[int, list[tuple[int, int]]] = {}
    for mention in mentions:
        grouped.setdefault(rng.randrange(len(key)), []).append(mention)
    return list(grouped.values())


def scipy_total(key: Partition, response: Partition) -> Fraction:
    import numpy as np
    from scipy.optimize import linear_sum_assignment as scipy_assignment

    if not key.clusters or not response.clusters:
        return Fraction(0)
    similarity = {}
    matrix = np.zeros((len(key.clusters), len(response.clusters)))
    for i, cluster in enumerate(key.clusters):
        for j, common in response.overlaps(cluster).items():
            similarity[i, j] = Fraction(2 * common, len(cluster) + len(response.clusters[j]))
            matrix[i, j] = float(similarity[i, j])
    rows, cols = scipy_assignment(matrix, maximize=True)
    return sum((similarity.get((i, j), Fraction(0)) for i, j in zip(rows, cols)), Fraction(0))


def ours_total(key: Partition, response: Partition) -> Fraction:
    return sum((value for _, _, value in _phi4_alignment(key, response)), Fraction(0))


def dense_total(key: Partition, response: Partition) -> Fraction:
    """The dense pure-Python solver on the same exact integer weights."""
    similarity = {}
    for i, cluster in enumerate(key.clusters):
        for j, common in response.overlaps(cluster).items():
            similarity[i, j] = Fraction(2 * common, len(cluster) + len(response.clusters[j]))
    if not similarity:
        return Fraction(0)
    scale = math.lcm(*(value.denominator for value in similarity.values()))
    matrix = [[0] * len(response.clusters) for _ in key.clusters]
    for (i, j), value in similarity.items():
        matrix[i][j] = value.numerator * (scale // value.denominator)
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return sum((similarity.get(cell, Fraction(0)) for cell in zip(rows, cols)), Fraction(0))


def timed(function: Callable[[Pairs], list[Fraction]], pairs: Pairs, repeat: int) -> tuple[float, list[Fraction]]:
    times, result = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(pairs)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    start = time.perf_counter()
    import scipy.optimize  # noqa: F401

    print(f"import scipy.optimize (what the scorer no longer pays): {time.perf_counter() - start:.3f} s\n")
    rng = random.Random(7)
    key = long_key(rng, 4000, 1000)
    corpora = {
        "article vs rules": article_pairs(),
        "synthetic, 2000 documents": synthetic_pairs(2000),
        "4000 mentions, noisy response": [(Partition.of(key), Partition.of(noisy_response(rng, key)))],
        "4000 mentions, random response": [(Partition.of(key), Partition.of(random_response(rng, key)))],
    }
    print(f"{'corpus':32}  {'clusters k/r':>13}  {'sparse s':>8}  {'dense s':>8}  {'scipy s':>8}  same total")
    for name, pairs in corpora.items():
        ours_s, ours = timed(lambda ps: [ours_total(k, r) for k, r in ps], pairs, args.repeat)
        dense_s, dense = timed(lambda ps: [dense_total(k, r) for k, r in ps], pairs, 1)
        scipy_s, reference = timed(lambda ps: [scipy_total(k, r) for k, r in ps], pairs, args.repeat)
        sizes = f"{sum(len(k.clusters) for k, _ in pairs)}/{sum(len(r.clusters) for _, r in pairs)}"
        print(f"{name:32}  {sizes:>13}  {ours_s:8.4f}  {dense_s:8.4f}  {scipy_s:8.4f}  {ours == dense == reference}")


if __name__ == "__main__":
    main()
