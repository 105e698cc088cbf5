import itertools
import json

import numpy as np
import pytest

from benchmark.compare import compare_results
from benchmark.metrics.bootstrap import bootstrap_ci
from benchmark.metrics.significance import approximate_randomization, compare_units


def f1(stats) -> float:
    """F1 of the summed ``num_p, den_p, num_r, den_r`` columns, in plain Python."""
    num_p, den_p, num_r, den_r = (float(sum(column)) for column in zip(*np.asarray(stats).tolist()))
    precision = num_p / den_p if den_p else 0.0
    recall = num_r / den_r if den_r else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def test_identical_systems_do_not_differ():
    stats = [[1, 2, 1, 2], [0, 1, 0, 1], [2, 2, 2, 3]] * 5
    test = compare_units(stats, stats, n_samples=500, seed=1)
    assert test.delta == 0 and test.p_bootstrap == 1.0 and test.p_randomization == 1.0


def test_a_system_better_on_every_unit_is_significant():
    worse = [[0, 1, 0, 1]] * 30
    better = [[1, 1, 1, 1]] * 30
    test = compare_units(worse, better, n_samples=1000, seed=2)
    assert test.delta == pytest.approx(1.0)
    # Every resample scores 0 against 1: no resampled delta is as far from the observed one
    # as zero is. A random swap reaches the observed delta only when it swaps all 30 units or
    # none (2 in 2**30), which 1000 rounds do not draw: p = (0 + 1) / (1000 + 1).
    assert test.delta_ci95 == (1.0, 1.0)
    assert test.p_bootstrap == 0.0
    assert test.p_randomization == 1 / 1001


def test_randomization_agrees_with_the_exact_permutation_test():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 3, size=(8, 4)).astype(float)
    b = rng.integers(0, 3, size=(8, 4)).astype(float)
    a[:, 1] = a[:, 3] = b[:, 1] = b[:, 3] = 3  # same denominators, different hits
    observed = abs(f1(b) - f1(a))
    extreme = 0
    for mask in itertools.product([0, 1], repeat=8):
        m = np.array(mask, bool)[:, None]
        sa, sb = np.where(m, b, a), np.where(m, a, b)
        extreme += abs(f1(sb) - f1(sa)) >= observed - 1e-12
    exact = extreme / 256
    assert approximate_randomization(a, b, "prf", 20000, seed=3) == pytest.approx(exact, abs=0.02)


def test_bootstrap_interval_brackets_the_point_estimate_and_is_seeded():
    stats = [[1, 1, 1, 1], [0, 1, 0, 1], [1, 2, 1, 1], [2, 2, 2, 2]] * 10
    low, high = bootstrap_ci(stats, "prf", 1000, 13)
    assert low <= f1(stats) <= high
    assert bootstrap_ci(stats, "prf", 1000, 13) == (low, high)
    assert bootstrap_ci(stats, "prf", 1000, 14) != (low, high)


def test_compare_reads_result_files(tmp_path):
    def result(stats):
        return {
            "dataset": {"sha256": "x"},
            "system": {"name": "s"},
            "layers": {
                "entities": {
                    "status": "scored",
                    "headline": {"metric": "strict"},
                    "units": {"stat_kind": "prf", "stats": stats},
                },
                "coref": {"status": "not attempted"},
            },
        }

    rows = compare_results(result([[0, 1, 0, 1]] * 20), result([[1, 1, 1, 1]] * 20), 200, 1)
    entities = next(r for r in rows if r["layer"] == "entities")
    assert entities["delta"] == pytest.approx(1.0)
    assert next(r for r in rows if r["layer"] == "coref")["status"] == "not scored in both"
    json.dumps(rows)


def test_chunked_resampling_draws_what_one_block_would():
    from benchmark.metrics import bootstrap

    stats = np.random.default_rng(1).integers(0, 5, size=(40, 4)).astype(float)
    stats[:, 1] += stats[:, 0]  # a unit's matches never exceed its items (num <= den)
    stats[:, 3] += stats[:, 2]
    chunked = bootstrap_ci(stats, "prf", 250, 9)
    size = bootstrap.SAMPLES_PER_CHUNK
    try:
        bootstrap.SAMPLES_PER_CHUNK = 10_000
        assert bootstrap_ci(stats, "prf", 250, 9) == chunked
    finally:
        bootstrap.SAMPLES_PER_CHUNK = size
