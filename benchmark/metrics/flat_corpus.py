"""A corpus's entity spans, gold and predicted, and its gold sentences on one axis (numpy).

The corpus-wide matching (:mod:`.entities_bulk`) and IOB2 view
(:mod:`.iob_bulk`) read every span of every document at once: each document
on its own stretch of one axis, one character longer than its text and
spans reach, so that spans of different documents neither touch nor
overlap. Spans read into a :class:`~benchmark.span_store.SpanStore` (a large
file read as columns) come from its arrays without a pass over Python
objects; any others from their lists.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import chain
from typing import TYPE_CHECKING, Any, cast

from ..records import DocRecords, EntityColumns
from ..span_store import FlatSpans, SpanStore

if TYPE_CHECKING:
    from ..columnar_gold import GoldColumns
    from ..token_edges_bulk import LaidOut


class FlatCorpus:
    """Gold and predicted entities and gold sentence starts of aligned documents, flat.

    ``gold`` and ``pred`` (:class:`FlatSpans`, types coded by ``labels``) keep each
    document's offsets; ``gold_start`` and the like are shifted onto the axis, where
    document ``d`` starts at ``bases[d]``. ``flat[d]``: both sides sorted by start, none
    empty, none overlapping the next, none starting before the text.
    """

    def __init__(self, np: Any, gold_docs: Sequence[DocRecords], gold: FlatSpans, pred: FlatSpans) -> None:
        self.np, self.gold_docs = np, gold_docs
        self.labels = sorted(set(gold.labels).union(pred.labels))
        self.gold, self.pred = _recoded(np, gold, self.labels), _recoded(np, pred, self.labels)
        self.texts = [doc.text for doc in gold_docs]
        self.text_length = np.fromiter(map(len, self.texts), dtype=np.int64, count=len(self.texts))
        self.gold_columns, self.sentences = _sentence_starts(np, gold_docs)
        self.lengths = (
            np.maximum.reduce(
                [
                    self.text_length,
                    _largest(np, gold.ends, gold.bounds),
                    _largest(np, pred.ends, pred.bounds),
                    _largest(np, self.sentences.starts, self.sentences.bounds),
                ]
            )
            + 1
        )
        self.bases = np.concatenate(([0], np.cumsum(self.lengths)[:-1])).astype(np.int64)
        self.gold_doc, self.gold_start, self.gold_end = self._shifted(self.gold)
        self.pred_doc, self.pred_start, self.pred_end = self._shifted(self.pred)
        self.flat = self._flat(self.gold_doc, self.gold_start, self.gold_end) & self._flat(
            self.pred_doc, self.pred_start, self.pred_end
        )

    def fits(self) -> bool:
        """Can the corpus lie on one axis of 32-bit offsets, no sentence starting before its text?"""
        starts = self.sentences.starts
        return int(self.lengths.sum()) < 2**31 and not (len(starts) and int(starts.min()) < 0)

    def _shifted(self, spans: FlatSpans) -> tuple[Any, Any, Any]:
        doc = spans.document_of_each()
        shift = self.bases[doc]
        return doc, spans.starts + shift, spans.ends + shift

    def _flat(self, doc: Any, start: Any, end: Any) -> Any:
        """Per document: sorted, non-empty, none overlapping the next; and no negative offset."""
        np = self.np
        bad = (start < self.bases[doc]) | (start >= end)
        bad[1:] |= (doc[1:] == doc[:-1]) & (end[:-1] > start[1:])
        return np.bincount(doc[bad], minlength=len(self.texts)) == 0

    def by_label(self, codes: Any) -> Counter:
        """How many of the type codes name each label (those named at least once)."""
        counts = self.np.bincount(codes, minlength=len(self.labels)).tolist()
        return Counter({label: n for label, n in zip(self.labels, counts) if n})

    def unit_keys(self) -> tuple[Any, list[int]]:
        """The bootstrap units (metrics.base.Units: each document's distinct sentence starts, sorted,
        or one unit) as their first offsets on the axis (a document's first unit starts at its base,
        offsets before its first sentence belonging to it); and where each document's units start."""
        np, sentences = self.np, self.sentences
        doc, starts = sentences.document_of_each(), sentences.starts
        within = np.arange(len(starts)) - sentences.bounds[doc]
        if (starts[1:] > starts[:-1])[within[1:] > 0].all():  # each document's starts rise
            unit_counts = np.maximum(np.diff(sentences.bounds), 1)
            offsets = np.concatenate(([0], np.cumsum(unit_counts)))
            keys = np.repeat(self.bases, unit_counts)
            later = within > 0
            keys[offsets[doc[later]] + within[later]] += starts[later]
            return keys, offsets.tolist()
        units = [sorted(set(doc.sentence_starts)) or [0] for doc in self.gold_docs]
        offsets = np.concatenate(([0], np.cumsum([len(u) for u in units])))
        keys = np.fromiter(
            chain.from_iterable([int(base), *(int(base) + s for s in u[1:])] for base, u in zip(self.bases, units)),
            dtype=np.int64,
            count=int(offsets[-1]),
        )
        return keys, offsets.tolist()

    def laid_out(self) -> LaidOut:
        """The texts on the axis (token_edges_bulk), as the gold file's reading laid them out if it did."""
        from ..token_edges_bulk import LaidOut

        if self.gold_columns is not None and (self.lengths == self.text_length + 1).all():
            return self.gold_columns.laid_out()
        return LaidOut(self.texts, self.lengths)


