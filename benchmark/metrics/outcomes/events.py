"""Event outcomes, from the event alignment and argument claims the metrics use.

An aligned pair of events (same trigger offsets) is ``correct`` when nothing
below applies; otherwise its category is the first that applies and the rest
go to ``also``:

- ``wrong_quad``: the CAMEO root differs and so does the QuadClass;
- ``wrong_root``: the root differs within the same QuadClass;
- ``wrong_fine_code``: same root, another code (compared canonically: 05 is 050);
- ``wrong_realis``, ``wrong_polarity``.

``wrong_quad`` and ``wrong_root`` never go together: together they are the
pairs that ``trigger_c`` does not count, and ``wrong_quad`` alone those that
``quad`` does not. An unaligned gold event is ``missed_trigger``, an unaligned
prediction ``spurious_trigger``.

Arguments, inside a pair with the same root: a predicted argument on the span
of a gold one (the ``arg_i`` claims) is ``correct_argument`` with the same
role, else ``wrong_role``; an unclaimed gold argument is ``missing_argument``,
an unclaimed prediction ``spurious_argument``. Every argument of an event
outside such a pair is missing, resp. spurious, as the metrics count it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ...inventory import QUAD_CLASSES, cameo_codes, cameo_root, canonical_code, quad_class
from ...records import ArgumentRecord, EventRecord
from ..matching import normalized
from . import OutcomeLog

Pair = tuple[int, int]
ClaimedArguments = Callable[[Sequence[ArgumentRecord], Sequence[ArgumentRecord], str], list[Pair]]


def event_item(log: OutcomeLog, event: EventRecord) -> dict:
    names, root, quad = cameo_codes(), cameo_root(event.code), quad_class(event.code)
    return {
        "trigger": log.span(event.trigger),
        "code": event.code,
        "name": names.get(event.code) or names.get(canonical_code(event.code) or ""),
        "root": root,
        "root_name": names.get(root or ""),
        "quad": quad,
        "quad_name": QUAD_CLASSES.get(quad) if quad is not None else None,
        "realis": event.realis,
        "polarity": event.polarity,
        "arguments": [{"role": a.role, **log.span(a.offsets)} for a in event.arguments],
    }


def _same(gold_value: str | None, pred_value: str | None) -> bool:
    return normalized(gold_value) is not None and normalized(gold_value) == normalized(pred_value)


def same_root(gold: EventRecord, pred: EventRecord) -> bool:
    return cameo_root(gold.code) is not None and cameo_root(gold.code) == cameo_root(pred.code)


def pair_errors(gold: EventRecord, pred: EventRecord) -> list[str]:
    errors = []
    if not same_root(gold, pred):
        same_quad = quad_class(gold.code) is not None and quad_class(gold.code) == quad_class(pred.code)
        errors.append("wrong_root" if same_quad else "wrong_quad")
    elif canonical_code(gold.code) != canonical_code(pred.code):
        errors.append("wrong_fine_code")
    if not _same(gold.realis, pred.realis):
        errors.append("wrong_realis")
    if not _same(gold.polarity, pred.polarity):
        errors.append("wrong_polarity")
    return errors


def log_events(
    log: OutcomeLog,
    gold: Sequence[EventRecord],
    pred: Sequence[EventRecord],
    alignment: Sequence[Pair],
    claimed_arguments: ClaimedArguments,
) -> None:
    """Record one document's events and arguments; ``alignment`` pairs the events,
    ``claimed_arguments(gold_args, pred_args, "arg_i")`` the arguments of a pair."""
    for g, p in alignment:
        log.add(
            pair_errors(gold[g], pred[p]) or ["correct"],
            event_item(log, gold[g]),
            event_item(log, pred[p]),
            gold[g].trigger,
        )
        claims = claimed_arguments(gold[g].arguments, pred[p].arguments, "arg_i") if same_root(gold[g], pred[p]) else []
        _log_arguments(log, gold[g], pred[p], claims)
    for g in sorted(set(range(len(gold))) - {g for g, _ in alignment}):
        log.add(["missed_trigger"], event_item(log, gold[g]), None, gold[g].trigger)
        _log_arguments(log, gold[g], None, [])
    for p in sorted(set(range(len(pred))) - {p for _, p in alignment}):
        log.add(["spurious_trigger"], None, event_item(log, pred[p]), pred[p].trigger)
        _log_arguments(log, None, pred[p], [])


def _log_arguments(log: OutcomeLog, gold: EventRecord | None, pred: EventRecord | None, claims: list[Pair]) -> None:
    def item(event: EventRecord, argument: ArgumentRecord) -> dict:
        return {
            "role": argument.role,
            **log.span(argument.offsets),
            "trigger": log.span(event.trigger),
            "code": event.code,
        }

    # claims is empty unless both events are there
    if gold is not None and pred is not None:
        for g, p in claims:
            category = "correct_argument" if _same(gold.arguments[g].role, pred.arguments[p].role) else "wrong_role"
            log.add([category], item(gold, gold.arguments[g]), item(pred, pred.arguments[p]), gold.arguments[g].offsets)
    if gold is not None:
        for g in sorted(set(range(len(gold.arguments))) - {g for g, _ in claims}):
            log.add(["missing_argument"], item(gold, gold.arguments[g]), None, gold.arguments[g].offsets)
    if pred is not None:
        for p in sorted(set(range(len(pred.arguments))) - {p for _, p in claims}):
            log.add(["spurious_argument"], None, item(pred, pred.arguments[p]), pred.arguments[p].offsets)
