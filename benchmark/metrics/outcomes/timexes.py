"""Timex outcomes, from the relaxed matching (the headline).

A relaxed pair is ``correct`` when nothing below applies; otherwise its
category is the first that applies and the rest go to ``also``: ``boundary``
(the offsets differ), ``wrong_type``, ``wrong_value`` (judged as the ``type``
and ``value`` metrics judge them). An unmatched gold timex is ``missed``, an
unmatched prediction ``spurious``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ...records import TimexRecord
from . import OutcomeLog, union

Judge = Callable[[TimexRecord, TimexRecord], bool]


def timex_item(log: OutcomeLog, timex: TimexRecord) -> dict:
    return {**log.span((timex.start, timex.end)), "type": timex.type, "value": timex.value, "mod": timex.mod}


def log_timexes(
    log: OutcomeLog,
    gold: Sequence[TimexRecord],
    pred: Sequence[TimexRecord],
    pairs: Sequence[tuple[int, int]],
    same_type: Judge,
    same_value: Judge,
) -> None:
    """Record one document's timexes; ``pairs`` is the relaxed matching."""
    for g, p in pairs:
        errors = [
            name
            for name, wrong in (
                ("boundary", (gold[g].start, gold[g].end) != (pred[p].start, pred[p].end)),
                ("wrong_type", not same_type(gold[g], pred[p])),
                ("wrong_value", not same_value(gold[g], pred[p])),
            )
            if wrong
        ]
        log.add(
            errors or ["correct"],
            timex_item(log, gold[g]),
            timex_item(log, pred[p]),
            union([(gold[g].start, gold[g].end), (pred[p].start, pred[p].end)]),
        )
    for g in sorted(set(range(len(gold))) - {g for g, _ in pairs}):
        log.add(["missed"], timex_item(log, gold[g]), None, (gold[g].start, gold[g].end))
    for p in sorted(set(range(len(pred))) - {p for _, p in pairs}):
        log.add(["spurious"], None, timex_item(log, pred[p]), (pred[p].start, pred[p].end))
