"""Entity outcomes: nervaluate's taxonomy, from the one pairing all four schemes use.

A matched pair is ``correct`` (same span and type), ``type`` (same span, other
type), ``boundary`` (overlap, same type) or ``boundary-type`` (overlap, other
type); an unmatched gold entity is ``missed``, an unmatched prediction
``spurious``. Per scheme, COR/INC/PAR/MIS/SPU are sums of these
(:data:`SCHEME_CATEGORIES`), as the table of ``entities.py`` says.
"""

from __future__ import annotations

from . import OutcomeLog, union

# For each scheme, the categories counted as correct, incorrect and partial.
SCHEME_CATEGORIES = {
    "strict": {"correct": ("correct",), "incorrect": ("type", "boundary", "boundary-type"), "partial": ()},
    "exact": {"correct": ("correct", "type"), "incorrect": ("boundary", "boundary-type"), "partial": ()},
    "partial": {"correct": ("correct", "type"), "incorrect": (), "partial": ("boundary", "boundary-type")},
    "ent_type": {"correct": ("correct", "boundary"), "incorrect": ("type", "boundary-type"), "partial": ()},
}


def scheme_counts(error_counts: dict[str, int], scheme: str) -> dict[str, int]:
    """nervaluate's five counts under ``scheme``, from a layer's ``error_counts``."""
    counts = {name: sum(error_counts[c] for c in categories) for name, categories in SCHEME_CATEGORIES[scheme].items()}
    return {**counts, "missed": error_counts["missed"], "spurious": error_counts["spurious"]}


def log_entities(log: OutcomeLog, match) -> None:
    """Record one document's entities from its ``DocMatch`` (the across-types pairing)."""
    gold, pred, pairs = match.gold, match.pred, match.across_types

    def item(columns, index: int) -> dict:
        return {**log.span((columns.start[index], columns.end[index])), "type": columns.type[index]}

    for g, p, same_span, same_type in zip(pairs.gold, pairs.pred, pairs.same_span, pairs.same_type):
        category = ("correct" if same_type else "type") if same_span else ("boundary" if same_type else "boundary-type")
        log.add(
            [category],
            item(gold, g),
            item(pred, p),
            union([(gold.start[g], gold.end[g]), (pred.start[p], pred.end[p])]),
        )
    for g in sorted(set(range(len(gold))) - set(pairs.gold)):
        log.add(["missed"], item(gold, g), None, (gold.start[g], gold.end[g]))
    for p in sorted(set(range(len(pred))) - set(pairs.pred)):
        log.add(["spurious"], None, item(pred, p), (pred.start[p], pred.end[p]))
