"""Quote outcomes, from the partial content matching (``content_partial``).

A partially matched pair is ``correct`` when nothing below applies; otherwise
its category is the first that applies, in this order, and the rest go to
``also``: ``wrong_speaker`` (the source is not right, so the pair is no
``attribution`` pair), ``content_boundary`` (content spans differ from the
gold), ``wrong_cue`` (cue offsets differ), ``wrong_kind``. An unmatched gold
quote is ``missed``, an unmatched prediction ``spurious``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ...records import QuoteRecord
from ..matching import normalized
from . import OutcomeLog, union


def quote_item(log: OutcomeLog, quote: QuoteRecord) -> dict:
    return {
        "kind": quote.kind,
        "cue": log.span(quote.cue),
        "content": [log.span(s) for s in quote.content],
        "source": log.span(quote.source),
        "source_name": quote.source_name,
    }


def _anchor(*quotes: QuoteRecord) -> tuple[int, int]:
    return union([span for q in quotes for span in (*q.content, q.cue)])


def pair_errors(
    gold: QuoteRecord, pred: QuoteRecord, source_is_right: Callable[[QuoteRecord, QuoteRecord], bool]
) -> list[str]:
    errors = []
    if not source_is_right(gold, pred):
        errors.append("wrong_speaker")
    if frozenset(gold.content) != frozenset(pred.content):
        errors.append("content_boundary")
    if gold.cue != pred.cue:
        errors.append("wrong_cue")
    if normalized(gold.kind) is None or normalized(gold.kind) != normalized(pred.kind):
        errors.append("wrong_kind")
    return errors


def log_quotes(
    log: OutcomeLog,
    gold: Sequence[QuoteRecord],
    pred: Sequence[QuoteRecord],
    pairs: Sequence[tuple[int, int]],
    source_is_right: Callable[[QuoteRecord, QuoteRecord], bool],
) -> None:
    """Record one document's quotes; ``pairs`` is the ``content_partial`` matching."""
    for g, p in pairs:
        log.add(
            pair_errors(gold[g], pred[p], source_is_right) or ["correct"],
            quote_item(log, gold[g]),
            quote_item(log, pred[p]),
            _anchor(gold[g], pred[p]),
        )
    for g in sorted(set(range(len(gold))) - {g for g, _ in pairs}):
        log.add(["missed"], quote_item(log, gold[g]), None, _anchor(gold[g]))
    for p in sorted(set(range(len(pred))) - {p for _, p in pairs}):
        log.add(["spurious"], None, quote_item(log, pred[p]), _anchor(pred[p]))
