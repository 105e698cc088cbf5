"""The IOB2 view of the documents a large corpus matched at once (numpy).

For the documents :mod:`.entities_bulk` matched at once (flat on both sides),
which spans are *simple* (their own chunk: starting and ending on token
edges, holding no sentence start) is decided for every span together. A
span edge with white space (or the text's edge) on its outer side and none on
its inner side is a token edge; one with white space inside is none; only an
edge between two characters of one word is asked of the document's
:class:`~benchmark.tokenize.TokenEdges`, as :meth:`IOBTally._add_plain` asks it.

A document whose spans are all simple has its spans as chunks, and a
prediction equal to a gold span of its type as a correct one: those are
counted by type at once. A document whose gold spans are all simple goes to
:meth:`IOBTally.add_simple` (pieces of the other predictions); any other to
:meth:`IOBTally.add_matched`, which decides as before.
"""

from __future__ import annotations

from collections import Counter
from itertools import chain, islice
from operator import gt
from typing import Sequence

from ..records import DocRecords
from ..tokenize import TokenEdges
from ..tokenize import _surely_split as tokenize_surely_split
from .entities_bulk import BulkMatch
from .iob import IOBTally

SPACE_BELOW = 0x3001  # str.isspace is False from here on: U+3000 is the last white space


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
    text_length = np.fromiter(map(len, texts), dtype=np.int64, count=n_docs)
    in_order = np.fromiter((not any(map(gt, s, islice(s, 1, None))) for s in (d.sentence_starts for d in gold)),
                           dtype=bool, count=n_docs)
    view = np.array(match.handled, dtype=bool) & in_order
    for doc, end in ((axis.gold_doc, axis.gold_end), (axis.pred_doc, axis.pred_end)):  # spans inside the text
        view[doc[end - axis.bases[doc] > text_length[doc]]] = False
    chars = np.frombuffer("".join(t + "\0" * (n - len(t)) for t, n in zip(texts, axis.lengths)).encode("utf-32-le"),
                          dtype=np.uint32)
    space = np.fromiter((chr(c).isspace() for c in range(SPACE_BELOW + 1)), dtype=bool, count=SPACE_BELOW + 1)
    splits = np.fromiter(chain.from_iterable((int(axis.bases[d]) + s for s in gold[d].sentence_starts[1:])
                                             for d in np.flatnonzero(view).tolist()), dtype=np.int64)
    edges: dict[int, TokenEdges] = {}

    def simple(doc, start, end):
        """Is each span (inside the text, on the shifted axis) simple?"""
        base, length = axis.bases[doc], text_length[doc]
        before, first = space[np.minimum(chars[np.maximum(start - 1, 0)], SPACE_BELOW)], \
            space[np.minimum(chars[start], SPACE_BELOW)]
        last, after = space[np.minimum(chars[end - 1], SPACE_BELOW)], space[np.minimum(chars[end], SPACE_BELOW)]
        at_start, at_end = start == base, end == base + length
        starts_ok, ends_ok = ~first & (at_start | before), ~last & (at_end | after)
        for ok, asked, offsets in ((starts_ok, ~first & ~at_start & ~before, start),
                                   (ends_ok, ~last & ~at_end & ~after, end)):
            asked = np.flatnonzero(asked)  # between two characters of one word
            at = offsets[asked]
            sure = _surely_split(np, chars, at, at + 1 < (base + length)[asked])
            ok[asked] = sure
            for i in asked[~sure].tolist():  # the word's own tokens tell
                d = int(doc[i])
                if d not in edges:
                    edges[d] = TokenEdges(texts[d])
                ok[i] = edges[d]._word_split(int(offsets[i] - axis.bases[d]))
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
            marks = pred_simple[pred_first[d]:pred_first[d + 1]].tolist()
            if iob.add_simple(edges.get(d) or TokenEdges(texts[d]), gold[d].sentence_starts[1:], gold_columns,
                              pred_columns, match.equal[d], marks):
                continue
            iob.add(texts[d], gold[d].sentence_starts, gold_columns, pred_columns)
        else:
            iob.add_matched(texts[d], gold[d].sentence_starts, gold_columns, pred_columns, match.equal[d])


def _surely_split(np, chars, at, has_next):
    """tokenize._surely_split of the window around each offset ``at`` (the characters before
    it, at it and, where ``has_next``, after it), asked once per distinct window."""
    after = np.where(has_next, chars[np.minimum(at + 1, len(chars) - 1)], _NONE)
    keys = (chars[at - 1].astype(np.int64) << 42) | (chars[at].astype(np.int64) << 21) | after
    windows, inverse = np.unique(keys, return_inverse=True)
    answers = [tokenize_surely_split(chr(k >> 42) + chr((k >> 21) & _NONE) + (chr(k & _NONE) if k & _NONE != _NONE
                                                                                 else ""))
               for k in windows.tolist()]
    return np.array(answers, dtype=bool)[inverse]


_NONE = 2**21 - 1  # no character (code points end below 2**21)


def _count(np, iob: IOBTally, axis, counted) -> None:
    """The chunks of the documents whose spans are all simple: their spans, by type."""
    labels = axis.labels

    def by_type(codes) -> Counter:
        return Counter({labels[i]: int(n) for i, n in enumerate(np.bincount(codes, minlength=len(labels))) if n})

    correct = counted[axis.gold_doc[axis.equal_gold]] & axis.equal_type
    for total, codes in zip(iob.counted, (axis.gold_type[counted[axis.gold_doc]],
                                          axis.pred_type[counted[axis.pred_doc]],
                                          axis.gold_type[axis.equal_gold[correct]])):
        total.update(by_type(codes))
