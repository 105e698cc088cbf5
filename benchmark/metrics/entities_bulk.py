"""The entity matching of a whole corpus at once (numpy), for flat documents.

:class:`~benchmark.metrics.entities.DocMatch` matches one document at a time,
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
IOB2 view reads; exactly what DocMatch gives, which the tests check.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain

from ..records import DocRecords

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
    code); ``equal_*`` index them: the equal pairs of the handled documents."""

    bases: object
    lengths: list[int]
    labels: list[str]
    gold_doc: object
    gold_start: object
    gold_end: object
    gold_type: object
    pred_doc: object
    pred_start: object
    pred_end: object
    pred_type: object
    equal_gold: object
    equal_pred: object
    equal_type: object


@dataclass
class BulkMatch:
    handled: list[bool]  # per document: matched here
    sums: BulkSums
    unit_rows: list[list[float]]  # every document's sentence rows (zeros for those not handled)
    unit_offsets: list[int]  # where each document's rows start (and, last, their number)
    equal: dict[int, tuple[list[int], list[int]]]  # per handled document: (gold, predicted) equal spans
    axis: Axis | None = None


def large_corpus_match(gold: Sequence[DocRecords], pred: Sequence[DocRecords]) -> BulkMatch | None:
    """:func:`bulk_match` for a corpus of at least ``BULK_MIN_DOCUMENTS`` documents, else None."""
    return bulk_match(gold, pred) if len(gold) >= BULK_MIN_DOCUMENTS else None


def _columns(docs: Sequence[DocRecords]) -> tuple[list[list[int]], list[list[int]], list[list[str]]]:
    entities = [doc.entities for doc in docs]
    starts = [getattr(e, "starts", None) or [x.start for x in e] for e in entities]
    ends = [getattr(e, "ends", None) or [x.end for x in e] for e in entities]
    types = [getattr(e, "types", None) or [x.type for x in e] for e in entities]
    return starts, ends, types


def bulk_match(gold: Sequence[DocRecords], pred: Sequence[DocRecords]) -> BulkMatch:
    """The matching of every document flat on both sides and not in conflict (see the module)."""
    import numpy as np

    gold_starts, gold_ends, gold_types = _columns(gold)
    pred_starts, pred_ends, pred_types = _columns(pred)
    n_docs = len(gold)
    # Each document on its own stretch of one axis, a gap after it.
    lengths = [
        max(len(doc.text), max(g, default=0), max(p, default=0), max(doc.sentence_starts, default=0)) + 1
        for doc, g, p in zip(gold, gold_ends, pred_ends)
    ]
    if (
        n_docs == 0
        or sum(lengths) >= 2**31
        or min(map(min, filter(None, (d.sentence_starts for d in gold))), default=0) < 0
    ):
        return BulkMatch([False] * n_docs, BulkSums(), [], [0] * (n_docs + 1), {})
    bases = np.concatenate(([0], np.cumsum(lengths, dtype=np.int64)[:-1]))
    labels = sorted(set(chain.from_iterable(gold_types)).union(*map(set, pred_types)))
    code = {label: number for number, label in enumerate(labels)}

    def flatten(starts, ends, types):
        counts = np.fromiter(map(len, starts), dtype=np.int64, count=n_docs)
        doc = np.repeat(np.arange(n_docs), counts)
        shift = bases[doc]
        s = np.fromiter(chain.from_iterable(starts), dtype=np.int64, count=int(counts.sum())) + shift
        e = np.fromiter(chain.from_iterable(ends), dtype=np.int64, count=int(counts.sum())) + shift
        t = np.fromiter(map(code.__getitem__, chain.from_iterable(types)), dtype=np.int64, count=int(counts.sum()))
        # Flat: sorted, non-empty, none overlapping the next; and no negative offset.
        bad = (s < shift) | (s >= e)
        same_doc = doc[1:] == doc[:-1]
        bad[1:] |= same_doc & (e[:-1] > s[1:])
        return doc, s, e, t, np.bincount(doc[bad], minlength=n_docs) == 0

    g_doc, g_s, g_e, g_t, gold_flat = flatten(gold_starts, gold_ends, gold_types)
    p_doc, p_s, p_e, p_t, pred_flat = flatten(pred_starts, pred_ends, pred_types)
    flat = gold_flat & pred_flat
    g_keep, p_keep = flat[g_doc], flat[p_doc]
    g_index, p_index = np.flatnonzero(g_keep), np.flatnonzero(p_keep)
    G_s, G_e, G_key = g_s[g_keep], g_e[g_keep], g_s[g_keep] * 2**32 + g_e[g_keep]
    P_s, P_e, P_key = p_s[p_keep], p_e[p_keep], p_s[p_keep] * 2**32 + p_e[p_keep]

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
    G_t, P_t = g_t[g_keep], p_t[p_keep]
    g_handled, p_handled = handled[g_doc[g_index]], handled[p_doc[p_index]]

    eq_type = G_t[eq_gold] == P_t[eq_pred]
    overlap_type = G_t[overlap_gold] == P_t[overlap_pred]

    def counted(values) -> Counter:
        counts = np.bincount(values, minlength=len(labels))
        return Counter({labels[i]: int(n) for i, n in enumerate(counts) if n})

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

    rows, offsets = _unit_rows(
        np, gold, bases, G_s, P_s, g_handled, p_handled, eq_gold, eq_pred, eq_type, overlap_gold, overlap_pred
    )
    axis = Axis(
        bases, lengths, labels, g_doc[g_keep], G_s, G_e, G_t, p_doc[p_keep], P_s, P_e, P_t, eq_gold, eq_pred, eq_type
    )
    return BulkMatch(
        handled.tolist(),
        sums,
        rows,
        offsets,
        _equal_by_document(np, handled, p_doc[p_index], g_index, p_index, eq_gold, eq_pred, g_doc, p_doc),
        axis,
    )


