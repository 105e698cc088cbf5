"""Coreference scores as the CoNLL-2012 reference scorer v8.01 computes them.

Metrics (Pradhan et al. 2014, "Scoring Coreference Partitions of Predicted
Mentions: A Reference Implementation"):

- ``muc``: Vilain et al. 1995, link based.
- ``b3``: Bagga and Baldwin 1998, mention based.
- ``ceafe``: Luo 2005, entity based, phi4 similarity, optimal one-to-one
  alignment of key and response entities.
- ``lea``: Moosavi and Strube 2016, as in the LEA branch of the reference
  scorer (importance = entity size; a singleton has one self-link, resolved
  when the other side has exactly that singleton).
- ``conll``: the means of the MUC, B3 and CEAF-e precision, recall and F1
  (the CoNLL score is the mean F1).

Every metric is four exact sums (``num_p / den_p``, ``num_r / den_r``), added
up over documents (micro average). Documents are aligned by index; a mention
is its exact ``(start, end)`` offsets, with no partial matching.

Predicted mentions, as v8.01 treats them:

- A mention repeated in the response (same offsets, in the same cluster or
  another) keeps its first occurrence; the repeats are dropped, and a cluster
  left empty disappears. The key gets the same treatment (v8.01 only warns).
- MUC: a twinless mention (absent from the other side) is a partition of its
  own, so it adds no correct link; a response singleton adds no link at all.
  v8.01 reaches this through the Cai and Strube (2010) preprocessing it keeps
  for MUC only.
- B3 and CEAF-e use both partitions as given (v8.01 since v6): a twinless
  response mention scores 0 but counts in the B3 precision denominator, and a
  response singleton is an entity in the CEAF-e precision denominator.
- LEA: a twinless mention resolves no link.

``metrics`` holds the five scores with singleton clusters kept (our gold has
singletons); ``extra["without_singletons"]`` the same five after dropping
singleton clusters from key and response (after de-duplication);
``extra["mentions"]`` mention identification, as v8.01 prints it.

Bootstrap units. ``unit_stats`` has one row per gold sentence (``Units``)
and 12 columns, ``num_p, den_p, num_r, den_r`` for MUC, then B3, then
CEAF-e; the rows add up exactly (as fractions) to the corpus sums. Each
contribution goes to one sentence:

- B3 is per mention: a response mention's precision terms go to its
  sentence, a key mention's recall terms to its sentence.
- MUC and CEAF-e are per cluster: a response cluster's precision terms (its
  correct links and links for MUC; its aligned similarity and its count for
  CEAF-e) go to the sentence of its first mention (smallest offsets), and a
  key cluster's recall terms to the sentence of its first mention.

A predicted mention's sentence is the gold sentence its start falls in.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from ..records import DocRecords, Offsets
from . import METRICS as LAYER_METRICS
from .assignment import max_weight_matching
from .base import LayerScore, Units
from .outcomes import OutcomeLog
from .outcomes.coref import log_coref

Mention = Offsets
Cluster = tuple[Mention, ...]

ZERO = Fraction(0)
UNIT_METRICS = ("muc", "b3", "ceafe")


@dataclass(frozen=True)
class Partition:
    """One side's clusters of one document, each mention in one cluster."""

    clusters: tuple[Cluster, ...]
    cluster_of: dict[Mention, int] = field(compare=False)

    @classmethod
    def of(cls, clusters: Iterable[Iterable[Mention]]) -> Partition:
        """Clusters with repeated mentions dropped after their first occurrence."""
        seen: set[Mention] = set()
        kept = []
        for cluster in clusters:
            members = []
            for mention in cluster:
                mention = (int(mention[0]), int(mention[1]))
                if mention not in seen:
                    seen.add(mention)
                    members.append(mention)
            if members:
                kept.append(tuple(members))
        return cls.from_clusters(kept)

    @classmethod
    def from_clusters(cls, clusters: Sequence[Cluster]) -> Partition:
        cluster_of = {m: i for i, cluster in enumerate(clusters) for m in cluster}
        return cls(tuple(clusters), cluster_of)

    def without_singletons(self) -> Partition:
        return Partition.from_clusters([c for c in self.clusters if len(c) > 1])

    def overlaps(self, cluster: Cluster) -> Counter[int]:
        """How many mentions of ``cluster`` each of our clusters holds."""
        return Counter(self.cluster_of[m] for m in cluster if m in self.cluster_of)

    def mentions(self) -> set[Mention]:
        return set(self.cluster_of)


