"""The IOB2 view of the documents a large corpus matched at once (numpy).

For the documents :mod:`.entities_bulk` matched at once (flat on both sides),
which spans are *simple* (their own chunk: starting and ending on token
edges, holding no sentence start) is decided for every span together. A
span edge with white space (or the text's edge) on its outer side and none on
its inner side is a token edge; one with white space inside is none; only an
edge between two characters of one word is looked at closer
(:mod:`benchmark.token_edges_bulk`), with TokenEdges' answers.

A document whose spans are all simple has its spans as chunks, and a
prediction equal to a gold span of its type as a correct one: those are
counted by type at once. A document whose gold spans are all simple goes to
:meth:`IOBTally.add_simple` (pieces of the other predictions); any other to
:meth:`IOBTally.add_matched`, which decides as before.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import chain, islice
from operator import gt

from ..records import DocRecords
from ..token_edges_bulk import LaidOut
from .entities_bulk import BulkMatch
from .iob import IOBTally


def _columns(doc: DocRecords) -> tuple[list[int], list[int], list[str]]:
    from .entities import Columns

    return Columns.of(doc.entities).columns()


def add_view(iob: IOBTally, match: BulkMatch, gold: Sequence[DocRecords], pred: Sequence[DocRecords]) -> None:
    """Add every document ``match`` handled to ``iob`` (see the module)."""
    import numpy as np

    axis, n_docs = match.axis, len(gold)
    if axis is None:  # nothing matched at once
        return
    texts = [doc.text for doc in gold]
    laid = LaidOut(texts, axis.lengths)  # at the bases of the matching's axis
    text_length = laid.text_length
    in_order = np.fromiter(
        (not any(map(gt, s, islice(s, 1, None))) for s in (d.sentence_starts for d in gold)), dtype=bool, count=n_docs
    )
    view = np.array(match.handled, dtype=bool) & in_order
    for doc, end in ((axis.gold_doc, axis.gold_end), (axis.pred_doc, axis.pred_end)):  # spans inside the text
        view[doc[end - axis.bases[doc] > text_length[doc]]] = False
    splits = np.fromiter(
        chain.from_iterable(
            (int(axis.bases[d]) + s for s in gold[d].sentence_starts[1:]) for d in np.flatnonzero(view).tolist()
        ),
        dtype=np.int64,
    )

    def simple(doc, start, end):
        """Is each span (inside the text, on the shifted axis) simple?"""
        starts_ok, ends_ok = laid.token_edges(doc, start, end)
        crossing = np.searchsorted(splits, start, side="right") != np.searchsorted(splits, end, side="left")
        return starts_ok & ends_ok & ~crossing

    gold_in, pred_in = view[axis.gold_doc], view[axis.pred_doc]
    gold_simple, pred_simple = np.ones(len(gold_in), dtype=bool), np.ones(len(pred_in), dtype=bool)
    gold_simple[gold_in] = simple(axis.gold_doc[gold_in], axis.gold_start[gold_in], axis.gold_end[gold_in])
    pred_simple[pred_in] = simple(axis.pred_doc[pred_in], axis.pred_start[pred_in], axis.pred_end[pred_in])
    gold_plain = view & (np.bincount(axis.gold_doc[~gold_simple], minlength=n_docs) == 0)
    counted = gold_plain & (np.bincount(axis.pred_doc[~pred_simple], minlength=n_docs) == 0)
    _count(np, iob, axis, counted)
    pred_first = np.searchsorted(axis.pred_doc, np.arange(n_docs + 1)).tolist()
    for d in np.flatnonzero(np.array(match.handled) & ~counted).tolist():
        gold_columns, pred_columns = _columns(gold[d]), _columns(pred[d])
        if gold_plain[d]:
            marks = pred_simple[pred_first[d] : pred_first[d + 1]].tolist()
            if iob.add_simple(
                laid.edges_of(d), gold[d].sentence_starts[1:], gold_columns, pred_columns, match.equal[d], marks
            ):
                continue
            iob.add(texts[d], gold[d].sentence_starts, gold_columns, pred_columns)
        else:
            iob.add_matched(texts[d], gold[d].sentence_starts, gold_columns, pred_columns, match.equal[d])


def _count(np, iob: IOBTally, axis, counted) -> None:
    """The chunks of the documents whose spans are all simple: their spans, by type."""
    labels = axis.labels

    def by_type(codes) -> Counter:
        return Counter({labels[i]: int(n) for i, n in enumerate(np.bincount(codes, minlength=len(labels))) if n})

    correct = counted[axis.gold_doc[axis.equal_gold]] & axis.equal_type
    for total, codes in zip(
        iob.counted,
        (
            axis.gold_type[counted[axis.gold_doc]],
            axis.pred_type[counted[axis.pred_doc]],
            axis.gold_type[axis.equal_gold[correct]],
        ),
    ):
        total.update(by_type(codes))
