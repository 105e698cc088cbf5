"""Checks shared by the quote, event and timex metric tests."""

from __future__ import annotations

from benchmark.metrics.base import LayerScore


def offsets_of(text: str, piece: str, nth: int = 0) -> tuple[int, int]:
    """Offsets of the ``nth`` occurrence of ``piece`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return (start, start + len(piece))


def prf(metric: dict) -> tuple[float, float, float]:
    return (metric["precision"], metric["recall"], metric["f1"])


def assert_unit_stats_sum_to_headline(result: LayerScore) -> None:
    head = result.metrics[result.headline]
    sums = [sum(column) for column in zip(*result.unit_stats)]
    assert sums == [head["correct"], head["predicted"], head["found"], head["gold"]]


def assert_every_metric_perfect(result: LayerScore) -> None:
    for name, metric in result.metrics.items():
        assert prf(metric) == (1.0, 1.0, 1.0), name