@dataclass
class Sums:
    """Exact precision and recall sums of one metric."""

    num_p: Fraction = ZERO
    den_p: Fraction = ZERO
    num_r: Fraction = ZERO
    den_r: Fraction = ZERO

    def __add__(self, other: Sums) -> Sums:
        return Sums(
            self.num_p + other.num_p, self.den_p + other.den_p, self.num_r + other.num_r, self.den_r + other.den_r
        )

    def columns(self) -> tuple[Fraction, Fraction, Fraction, Fraction]:
        return (self.num_p, self.den_p, self.num_r, self.den_r)

    @property
    def precision(self) -> Fraction:
        return self.num_p / self.den_p if self.den_p else ZERO

    @property
    def recall(self) -> Fraction:
        return self.num_r / self.den_r if self.den_r else ZERO

    @property
    def f1(self) -> Fraction:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else ZERO

    def as_dict(self) -> dict[str, float]:
        return {
            "precision": float(self.precision),
            "recall": float(self.recall),
            "f1": float(self.f1),
            "num_p": float(self.num_p),
            "den_p": float(self.den_p),
            "num_r": float(self.num_r),
            "den_r": float(self.den_r),
        }


@dataclass(frozen=True)
class Contribution:
    """Part of a metric's sums, tied to the mention whose sentence gets it."""

    anchor: Mention
    sums: Sums


Metric = Callable[[Partition, Partition], list[Contribution]]


def _precision(anchor: Mention, num: Fraction | int, den: Fraction | int) -> Contribution:
    return Contribution(anchor, Sums(num_p=Fraction(num), den_p=Fraction(den)))


def _recall(anchor: Mention, num: Fraction | int, den: Fraction | int) -> Contribution:
    return Contribution(anchor, Sums(num_r=Fraction(num), den_r=Fraction(den)))


def _muc_side(clusters: Partition, other: Partition) -> list[tuple[Mention, int, int]]:
    """(anchor, correct links, links) of each cluster of ``clusters``."""
    rows = []
    for cluster in clusters.clusters:
        overlaps = other.overlaps(cluster)
        twinless = len(cluster) - sum(overlaps.values())
        parts = len(overlaps) + twinless
        rows.append((min(cluster), len(cluster) - parts, len(cluster) - 1))
    return rows


def muc(key: Partition, response: Partition) -> list[Contribution]:
    recall = [_recall(a, n, d) for a, n, d in _muc_side(key, response)]
    precision = [_precision(a, n, d) for a, n, d in _muc_side(response, key)]
    return recall + precision


def _b_cubed_side(clusters: Partition, other: Partition) -> list[tuple[Mention, Fraction]]:
    """(mention, its share) for each mention of ``clusters``."""
    rows = []
    for cluster in clusters.clusters:
        overlaps = other.overlaps(cluster)
        for mention in cluster:
            index = other.cluster_of.get(mention)
            common = overlaps[index] if index is not None else 0
            rows.append((mention, Fraction(common, len(cluster))))
    return rows


def b_cubed(key: Partition, response: Partition) -> list[Contribution]:
    recall = [_recall(m, share, 1) for m, share in _b_cubed_side(key, response)]
    precision = [_precision(m, share, 1) for m, share in _b_cubed_side(response, key)]
    return recall + precision


