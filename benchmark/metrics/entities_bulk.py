"""The entity matching of a whole corpus at once (numpy), for flat documents.

:class:`~benchmark.metrics.entities_matching.DocMatch` matches one document at a time,
a few microseconds a span. Most documents of a large corpus are *flat on both
sides*: gold and predicted spans each sorted by start, none empty, none
overlapping another of its side (decoded tags are). Then the matching is
plain. A prediction equal to a gold span pairs with it, in every scheme and
within its type when the types agree. Any other prediction overlaps a run of
gold spans that no equal prediction took (it would overlap that prediction
too); when it overlaps exactly one, and that gold span no other such
prediction, the two pair (across types, and within the type when the types
agree). A document where a prediction overlaps two gold spans, or a gold span
two predictions, is *in conflict*: the greedy ranking of DocMatch decides
there, so it is matched one by one, as is any document not flat on both sides.

:func:`bulk_match` does this for every document at once: all spans on one
axis (each document shifted past the one before), equal spans found by
binary search over (start, end) keys, overlaps by binary search over ends and
starts. It gives the sums the scorer adds up (:class:`BulkSums`), each
document's sentence rows for the bootstrap, and the pairs of equal spans the
IOB2 view reads; exactly what DocMatch gives, which the tests check. Spans
read into a :class:`~benchmark.span_store.SpanStore` are taken from its
arrays (:mod:`.flat_corpus`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..records import DocRecords
from .flat_corpus import FlatCorpus, flat_corpus

# Below this many documents the one-by-one matching is as quick (and numpy not imported).
BULK_MIN_DOCUMENTS = 200


@dataclass
class BulkSums:
    """The Accumulator's sums over the documents matched in bulk."""

    same_span: int = 0
    same_type: int = 0
    strictly_correct: int = 0
    pairs: int = 0
    gold: int = 0
    pred: int = 0
    gold_types: Counter = field(default_factory=Counter)
    pred_types: Counter = field(default_factory=Counter)
    type_same_span: Counter = field(default_factory=Counter)
    type_overlap: Counter = field(default_factory=Counter)


@dataclass
class Axis:
    """The spans of the documents flat on both sides, on the shifted axis (numpy arrays).

    ``gold_*`` and ``pred_*`` hold one entry per span (document, start, end, type
    code, and its index among the corpus's spans); ``equal_*`` index them: the equal
    pairs of the handled documents, in document order."""

    corpus: FlatCorpus
    gold_index: Any
    pred_index: Any
    gold_doc: Any
    gold_start: Any
    gold_end: Any
    gold_type: Any
    pred_doc: Any
    pred_start: Any
    pred_end: Any
    pred_type: Any
    equal_gold: Any
    equal_pred: Any
    equal_type: Any

    def __post_init__(self) -> None:
        self.equal_doc = self.pred_doc[self.equal_pred]


@dataclass
class BulkMatch:
    handled: list[bool]  # per document: matched here
    sums: BulkSums
    unit_rows: list[list[float]]  # every document's sentence rows (zeros for those not handled)
    unit_offsets: list[int]  # where each document's rows start (and, last, their number)
    axis: Axis | None = None

    def equal(self, doc: int) -> tuple[list[int], list[int]]:
        """A handled document's equal spans, as (gold, predicted) indices within the document."""
        axis = self.axis
        assert axis is not None and self.handled[doc]
        corpus = axis.corpus
        low, high = corpus.np.searchsorted(axis.equal_doc, [doc, doc + 1]).tolist()
        gold, pred = axis.equal_gold[low:high], axis.equal_pred[low:high]
        return (
            (axis.gold_index[gold] - corpus.gold.bounds[doc]).tolist(),
            (axis.pred_index[pred] - corpus.pred.bounds[doc]).tolist(),
        )


def large_corpus_match(gold: Sequence[DocRecords], pred: Sequence[DocRecords]) -> BulkMatch | None:
    """:func:`bulk_match` for a corpus of at least ``BULK_MIN_DOCUMENTS`` documents, else None."""
    return bulk_match(gold, pred) if len(gold) >= BULK_MIN_DOCUMENTS else None


