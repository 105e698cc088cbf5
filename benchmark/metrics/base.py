"""Shared result types of the metrics: precision/recall/F1 and a layer's score.

Every metric is computed from four sums, ``num_p / den_p`` (precision) and
``num_r / den_r`` (recall). Keeping the sums per bootstrap unit (a sentence)
lets confidence intervals and paired tests resample without re-matching.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..records import DocRecords
from . import ZERO_DIVISION


def safe_div(num: float, den: float) -> float:
    """``num / den``, and ``ZERO_DIVISION`` (0.0) when ``den`` is 0.

    A precision with no prediction, a recall with no gold item, an F1 with
    P + R = 0 are undefined. They are reported as 0.0, as seqeval's default
    ``zero_division`` and nervaluate do, and every result file records the
    policy as ``config.zero_division``. The counts beside each figure tell a
    true 0 (a denominator above 0, nothing right) from an undefined one (a
    denominator of 0): the metrics page, section 2.2.

    >>> safe_div(3, 4)
    0.75
    >>> safe_div(0, 0)
    0.0
    """
    return num / den if den else ZERO_DIVISION


def f1_of(precision: float, recall: float) -> float:
    return safe_div(2 * precision * recall, precision + recall)


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float

    @classmethod
    def from_sums(cls, num_p: float, den_p: float, num_r: float, den_r: float) -> PRF:
        precision, recall = safe_div(num_p, den_p), safe_div(num_r, den_r)
        return cls(precision, recall, f1_of(precision, recall))

    @classmethod
    def mean(cls, scores: Sequence[PRF]) -> PRF:
        """The unweighted mean of the precisions, recalls and F1s (a macro figure); 0.0 for none."""
        if not scores:
            return cls(0.0, 0.0, 0.0)
        n = len(scores)
        return cls(
            sum(s.precision for s in scores) / n, sum(s.recall for s in scores) / n, sum(s.f1 for s in scores) / n
        )

    def as_dict(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass
class Tally:
    """Sums behind precision (correct / predicted) and recall (found / gold): the one
    accumulator behind the quote, event, timex and IOB2 chunk figures.

    ``correct`` and ``found`` are equal for a micro figure; per label they
    differ when a pair's gold and predicted labels differ, since a pair counts
    under the gold label for recall and under the predicted label for precision.
    """

    correct: int = 0
    predicted: int = 0
    found: int = 0
    gold: int = 0

    @classmethod
    def of(cls, correct: int, predicted: int, gold: int) -> Tally:
        """A tally where each correct prediction finds one gold item (``found == correct``)."""
        return cls(correct, predicted, correct, gold)

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.correct + other.correct,
            self.predicted + other.predicted,
            self.found + other.found,
            self.gold + other.gold,
        )

    def prf(self) -> PRF:
        return PRF.from_sums(self.correct, self.predicted, self.found, self.gold)

    def as_dict(self) -> dict[str, float]:
        return {
            **self.prf().as_dict(),
            "correct": self.correct,
            "predicted": self.predicted,
            "found": self.found,
            "gold": self.gold,
        }


@dataclass
class LayerScore:
    """What a layer scorer returns; the result file is built from it.

    ``metrics`` maps a stable metric name (DESIGN section 5) to a dict with at
    least precision, recall and f1, plus the counts behind them.
    ``unit_stats`` holds, per bootstrap unit, the sums behind the headline:
    four columns ``num_p, den_p, num_r, den_r`` for ``stat_kind == "prf"``,
    or three such groups (MUC, B3, CEAF-e) whose F1s are averaged for
    ``stat_kind == "conll"``.
    """

    headline: str
    metrics: dict[str, dict[str, float]]
    per_label: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    accuracies: dict[str, float | None] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    unit_stats: list[list[float]] = field(default_factory=list)
    stat_kind: str = "prf"
    # With ``outcomes=True``: one record per matched pair, miss and spurious item
    # (``metrics/outcomes``), built from the same matchings as the metrics.
    outcomes: list[dict] | None = None


class Units:
    """Numbers the bootstrap units (sentences) of a list of gold documents.

    Unit ids run over all documents in order, so that document ``d``'s
    sentence ``s`` is unit ``offset[d] + s``. A document without sentences
    is one unit.
    """

    def __init__(self, gold: Sequence[DocRecords]):
        # Sorted: a unit's items are found by bisection, so unsorted starts would give
        # a unit negative counts (and an F1 above 1 on some resamples).
        self.starts = [sorted(set(doc.sentence_starts)) or [0] for doc in gold]
        self.offsets = []
        total = 0
        for starts in self.starts:
            self.offsets.append(total)
            total += len(starts)
        self.count = total

    def of(self, doc_index: int, char_offset: int) -> int:
        starts = self.starts[doc_index]
        return self.offsets[doc_index] + max(bisect_right(starts, char_offset) - 1, 0)

    def zeros(self, width: int = 4) -> list[list[float]]:
        return [[0.0] * width for _ in range(self.count)]
