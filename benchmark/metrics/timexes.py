"""Timexes: TIMEX3 extraction and normalization, TempEval-3 style (DESIGN sections 3.6 and 5).

Gold and predicted timexes are matched one-to-one twice (:func:`match_optimal`):

- ``strict``: exact offsets (among duplicates, same type preferred);
- ``relaxed`` (headline): any shared code point; as many pairs as possible,
  then, among such matchings, the most exact pairs, then the largest total
  overlap, then the most equal values, then the most equal types.

``value`` and ``type`` are precision/recall/F1 where a relaxed pair counts
only when its value (TempEval-3's "value F1"), resp. its type, is also equal.
Accuracies over relaxed pairs: ``type`` and ``value``. Per label (TIMEX3 type:
a pair counts under the gold type for recall, the predicted type for
precision): every metric.

Values and types are compared after trimming white space, ignoring case.
Items are put in a canonical order first, so no score depends on list order.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..records import DocRecords, TimexRecord
from . import METRICS as LAYER_METRICS
from .base import LayerScore
from .matching import Candidate, Matching, Scoreboard, match_optimal, overlap, overlapping_pairs, score_documents
from .outcomes import OutcomeLog
from .outcomes.timexes import log_timexes

ACCURACIES = LAYER_METRICS["timexes"].accuracies
METRICS = LAYER_METRICS["timexes"].names
HEADLINE = LAYER_METRICS["timexes"].headline


def score_timexes(gold: Sequence[DocRecords], pred: Sequence[DocRecords], outcomes: bool = False) -> LayerScore:
    """Score predicted time expressions against the gold, documents aligned by index; with
    ``outcomes``, also record every item's outcome (``metrics/outcomes``).

    The headline, ``relaxed``, asks for overlapping spans; ``value`` for the normalized value too:

    >>> from benchmark import DocRecords, TimexRecord, score_timexes
    >>> gold = [DocRecords("d", timexes=[TimexRecord(0, 9, "DATE", "2022-01-26")])]
    >>> pred = [DocRecords("d", timexes=[TimexRecord(0, 9, "DATE", "2022-01-25")])]
    >>> score = score_timexes(gold, pred)
    >>> score.headline, score.metrics["relaxed"]["f1"], score.metrics["value"]["f1"]
    ('relaxed', 1.0, 0.0)
    """
    return score_documents(
        gold,
        pred,
        lambda doc: doc.timexes,
        lambda board, g, p, _: _score_document(board, g, p),
        lambda timex: timex.start,
        HEADLINE,
        METRICS,
        ACCURACIES,
        canonical=_canonical,
        outcomes=OutcomeLog("timexes") if outcomes else None,
    )


def _canonical(timex: TimexRecord) -> tuple:
    return (timex.start, timex.end, timex.type or "", timex.value or "", timex.mod or "")


def _score_document(board: Scoreboard, gold: Sequence[TimexRecord], pred: Sequence[TimexRecord]) -> Matching:
    """Adds one document's timexes to ``board``; returns the headline matching."""
    strict = Matching.of(_strict_pairs(gold, pred), len(gold), len(pred))
    relaxed = Matching.of(_relaxed_pairs(gold, pred), len(gold), len(pred))
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
    if board.outcomes is not None:
        log_timexes(board.outcomes, gold, pred, relaxed.pairs, _same_type, _same_value)
    return relaxed


def _strict_pairs(gold: Sequence[TimexRecord], pred: Sequence[TimexRecord]) -> list[tuple[int, int]]:
    at: dict[tuple[int, int], list[int]] = {}
    for g, timex in enumerate(gold):
        at.setdefault((timex.start, timex.end), []).append(g)
    return match_optimal(
        Candidate(g, p, (_same_type(gold[g], timex),))
        for p, timex in enumerate(pred)
        for g in at.get((timex.start, timex.end), ())
    )


def _relaxed_pairs(gold: Sequence[TimexRecord], pred: Sequence[TimexRecord]) -> list[tuple[int, int]]:
    gold_spans = [(t.start, t.end) for t in gold]
    pred_spans = [(t.start, t.end) for t in pred]
    return match_optimal(
        Candidate(
            g,
            p,
            (
                gold_spans[g] == pred_spans[p],
                overlap(gold_spans[g], pred_spans[p]),
                _same_value(gold[g], pred[p]),
                _same_type(gold[g], pred[p]),
            ),
        )
        for g, p in overlapping_pairs(gold_spans, pred_spans)
    )


def _type(timex: TimexRecord) -> str | None:
    return (timex.type or "").strip().upper() or None


def _same_type(gold: TimexRecord, pred: TimexRecord) -> bool:
    return _type(gold) is not None and _type(gold) == _type(pred)


def _value(timex: TimexRecord) -> str | None:
    # TIMEX3 values spell every designator in capitals (P1M, PRESENT_REF, 2022-W04-WE),
    # so no two distinct values differ only in case.
    return (timex.value or "").strip().upper() or None


def _same_value(gold: TimexRecord, pred: TimexRecord) -> bool:
    return _value(gold) is not None and _value(gold) == _value(pred)
