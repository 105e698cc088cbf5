"""The pure-Python assignment solver against scipy.optimize.linear_sum_assignment."""

from __future__ import annotations

import itertools
import random

import pytest

from benchmark.metrics.assignment import linear_sum_assignment


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
    big = 10 ** 30
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


@pytest.mark.parametrize("matrix, message", [
    ([[1, 2], [3]], "rectangular"),
    ([[1, float("nan")]], "finite"),
    ([[float("inf"), 1]], "finite"),
])
def test_bad_matrices_are_refused(matrix, message):
    with pytest.raises(ValueError, match=message):
        linear_sum_assignment(matrix)
