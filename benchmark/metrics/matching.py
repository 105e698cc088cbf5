"""One-to-one matching of gold and predicted items, and the counts built on it.

The quote, event and timex scorers reduce every metric, per document, to a
:class:`Matching`: the (gold index, predicted index) pairs judged correct plus
the number of gold and predicted items. A :class:`Scoreboard` sums those into
micro and per-label precision/recall/F1; :func:`add_unit_stats` spreads the
headline's sums over the bootstrap units (sentences).

Matching is greedy: candidate pairs are taken most preferred first, ties
broken by document order (earlier gold item, then earlier prediction), and
each item is used at most once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Iterable, Iterator, Sequence

from ..records import DocRecords, Offsets
from .base import PRF, LayerScore, Units

Pair = tuple[int, int]


@dataclass(frozen=True)
class Candidate:
    gold: int
    pred: int
    # Compared as a tuple, larger first: e.g. (is exact, overlap size).
    preference: tuple[float, ...] = ()


def match_greedy(candidates: Iterable[Candidate]) -> list[Pair]:
    """A one-to-one subset of ``candidates``, most preferred first."""
    ordered = sorted(candidates, key=lambda c: (tuple(-x for x in c.preference), c.gold, c.pred))
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for candidate in ordered:
        if candidate.gold in used_gold or candidate.pred in used_pred:
            continue
        used_gold.add(candidate.gold)
        used_pred.add(candidate.pred)
        pairs.append((candidate.gold, candidate.pred))
    return sorted(pairs)


def match_by_key(gold_keys: Sequence[Hashable | None], pred_keys: Sequence[Hashable | None]) -> list[Pair]:
    """Pairs with equal keys, one-to-one (a key repeated n times matches up to n times).

    A ``None`` key matches nothing.
    """
    holders: dict[Hashable, list[int]] = defaultdict(list)
    for gold_index, key in enumerate(gold_keys):
        if key is not None:
            holders[key].append(gold_index)
    return match_greedy(
        Candidate(gold_index, pred_index)
        for pred_index, key in enumerate(pred_keys)
        if key is not None
        for gold_index in holders.get(key, ())
    )


def overlap(a: Offsets, b: Offsets) -> int:
    """Number of code points two half-open spans share."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def overlapping_pairs(gold_spans: Sequence[Offsets], pred_spans: Sequence[Offsets]) -> Iterator[Pair]:
    """Every (gold, pred) pair of spans sharing at least one code point, by sort and sweep.

    Spans are visited by start; each one overlaps exactly the spans of the
    other side still open (ending after its start). Empty spans overlap nothing.
    """
    GOLD, PRED = 0, 1
    visits = sorted(
        [(start, end, GOLD, i) for i, (start, end) in enumerate(gold_spans)]
        + [(start, end, PRED, i) for i, (start, end) in enumerate(pred_spans)]
    )
    open_spans: tuple[list[tuple[int, int]], list[tuple[int, int]]] = ([], [])
    for start, end, side, index in visits:
        if end <= start:
            continue
        for spans in open_spans:
            spans[:] = [(open_end, i) for open_end, i in spans if open_end > start]
        for _, other in open_spans[1 - side]:
            yield (index, other) if side == GOLD else (other, index)
        open_spans[side].append((end, index))


@dataclass(frozen=True)
class Matching:
    """One metric on one document: the correct (gold, pred) pairs and the item counts."""

    pairs: tuple[Pair, ...]
    n_gold: int
    n_pred: int

    @classmethod
    def of(cls, pairs: Iterable[Pair], n_gold: int, n_pred: int) -> "Matching":
        return cls(tuple(sorted(pairs)), n_gold, n_pred)

    def where(self, keep: Callable[[int, int], bool]) -> "Matching":
        """The same items, with only the pairs that also pass ``keep``."""
        return Matching(tuple(p for p in self.pairs if keep(*p)), self.n_gold, self.n_pred)


@dataclass
class Tally:
    """Sums behind precision (correct / predicted) and recall (found / gold).

    ``correct`` and ``found`` are equal for a micro figure; per label they
    differ when a pair's gold and predicted labels differ, since a pair counts
    under the gold label for recall and under the predicted label for precision.
    """

    correct: int = 0
    predicted: int = 0
    found: int = 0
    gold: int = 0

    def prf(self) -> PRF:
        return PRF.from_sums(self.correct, self.predicted, self.found, self.gold)

    def as_dict(self) -> dict[str, float]:
        return {**self.prf().as_dict(), "correct": self.correct, "predicted": self.predicted,
                "found": self.found, "gold": self.gold}


@dataclass
class Accuracy:
    right: int = 0
    total: int = 0

    def add(self, right: bool) -> None:
        self.right += int(right)
        self.total += 1

    def value(self) -> float | None:
        return self.right / self.total if self.total else None


