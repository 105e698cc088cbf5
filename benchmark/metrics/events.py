"""Events: CAMEO-coded event extraction, TextEE / ACE style (DESIGN sections 3.5 and 5).

Triggers match on exact offsets, one-to-one; each trigger metric matches on
its own key, so two events sharing a trigger are told apart by their codes:

- ``trigger_i``: offsets;
- ``trigger_c`` (headline): offsets and CAMEO root (the code's first two digits);
- ``trigger_c_fine``: offsets and the full code string ("04" is not "046");
- ``quad``: offsets and GDELT QuadClass of the root.

Arguments use the attached variant: a predicted argument can only be right
when its event's trigger matches a gold trigger with the same root
(the ``trigger_c`` pairs), and then only against that gold event's arguments,
each of which can be claimed once:

- ``arg_i``: same span; ``arg_c``: same span and role;
- ``arg_i_coref`` / ``arg_c_coref``: the span may be any span of the gold
  argument's cluster (claims prefer the exact span, then the same role).

Precision is over all predicted arguments, recall over all gold arguments.
Accuracies over ``trigger_i`` pairs: ``realis`` and ``polarity``. Per label
(CAMEO root): ``trigger_c``.
"""

from __future__ import annotations

from typing import Callable, Sequence

from ..records import ArgumentRecord, DocRecords, EventRecord
from ..inventory import cameo_root, quad_class
from .base import LayerScore
from .matching import (Candidate, Matching, Scoreboard, match_by_key, match_greedy,
                       normalized, score_documents)

ACCURACIES = ("realis", "polarity")
METRICS = ("trigger_i", "trigger_c", "trigger_c_fine", "quad",
           "arg_i", "arg_c", "arg_i_coref", "arg_c_coref")
HEADLINE = "trigger_c"

def score_events(gold: Sequence[DocRecords], pred: Sequence[DocRecords]) -> LayerScore:
    return score_documents(gold, pred, lambda doc: doc.events,
                           lambda board, g, p, _: _score_document(board, g, p),
                           lambda event: event.trigger[0], HEADLINE, METRICS, ACCURACIES)


def _trigger_key(key_of_code: Callable[[str | None], object]) -> Callable[[EventRecord], object]:
    def key(event: EventRecord) -> object:
        code_key = key_of_code(event.code)
        return None if code_key is None else (event.trigger, code_key)
    return key


_TRIGGER_KEYS: dict[str, Callable[[EventRecord], object]] = {
    "trigger_i": lambda event: event.trigger,
    "trigger_c": _trigger_key(cameo_root),
    "trigger_c_fine": _trigger_key(lambda code: (code or "").strip() or None),
    "quad": _trigger_key(quad_class),
}


def _score_document(board: Scoreboard, gold: Sequence[EventRecord], pred: Sequence[EventRecord]) -> Matching:
    """Adds one document's events to ``board``; returns the headline matching."""
    matchings = {
        metric: Matching.of(match_by_key([key(e) for e in gold], [key(e) for e in pred]), len(gold), len(pred))
        for metric, key in _TRIGGER_KEYS.items()
    }
    for metric, matching in matchings.items():
        board.add(metric, matching)
    trigger_c = matchings["trigger_c"]
    board.add_by_label("trigger_c", trigger_c,
                       [cameo_root(e.code) for e in gold], [cameo_root(e.code) for e in pred])
    for g, p in matchings["trigger_i"].pairs:
        board.accuracies["realis"].add(_same(gold[g].realis, pred[p].realis))
        board.accuracies["polarity"].add(_same(gold[g].polarity, pred[p].polarity))
    _score_arguments(board, gold, pred, trigger_c)
    return trigger_c


def _same(gold_value: str | None, pred_value: str | None) -> bool:
    return normalized(gold_value) is not None and normalized(gold_value) == normalized(pred_value)


def _score_arguments(board: Scoreboard, gold: Sequence[EventRecord], pred: Sequence[EventRecord],
                     trigger_c: Matching) -> None:
    n_gold = sum(len(e.arguments) for e in gold)
    n_pred = sum(len(e.arguments) for e in pred)
    claimed = {metric: 0 for metric in ("arg_i", "arg_c", "arg_i_coref", "arg_c_coref")}
    for g, p in trigger_c.pairs:
        gold_args, pred_args = gold[g].arguments, pred[p].arguments
        for metric in claimed:
            claimed[metric] += len(_claims(gold_args, pred_args, coref=metric.endswith("_coref"),
                                           with_role=metric.startswith("arg_c")))
    for metric, count in claimed.items():
        board.add_counts(metric, count, n_pred, n_gold)


def _claims(gold_args: Sequence[ArgumentRecord], pred_args: Sequence[ArgumentRecord],
            coref: bool, with_role: bool) -> list[tuple[int, int]]:
    """Gold arguments claimed by predicted ones, each gold argument at most once."""
    candidates = []
    for g, gold_arg in enumerate(gold_args):
        spans = (gold_arg.cluster | {gold_arg.offsets}) if coref else {gold_arg.offsets}
        for p, pred_arg in enumerate(pred_args):
            same_role = _same(gold_arg.role, pred_arg.role)
            if pred_arg.offsets not in spans or (with_role and not same_role):
                continue
            candidates.append(Candidate(g, p, (pred_arg.offsets == gold_arg.offsets, same_role)))
    return match_greedy(candidates)
