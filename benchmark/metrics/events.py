"""Events: CAMEO-coded event extraction, TextEE / ACE style (DESIGN sections 3.5 and 5).

Triggers match on exact offsets, one-to-one; each trigger metric matches on
its own key, so two events sharing a trigger are told apart by their codes:

- ``trigger_i``: offsets;
- ``trigger_c`` (headline): offsets and CAMEO root (the code's first two digits);
- ``trigger_c_fine``: offsets and the full code in its canonical form
  (``05`` and ``050`` are one code; ``04`` and ``046`` are not);
- ``quad``: offsets and GDELT QuadClass of the root.

Arguments use the attached variant: a predicted argument can only be right
inside an event paired with a gold event on the same trigger and root, and
then only against that gold event's arguments, each claimed at most once
(as many claims as possible):

- ``arg_i``: same span; ``arg_c``: same span and role;
- ``arg_i_coref`` / ``arg_c_coref``: the span may be any span of the gold
  argument's cluster.

Events are paired (:func:`_alignment`) on equal trigger offsets: as many pairs
as possible, then as many with the same root (these pairs are a maximum
``trigger_c`` matching), then the most claimed arguments, then the same fine
code, then the same realis and polarity. Precision is over all predicted
arguments, recall over all gold arguments. Accuracies over the paired events:
``realis`` and ``polarity``. Per label (CAMEO root): ``trigger_c``. Items are
put in a canonical order first, so no score depends on list order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..inventory import cameo_root, canonical_code, quad_class
from ..records import ArgumentRecord, DocRecords, EventRecord
from . import METRICS as LAYER_METRICS
from .base import LayerScore
from .matching import Candidate, Matching, Pair, Scoreboard, match_by_key, match_optimal, normalized, score_documents
from .outcomes import OutcomeLog
from .outcomes.events import log_events

ACCURACIES = LAYER_METRICS["events"].accuracies
# In the order the alignment prefers them: the standard Arg-C first.
ARGUMENT_METRICS = ("arg_c", "arg_i", "arg_c_coref", "arg_i_coref")
METRICS = LAYER_METRICS["events"].names
HEADLINE = LAYER_METRICS["events"].headline


def score_events(gold: Sequence[DocRecords], pred: Sequence[DocRecords], outcomes: bool = False) -> LayerScore:
    """Score predicted events against the gold, documents aligned by index; with ``outcomes``,
    also record every item's outcome (``metrics/outcomes``).

    The headline, ``trigger_c``, asks for the trigger and the CAMEO root (the code's first
    two digits); ``trigger_c_fine`` asks for the full code:

    >>> from benchmark import DocRecords, EventRecord, score_events
    >>> gold = [DocRecords("d", events=[EventRecord((8, 17), "046", realis="actual", polarity="positive")])]
    >>> pred = [DocRecords("d", events=[EventRecord((8, 17), "042", realis="actual", polarity="positive")])]
    >>> score = score_events(gold, pred)
    >>> score.headline, score.metrics["trigger_c"]["f1"], score.metrics["trigger_c_fine"]["f1"]
    ('trigger_c', 1.0, 0.0)
    """
    return score_documents(
        gold,
        pred,
        lambda doc: doc.events,
        lambda board, g, p, _: _score_document(board, g, p),
        lambda event: event.trigger[0],
        HEADLINE,
        METRICS,
        ACCURACIES,
        canonical=_canonical,
        outcomes=OutcomeLog("events") if outcomes else None,
    )


def _canonical(event: EventRecord) -> tuple:
    arguments = sorted((a.role, a.start, a.end, tuple(sorted(a.cluster))) for a in event.arguments)
    return (event.trigger, event.code, event.realis or "", event.polarity or "", tuple(arguments))


def _trigger_key(key_of_code: Callable[[str | None], object]) -> Callable[[EventRecord], object]:
    def key(event: EventRecord) -> object:
        code_key = key_of_code(event.code)
        return None if code_key is None else (event.trigger, code_key)

    return key


_TRIGGER_KEYS: dict[str, Callable[[EventRecord], object]] = {
    "trigger_i": lambda event: event.trigger,
    "trigger_c": _trigger_key(cameo_root),
    "trigger_c_fine": _trigger_key(canonical_code),
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
    board.add_by_label("trigger_c", trigger_c, [cameo_root(e.code) for e in gold], [cameo_root(e.code) for e in pred])
    claims: dict[Pair, tuple[int, ...]] = {}
    alignment = _alignment(gold, pred, claims)
    for g, p in alignment:
        board.accuracies["realis"].add(_same(gold[g].realis, pred[p].realis))
        board.accuracies["polarity"].add(_same(gold[g].polarity, pred[p].polarity))
        for metric, count in zip(ARGUMENT_METRICS, claims.get((g, p), ())):
            board.add_counts(metric, count, 0, 0)
    for metric in ARGUMENT_METRICS:
        board.add_counts(metric, 0, sum(len(e.arguments) for e in pred), sum(len(e.arguments) for e in gold))
    if board.outcomes is not None:
        log_events(board.outcomes, gold, pred, alignment, claimed_arguments)
    return trigger_c


def _same(gold_value: str | None, pred_value: str | None) -> bool:
    return normalized(gold_value) is not None and normalized(gold_value) == normalized(pred_value)


def _same_root(gold: EventRecord, pred: EventRecord) -> bool:
    return cameo_root(gold.code) is not None and cameo_root(gold.code) == cameo_root(pred.code)


def _alignment(
    gold: Sequence[EventRecord], pred: Sequence[EventRecord], claims: dict[Pair, tuple[int, ...]]
) -> list[Pair]:
    """Gold and predicted events paired on equal trigger offsets.

    Preferred, in this order: more pairs; more pairs with the same root; more
    claimed arguments (``ARGUMENT_METRICS`` in order); more pairs with the
    same fine code; more equal realis and polarity values. ``claims`` receives
    the claim counts of every same-root candidate pair. Since all events on
    one trigger can pair with each other, any same-root matching extends to a
    maximum one, so the same-root pairs of the result are a maximum
    ``trigger_c`` matching.
    """
    on_trigger: dict[tuple[int, int], list[int]] = {}
    for g, event in enumerate(gold):
        on_trigger.setdefault(event.trigger, []).append(g)
    candidates = []
    for p, event in enumerate(pred):
        for g in on_trigger.get(event.trigger, ()):
            same_root = _same_root(gold[g], event)
            if same_root:
                claims[g, p] = tuple(
                    _claim_count(gold[g].arguments, event.arguments, metric) for metric in ARGUMENT_METRICS
                )
            same_code = same_root and canonical_code(gold[g].code) == canonical_code(event.code)
            agreeing = _same(gold[g].realis, event.realis) + _same(gold[g].polarity, event.polarity)
            candidates.append(
                Candidate(g, p, (same_root, *claims.get((g, p), (0,) * len(ARGUMENT_METRICS)), same_code, agreeing))
            )
    return match_optimal(candidates)


def _claim_count(gold_args: Sequence[ArgumentRecord], pred_args: Sequence[ArgumentRecord], metric: str) -> int:
    """How many gold arguments predicted ones claim, one-to-one, at most."""
    return len(claimed_arguments(gold_args, pred_args, metric))


def claimed_arguments(
    gold_args: Sequence[ArgumentRecord], pred_args: Sequence[ArgumentRecord], metric: str
) -> list[Pair]:
    """The (gold, predicted) argument pairs behind ``metric``'s claims: as many as
    possible, then as many with the same role (so that the ``arg_i`` pairs with the
    same role are as many as the ``arg_c`` claims)."""
    coref, with_role = metric.endswith("_coref"), metric.startswith("arg_c")
    candidates = []
    for g, gold_arg in enumerate(gold_args):
        spans = (gold_arg.cluster | {gold_arg.offsets}) if coref else {gold_arg.offsets}
        for p, pred_arg in enumerate(pred_args):
            if pred_arg.offsets in spans and (not with_role or _same(gold_arg.role, pred_arg.role)):
                candidates.append(Candidate(g, p, (_same(gold_arg.role, pred_arg.role),)))
    return match_optimal(candidates)