def _phi4_alignment(key: Partition, response: Partition) -> list[tuple[int, int, Fraction]]:
    """(key index, response index, phi4) of the best one-to-one alignment."""
    similarity: dict[tuple[int, int], Fraction] = {}
    for i, cluster in enumerate(key.clusters):
        for j, common in response.overlaps(cluster).items():
            similarity[i, j] = Fraction(2 * common, len(cluster) + len(response.clusters[j]))
    if not similarity:
        return []
    # phi4 times the common multiple of its denominators: integers, so no rounding decides a tie.
    scale = math.lcm(*(value.denominator for value in similarity.values()))
    weights = {cell: value.numerator * (scale // value.denominator) for cell, value in similarity.items()}
    return [(i, j, similarity[i, j]) for i, j in max_weight_matching(weights)]


def ceafe(key: Partition, response: Partition) -> list[Contribution]:
    contributions = [_recall(min(c), 0, 1) for c in key.clusters]
    contributions += [_precision(min(c), 0, 1) for c in response.clusters]
    for i, j, value in _phi4_alignment(key, response):
        contributions.append(_recall(min(key.clusters[i]), value, 0))
        contributions.append(_precision(min(response.clusters[j]), value, 0))
    return contributions


def _links(size: int) -> int:
    return size * (size - 1) // 2


def _lea_side(clusters: Partition, other: Partition) -> list[tuple[Mention, Fraction, int]]:
    """(anchor, importance x resolution, importance) of each cluster."""
    rows = []
    for cluster in clusters.clusters:
        size = len(cluster)
        if size == 1:
            index = other.cluster_of.get(cluster[0])
            resolved = index is not None and len(other.clusters[index]) == 1
            resolution = Fraction(int(resolved))
        else:
            common = sum(_links(n) for n in other.overlaps(cluster).values())
            resolution = Fraction(common, _links(size))
        rows.append((min(cluster), size * resolution, size))
    return rows


def lea(key: Partition, response: Partition) -> list[Contribution]:
    recall = [_recall(a, n, d) for a, n, d in _lea_side(key, response)]
    precision = [_precision(a, n, d) for a, n, d in _lea_side(response, key)]
    return recall + precision


METRICS: dict[str, Metric] = {"muc": muc, "b3": b_cubed, "ceafe": ceafe, "lea": lea}


def total(contributions: Iterable[Contribution]) -> Sums:
    result = Sums()
    for contribution in contributions:
        result = result + contribution.sums
    return result


def document_sums(
    key_clusters: Iterable[Iterable[Mention]],
    response_clusters: Iterable[Iterable[Mention]],
    keep_singletons: bool = True,
) -> dict[str, Sums]:
    """Exact sums of every metric for one document's key and response."""
    key, response = Partition.of(key_clusters), Partition.of(response_clusters)
    if not keep_singletons:
        key, response = key.without_singletons(), response.without_singletons()
    return {name: total(metric(key, response)) for name, metric in METRICS.items()}


def conll(sums: dict[str, Sums]) -> dict[str, float]:
    """Means of the MUC, B3 and CEAF-e precision, recall and F1."""
    parts = [sums[name] for name in UNIT_METRICS]
    return {
        "precision": float(sum(s.precision for s in parts) / 3),
        "recall": float(sum(s.recall for s in parts) / 3),
        "f1": float(sum(s.f1 for s in parts) / 3),
    }


def metric_dicts(sums: dict[str, Sums]) -> dict[str, dict[str, float]]:
    result = {name: s.as_dict() for name, s in sums.items()}
    result["conll"] = conll(sums)
    return result


def _mention_identification(pairs: Sequence[tuple[Partition, Partition]]) -> dict[str, float]:
    gold = predicted = correct = 0
    for key, response in pairs:
        gold += len(key.mentions())
        predicted += len(response.mentions())
        correct += len(key.mentions() & response.mentions())
    sums = Sums(Fraction(correct), Fraction(predicted), Fraction(correct), Fraction(gold))
    return {
        "precision": float(sums.precision),
        "recall": float(sums.recall),
        "f1": float(sums.f1),
        "correct": correct,
        "gold": gold,
        "predicted": predicted,
    }


def _unit_stats(units: Units, per_doc: list[dict[str, list[Contribution]]]) -> list[list[float]]:
    rows = [[ZERO] * (4 * len(UNIT_METRICS)) for _ in range(units.count)]
    for doc_index, contributions in enumerate(per_doc):
        for group, name in enumerate(UNIT_METRICS):
            for contribution in contributions[name]:
                row = rows[units.of(doc_index, contribution.anchor[0])]
                for column, value in enumerate(contribution.sums.columns()):
                    row[4 * group + column] += value
    return [[float(value) for value in row] for row in rows]


def _score(pairs: Sequence[tuple[Partition, Partition]]) -> list[dict[str, list[Contribution]]]:
    return [{name: metric(key, response) for name, metric in METRICS.items()} for key, response in pairs]


def _corpus_sums(per_doc: list[dict[str, list[Contribution]]]) -> dict[str, Sums]:
    return {name: total(c for doc in per_doc for c in doc[name]) for name in METRICS}


def score_coref(gold: Sequence[DocRecords], pred: Sequence[DocRecords], outcomes: bool = False) -> LayerScore:
    """Score predicted clusters against gold clusters, documents aligned by index; with
    ``outcomes``, also record how each cluster fared (``metrics/outcomes``).

    Clusters are lists of mention offsets. Merging two gold clusters keeps MUC's recall
    and costs its precision (one link of three is wrong); the headline is the CoNLL F1:

    >>> from benchmark import DocRecords, score_coref
    >>> gold = [DocRecords("d", clusters=[[(0, 7), (30, 32)], [(12, 16), (40, 43)]])]
    >>> pred = [DocRecords("d", clusters=[[(0, 7), (30, 32), (12, 16), (40, 43)]])]
    >>> score = score_coref(gold, pred)
    >>> score.headline, round(score.metrics["muc"]["precision"], 3), score.metrics["muc"]["recall"]
    ('conll', 0.667, 1.0)
    """
    if len(gold) != len(pred):
        raise ValueError(f"coreference: {len(gold)} gold documents but {len(pred)} predicted")
    pairs = [(Partition.of(g.clusters), Partition.of(p.clusters)) for g, p in zip(gold, pred)]
    log = OutcomeLog("coref") if outcomes else None
    if log is not None:
        for gold_doc, (key, response) in zip(gold, pairs):
            log.begin(gold_doc)
            log_coref(log, key, response, gold_doc.cluster_names)
    per_doc = _score(pairs)
    without = _score([(k.without_singletons(), r.without_singletons()) for k, r in pairs])
    return LayerScore(
        headline=LAYER_METRICS["coref"].headline,
        metrics=metric_dicts(_corpus_sums(per_doc)),
        extra={"without_singletons": metric_dicts(_corpus_sums(without)), "mentions": _mention_identification(pairs)},
        unit_stats=_unit_stats(Units(gold), per_doc),
        stat_kind="conll",
        outcomes=log.sorted_records() if log is not None else None,
    )