@dataclass
class Scoreboard:
    """Micro and per-label tallies of a layer's metrics, summed over documents."""

    micro: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_label: dict[str, dict[str, Tally]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(Tally)))
    accuracies: dict[str, Accuracy] = field(default_factory=lambda: defaultdict(Accuracy))

    def add(self, metric: str, matching: Matching) -> None:
        self.add_counts(metric, len(matching.pairs), matching.n_pred, matching.n_gold)

    def add_counts(self, metric: str, correct: int, predicted: int, gold: int) -> None:
        tally = self.micro[metric]
        tally.correct += correct
        tally.found += correct
        tally.predicted += predicted
        tally.gold += gold

    def add_by_label(self, metric: str, matching: Matching,
                     gold_labels: Sequence[str | None], pred_labels: Sequence[str | None]) -> None:
        """Per-label counts; items without a label count only in the micro figure."""
        for label in gold_labels:
            if label:
                self.by_label[label][metric].gold += 1
        for label in pred_labels:
            if label:
                self.by_label[label][metric].predicted += 1
        for gold_index, pred_index in matching.pairs:
            if gold_labels[gold_index]:
                self.by_label[gold_labels[gold_index]][metric].found += 1
            if pred_labels[pred_index]:
                self.by_label[pred_labels[pred_index]][metric].correct += 1

    def layer_score(self, headline: str, metrics: Sequence[str], accuracies: Sequence[str],
                    unit_stats: list[list[float]], extra: dict | None = None) -> LayerScore:
        """The layer's result; an accuracy without any pair to judge is None."""
        per_label = {
            label: {metric: tallies[metric].as_dict() for metric in metrics if metric in tallies}
            for label, tallies in sorted(self.by_label.items())
        }
        return LayerScore(
            headline=headline,
            metrics={metric: self.micro[metric].as_dict() for metric in metrics},
            per_label=per_label,
            accuracies={name: self.accuracies[name].value() for name in accuracies},
            extra={"macro": self._macro(metrics),
                   "accuracy_counts": {name: {"right": self.accuracies[name].right,
                                              "total": self.accuracies[name].total} for name in accuracies},
                   **(extra or {})},
            unit_stats=unit_stats,
            stat_kind="prf",
        )

    def _macro(self, metrics: Sequence[str]) -> dict[str, dict[str, float]]:
        """Unweighted mean over labels of per-label precision, recall and F1.

        Labels are summed in sorted order, so the float result does not depend on
        the order documents met them (a merge of shards must give the same).
        """
        macro = {}
        for metric in metrics:
            scores = [tallies[metric].prf() for _, tallies in sorted(self.by_label.items()) if metric in tallies]
            if scores:
                macro[metric] = {
                    "precision": sum(s.precision for s in scores) / len(scores),
                    "recall": sum(s.recall for s in scores) / len(scores),
                    "f1": sum(s.f1 for s in scores) / len(scores),
                }
        return macro


def add_unit_stats(rows: list[list[float]], units: Units, doc_index: int, matching: Matching,
                   gold_positions: Sequence[int], pred_positions: Sequence[int]) -> None:
    """Spread one document's ``num_p, den_p, num_r, den_r`` over its sentences.

    A correct pair counts wholly in its gold item's sentence, an unmatched
    gold item (den_r) or prediction (den_p) in its own; positions are
    character offsets.
    """
    matched_gold = {gold for gold, _ in matching.pairs}
    matched_pred = {pred for _, pred in matching.pairs}
    for gold, _ in matching.pairs:
        row = rows[units.of(doc_index, gold_positions[gold])]
        for column in range(4):
            row[column] += 1
    for gold, position in enumerate(gold_positions):
        if gold not in matched_gold:
            rows[units.of(doc_index, position)][3] += 1
    for pred, position in enumerate(pred_positions):
        if pred not in matched_pred:
            rows[units.of(doc_index, position)][1] += 1


def check_aligned(gold: Sequence, pred: Sequence) -> None:
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold documents but {len(pred)} predicted ones; they must align by index")


def normalized(label: str | None) -> str | None:
    """A label compared case-insensitively and without surrounding white space."""
    if label is None:
        return None
    return label.strip().lower() or None


def score_documents(gold: Sequence[DocRecords], pred: Sequence[DocRecords],
                    items: Callable[[DocRecords], Sequence[Any]],
                    score_document: Callable[[Scoreboard, Sequence[Any], Sequence[Any], int], Matching],
                    position: Callable[[Any], int], headline: str, metrics: Sequence[str],
                    accuracies: Sequence[str], extra: dict | None = None) -> LayerScore:
    """Score a layer document by document: ``score_document`` adds one document's
    pairs to the board and returns the headline matching, whose sums are spread
    over sentences by each item's ``position``."""
    check_aligned(gold, pred)
    units = Units(gold)
    rows = units.zeros()
    board = Scoreboard()
    for index, (gold_doc, pred_doc) in enumerate(zip(gold, pred)):
        gold_items, pred_items = items(gold_doc), items(pred_doc)
        matching = score_document(board, gold_items, pred_items, index)
        add_unit_stats(rows, units, index, matching,
                       [position(x) for x in gold_items], [position(x) for x in pred_items])
    return board.layer_score(headline, metrics, accuracies, rows, extra=extra)