def _unit_rows(
    np, gold, bases, G_s, P_s, g_handled, p_handled, eq_gold, eq_pred, eq_type, overlap_gold, overlap_pred
) -> tuple[list[list[float]], list[int]]:
    """Strict sums ``num_p, den_p, num_r, den_r`` per sentence, as entities._unit_stats counts them."""
    units = [sorted(set(doc.sentence_starts)) or [0] for doc in gold]
    offsets = [0, *np.cumsum([len(u) for u in units]).tolist()]
    # Each document's first unit starts at its base: offsets before its first sentence belong to it.
    keys = np.fromiter(
        chain.from_iterable([int(base), *(int(base) + s for s in u[1:])] for base, u in zip(bases, units)),
        dtype=np.int64,
        count=offsets[-1],
    )
    total = offsets[-1]

    def unit_of(positions):
        return np.searchsorted(keys, positions, side="right") - 1

    gold_units = unit_of(G_s)
    correct = np.bincount(gold_units[eq_gold[eq_type]], minlength=total)
    paired = np.bincount(gold_units[eq_gold], minlength=total) + np.bincount(gold_units[overlap_gold], minlength=total)
    unpaired = p_handled.copy()
    unpaired[eq_pred] = False
    unpaired[overlap_pred] = False
    spurious = np.bincount(unit_of(P_s[unpaired]), minlength=total)
    counts = np.bincount(gold_units[g_handled], minlength=total)
    rows = np.column_stack((correct, paired + spurious, correct, counts)).astype(float)
    return rows.tolist(), offsets


def _equal_by_document(
    np, handled, p_docs, g_index, p_index, eq_gold, eq_pred, g_doc, p_doc
) -> dict[int, tuple[list[int], list[int]]]:
    """Per handled document, its equal spans as (gold, predicted) indices within the document."""
    g_first = np.searchsorted(g_doc, np.arange(len(handled)))  # each document's first span overall
    p_first = np.searchsorted(p_doc, np.arange(len(handled)))
    docs = p_docs[eq_pred]
    local_gold = (g_index[eq_gold] - g_first[docs]).tolist()
    local_pred = (p_index[eq_pred] - p_first[docs]).tolist()
    bounds = np.searchsorted(docs, np.arange(len(handled) + 1)).tolist()
    return {
        doc: (local_gold[bounds[doc] : bounds[doc + 1]], local_pred[bounds[doc] : bounds[doc + 1]])
        for doc in np.flatnonzero(handled).tolist()
    }
