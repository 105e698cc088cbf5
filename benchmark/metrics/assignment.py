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

:func:`max_weight_matching` solves the same problem on a sparse matrix of
positive weights (absent cells weigh 0 and are never chosen), as CEAF-e needs:
two entities that share no mention have similarity 0, so most cells are empty.
Its cost grows with the cells the shortest-path searches visit, not with the
full ``n x m`` matrix.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping, Sequence

Number = int | float


def linear_sum_assignment(matrix: Sequence[Sequence[Number]], maximize: bool = False) -> tuple[list[int], list[int]]:
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
    u: list[Number] = [0] * (len(cost) + 1)
    v: list[Number] = [0] * (width + 1)
    owner = [0] * (width + 1)  # owner[j]: row (1-based) assigned to column j, 0 if free
    via = [0] * (width + 1)  # previous column on the shortest path to column j
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


Cell = tuple[int, int]


def max_weight_matching(weights: Mapping[Cell, Number]) -> list[Cell]:
    """The cells of a one-to-one matching of rows to columns with the largest total weight.

    ``weights`` maps ``(row, column)`` to a positive finite weight; absent
    cells weigh 0. Returns the chosen cells, sorted. The total equals that of
    :func:`linear_sum_assignment` with ``maximize=True`` on the dense matrix
    (its zero cells dropped); integer weights keep it exact. Ties are broken
    deterministically from the order of rows and columns.
    """
    for cell, weight in weights.items():
        if not 0 < weight < math.inf:
            raise ValueError(f"cell {cell} weighs {weight!r}: weights must be positive and finite")
    rows = sorted({row for row, _ in weights})
    cols = sorted({col for _, col in weights})
    row_index = {row: index for index, row in enumerate(rows)}
    col_index = {col: index for index, col in enumerate(cols)}
    edges: list[list[tuple[int, Number]]] = [[] for _ in rows]
    for (row, col), weight in sorted(weights.items()):
        edges[row_index[row]].append((col_index[col], -weight))
    for index, row_edges in enumerate(edges):
        row_edges.append((len(cols) + index, 0))  # the row's own column: "left unmatched", cost 0
    match = _SparseAssignment(edges, len(cols) + len(rows)).solve()
    return [(rows[row], cols[col]) for row, col in enumerate(match) if col < len(cols)]


class _SparseAssignment:
    """Minimum-cost assignment of every row, on the listed ``(column, cost)`` edges only.

    Every row must have a column of its own, so that a complete assignment
    exists. Rows are added one at a time, each by the cheapest augmenting path,
    found by Dijkstra's algorithm (with a heap) on the reduced costs
    ``cost - u[row] - v[col]``, which the potentials keep non-negative and zero
    on the matched edges.
    """

    def __init__(self, edges: list[list[tuple[int, Number]]], n_cols: int):
        self.edges = edges
        self.u: list[Number] = [0] * len(edges)
        self.v: list[Number] = [0] * n_cols
        self.owner = [-1] * n_cols  # owner[col]: the row matched to col, -1 if free
        self.match = [-1] * len(edges)

    def solve(self) -> list[int]:
        for row in range(len(self.edges)):
            self.u[row] = min(cost - self.v[col] for col, cost in self.edges[row])
            self._add(row)
        return self.match

    def _add(self, new_row: int) -> None:
        distance, via, settled, sink = self._shortest_path(new_row)
        reach = distance[sink]
        for col in settled:
            gain = reach - distance[col]
            self.v[col] -= gain
            self.u[self.owner[col]] += gain
        self.u[new_row] += reach
        col = sink
        while True:  # flip the path: each row on it takes the column after it
            row = via[col]
            previous = self.match[row]
            self.owner[col], self.match[row] = row, col
            if row == new_row:
                return
            col = previous

    def _shortest_path(self, start: int) -> tuple[dict[int, Number], dict[int, int], list[int], int]:
        """Distances from ``start`` to the columns settled before the first free one
        (returned as the sink), and the row each column is reached from."""
        distance: dict[int, Number] = {}
        via: dict[int, int] = {}
        heap: list[tuple[Number, int]] = []
        done: set[int] = set()
        settled: list[int] = []
        self._relax(start, 0, distance, via, heap, done)
        while True:
            reached, col = heapq.heappop(heap)
            if col in done:  # an older, longer entry of a column settled since
                continue
            done.add(col)
            row = self.owner[col]
            if row < 0:
                return distance, via, settled, col
            settled.append(col)
            self._relax(row, reached, distance, via, heap, done)

    def _relax(
        self,
        row: int,
        reached: Number,
        distance: dict[int, Number],
        via: dict[int, int],
        heap: list[tuple[Number, int]],
        done: set[int],
    ) -> None:
        u, v = self.u[row], self.v
        for col, cost in self.edges[row]:
            if col in done:
                continue
            candidate = reached + cost - u - v[col]
            if col not in distance or candidate < distance[col]:
                distance[col] = candidate
                via[col] = row
                heapq.heappush(heap, (candidate, col))
