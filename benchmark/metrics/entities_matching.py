"""The one-to-one matching of one document's gold and predicted entities, which all four schemes
of :mod:`benchmark.metrics.entities` count.

Every (gold, predicted) pair that shares a character is a candidate, and
candidates are taken greedily, best first: exact boundaries, then same type,
then the larger overlap, then the earlier position. The result does not
depend on the order of the spans.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, compress, islice
from operator import and_, attrgetter, eq, gt, le, lt, sub
from typing import cast

from ..records import EntityColumns, EntityLists, EntityRecord

# Speed without numpy: each document's spans become plain columns (lists of
# starts, ends, types), and most steps are comprehensions or C-level helpers
# (dict, bisect, compress, sorted) over them. Only candidates that compete for
# a span are ranked one by one. (A large corpus's plainly flat documents are
# matched all at once, with numpy, by entities_bulk; the same pairs.)
#
# The greedy order puts every same-span pair before any mere overlap. With
# flat gold (sorted, non-overlapping, no empty span: the norm) a prediction
# equal to a gold span overlaps no other gold span, so the same-span pairs are
# settled first through a dict, and only the other predictions are searched
# for overlaps. Other gold goes through the general search; both routes give
# the same matching.

_START = attrgetter("start")


@dataclass
class Columns:
    """One document's spans as columns."""

    start: list[int]
    end: list[int]
    type: list[str]

    @classmethod
    def of(cls, entities: Sequence[EntityRecord]) -> Columns:
        if isinstance(entities, EntityColumns):  # read as columns: taken as they are, never changed
            return cls(entities.starts, entities.ends, entities.types)
        return cls([e.start for e in entities], [e.end for e in entities], [e.type for e in entities])

    @classmethod
    def sorted_of(cls, entities: Sequence[EntityRecord]) -> Columns:
        columns = cls.of(entities)
        if any(map(gt, columns.start, islice(columns.start, 1, None))):
            columns = cls.of(sorted(entities, key=_START))
        return columns

    def __len__(self) -> int:
        return len(self.start)

    def columns(self) -> EntityLists:
        return self.start, self.end, self.type

    def spans(self) -> list[tuple[int, int]]:
        return list(zip(self.start, self.end))

    def is_flat(self) -> bool:
        """Sorted, non-overlapping, no empty span."""
        return all(map(le, self.end, islice(self.start, 1, None))) and all(map(lt, self.start, self.end))


@dataclass
class PairList:
    """(gold, predicted) index pairs with what they share, as parallel columns."""

    gold: list[int] = field(default_factory=list)
    pred: list[int] = field(default_factory=list)
    same_span: list[bool] = field(default_factory=list)
    same_type: list[bool] = field(default_factory=list)

    @classmethod
    def between(
        cls, gold: Columns, pred: Columns, gold_index: list[int], pred_index: list[int], same_span: bool | None = None
    ) -> PairList:
        """The pairs ``zip(gold_index, pred_index)``; ``same_span`` says it for all of them when known."""

        def both(gold_column: list, pred_column: list) -> list[bool]:
            return list(map(eq, map(gold_column.__getitem__, gold_index), map(pred_column.__getitem__, pred_index)))

        if same_span is None:
            spans = list(map(and_, both(gold.start, pred.start), both(gold.end, pred.end)))
        else:
            spans = [same_span] * len(gold_index)
        return cls(gold_index, pred_index, spans, both(gold.type, pred.type))

    def __len__(self) -> int:
        return len(self.gold)

    def select(self, keep: Iterable[bool]) -> PairList:
        keep = list(keep)
        return PairList(
            list(compress(self.gold, keep)),
            list(compress(self.pred, keep)),
            list(compress(self.same_span, keep)),
            list(compress(self.same_type, keep)),
        )

    def at(self, positions: list[int]) -> PairList:
        return PairList(
            [self.gold[i] for i in positions],
            [self.pred[i] for i in positions],
            [self.same_span[i] for i in positions],
            [self.same_type[i] for i in positions],
        )

    def __add__(self, other: PairList) -> PairList:
        return PairList(
            self.gold + other.gold,
            self.pred + other.pred,
            self.same_span + other.same_span,
            self.same_type + other.same_type,
        )


def _overlapping(gold: Columns, pred: Columns, pred_index: list[int]) -> tuple[list[int], list[int]]:
    """Every (gold, predicted) index pair sharing a character, for flat gold and the given predictions.

    The gold spans a prediction overlaps run from the first one ending after
    its start to the last one starting before its end: two binary searches,
    and mostly one span or none between.
    """
    lows = [bisect_right(gold.end, pred.start[p]) for p in pred_index]
    highs = [bisect_left(gold.start, pred.end[p]) for p in pred_index]
    widths = list(map(sub, highs, lows))
    single = list(map((1).__eq__, widths))
    gold_found, pred_found = list(compress(lows, single)), list(compress(pred_index, single))
    if max(widths, default=0) > 1:
        for low, high, p in zip(lows, highs, pred_index):
            if high - low > 1:
                gold_found.extend(range(low, high))
                pred_found.extend([p] * (high - low))
    return gold_found, pred_found