def flat_corpus(gold: Sequence[DocRecords], pred: Sequence[DocRecords]) -> FlatCorpus | None:
    """The corpus on one axis; None when it has no document or does not fit one (FlatCorpus.fits)."""
    if not gold:
        return None
    import numpy as np

    corpus = FlatCorpus(np, gold, _entities(np, gold), _entities(np, pred))
    return corpus if corpus.fits() else None


def _entities(np: Any, docs: Sequence[DocRecords]) -> FlatSpans:
    """The documents' entity spans, flat: taken from a store when every document's are in one."""
    store = _one_store(docs)
    if store is not None:
        rows = [e.row if isinstance(e, EntityColumns) and e.store is store else -1 for e in (d.entities for d in docs)]
        return store.arrays().rows(np.array(rows, dtype=np.int64))
    entities = [doc.entities for doc in docs]
    starts = [getattr(e, "starts", None) or [x.start for x in e] for e in entities]
    ends = [getattr(e, "ends", None) or [x.end for x in e] for e in entities]
    types = [getattr(e, "types", None) or [x.type for x in e] for e in entities]
    labels = sorted(set(chain.from_iterable(types)))
    code = {label: number for number, label in enumerate(labels)}
    counts = np.fromiter(map(len, starts), dtype=np.int64, count=len(starts))
    total = int(counts.sum())
    return FlatSpans(
        np.concatenate(([0], np.cumsum(counts))),
        np.fromiter(chain.from_iterable(starts), dtype=np.int64, count=total),
        np.fromiter(chain.from_iterable(ends), dtype=np.int64, count=total),
        np.fromiter(map(code.__getitem__, chain.from_iterable(types)), dtype=np.int64, count=total),
        labels,
    )


def _one_store(docs: Sequence[DocRecords]) -> SpanStore | None:
    """The store every document's entities were read into (documents without entities aside), if one."""
    store = None
    for doc in docs:
        entities = doc.entities
        if isinstance(entities, EntityColumns) and entities.store is not None:
            if store is None:
                store = entities.store
            elif entities.store is not store:
                return None
        elif len(entities):
            return None
    return store


def _sentence_starts(np: Any, gold: Sequence[DocRecords]) -> tuple[GoldColumns | None, FlatSpans]:
    """The gold sentence starts, flat (taken from the gold file's columns when it was read so); and
    those columns when the documents are all of them, in order."""
    from ..columnar_gold import ColumnarRecords

    corpus = getattr(gold[0], "corpus", None)
    if all(isinstance(doc, ColumnarRecords) and doc.corpus is corpus for doc in gold):
        assert corpus is not None
        columnar = cast("Sequence[ColumnarRecords]", gold)  # every one, as just checked
        rows = np.fromiter((doc.row for doc in columnar), dtype=np.int64, count=len(gold))
        sentences = corpus.sentences.arrays().rows(rows)
        whole = len(rows) == len(corpus.texts) and bool((rows == np.arange(len(rows))).all())
        return (corpus if whole else None), sentences
    starts = [doc.sentence_starts for doc in gold]
    counts = np.fromiter(map(len, starts), dtype=np.int64, count=len(starts))
    total = int(counts.sum())
    flat = np.fromiter(chain.from_iterable(starts), dtype=np.int64, count=total)
    return None, FlatSpans(np.concatenate(([0], np.cumsum(counts))), flat, flat, flat[:0], [])


def _recoded(np: Any, spans: FlatSpans, labels: list[str]) -> FlatSpans:
    """``spans`` with their types coded by ``labels`` (which hold theirs)."""
    code = {label: number for number, label in enumerate(labels)}
    recode = np.array([code[label] for label in spans.labels], dtype=np.int64)
    types = recode[spans.types] if len(recode) else spans.types.astype(np.int64)
    return FlatSpans(spans.bounds, spans.starts, spans.ends, types, labels)


def _largest(np: Any, values: Any, bounds: Any) -> Any:
    """Each document's largest value (0 for one without values, and if all are negative)."""
    largest = np.zeros(len(bounds) - 1, dtype=np.int64)
    filled = np.flatnonzero(bounds[1:] > bounds[:-1])
    if len(filled):
        largest[filled] = np.maximum(np.maximum.reduceat(values, bounds[:-1][filled]), 0)
    return largest
