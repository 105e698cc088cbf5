"""The confidence intervals are 95% percentile intervals: checked against a plain reference loop.

The reference draws the same resamples as the harness (DESIGN section 5: a seeded bootstrap
over sentences; benchmark/metrics/bootstrap.py: one ``numpy.random.default_rng(seed)``
stream, each resample ``n_units`` unit indices drawn with replacement, resample after
resample), then does everything else in plain Python: sums the drawn units' statistics,
computes F1 (or the CoNLL mean of three F1s), sorts the values and interpolates the 2.5th
and 97.5th percentiles linearly (numpy's default, Hyndman and Fan type 7). A 90% interval,
an interval from other resamples, or a level lost on the way through ``evaluate`` fails here.
"""

from __future__ import annotations

import math
import random
from dataclasses import replace

import numpy as np
import pytest

from benchmark.corpus import load_shipped
from benchmark.evaluation import score_layer
from benchmark.metrics.bootstrap import bootstrap_ci
from benchmark.metrics.significance import compare_units
from benchmark.records import EntityRecord, records_from_document

TOLERANCE = 1e-12


def resampled_units(n_units: int, n_samples: int, seed: int):
    """Each resample's unit indices: ``n_units`` draws with replacement from one seeded stream."""
    rng = np.random.default_rng(seed)
    for _ in range(n_samples):
        yield [int(i) for i in rng.integers(0, n_units, size=n_units)]


def f1_from_sums(num_p: float, den_p: float, num_r: float, den_r: float) -> float:
    precision = num_p / den_p if den_p > 0 else 0.0
    recall = num_r / den_r if den_r > 0 else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def headline(units: list[list[float]], drawn: list[int], stat_kind: str) -> float:
    width = len(units[0])
    sums = [sum(units[i][column] for i in drawn) for column in range(width)]
    f1s = [f1_from_sums(*sums[first : first + 4]) for first in range(0, width, 4)]
    return sum(f1s) / 3 if stat_kind == "conll" else f1s[0]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (position - below) * (ordered[above] - ordered[below])


def reference_ci(units, stat_kind: str, n_samples: int, seed: int, level: float = 0.95) -> tuple[float, float]:
    values = [headline(units, drawn, stat_kind) for drawn in resampled_units(len(units), n_samples, seed)]
    tail = (1 - level) / 2
    return percentile(values, tail), percentile(values, 1 - tail)


def random_prf_units(n_units: int, seed: int) -> list[list[float]]:
    rng = random.Random(seed)
    units = []
    for _ in range(n_units):
        gold, predicted = rng.randint(0, 4), rng.randint(0, 4)
        correct = rng.randint(0, min(gold, predicted))
        units.append([float(correct), float(predicted), float(correct), float(gold)])
    return units


def random_conll_units(n_units: int, seed: int) -> list[list[float]]:
    """Three groups of sums with fractional numerators, as B3 and CEAF-e give."""
    rng = random.Random(seed)
    units = []
    for _ in range(n_units):
        row = []
        for _group in range(3):
            den_p, den_r = rng.randint(0, 5), rng.randint(0, 5)
            row += [den_p * rng.random(), float(den_p), den_r * rng.random(), float(den_r)]
        units.append(row)
    return units


def assert_interval(got, expected) -> None:
    assert got is not None
    assert got[0] == pytest.approx(expected[0], abs=TOLERANCE)
    assert got[1] == pytest.approx(expected[1], abs=TOLERANCE)


def assert_levels_differ(units, stat_kind: str, n_samples: int, seed: int) -> None:
    """The data must tell a 90% from a 95% interval, or the comparison proves nothing."""
    at_95 = reference_ci(units, stat_kind, n_samples, seed)
    at_90 = reference_ci(units, stat_kind, n_samples, seed, level=0.90)
    assert at_95[0] < at_90[0] - 1e-3 and at_90[1] + 1e-3 < at_95[1]


