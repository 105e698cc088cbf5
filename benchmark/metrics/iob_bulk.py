"""The IOB2 view of the documents a large corpus matched at once (numpy).

For the documents :mod:`.entities_bulk` matched at once (flat on both sides),
which spans are *simple* (their own chunk: starting and ending on token
edges, holding no sentence start) is decided for every span together. A
span edge with white space (or the text's edge) on its outer side and none on
its inner side is a token edge; one with white space inside is none; only an
edge between two characters of one word is looked at closer
(:mod:`benchmark.token_edges_bulk`), with TokenEdges' answers.

A document whose gold spans are all simple has them as its gold chunks. Its
predictions' chunks are the simple ones and the pieces of the others (the
token ranges they tag, sentence by sentence: :func:`.iob._pieces`); when
none of these overlap, a prediction equal to a gold span is a correct chunk
if their types agree, and so is a piece equal to a gold span of its type
(:meth:`IOBTally.add_simple`, for all such documents at once). Any other
document is added as before (:meth:`IOBTally.add_matched`, :meth:`IOBTally.add`),
which decides by tagging.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..records import DocRecords
from .entities_bulk import Axis, BulkMatch
from .iob import IOBTally, _pieces


def _columns(doc: DocRecords) -> tuple[list[int], list[int], list[str]]:
    from .entities_matching import Columns

    return Columns.of(doc.entities).columns()


def add_view(iob: IOBTally, match: BulkMatch, gold: Sequence[DocRecords], pred: Sequence[DocRecords]) -> None:
    """Add every document ``match`` handled to ``iob`` (see the module)."""
    axis = match.axis
    if axis is None:  # nothing matched at once
        return
    corpus = axis.corpus
    np, n_docs = corpus.np, len(gold)
    laid = corpus.laid_out()
    view = np.array(match.handled, dtype=bool) & _sentences_in_order(corpus)
    for doc, end in ((axis.gold_doc, axis.gold_end), (axis.pred_doc, axis.pred_end)):  # spans inside the text
        view[doc[end - corpus.bases[doc] > corpus.text_length[doc]]] = False
    sentences = corpus.sentences
    later = np.ones(len(sentences.starts), dtype=bool)
    later[sentences.bounds[:-1][np.diff(sentences.bounds) > 0]] = False  # each document's first sentence
    splits = np.sort((sentences.starts + corpus.bases[sentences.document_of_each()])[later])

    def simple(doc: Any, start: Any, end: Any) -> Any:
        """Is each span (inside the text, on the shifted axis) simple?"""
        crossing = np.searchsorted(splits, start, side="right") != np.searchsorted(splits, end, side="left")
        return laid.starts_token(doc, start) & laid.ends_token(doc, end) & ~crossing

    gold_in = np.flatnonzero(view[axis.gold_doc])
    gold_simple = np.ones(len(axis.gold_doc), dtype=bool)
    gold_simple[gold_in] = simple(axis.gold_doc[gold_in], axis.gold_start[gold_in], axis.gold_end[gold_in])
    gold_plain = view & (np.bincount(axis.gold_doc[~gold_simple], minlength=n_docs) == 0)
    # A prediction equal to a simple gold span is simple: only the others are asked.
    pred_simple = np.ones(len(axis.pred_doc), dtype=bool)
    asked = np.ones(len(axis.pred_doc), dtype=bool)
    asked[axis.equal_pred] = False
    asked = np.flatnonzero(asked & gold_plain[axis.pred_doc])
    pred_simple[asked] = simple(axis.pred_doc[asked], axis.pred_start[asked], axis.pred_end[asked])
    overlapping = _add_pieces(iob, axis, gold_plain, pred_simple, laid, splits)
    for d in np.flatnonzero(np.array(match.handled) & ~(gold_plain & ~overlapping)).tolist():
        gold_columns, pred_columns = _columns(gold[d]), _columns(pred[d])
        if gold_plain[d]:  # its chunks overlap: to_iob2 chooses
            iob.add(corpus.texts[d], gold[d].sentence_starts, gold_columns, pred_columns)
        else:
            iob.add_matched(corpus.texts[d], gold[d].sentence_starts, gold_columns, pred_columns, match.equal(d))


def _sentences_in_order(corpus: Any) -> Any:
    """Per document: are its sentence starts in order (never falling)?"""
    np, sentences = corpus.np, corpus.sentences
    doc = sentences.document_of_each()
    falling = np.flatnonzero((sentences.starts[1:] < sentences.starts[:-1]) & (doc[1:] == doc[:-1]))
    in_order = np.ones(len(corpus.texts), dtype=bool)
    in_order[doc[falling]] = False
    return in_order


def _add_pieces(iob: IOBTally, axis: Axis, documents: Any, simple: Any, laid: Any, splits: Any) -> Any:
    """Count the chunks of ``documents`` (their gold spans all simple; ``simple`` says which
    predictions are): :meth:`IOBTally.add_simple` at once. Per document: do its chunks overlap
    (then nothing is counted for it)?"""
    corpus = axis.corpus
    np, labels = corpus.np, corpus.labels
    others = np.flatnonzero(~simple & documents[axis.pred_doc])
    piece_doc, piece_start, piece_end, piece_type = [], [], [], []
    local_splits: dict[int, list[int]] = {}  # a document's sentence starts, found once for all its spans
    owners = np.unique(axis.pred_doc[others])
    bounds = np.searchsorted(
        splits, np.concatenate((corpus.bases[owners], corpus.bases[owners] + corpus.lengths[owners]))
    )
    sentence_range = dict(zip(owners.tolist(), zip(bounds[: len(owners)].tolist(), bounds[len(owners) :].tolist())))
    for d, start, end, code in zip(
        axis.pred_doc[others].tolist(),
        axis.pred_start[others].tolist(),
        axis.pred_end[others].tolist(),
        axis.pred_type[others].tolist(),
    ):
        base = int(corpus.bases[d])
        local = local_splits.get(d)
        if local is None:
            low, high = sentence_range[d]
            local = local_splits[d] = (splits[low:high] - base).tolist()
        for piece in _pieces(laid.edges_of(d), local, start - base, end - base, labels[code]):
            piece_doc.append(d)
            piece_start.append(piece[0] + base)
            piece_end.append(piece[1] + base)
            piece_type.append(code)
    keep = simple & documents[axis.pred_doc]
    chunk_doc = np.concatenate((axis.pred_doc[keep], np.array(piece_doc, dtype=np.int64)))
    chunk_start = np.concatenate((axis.pred_start[keep], np.array(piece_start, dtype=np.int64)))
    chunk_end = np.concatenate((axis.pred_end[keep], np.array(piece_end, dtype=np.int64)))
    chunk_type = np.concatenate((axis.pred_type[keep], np.array(piece_type, dtype=np.int64)))
    order = np.argsort(chunk_start, kind="stable")
    overlap = np.zeros(len(documents), dtype=bool)
    ordered_doc, ordered_start, ordered_end = chunk_doc[order], chunk_start[order], chunk_end[order]
    overlap[ordered_doc[1:][ordered_end[:-1] > ordered_start[1:]]] = True  # spans of one document only
    counted = documents & ~overlap
    # Correct: equal predictions of the gold span's type, and pieces equal to a gold span of their type.
    correct = counted[axis.gold_doc[axis.equal_gold]] & axis.equal_type
    pieces = np.arange(len(chunk_doc) - len(piece_doc), len(chunk_doc))
    pieces = pieces[counted[chunk_doc[pieces]]]
    gold_key, piece_key = axis.gold_start * 2**32 + axis.gold_end, chunk_start[pieces] * 2**32 + chunk_end[pieces]
    at = np.minimum(np.searchsorted(gold_key, piece_key), max(len(gold_key) - 1, 0))
    hits = (gold_key[at] == piece_key) & (axis.gold_type[at] == chunk_type[pieces]) if len(gold_key) else at < 0
    gold, pred, right = iob.counted
    gold.update(corpus.by_label(axis.gold_type[counted[axis.gold_doc]]))
    pred.update(corpus.by_label(chunk_type[counted[chunk_doc]]))
    right.update(corpus.by_label(np.concatenate((axis.gold_type[axis.equal_gold[correct]], chunk_type[pieces[hits]]))))
    return overlap
