"""The corpus-wide matching of flat documents (metrics.entities_bulk) scores exactly as
DocMatch, document by document, does."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark.metrics import entities_bulk
from benchmark.metrics.entities import score_entities
from benchmark.records import DocRecords, EntityColumns, EntityRecord
from benchmark.span_store import SpanStore
from benchmark.tokenize import tokenize

from .perf.synthetic import TYPES_5, build_corpus
from .test_metrics_iob import gold_and_predicted_documents

LABELS = ("PER", "LOC", "ORG")
WORDS = (
    "w0",
    "w1",
    "Russia\u2019s",
    "U.S.",
    "don't",
    "1,000",
    "long-range",
    "\u201cquoted\u201d",
    "(a)",
    "e.g.",
    "Mr.",
    "3:30",
    "Jan.",
    "co-op,",
    "ok.",
    "N.A.T.O.",
    "\u00a0",
    "can't.",
)


def _both_ways(gold: list[DocRecords], pred: list[DocRecords]):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(entities_bulk, "BULK_MIN_DOCUMENTS", 0)
        bulk = score_entities(gold, pred)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(entities_bulk, "BULK_MIN_DOCUMENTS", 10**9)
        one_by_one = score_entities(gold, pred)
    return bulk, one_by_one


def _assert_same(bulk, one_by_one) -> None:
    assert bulk.metrics == one_by_one.metrics
    assert bulk.per_label == one_by_one.per_label
    assert bulk.unit_stats == one_by_one.unit_stats
    assert bulk.extra == one_by_one.extra


@st.composite
def flat_documents(draw):
    """Documents of words, gold flat, predictions mostly flat and near the gold (as a tagger's):
    copies, other types, shifted edges, gold spans split in two, misses, spurious spans, and
    now and then something not flat, out of order, empty or before the first sentence."""
    gold, pred = [], []
    # Entities as records, as columns, or read into one store a side (as a large file is read).
    stores = (SpanStore(LABELS), SpanStore(LABELS)) if draw(st.booleans()) else None
    for index in range(draw(st.integers(1, 6))):
        text = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=30)))
        tokens = tokenize(text)  # spans on token edges, often next to punctuation inside a word
        starts, ends = [t.start for t in tokens], [t.end for t in tokens]
        words = len(tokens)
        cuts = sorted(draw(st.sets(st.integers(0, words), max_size=6)) | {0, words})
        spans = [(starts[a], ends[b - 1]) for a, b in zip(cuts, cuts[1:]) if draw(st.booleans())]
        gold_entities = [EntityRecord(s, e, draw(st.sampled_from(LABELS))) for s, e in spans]
        predicted = []
        for s, e in spans:
            roll = draw(st.integers(0, 9))
            if roll == 0:
                continue
            if roll == 1:
                e = max(s + 1, e - 1)  # cuts a token
            if roll == 2:
                s = max(0, s - 3)  # reaches into the word before
            inner = [t for t in starts if s < t < e]
            if roll == 3 and inner:  # split in two: both overlap one gold span
                predicted.append((s, max(x for x in ends if x <= inner[0]), draw(st.sampled_from(LABELS))))
                s = inner[0]
            predicted.append((s, e, draw(st.sampled_from(LABELS))))
        for _ in range(draw(st.integers(0, 2)) if starts else 0):
            s = draw(st.sampled_from(starts))
            predicted.append((s, s + 2, draw(st.sampled_from(LABELS))))
        predicted.sort()
        if not draw(st.integers(0, 5)) and predicted:
            predicted.reverse()
        sentence_starts = sorted(draw(st.sets(st.sampled_from(starts), max_size=4))) if starts else []
        if not draw(st.integers(0, 7)):
            sentence_starts = sentence_starts[::-1]
        columns = draw(st.booleans())
        gold_entities = _as(gold_entities, columns, stores and stores[0])
        gold.append(DocRecords(id=f"d{index}", text=text, sentence_starts=sentence_starts, entities=gold_entities))
        pred.append(
            DocRecords(
                id=f"d{index}", entities=_as([EntityRecord(*p) for p in predicted], columns, stores and stores[1])
            )
        )
    return gold, pred


def _as(entities: list[EntityRecord], columns: bool, store: SpanStore | None = None):
    starts, ends, types = [e.start for e in entities], [e.end for e in entities], [e.type for e in entities]
    if store is not None:
        return EntityColumns.stored(store, store.append(starts, ends, types))
    return EntityColumns(starts, ends, types) if columns else entities


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@settings(max_examples=400, deadline=None)
@given(flat_documents())
def test_flat_documents_score_alike(documents):
    _assert_same(*_both_ways(*documents))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@settings(max_examples=200, deadline=None)
@given(gold_and_predicted_documents())
def test_any_documents_score_alike(documents):
    _assert_same(*_both_ways(*documents))


def test_a_tagger_like_corpus_scores_alike_and_is_matched_in_bulk():
    corpus = build_corpus(60, TYPES_5, seed=11)
    assert sum(entities_bulk.bulk_match(corpus.gold, corpus.pred).handled) > 50
    _assert_same(*_both_ways(corpus.gold, corpus.pred))


def test_no_document_no_bulk():
    assert entities_bulk.bulk_match([], []).handled == []


def test_a_store_gives_the_spans_of_any_rows_in_any_order():
    import numpy as np

    store = SpanStore(LABELS)
    for n in range(12):
        store.append(list(range(n)), list(range(1, n + 1)), [LABELS[i % 3] for i in range(n)])
    rows = [3, -1, 0, 11, 3, 7, -1]
    flat = store.arrays().rows(np.array(rows))
    for i, row in enumerate(rows):
        low, high = flat.bounds[i], flat.bounds[i + 1]
        got = (
            flat.starts[low:high].tolist(),
            flat.ends[low:high].tolist(),
            [flat.labels[c] for c in flat.types[low:high]],
        )
        assert got == (store.columns(row) if row >= 0 else ([], [], []))
    assert store.arrays().rows(np.arange(12)).starts.tolist() == store.arrays().starts.tolist()


def test_a_corpus_read_into_stores_in_another_order_scores_alike_and_is_matched_in_bulk():
    """Predictions read in another order than the gold, some documents without any."""
    corpus = build_corpus(80, TYPES_5, seed=3)
    gold_store, pred_store = SpanStore(TYPES_5), SpanStore(TYPES_5)
    gold = [
        DocRecords(
            doc.id,
            entities=_as(list(doc.entities), True, gold_store),
            text=doc.text,
            sentence_starts=doc.sentence_starts,
        )
        for doc in corpus.gold
    ]
    stored = {doc.id: _as(list(doc.entities), True, pred_store) for doc in reversed(corpus.pred[5:])}
    pred = [DocRecords(doc.id, entities=stored.get(doc.id, [])) for doc in corpus.pred]
    assert sum(entities_bulk.bulk_match(gold, pred).handled) > 60
    _assert_same(*_both_ways(gold, pred))


@st.composite
def spans_and_sentences(draw):
    """Texts of words, sentence starts anywhere (mostly at token starts, sometimes on white
    space or inside a token) and spans anywhere inside the texts."""
    texts, sentence_starts, spans = [], [], []
    for index in range(draw(st.integers(1, 4))):
        text = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=20)))
        token_starts = [t.start for t in tokenize(text)]
        anywhere = st.integers(0, len(text) - 1)
        near_tokens = st.one_of(st.sampled_from(token_starts), anywhere) if token_starts else anywhere
        starts = draw(st.sets(near_tokens, max_size=5))
        texts.append(text)
        sentence_starts.append(sorted(starts))
        for _ in range(draw(st.integers(0, 8))):
            s = draw(anywhere)
            spans.append((index, s, draw(st.integers(s + 1, len(text)))))
    return texts, sentence_starts, spans


@settings(max_examples=300, deadline=None)
@given(spans_and_sentences())
def test_pieces_at_once_are_the_pieces_cut_token_by_token(case):
    """iob_bulk._pieces_at_once gives, for every span it does not leave over, exactly the
    pieces iob._pieces cuts from its tokens."""
    import numpy as np

    from benchmark.metrics.iob import _pieces
    from benchmark.metrics.iob_bulk import _pieces_at_once
    from benchmark.token_edges_bulk import LaidOut

    texts, sentence_starts, spans = case
    laid = LaidOut(texts)
    splits = np.array(sorted(laid.bases[d] + s for d, starts in enumerate(sentence_starts) for s in starts), np.int64)
    doc = np.array([d for d, _, _ in spans], dtype=np.int64)
    start = np.array([s for _, s, _ in spans], dtype=np.int64) + laid.bases[doc]
    end = np.array([e for _, _, e in spans], dtype=np.int64) + laid.bases[doc]
    owner, piece_start, piece_end, left = _pieces_at_once(laid, splits, doc, start, end)
    cut = {i: [] for i in range(len(spans))}
    for i, s, e in zip(owner.tolist(), piece_start.tolist(), piece_end.tolist()):
        cut[i].append((s - int(laid.bases[doc[i]]), e - int(laid.bases[doc[i]])))
    for i, (d, s, e) in enumerate(spans):
        if not left[i]:
            expected = [(p[0], p[1]) for p in _pieces(laid.edges_of(d), sentence_starts[d], s, e, "X")]
            assert cut[i] == expected, (texts[d], sentence_starts[d], s, e)


def test_pieces_at_once_leave_over_only_the_spans_they_cannot_cut():
    """Spans inside words and across sentences are cut at once; one starting on white space
    and one holding a sentence start inside a token are left over."""
    import numpy as np

    from benchmark.metrics.iob_bulk import _pieces_at_once
    from benchmark.token_edges_bulk import LaidOut

    text = "Mr. Lavrov met U.S. envoys.  Then NATO's chief spoke."
    laid = LaidOut([text])
    splits = np.array([text.index("Then")], dtype=np.int64)
    spans = [(1, 10), (text.index("envoys") + 2, text.index("chief") + 3), (3, 9), (text.index("NATO") + 1, len(text))]
    start, end = np.array([s for s, _ in spans]), np.array([e for _, e in spans])
    owner, piece_start, piece_end, left = _pieces_at_once(laid, splits, np.zeros(4, dtype=np.int64), start, end)
    assert left.tolist() == [False, False, True, False]
    pieces = sorted(zip(owner.tolist(), piece_start.tolist(), piece_end.tolist()))
    envoys, then = text.index("envoys"), text.index("Then")
    assert pieces == [
        (0, 0, 10),
        (1, envoys, text.index(".  Then") + 1),
        (1, then, text.index("chief") + 5),
        (3, text.index("NATO"), len(text)),
    ]
