"""One-to-one matching of gold and predicted items, and the counts built on it.

The quote, event and timex scorers reduce every metric, per document, to a
:class:`Matching`: the (gold index, predicted index) pairs judged correct plus
the number of gold and predicted items. A :class:`Scoreboard` sums those into
micro and per-label precision/recall/F1; :func:`add_unit_stats` spreads the
headline's sums over the bootstrap units (sentences).

Two matchers pair items one-to-one. :func:`match_optimal` (events, timexes)
takes as many pairs as possible and, among such matchings, the best totals of
the candidates' preferences, tier by tier; it is exact and does not depend on
list order once the lists are in a canonical order (``score_documents`` puts
them in one). :func:`match_greedy` (quotes) takes candidates most preferred
first, ties broken by list order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..records import DocRecords, Offsets
from .base import PRF, LayerScore, Tally, Units
from .outcomes import OutcomeLog

Pair = tuple[int, int]


@dataclass(frozen=True)
class Candidate:
    gold: int
    pred: int
    # Larger is better, e.g. (is exact, overlap size). match_greedy compares single
    # candidates' tuples; match_optimal compares matchings by their totals, tier by tier.
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


def match_optimal(candidates: Iterable[Candidate]) -> list[Pair]:
    """A one-to-one subset of ``candidates`` with as many pairs as possible; among
    those, the largest total of ``preference[0]``, then of ``preference[1]``, and so on.

    Preferences are non-negative integers (booleans count as 0 and 1). Each
    connected component of the candidate graph is solved on its own as a
    maximum-weight assignment whose integer weights encode the tiers exactly
    (:func:`_tier_weights`). Among equally good matchings the solver's choice
    depends only on the order of the items' indices.
    """
    from .assignment import linear_sum_assignment

    pairs: list[Pair] = []
    for component in _components(list(candidates)):
        if len(component) == 1:
            pairs.append((component[0].gold, component[0].pred))
            continue
        golds = sorted({c.gold for c in component})
        preds = sorted({c.pred for c in component})
        row, col = {g: i for i, g in enumerate(golds)}, {p: j for j, p in enumerate(preds)}
        weights = _tier_weights(component, min(len(golds), len(preds)))
        matrix = [[0] * len(preds) for _ in golds]
        for candidate, weight in zip(component, weights):
            cell = (row[candidate.gold], col[candidate.pred])
            matrix[cell[0]][cell[1]] = max(matrix[cell[0]][cell[1]], weight)
        # Every candidate weighs at least 1; a zero cell is a filler the solver may
        # have to use on a rectangular matrix, and is no pair.
        pairs += [
            (golds[i], preds[j]) for i, j in zip(*linear_sum_assignment(matrix, maximize=True)) if matrix[i][j] > 0
        ]
    return sorted(pairs)


def _components(candidates: list[Candidate]) -> list[list[Candidate]]:
    """The candidates grouped by connected component of the gold-prediction graph."""
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def root(node: tuple[int, int]) -> tuple[int, int]:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for candidate in candidates:
        parent[root((0, candidate.gold))] = root((1, candidate.pred))
    groups: dict[tuple[int, int], list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        groups[root((0, candidate.gold))].append(candidate)
    return list(groups.values())


def _tier_weights(candidates: Sequence[Candidate], max_pairs: int) -> list[int]:
    """One integer weight per candidate such that a heavier matching is exactly a
    lexicographically better one: more pairs, then a larger total of tier 0, then of tier 1, ...

    The tiers of a candidate are ``(1, *preference)``. A matching has at most
    ``max_pairs`` pairs, so its total of tier t lies in ``[0, bound[t]]`` with
    ``bound[t] = max_pairs * (largest value of tier t)``. The weight of tier t is
    ``scale[t] = 1 + sum(scale[s] * bound[s] for s > t)``: whatever happens in the
    tiers below t changes a matching's weight by at most ``scale[t] - 1``, less
    than one more unit of tier t. So comparing weights compares the tier totals
    lexicographically. Python integers do not overflow, and the solver keeps
    integers integral, so no rounding can break the order.
    """
    tiers = [(1, *(_tier_value(x) for x in c.preference)) for c in candidates]
    depth = max(len(t) for t in tiers)
    tiers = [t + (0,) * (depth - len(t)) for t in tiers]
    bounds = [max_pairs * max(t[level] for t in tiers) for level in range(depth)]
    scales = [0] * depth
    below = 0
    for level in reversed(range(depth)):
        scales[level] = 1 + below
        below += scales[level] * bounds[level]
    return [sum(value * scale for value, scale in zip(t, scales)) for t in tiers]


def _tier_value(value: object) -> int:
    if isinstance(value, bool) or (isinstance(value, int) and value >= 0):
        return int(value)
    raise ValueError(f"match_optimal needs non-negative integer preferences, got {value!r}")


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
    def of(cls, pairs: Iterable[Pair], n_gold: int, n_pred: int) -> Matching:
        return cls(tuple(sorted(pairs)), n_gold, n_pred)

    def where(self, keep: Callable[[int, int], bool]) -> Matching:
        """The same items, with only the pairs that also pass ``keep``."""
        return Matching(tuple(p for p in self.pairs if keep(*p)), self.n_gold, self.n_pred)


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
    # When outcomes are wanted: the layer's OutcomeLog, which the document scorer fills.
    outcomes: OutcomeLog | None = None

    def add(self, metric: str, matching: Matching) -> None:
        self.add_counts(metric, len(matching.pairs), matching.n_pred, matching.n_gold)

    def add_counts(self, metric: str, correct: int, predicted: int, gold: int) -> None:
        tally = self.micro[metric]
        tally.correct += correct
        tally.found += correct
        tally.predicted += predicted
        tally.gold += gold

    def add_by_label(
        self, metric: str, matching: Matching, gold_labels: Sequence[str | None], pred_labels: Sequence[str | None]
    ) -> None:
        """Per-label counts; items without a label count only in the micro figure."""
        for label in gold_labels:
            if label:
                self.by_label[label][metric].gold += 1
        for label in pred_labels:
            if label:
                self.by_label[label][metric].predicted += 1
        for gold_index, pred_index in matching.pairs:
            gold_label, pred_label = gold_labels[gold_index], pred_labels[pred_index]
            if gold_label:
                self.by_label[gold_label][metric].found += 1
            if pred_label:
                self.by_label[pred_label][metric].correct += 1

    def layer_score(
        self,
        headline: str,
        metrics: Sequence[str],
        accuracies: Sequence[str],
        unit_stats: list[list[float]],
        extra: dict | None = None,
    ) -> LayerScore:
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
            extra={
                "macro": self._macro(metrics),
                "accuracy_counts": {
                    name: {"right": self.accuracies[name].right, "total": self.accuracies[name].total}
                    for name in accuracies
                },
                **(extra or {}),
            },
            unit_stats=unit_stats,
            stat_kind="prf",
            outcomes=self.outcomes.sorted_records() if self.outcomes is not None else None,
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
                macro[metric] = PRF.mean(scores).as_dict()
        return macro


def add_unit_stats(
    rows: list[list[float]],
    units: Units,
    doc_index: int,
    matching: Matching,
    gold_positions: Sequence[int],
    pred_positions: Sequence[int],
) -> None:
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


def score_documents(
    gold: Sequence[DocRecords],
    pred: Sequence[DocRecords],
    items: Callable[[DocRecords], Sequence[Any]],
    score_document: Callable[[Scoreboard, Sequence[Any], Sequence[Any], int], Matching],
    position: Callable[[Any], int],
    headline: str,
    metrics: Sequence[str],
    accuracies: Sequence[str],
    extra: dict | None = None,
    canonical: Callable[[Any], Any] | None = None,
    outcomes: OutcomeLog | None = None,
) -> LayerScore:
    """Score a layer document by document: ``score_document`` adds one document's
    pairs to the board and returns the headline matching, whose sums are spread
    over sentences by each item's ``position``.

    With ``canonical``, a sort key that tells apart any two items the scorer
    would score differently, each document's items are sorted by it first, so
    that the scores cannot depend on the order of the lists. ``outcomes`` reaches
    ``score_document`` on the board, to be filled from the same matchings.
    """
    check_aligned(gold, pred)
    units = Units(gold)
    rows = units.zeros()
    board = Scoreboard(outcomes=outcomes)
    for index, (gold_doc, pred_doc) in enumerate(zip(gold, pred)):
        if outcomes is not None:
            outcomes.begin(gold_doc)
        gold_items, pred_items = items(gold_doc), items(pred_doc)
        if canonical is not None:
            gold_items, pred_items = sorted(gold_items, key=canonical), sorted(pred_items, key=canonical)
        matching = score_document(board, gold_items, pred_items, index)
        add_unit_stats(
            rows, units, index, matching, [position(x) for x in gold_items], [position(x) for x in pred_items]
        )
    return board.layer_score(headline, metrics, accuracies, rows, extra=extra)
