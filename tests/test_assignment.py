"""The pure-Python assignment solver against scipy.optimize.linear_sum_assignment."""

from __future__ import annotations

import itertools
import random

import pytest

from benchmark.metrics.assignment import linear_sum_assignment, max_weight_matching


def random_matrix(rng: random.Random, integers: bool) -> list[list[float]]:
    rows, cols = rng.randint(0, 8), rng.randint(0, 8)
    if integers:  # few distinct values: many ties between optimal assignments
        return [[rng.randint(-2, 2) for _ in range(cols)] for _ in range(rows)]
    return [[rng.uniform(-50, 50) for _ in range(cols)] for _ in range(rows)]


def assert_valid(matrix, rows, cols):
    n, m = len(matrix), len(matrix[0]) if matrix else 0
    assert len(rows) == len(cols) == min(n, m)
    assert rows == sorted(set(rows)) and len(set(cols)) == len(cols)
    assert all(0 <= r < n for r in rows) and all(0 <= c < m for c in cols)


@pytest.mark.parametrize("integers", [True, False])
@pytest.mark.parametrize("maximize", [False, True])
def test_same_optimum_as_scipy(integers, maximize):
    import numpy as np
    import scipy.optimize as scipy_optimize

    rng = random.Random(41 + 2 * integers + maximize)
    for _ in range(150):
        matrix = random_matrix(rng, integers)
        rows, cols = linear_sum_assignment(matrix, maximize=maximize)
        assert_valid(matrix, rows, cols)
        array = np.array(matrix, dtype=float).reshape(len(matrix), len(matrix[0]) if matrix else 0)
        ref_rows, ref_cols = scipy_optimize.linear_sum_assignment(array, maximize=maximize)
        assert len(rows) == len(ref_rows)
        total = sum(matrix[r][c] for r, c in zip(rows, cols))
        assert total == pytest.approx(float(array[ref_rows, ref_cols].sum()), abs=1e-9)


def brute_force(matrix, maximize):
    n, m = len(matrix), len(matrix[0])
    if n <= m:
        totals = (sum(matrix[i][j] for i, j in enumerate(cols)) for cols in itertools.permutations(range(m), n))
    else:
        totals = (sum(matrix[i][j] for j, i in enumerate(rows)) for rows in itertools.permutations(range(n), m))
    return max(totals) if maximize else min(totals)


def test_huge_integers_stay_exact():
    # Weights far beyond float precision: a float solver could not tell these totals apart.
    rng = random.Random(5)
    big = 10**30
    for _ in range(100):
        n, m = rng.randint(1, 5), rng.randint(1, 5)
        matrix = [[rng.randint(0, 3) * big + rng.randint(0, 3) for _ in range(m)] for _ in range(n)]
        for maximize in (False, True):
            rows, cols = linear_sum_assignment(matrix, maximize=maximize)
            assert_valid(matrix, rows, cols)
            assert sum(matrix[r][c] for r, c in zip(rows, cols)) == brute_force(matrix, maximize)


def test_known_answers():
    cost = [[4, 1, 3], [2, 0, 5], [3, 2, 2]]
    assert linear_sum_assignment(cost) == ([0, 1, 2], [1, 0, 2])
    assert linear_sum_assignment(cost, maximize=True) == ([0, 1, 2], [0, 2, 1])
    # more rows than columns: the cheapest row per column, rows ascending
    assert linear_sum_assignment([[5], [1], [3]]) == ([1], [0])


@pytest.mark.parametrize("matrix", [[], [[], []]])
def test_empty_matrices(matrix):
    assert linear_sum_assignment(matrix) == ([], [])


@pytest.mark.parametrize(
    "matrix, message",
    [
        ([[1, 2], [3]], "rectangular"),
        ([[1, float("nan")]], "finite"),
        ([[float("inf"), 1]], "finite"),
    ],
)
def test_bad_matrices_are_refused(matrix, message):
    with pytest.raises(ValueError, match=message):
        linear_sum_assignment(matrix)


def random_sparse_weights(
    rng: random.Random, rows: int, cols: int, density: float, high: int
) -> dict[tuple[int, int], int]:
    # Rows and columns numbered with gaps, as a caller's indices may be.
    return {
        (3 * i, 2 * j + 1): rng.randint(1, high) for i in range(rows) for j in range(cols) if rng.random() < density
    }


def assert_matching(weights, chosen):
    assert chosen == sorted(chosen) and all(cell in weights for cell in chosen)
    assert len({r for r, _ in chosen}) == len({c for _, c in chosen}) == len(chosen)


def dense_optimum(weights) -> int:
    rows = sorted({r for r, _ in weights})
    cols = sorted({c for _, c in weights})
    matrix = [[weights.get((r, c), 0) for c in cols] for r in rows]
    chosen_rows, chosen_cols = linear_sum_assignment(matrix, maximize=True)
    return sum(matrix[r][c] for r, c in zip(chosen_rows, chosen_cols))


@pytest.mark.parametrize("high", [2, 1000])
def test_sparse_matching_has_the_dense_optimum(high):
    # high=2: few distinct weights, many ties between optimal matchings.
    rng = random.Random(high)
    for _ in range(400):
        weights = random_sparse_weights(rng, rng.randint(0, 9), rng.randint(0, 9), rng.random(), high)
        chosen = max_weight_matching(weights)
        assert_matching(weights, chosen)
        assert sum(weights[cell] for cell in chosen) == dense_optimum(weights)


def test_sparse_matching_same_optimum_as_scipy_on_larger_matrices():
    np = pytest.importorskip("numpy")
    scipy_optimize = pytest.importorskip("scipy.optimize")
    rng = random.Random(3)
    for _ in range(200):
        weights = random_sparse_weights(rng, rng.randint(5, 60), rng.randint(5, 60), 0.15, 20)
        chosen = max_weight_matching(weights)
        assert_matching(weights, chosen)
        array = np.zeros((3 * 60, 2 * 60 + 1))
        for (r, c), weight in weights.items():
            array[r, c] = weight
        ref_rows, ref_cols = scipy_optimize.linear_sum_assignment(array, maximize=True)
        assert sum(weights[cell] for cell in chosen) == int(array[ref_rows, ref_cols].sum())


def test_sparse_matching_huge_integers_stay_exact():
    big = 10**30
    # 2 big + 0 against big + big + 1: only exact arithmetic sees that the second is larger.
    weights = {(0, 0): 2 * big, (0, 1): big, (1, 0): big + 1}
    assert max_weight_matching(weights) == [(0, 1), (1, 0)]


def test_sparse_matching_known_answers():
    assert max_weight_matching({}) == []
    assert max_weight_matching({(5, 7): 1}) == [(5, 7)]
    # the greedy choice (0, 0) is worse than the two crossing cells
    assert max_weight_matching({(0, 0): 3, (0, 1): 2, (1, 0): 2}) == [(0, 1), (1, 0)]
    # row 0's only column goes to row 1, heavier there than row 1's other column and row 0 together
    assert max_weight_matching({(0, 0): 1, (1, 0): 3, (1, 1): 1}) == [(1, 0)]
    assert max_weight_matching({(0, 0): 1, (1, 0): 5}) == [(1, 0)]


@pytest.mark.parametrize("weight", [0, -1, float("nan"), float("inf")])
def test_sparse_matching_refuses_weights_that_are_not_positive_and_finite(weight):
    with pytest.raises(ValueError, match="positive and finite"):
        max_weight_matching({(0, 0): 1, (1, 1): weight})