def bulk_match(gold: Sequence[DocRecords], pred: Sequence[DocRecords]) -> BulkMatch:
    """The matching of every document flat on both sides and not in conflict (see the module)."""
    n_docs = len(gold)
    corpus = flat_corpus(gold, pred)
    if corpus is None:
        return BulkMatch([False] * n_docs, BulkSums(), [], [0] * (n_docs + 1))
    np = corpus.np
    g_doc, g_s, g_e, g_t = corpus.gold_doc, corpus.gold_start, corpus.gold_end, corpus.gold.types
    p_doc, p_s, p_e, p_t = corpus.pred_doc, corpus.pred_start, corpus.pred_end, corpus.pred.types
    flat = corpus.flat
    g_keep, p_keep = flat[g_doc], flat[p_doc]
    g_index, p_index = np.flatnonzero(g_keep), np.flatnonzero(p_keep)
    G_s, G_e = g_s[g_index], g_e[g_index]
    P_s, P_e = p_s[p_index], p_e[p_index]
    G_key, P_key = G_s * 2**32 + G_e, P_s * 2**32 + P_e

    # Equal spans; then, for the other predictions, the run of gold spans each overlaps.
    at = np.searchsorted(G_key, P_key)
    equal = at < len(G_key)
    equal[equal] = G_key[at[equal]] == P_key[equal]
    others = np.flatnonzero(~equal)
    low = np.searchsorted(G_e, P_s[others], side="right")
    high = np.searchsorted(G_s, P_e[others], side="left")
    width = high - low
    conflict = np.zeros(n_docs, dtype=bool)
    conflict[p_doc[p_index[others[width > 1]]]] = True
    one = width == 1
    overlap_gold, overlap_pred = low[one], others[one]
    shared = np.bincount(overlap_gold, minlength=len(G_key)) > 1
    conflict[g_doc[g_index[shared]]] = True
    handled = flat & ~conflict

    eq_pred = np.flatnonzero(equal)
    eq_gold = at[eq_pred]
    keep = handled[p_doc[p_index[eq_pred]]]
    eq_gold, eq_pred = eq_gold[keep], eq_pred[keep]
    keep = handled[p_doc[p_index[overlap_pred]]]
    overlap_gold, overlap_pred = overlap_gold[keep], overlap_pred[keep]
    G_t, P_t = g_t[g_index], p_t[p_index]
    g_handled, p_handled = handled[g_doc[g_index]], handled[p_doc[p_index]]

    eq_type = G_t[eq_gold] == P_t[eq_pred]
    overlap_type = G_t[overlap_gold] == P_t[overlap_pred]

    def counted(values: Any) -> Counter:
        return corpus.by_label(values)

    sums = BulkSums(
        same_span=len(eq_gold),
        same_type=int(eq_type.sum() + overlap_type.sum()),
        strictly_correct=int(eq_type.sum()),
        pairs=len(eq_gold) + len(overlap_gold),
        gold=int(g_handled.sum()),
        pred=int(p_handled.sum()),
        gold_types=counted(G_t[g_handled]),
        pred_types=counted(P_t[p_handled]),
        type_same_span=counted(G_t[eq_gold[eq_type]]),
        type_overlap=counted(G_t[overlap_gold[overlap_type]]),
    )
    unpaired = p_handled.copy()
    unpaired[eq_pred] = False
    unpaired[overlap_pred] = False
    rows, offsets = _unit_rows(corpus, G_s, g_handled, eq_gold, eq_gold[eq_type], overlap_gold, P_s[unpaired])
    axis = Axis(
        corpus,
        g_index,
        p_index,
        g_doc[g_index],
        G_s,
        G_e,
        G_t,
        p_doc[p_index],
        P_s,
        P_e,
        P_t,
        eq_gold,
        eq_pred,
        eq_type,
    )
    return BulkMatch(handled.tolist(), sums, rows, offsets, axis)


def _unit_rows(
    corpus: FlatCorpus, G_s: Any, g_handled: Any, eq_gold: Any, correct: Any, overlap_gold: Any, spurious: Any
) -> tuple[list[list[float]], list[int]]:
    """Strict sums ``num_p, den_p, num_r, den_r`` per sentence, as entities._unit_stats counts them
    (gold indices of the equal, correct and overlapping pairs; starts of spurious predictions)."""
    np = corpus.np
    keys, offsets = corpus.unit_keys()
    total = len(keys)

    def per_unit(positions: Any) -> Any:
        return np.bincount(np.searchsorted(keys, positions, side="right") - 1, minlength=total)

    gold_units = np.searchsorted(keys, G_s, side="right") - 1
    correct = np.bincount(gold_units[correct], minlength=total)
    paired = np.bincount(gold_units[eq_gold], minlength=total) + np.bincount(gold_units[overlap_gold], minlength=total)
    counts = np.bincount(gold_units[g_handled], minlength=total)
    rows = np.column_stack((correct, paired + per_unit(spurious), correct, counts)).astype(float)
    return rows.tolist(), offsets
