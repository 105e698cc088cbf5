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
from .entities_matching import Columns
from .iob import IOBTally, _pieces


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
        gold_columns, pred_columns = Columns.of(gold[d].entities).columns(), Columns.of(pred[d].entities).columns()
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
    pred_doc, pred_start, pred_end = axis.pred_doc[others], axis.pred_start[others], axis.pred_end[others]
    owner, found_start, found_end, by_word = _pieces_at_once(laid, splits, pred_doc, pred_start, pred_end)
    piece_doc, piece_start, piece_end = pred_doc[owner].tolist(), found_start.tolist(), found_end.tolist()
    piece_type = axis.pred_type[others][owner].tolist()
    local_splits: dict[int, list[int]] = {}  # a document's sentence starts, found once for all its spans
    for p in others[by_word].tolist():  # the few left: their tokens one by one
        d, code = int(axis.pred_doc[p]), int(axis.pred_type[p])
        base = int(corpus.bases[d])
        local = local_splits.get(d)
        if local is None:
            low, high = np.searchsorted(splits, [base, base + int(corpus.lengths[d])]).tolist()
            local = local_splits[d] = (splits[low:high] - base).tolist()
        start, end = int(axis.pred_start[p]) - base, int(axis.pred_end[p]) - base
        for piece in _pieces(laid.edges_of(d), local, start, end, labels[code]):
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


def _pieces_at_once(laid: Any, splits: Any, doc: Any, start: Any, end: Any) -> tuple[Any, Any, Any, Any]:
    """:func:`.iob._pieces` of many spans (on the axis, inside their texts, not simple) at once:
    each piece's span (an index into those given), start and end; and which spans are left
    for ``_pieces`` to cut, token by token.

    A span's tokens run from the token holding its first character to the one holding its
    last; a sentence start between them that is a token start begins a new piece, and the
    piece before ends where its last token does (before the white space, if any). Left
    over: spans that start or end on white space, and those holding a sentence start
    that is no token start (or that a token edge is too far from)."""
    np = laid.np
    left = laid.is_space(start) | laid.is_space(end - 1)
    first, last = start.copy(), end.copy()
    inside = np.flatnonzero(~left & ~laid.starts_token(doc, start))  # the token holding it starts before
    first[inside], lost = laid.step_to(laid.starts_token, doc[inside], start[inside] - 1, -1)
    left[inside[lost]] = True
    inside = np.flatnonzero(~left & ~laid.ends_token(doc, end))  # the token holding it ends after
    last[inside], lost = laid.step_to(laid.ends_token, doc[inside], end[inside] + 1, 1)
    left[inside[lost]] = True
    low = np.searchsorted(splits, first, side="right")
    inner = np.maximum(np.searchsorted(splits, last, side="left") - low, 0)  # sentence starts inside
    inner[left] = 0
    owner = np.repeat(np.arange(len(start)), inner)
    at = splits[np.repeat(low, inner) + _ranks(np, inner)]
    on_token = laid.starts_token(doc[owner], at)
    ends_before, lost = laid.step_to(laid.ends_token, doc[owner], at, -1)
    left[owner[~on_token | lost]] = True
    kept = ~left[owner]
    owner, at, ends_before = owner[kept], at[kept], ends_before[kept]
    # A span with k sentence starts inside has k + 1 pieces: [first, end before the 1st) ...
    spans = np.flatnonzero(~left)
    counts = np.bincount(owner, minlength=len(start))[spans] + 1
    opening = np.cumsum(counts) - counts  # each span's first piece
    piece_start, piece_end = np.empty(int(counts.sum()), dtype=np.int64), np.empty(int(counts.sum()), dtype=np.int64)
    piece_start[opening], piece_end[opening + counts - 1] = first[spans], last[spans]
    cut = np.repeat(opening, counts - 1) + _ranks(np, counts - 1)  # the piece each sentence start ends
    piece_end[cut], piece_start[cut + 1] = ends_before, at
    return np.repeat(spans, counts), piece_start, piece_end, left


def _ranks(np: Any, counts: Any) -> Any:
    """Each item's place in its group, for groups of ``counts`` items: 0, 1 ... counts[0] - 1, 0 ..."""
    return np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
