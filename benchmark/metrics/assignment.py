"""Optimal assignment on a rectangular matrix, in pure Python.

:func:`linear_sum_assignment` has the contract of
``scipy.optimize.linear_sum_assignment``: given an ``n x m`` matrix it picks
``min(n, m)`` cells, at most one per row and one per column, with the least
(or, with ``maximize=True``, the largest) total, and returns their row and
column indices, rows ascending. It is the shortest-augmenting-path form of the
Hungarian (Kuhn-Munkres) method with row and column potentials, O(n^2 m) for
n <= m. With integer entries every intermediate value is an integer, so the
optimum is exact however large the integers are (the matchers of this package
rely on that to encode lexicographic preferences as weights).

It exists so that scoring does not import scipy, whose optimizer alone costs
more start-up time than scoring a corpus; tests check it against scipy.
"""

from __future__ import annotations

import math
from typing import Sequence

Number = int | float


def linear_sum_assignment(matrix: Sequence[Sequence[Number]],
                          maximize: bool = False) -> tuple[list[int], list[int]]:
    """Rows and columns of an optimal assignment of ``matrix`` (a list of equal-length rows).

    Returns ``(rows, cols)``: ``matrix[rows[k]][cols[k]]`` are the chosen
    cells, ``len(rows) == min(n, m)``, ``rows`` ascending. Ties between optimal
    assignments are broken deterministically from the order of rows and
    columns. Raises ``ValueError`` for ragged rows or a NaN or infinite entry.
    """
    rows = [list(row) for row in matrix]
    width = _checked_width(rows)
    if not rows or width == 0:
        return [], []
    cost = [[-x for x in row] for row in rows] if maximize else rows
    if len(cost) <= width:
        pairs = _assign_rows(cost, width)
    else:
        transposed = [list(column) for column in zip(*cost)]
        pairs = [(row, col) for col, row in _assign_rows(transposed, len(cost))]
    pairs.sort()
    return [row for row, _ in pairs], [col for _, col in pairs]


def _checked_width(rows: list[list[Number]]) -> int:
    width = len(rows[0]) if rows else 0
    for index, row in enumerate(rows):
        if len(row) != width:
            raise ValueError(f"row {index} has {len(row)} entries, row 0 has {width}: the matrix must be rectangular")
        for value in row:
            if value != value or value == math.inf or value == -math.inf:
                raise ValueError(f"row {index} holds {value!r}: entries must be finite numbers")
    return width


def _assign_rows(cost: list[list[Number]], width: int) -> list[tuple[int, int]]:
    """Minimum-cost assignment of every row of ``cost`` (no more rows than columns).

    Rows are added one at a time; each addition finds, Dijkstra-style on the
    reduced costs ``cost[i][j] - u[i] - v[j]``, the cheapest augmenting path
    from the new row to a free column, then updates the potentials so that the
    reduced costs stay non-negative and are zero along the matching.
    Index 0 of ``owner``, ``v`` and ``via`` is a virtual column holding the row
    being added; rows are numbered from 1 in ``u`` and ``owner``.
    """
    u = [0] * (len(cost) + 1)
    v = [0] * (width + 1)
    owner = [0] * (width + 1)  # owner[j]: row (1-based) assigned to column j, 0 if free
    via = [0] * (width + 1)    # previous column on the shortest path to column j
    for new_row in range(1, len(cost) + 1):
        owner[0] = new_row
        column = 0
        slack: list[Number] = [math.inf] * (width + 1)
        done = [False] * (width + 1)
        while owner[column] != 0:
            done[column] = True
            row = owner[column]
            row_cost, row_u = cost[row - 1], u[row]
            delta: Number = math.inf
            next_column = 0
            for j in range(1, width + 1):
                if done[j]:
                    continue
                reduced = row_cost[j - 1] - row_u - v[j]
                if reduced < slack[j]:
                    slack[j] = reduced
                    via[j] = column
                if slack[j] < delta:
                    delta = slack[j]
                    next_column = j
            for j in range(width + 1):
                if done[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    slack[j] -= delta
            column = next_column
        while column != 0:
            previous = via[column]
            owner[column] = owner[previous]
            column = previous
    return [(owner[j] - 1, j - 1) for j in range(1, width + 1) if owner[j] != 0]
