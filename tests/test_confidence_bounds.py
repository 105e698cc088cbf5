"""A confidence interval outside [0, 1] is impossible by construction.

Reversed sentences once gave the CI [0.000, 1.067]: unsorted sentence starts
made some units' counts negative. Units now sorts the starts, and
``bootstrap_ci`` refuses statistics unless 0 <= num <= den in every row,
which bounds every resample's precision, recall and F1 by 1.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark.metrics.bootstrap import bootstrap_ci
from benchmark.metrics.entities import score_entities
from benchmark.records import DocRecords, EntityRecord


def valid_rows(width: int):
    """Rows of ``width`` columns in groups of (num_p, den_p, num_r, den_r) with 0 <= num <= den."""
    group = st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, 6), st.integers(0, 6)).map(
        lambda g: [min(g[0], g[1]), g[1], min(g[2], g[3]), g[3]]
    )
    row = st.lists(group, min_size=width // 4, max_size=width // 4).map(lambda gs: [v for g in gs for v in g])
    return st.lists(row, min_size=1, max_size=30)


@settings(max_examples=200, deadline=None)
@given(rows=valid_rows(4), seed=st.integers(0, 2**32 - 1))
def test_the_interval_of_valid_unit_stats_lies_in_0_1(rows, seed):
    low, high = bootstrap_ci(rows, "prf", 200, seed)
    assert 0.0 <= low <= high <= 1.0


@settings(max_examples=100, deadline=None)
@given(rows=valid_rows(12), seed=st.integers(0, 2**32 - 1))
def test_the_conll_interval_lies_in_0_1(rows, seed):
    low, high = bootstrap_ci(rows, "conll", 200, seed)
    assert 0.0 <= low <= high <= 1.0


@pytest.mark.parametrize(
    "row", [[3, 2, 1, 1], [1, 1, 4, 2], [-1, 1, 1, 1], [float("nan"), 1, 1, 1], [float("inf"), float("inf"), 1, 1]]
)
def test_rows_that_could_leave_0_1_are_refused(row):
    with pytest.raises(ValueError):
        bootstrap_ci([[1, 2, 1, 2], row], "prf", 100, 13)


def test_rows_of_the_wrong_width_are_refused():
    with pytest.raises(ValueError, match="rows of 12"):
        bootstrap_ci([[1, 2, 1, 2]], "conll", 100, 13)


@st.composite
def documents(draw):
    """Gold and predicted entities over a 200-character text, with sentence starts in any order."""

    def entities(n):
        starts = draw(st.lists(st.integers(0, 190), min_size=0, max_size=n, unique=True))
        return [EntityRecord(s, s + draw(st.integers(1, 9)), draw(st.sampled_from(["ORG", "GPE"]))) for s in starts]

    starts = draw(st.lists(st.integers(0, 199), min_size=1, max_size=12, unique=True))
    order = draw(st.permutations(starts))
    gold = DocRecords("d", entities=sorted(entities(15), key=lambda e: (e.start, e.end)), sentence_starts=order)
    return gold, DocRecords("d", entities=entities(15))


@settings(max_examples=150, deadline=None)
@given(pair=documents(), seed=st.integers(0, 1000))
def test_sentence_starts_in_any_order_give_valid_units(pair, seed):
    gold, pred = pair
    score = score_entities([gold], [pred])
    stats = np.asarray(score.unit_stats)
    assert (stats >= 0).all()
    assert (stats[:, 0] <= stats[:, 1]).all() and (stats[:, 2] <= stats[:, 3]).all()
    low, high = bootstrap_ci(score.unit_stats, "prf", 100, seed)
    assert 0.0 <= low <= high <= 1.0


def test_reversed_sentences_score_as_sorted_ones():
    gold = [EntityRecord(0, 4, "ORG"), EntityRecord(10, 14, "GPE"), EntityRecord(20, 24, "GPE")]
    pred = [EntityRecord(0, 4, "ORG"), EntityRecord(11, 14, "GPE"), EntityRecord(30, 34, "GPE")]
    by_order = {}
    for name, starts in (("sorted", [0, 8, 18, 28]), ("reversed", [28, 18, 8, 0])):
        score = score_entities(
            [DocRecords("d", entities=gold, sentence_starts=starts)], [DocRecords("d", entities=pred)]
        )
        by_order[name] = score.unit_stats
    assert by_order["reversed"] == by_order["sorted"] == [[1, 1, 1, 1], [0, 1, 0, 1], [0, 0, 0, 1], [0, 1, 0, 0]]