# 1000 samples span ten of the harness's blocks of resamples; 250 ends in a partial block.
@pytest.mark.parametrize("n_units, n_samples, seed", [(30, 1000, 13), (7, 250, 4), (24, 1000, 0)])
def test_prf_interval_is_the_95_percent_reference(n_units, n_samples, seed):
    units = random_prf_units(n_units, seed)
    assert_levels_differ(units, "prf", n_samples, seed)
    assert_interval(bootstrap_ci(units, "prf", n_samples, seed), reference_ci(units, "prf", n_samples, seed))


@pytest.mark.parametrize("n_units, n_samples, seed", [(20, 1000, 13), (9, 250, 2)])
def test_conll_interval_is_the_95_percent_reference(n_units, n_samples, seed):
    units = random_conll_units(n_units, seed)
    assert_levels_differ(units, "conll", n_samples, seed)
    assert_interval(bootstrap_ci(units, "conll", n_samples, seed), reference_ci(units, "conll", n_samples, seed))


@pytest.mark.parametrize("level", [0.5, 0.9, 0.99])
def test_other_levels_follow_the_reference(level):
    units = random_prf_units(25, 5)
    assert_interval(bootstrap_ci(units, "prf", 400, 5, level=level), reference_ci(units, "prf", 400, 5, level))


def test_one_unit_gives_a_point_interval():
    # Every resample draws the only unit: the interval is the point estimate, F1 = 2*1/(2+4) = 1/3.
    low, high = bootstrap_ci([[1, 2, 1, 4]], "prf", 50, 1)
    assert low == pytest.approx(1 / 3) and high == pytest.approx(1 / 3)


# --- the interval written by `evaluate` is the same 95% interval -----------------------------


@pytest.fixture(scope="module")
def article_records():
    (document,) = load_shipped()
    return records_from_document(document)


def test_evaluate_writes_the_95_percent_interval_for_entities(article_records):
    gold = article_records
    # Drop every third entity, retype every fifth and add a spurious one per tenth:
    # the F1 spreads over sentences, so the interval is wide.
    kept = [e for i, e in enumerate(gold.entities) if i % 3]
    pred_entities = [replace(e, type="ORG") if i % 5 == 0 else e for i, e in enumerate(kept)]
    pred_entities += [EntityRecord(e.start, e.end + 1, e.type) for e in gold.entities[::10]]
    pred = replace(gold, entities=pred_entities, text="")
    block = score_layer("entities", [gold], [pred], bootstrap=1000, seed=13)
    stats = block["units"]["stats"]
    assert block["units"]["stat_kind"] == "prf" and len(stats) == 24
    assert_levels_differ(stats, "prf", 1000, 13)
    assert_interval(block["headline"]["ci95"], reference_ci(stats, "prf", 1000, 13))


def test_evaluate_writes_the_95_percent_interval_for_coref(article_records):
    gold = article_records
    # Split every second cluster in two halves and drop the last member of every third.
    clusters = []
    for i, cluster in enumerate(gold.clusters):
        members = list(cluster[:-1]) if i % 3 == 0 and len(cluster) > 1 else list(cluster)
        if i % 2 and len(members) > 1:
            clusters += [members[: len(members) // 2], members[len(members) // 2 :]]
        else:
            clusters.append(members)
    pred = replace(gold, clusters=clusters, text="")
    block = score_layer("coref", [gold], [pred], bootstrap=1000, seed=13)
    stats = block["units"]["stats"]
    assert block["units"]["stat_kind"] == "conll" and len(stats) == 24
    assert_levels_differ(stats, "conll", 1000, 13)
    assert_interval(block["headline"]["ci95"], reference_ci(stats, "conll", 1000, 13))


# --- the paired test's interval of the difference is a 95% interval too -----------------------


def test_paired_delta_interval_is_the_95_percent_reference():
    a, b = random_prf_units(30, 21), random_prf_units(30, 22)
    deltas = [headline(b, drawn, "prf") - headline(a, drawn, "prf") for drawn in resampled_units(30, 1000, 8)]
    test = compare_units(a, b, "prf", n_samples=1000, seed=8)
    assert test.delta_ci95[0] == pytest.approx(percentile(deltas, 0.025), abs=TOLERANCE)
    assert test.delta_ci95[1] == pytest.approx(percentile(deltas, 0.975), abs=TOLERANCE)
    assert percentile(deltas, 0.025) < percentile(deltas, 0.05) - 1e-3