def _overlapping_general(gold: Columns, pred: Columns) -> tuple[list[int], list[int]]:
    """Every overlapping pair for any gold (nested, empty spans); an empty span overlaps only its equal."""
    reach = list(accumulate(gold.end, max))  # furthest end among the first k+1 gold spans
    gold_found, pred_found = [], []
    for p, (start, end) in enumerate(zip(pred.start, pred.end)):
        if start == end:
            low, high = bisect_left(gold.start, start), bisect_right(gold.start, start)
            hits = [k for k in range(low, high) if gold.end[k] == start]
        else:
            low, high = bisect_right(reach, start), bisect_left(gold.start, end)
            hits = [k for k in range(low, high) if gold.end[k] > start and gold.start[k] < gold.end[k]]
        gold_found.extend(hits)
        pred_found.extend([p] * len(hits))
    return gold_found, pred_found


def _repeated(values: list[int]) -> set[int]:
    ordered = sorted(values)
    return set(compress(ordered, map(eq, ordered, islice(ordered, 1, None))))


def _one_to_one(candidates: PairList, gold: Columns, pred: Columns) -> PairList:
    """Greedy one-to-one choice among candidates, best first.

    A candidate that shares neither its gold nor its prediction with another
    is taken whatever its rank, so only the others are ranked. The rank ends
    with both spans and types, so only identical spans tie and the choice does
    not depend on input order.
    """
    if len(set(candidates.gold)) == len(candidates) and len(set(candidates.pred)) == len(candidates):
        return candidates
    shared_gold, shared_pred = _repeated(candidates.gold), _repeated(candidates.pred)
    lone = [g not in shared_gold and p not in shared_pred for g, p in zip(candidates.gold, candidates.pred)]
    ranked = sorted(
        (
            not candidates.same_span[i],
            not candidates.same_type[i],
            max(gold.start[g], pred.start[p]) - min(gold.end[g], pred.end[p]),  # minus the overlap
            gold.start[g],
            gold.end[g],
            pred.start[p],
            pred.end[p],
            pred.type[p],
            gold.type[g],
            g,
            p,
            i,
        )
        for i, (g, p) in enumerate(zip(candidates.gold, candidates.pred))
        if not lone[i]
    )
    gold_taken: set[int] = set()
    pred_taken: set[int] = set()
    taken = []
    for *_, g, p, i in ranked:
        if g not in gold_taken and p not in pred_taken:
            gold_taken.add(g)
            pred_taken.add(p)
            taken.append(i)
    return candidates.select(lone) + candidates.at(taken)


@dataclass
class DocMatch:
    """One document's spans and its one-to-one matchings: across types, and within each type.

    Within a type only same-type candidates compete, which is the same as
    matching the type's spans on their own.
    """

    gold: Columns  # sorted by start: gold indices refer to this order
    pred: Columns
    across_types: PairList
    within_type: PairList
    flat_gold: bool = False  # sorted, non-overlapping, no empty span (Columns.is_flat)

    @classmethod
    def of(cls, gold: Sequence[EntityRecord], pred: Sequence[EntityRecord]) -> DocMatch:
        gold_columns, pred_columns = Columns.sorted_of(gold), Columns.of(pred)
        if gold_columns.is_flat():
            return cls._same_spans_first(gold_columns, pred_columns)
        return cls._general(gold_columns, pred_columns)

    @classmethod
    def _general(cls, gold: Columns, pred: Columns) -> DocMatch:
        candidates = PairList.between(gold, pred, *_overlapping_general(gold, pred))
        return cls(
            gold,
            pred,
            _one_to_one(candidates, gold, pred),
            _one_to_one(candidates.select(candidates.same_type), gold, pred),
        )

    @classmethod
    def _same_spans_first(cls, gold: Columns, pred: Columns) -> DocMatch:
        gold_at = dict(zip(gold.spans(), range(len(gold))))
        equal_gold = list(map(gold_at.get, pred.spans()))
        has_equal = [g is not None for g in equal_gold]
        same_span = PairList.between(
            gold,
            pred,
            cast("list[int]", list(compress(equal_gold, has_equal))),  # has_equal leaves the Nones out
            list(compress(range(len(pred)), has_equal)),
            same_span=True,
        )
        # Flat gold has no empty span, so an empty prediction overlaps nothing.
        searched = [p for p, equal in enumerate(has_equal) if not equal and pred.start[p] < pred.end[p]]
        overlaps = PairList.between(gold, pred, *_overlapping(gold, pred, searched), same_span=False)

        across_same_span = _one_to_one(same_span, gold, pred)
        taken = set(across_same_span.gold)
        across_overlaps = overlaps.select([g not in taken for g in overlaps.gold])
        # Within a type, a gold span whose equal prediction has another type is still free.
        within_same_span = _one_to_one(same_span.select(same_span.same_type), gold, pred)
        taken = set(within_same_span.gold)
        within_overlaps = overlaps.select(
            [same_type and g not in taken for g, same_type in zip(overlaps.gold, overlaps.same_type)]
        )
        return cls(
            gold,
            pred,
            across_same_span + _one_to_one(across_overlaps, gold, pred),
            within_same_span + _one_to_one(within_overlaps, gold, pred),
            flat_gold=True,
        )

    def pairs(self) -> list[tuple[int, int]]:
        """Matched (gold index, predicted index) pairs across types; gold indices count in start order."""
        return list(zip(self.across_types.gold, self.across_types.pred))


def match_entities(
    gold: Sequence[EntityRecord], pred: Sequence[EntityRecord]
) -> list[tuple[EntityRecord, EntityRecord]]:
    """The matched (gold, predicted) pairs of one document, across types."""
    gold_ordered = sorted(gold, key=_START)
    return [(gold_ordered[g], pred[p]) for g, p in DocMatch.of(gold, pred).pairs()]
