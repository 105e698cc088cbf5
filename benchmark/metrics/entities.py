"""Named-entity scoring: the four SemEval-2013 task 9.1 schemes, as nervaluate defines them.

One matching serves all four schemes. Within a document, gold and predicted
spans are paired one-to-one: every (gold, predicted) pair that shares a
character is a candidate, and candidates are taken greedily, best first:
exact boundaries, then same type, then the larger overlap, then the earlier
position. Each pair then counts, per scheme, as correct, incorrect or partial:

=====================  ========  ========  ========  ========
pair                   strict    exact     partial   ent_type
=====================  ========  ========  ========  ========
same span, same type   COR       COR       COR       COR
same span, other type  INC       COR       COR       INC
overlap, same type     INC       INC       PAR       COR
overlap, other type    INC       INC       PAR       INC
=====================  ========  ========  ========  ========

An unmatched gold span is missed and an unmatched prediction spurious, in
every scheme. A type's own scores compare the spans of that type only (its
gold entities against its predictions, matched among themselves), which is how
nervaluate 1.x and seqeval score a label.

Unlike nervaluate, whose matching is greedy in input order, the result does
not depend on the order of the spans, and any overlap counts (nervaluate
requires 1% of the gold span by default).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, compress, islice, repeat
from operator import and_, attrgetter, eq, gt, le, lt, not_, sub

from ..records import DocRecords, EntityColumns, EntityRecord
from . import METRICS as LAYER_METRICS
from .base import PRF, LayerScore
from .entities_bulk import large_corpus_match
from .iob import IOBTally
from .iob_bulk import add_view
from .outcomes import OutcomeLog
from .outcomes.entities import log_entities

SCHEMES = LAYER_METRICS["entities"].names
HEADLINE = LAYER_METRICS["entities"].headline
# Schemes where a partial match earns half credit (nervaluate's "partial_or_type").
HALF_CREDIT_SCHEMES = frozenset({"partial", "ent_type"})


@dataclass
class PairTally:
    """How a comparison's matched pairs, misses and spurious predictions fall.

    Every scheme's counts derive from these six numbers (see the module table).
    """

    same_span_same_type: int = 0
    same_span_other_type: int = 0
    overlap_same_type: int = 0
    overlap_other_type: int = 0
    missed: int = 0
    spurious: int = 0


@dataclass(frozen=True)
class SchemeCounts:
    correct: int = 0
    incorrect: int = 0
    partial: int = 0
    missed: int = 0
    spurious: int = 0

    @property
    def possible(self) -> int:
        return self.correct + self.incorrect + self.partial + self.missed

    @property
    def actual(self) -> int:
        return self.correct + self.incorrect + self.partial + self.spurious

    def prf(self, half_credit: bool) -> PRF:
        credit = self.correct + 0.5 * self.partial if half_credit else self.correct
        return PRF.from_sums(credit, self.actual, credit, self.possible)

    def as_dict(self) -> dict[str, int]:
        return {
            "correct": self.correct,
            "incorrect": self.incorrect,
            "partial": self.partial,
            "missed": self.missed,
            "spurious": self.spurious,
            "possible": self.possible,
            "actual": self.actual,
        }


def scheme_counts(tally: PairTally, scheme: str) -> SchemeCounts:
    """The SemEval categories of ``tally`` under one scheme."""
    t = tally
    if scheme == "strict":
        return SchemeCounts(
            correct=t.same_span_same_type,
            incorrect=t.same_span_other_type + t.overlap_same_type + t.overlap_other_type,
            missed=t.missed,
            spurious=t.spurious,
        )
    if scheme == "exact":
        return SchemeCounts(
            correct=t.same_span_same_type + t.same_span_other_type,
            incorrect=t.overlap_same_type + t.overlap_other_type,
            missed=t.missed,
            spurious=t.spurious,
        )
    if scheme == "partial":
        return SchemeCounts(
            correct=t.same_span_same_type + t.same_span_other_type,
            partial=t.overlap_same_type + t.overlap_other_type,
            missed=t.missed,
            spurious=t.spurious,
        )
    if scheme == "ent_type":
        return SchemeCounts(
            correct=t.same_span_same_type + t.overlap_same_type,
            incorrect=t.same_span_other_type + t.overlap_other_type,
            missed=t.missed,
            spurious=t.spurious,
        )
    raise ValueError(f"unknown entity scheme {scheme!r}; expected one of {SCHEMES}")


def scheme_result(tally: PairTally, scheme: str) -> dict[str, float]:
    """Precision, recall, F1 and the counts behind them, as result files hold them."""
    counts = scheme_counts(tally, scheme)
    return {**counts.prf(scheme in HALF_CREDIT_SCHEMES).as_dict(), **counts.as_dict()}


# --- matching ---------------------------------------------------------------
#
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

    def columns(self) -> tuple[list[int], list[int], list[str]]:
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
            list(compress(equal_gold, has_equal)),
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


# --- counting ---------------------------------------------------------------


@dataclass
class Accumulator:
    """Sums over documents, kept as flat lists so that counting happens once, in C."""

    same_span: int = 0
    same_type: int = 0
    strictly_correct: int = 0
    pairs: int = 0
    gold: int = 0
    pred: int = 0
    gold_types: list[str] = field(default_factory=list)
    pred_types: list[str] = field(default_factory=list)
    # Gold types of the within-type pairs, with or without the same span.
    type_same_span: list[str] = field(default_factory=list)
    type_overlap: list[str] = field(default_factory=list)
    counted: object = None  # the same four, counted, of the documents matched at once (entities_bulk)

    def add(self, match: DocMatch) -> None:
        across, within = match.across_types, match.within_type
        self.same_span += sum(across.same_span)
        self.same_type += sum(across.same_type)
        self.strictly_correct += sum(map(and_, across.same_span, across.same_type))
        self.pairs += len(across)
        self.gold += len(match.gold)
        self.pred += len(match.pred)
        self.gold_types.extend(match.gold.type)
        self.pred_types.extend(match.pred.type)
        within_types = [match.gold.type[g] for g in within.gold]
        self.type_same_span.extend(compress(within_types, within.same_span))
        self.type_overlap.extend(compress(within_types, map(not_, within.same_span)))

    def add_bulk(self, sums) -> None:
        """The sums of the documents matched at once (entities_bulk.BulkSums)."""
        for name in ("same_span", "same_type", "strictly_correct", "pairs", "gold", "pred"):
            setattr(self, name, getattr(self, name) + getattr(sums, name))
        self.counted = sums

    def _count(self, name: str) -> Counter:
        return Counter(getattr(self, name)) + getattr(self.counted, name, Counter())

    def overall(self) -> PairTally:
        both, spans, types = self.strictly_correct, self.same_span, self.same_type
        return PairTally(
            same_span_same_type=both,
            same_span_other_type=spans - both,
            overlap_same_type=types - both,
            overlap_other_type=self.pairs - spans - types + both,
            missed=self.gold - self.pairs,
            spurious=self.pred - self.pairs,
        )

    def per_type(self) -> dict[str, PairTally]:
        """Per type, from its own matching; misses and spurious spans follow from the totals."""
        gold_total, pred_total = self._count("gold_types"), self._count("pred_types")
        same_span, overlap = self._count("type_same_span"), self._count("type_overlap")
        tallies = {}
        for label in sorted(gold_total.keys() | pred_total.keys()):
            matched = same_span[label] + overlap[label]
            tallies[label] = PairTally(
                same_span_same_type=same_span[label],
                overlap_same_type=overlap[label],
                missed=gold_total[label] - matched,
                spurious=pred_total[label] - matched,
            )
        return tallies


def _unit_stats(sentence_starts: list[int], match: DocMatch) -> list[list[float]]:
    """One document's strict-scheme sums ``num_p, den_p, num_r, den_r`` per sentence.

    An item's sentence is that of its start; a matched pair counts in its gold
    span's sentence; offsets before a document's first sentence belong to it.
    """
    splits = sentence_starts[1:]
    across = match.across_types
    paired_gold = sorted(across.gold)
    correct_gold = sorted(compress(across.gold, map(and_, across.same_span, across.same_type)))
    # Gold is sorted by start, so a sentence holds a run of it: count by the run's bounds.
    inner = list(map(bisect_left, repeat(match.gold.start, len(splits)), splits))
    gold = _run_lengths([0, *inner, len(match.gold)])
    paired = _run_lengths([0, *map(bisect_left, repeat(paired_gold, len(inner)), inner), len(paired_gold)])
    correct = _run_lengths([0, *map(bisect_left, repeat(correct_gold, len(inner)), inner), len(correct_gold)])
    unpaired = set(range(len(match.pred))).difference(across.pred)
    if unpaired:
        spurious = Counter(
            map(bisect_right, repeat(splits, len(unpaired)), map(match.pred.start.__getitem__, unpaired))
        )
        paired = [n + spurious[unit] for unit, n in enumerate(paired)] if spurious else paired
    return list(map(list, zip(map(float, correct), map(float, paired), map(float, correct), map(float, gold))))


def _run_lengths(bounds: list[int]) -> list[int]:
    return list(map(sub, islice(bounds, 1, None), bounds))


def _macro(per_label: dict[str, dict[str, dict[str, float]]], scheme: str) -> dict[str, float]:
    rows = [by_scheme[scheme] for by_scheme in per_label.values()]
    if not rows:
        return {"macro_precision": 0.0, "macro_recall": 0.0, "macro_f1": 0.0}
    return {f"macro_{name}": sum(row[name] for row in rows) / len(rows) for name in ("precision", "recall", "f1")}


def score_entities(gold: Sequence[DocRecords], pred: Sequence[DocRecords], outcomes: bool = False) -> LayerScore:
    """Score predicted entities against the gold, documents aligned by index; with
    ``outcomes``, also record every item's outcome (``metrics/outcomes``).

    The headline is ``strict`` F1 (span and type); ``exact`` asks the span only:

    >>> from benchmark import DocRecords, EntityRecord, score_entities
    >>> gold = [DocRecords("d", entities=[EntityRecord(0, 7, "PERSON"), EntityRecord(12, 16, "ORG")])]
    >>> pred = [DocRecords("d", entities=[EntityRecord(0, 7, "PERSON"), EntityRecord(12, 16, "GPE")])]
    >>> score = score_entities(gold, pred)
    >>> score.headline, score.metrics["strict"]["f1"], score.metrics["exact"]["f1"]
    ('strict', 0.5, 1.0)
    """
    if len(gold) != len(pred):
        raise ValueError(f"entity scoring needs aligned documents: {len(gold)} gold, {len(pred)} predicted")
    unit_stats: list[list[float]] = []
    sums = Accumulator()
    log = OutcomeLog("entities") if outcomes else None
    # The token view needs the text, which gold records read from the corpus carry.
    iob = IOBTally() if gold and all(doc.text for doc in gold) else None
    bulk = large_corpus_match(gold, pred) if log is None else None
    if bulk is not None:
        sums.add_bulk(bulk.sums)
        unit_stats = bulk.unit_rows  # each document's rows in place; those matched one by one are set below
        if iob is not None:
            add_view(iob, bulk, gold, pred)
    for index, (gold_doc, pred_doc) in enumerate(zip(gold, pred)):
        if bulk is not None and bulk.handled[index]:
            continue
        match = DocMatch.of(gold_doc.entities, pred_doc.entities)
        sums.add(match)
        # The units of metrics.base.Units: the sentence starts, sorted and distinct.
        first, after = (bulk.unit_offsets[index], bulk.unit_offsets[index + 1]) if bulk else (len(unit_stats), None)
        unit_stats[first:after] = _unit_stats(sorted(set(gold_doc.sentence_starts)) or [0], match)
        if iob is not None and match.flat_gold:
            across = match.across_types
            iob.add_matched(
                gold_doc.text,
                gold_doc.sentence_starts,
                match.gold.columns(),
                match.pred.columns(),
                (list(compress(across.gold, across.same_span)), list(compress(across.pred, across.same_span))),
            )
        elif iob is not None:
            iob.add(gold_doc.text, gold_doc.sentence_starts, match.gold.columns(), match.pred.columns())
        if log is not None:
            log.begin(gold_doc)
            log_entities(log, match)

    per_label = {
        label: {scheme: scheme_result(tally, scheme) for scheme in SCHEMES} for label, tally in sums.per_type().items()
    }
    overall = sums.overall()
    metrics = {scheme: {**scheme_result(overall, scheme), **_macro(per_label, scheme)} for scheme in SCHEMES}
    extra = {"iob2": iob.as_dict()} if iob is not None else {}
    return LayerScore(
        headline=HEADLINE,
        metrics=metrics,
        per_label=per_label,
        extra=extra,
        unit_stats=unit_stats,
        outcomes=log.sorted_records() if log is not None else None,
    )
