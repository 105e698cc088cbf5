"""Timexes: TIMEX3 extraction and normalization, TempEval-3 style (DESIGN sections 3.6 and 5).

Gold and predicted timexes are matched one-to-one twice:

- ``strict``: exact offsets;
- ``relaxed`` (headline): any shared code point; overlapping pairs are found
  by sort and sweep and taken exact ones first, then by largest overlap,
  ties in document order.

``value`` and ``type`` are precision/recall/F1 where a relaxed pair counts
only when its value (TempEval-3's "value F1"), resp. its type, is also equal.
Accuracies over relaxed pairs: ``type`` and ``value``. Per label (TIMEX3 type:
a pair counts under the gold type for recall, the predicted type for
precision): every metric.

Values are compared as strings after trimming white space; types ignoring case.
"""

from __future__ import annotations

from typing import Sequence

from ..records import DocRecords, TimexRecord
from .base import LayerScore
from .matching import (Candidate, Matching, Scoreboard, match_by_key, match_greedy,
                       overlap, overlapping_pairs, score_documents)

ACCURACIES = ("type", "value")
METRICS = ("strict", "relaxed", "type", "value")
HEADLINE = "relaxed"


def score_timexes(gold: Sequence[DocRecords], pred: Sequence[DocRecords]) -> LayerScore:
    return score_documents(gold, pred, lambda doc: doc.timexes,
                           lambda board, g, p, _: _score_document(board, g, p),
                           lambda timex: timex.start, HEADLINE, METRICS, ACCURACIES)


def _score_document(board: Scoreboard, gold: Sequence[TimexRecord], pred: Sequence[TimexRecord]) -> Matching:
    """Adds one document's timexes to ``board``; returns the headline matching."""
    gold_spans = [(t.start, t.end) for t in gold]
    pred_spans = [(t.start, t.end) for t in pred]
    strict = Matching.of(match_by_key(gold_spans, pred_spans), len(gold), len(pred))
    relaxed = Matching.of(_relaxed_pairs(gold_spans, pred_spans), len(gold), len(pred))
    same_type = relaxed.where(lambda g, p: _same_type(gold[g], pred[p]))
    same_value = relaxed.where(lambda g, p: _same_value(gold[g], pred[p]))

    gold_types = [_type(t) for t in gold]
    pred_types = [_type(t) for t in pred]
    for metric, matching in (("strict", strict), ("relaxed", relaxed), ("type", same_type), ("value", same_value)):
        board.add(metric, matching)
        board.add_by_label(metric, matching, gold_types, pred_types)
    for g, p in relaxed.pairs:
        board.accuracies["type"].add(_same_type(gold[g], pred[p]))
        board.accuracies["value"].add(_same_value(gold[g], pred[p]))
    return relaxed


def _relaxed_pairs(gold_spans: Sequence[tuple[int, int]], pred_spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    return match_greedy(
        Candidate(g, p, (gold_spans[g] == pred_spans[p], overlap(gold_spans[g], pred_spans[p])))
        for g, p in overlapping_pairs(gold_spans, pred_spans)
    )


def _type(timex: TimexRecord) -> str | None:
    return (timex.type or "").strip().upper() or None


def _same_type(gold: TimexRecord, pred: TimexRecord) -> bool:
    return _type(gold) is not None and _type(gold) == _type(pred)


def _same_value(gold: TimexRecord, pred: TimexRecord) -> bool:
    gold_value = (gold.value or "").strip()
    return bool(gold_value) and gold_value == (pred.value or "").strip()
