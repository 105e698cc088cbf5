"""Named-entity scoring: the four SemEval-2013 task 9.1 schemes, as nervaluate defines them.

One matching serves all four schemes. Within a document, gold and predicted
spans are paired one-to-one (:mod:`benchmark.metrics.entities_matching`): every
(gold, predicted) pair that shares a character is a candidate, and candidates
are taken greedily, best first: exact boundaries, then same type, then the
larger overlap, then the earlier position. Each pair then counts, per scheme,
as correct, incorrect or partial:

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
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import compress, islice, repeat
from operator import and_, not_, sub

from ..records import DocRecords
from . import METRICS as LAYER_METRICS
from .base import PRF, LayerScore
from .entities_bulk import BulkSums, large_corpus_match
from .entities_matching import DocMatch
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
    counted: BulkSums | None = None  # the same four, counted, of the documents matched at once (entities_bulk)

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

    def add_bulk(self, sums: BulkSums) -> None:
        """The sums of the documents matched at once (entities_bulk.BulkSums)."""
        for name in ("same_span", "same_type", "strictly_correct", "pairs", "gold", "pred"):
            setattr(self, name, getattr(self, name) + getattr(sums, name))
        self.counted = sums

    def _count(self, name: str) -> Counter[str]:
        counted: Counter[str] = Counter(getattr(self, name))
        return counted + getattr(self.counted, name) if self.counted is not None else counted

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
