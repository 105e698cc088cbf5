"""A predictions file read as columns, for large corpora.

Read item by item (:func:`benchmark.predictions.check_entries`), a line goes
through the schema, the item checks, the alignment of text-anchored spans
and the offset convention's count of spans on token boundaries, which
tokenizes the whole text. Most large files are plain: each line an object
with a gold document's ``id`` and its ``entities`` (the other layers absent
or empty), decoded into typed shapes (:mod:`benchmark.columnar_json`), its
offsets inside the text, its given texts equal to their slices, its types
accepted by the run. :func:`read_plain_predictions` reads such a file with its checks
made a layer at a time, and counts the spans on token boundaries word by word
(:class:`benchmark.tokenize.TokenEdges`), where they are not on the edges of a
gold span.

It gives exactly what the item-by-item reading gives, or None when anything
is not plain, or when a layer's offsets may follow another convention: then
the file is read item by item, which says what is wrong. So this path never
decides what is an error. ``FORCE_ITEM_BY_ITEM`` turns it off (tests compare
both).
"""

from __future__ import annotations

import codecs
from itertools import compress
from operator import and_, not_
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .bulk import offsets_right, texts_right
from .columnar_gold import blank
from .columnar_json import END, PREDICTED, START, TEXT, TYPE, UNSET, decoded, given, keys_of, strict_json
from .model import Document
from .offsets import CODE_POINTS, new_fits, suspicious_layers
from .reading import read_raw_lines
from .records import DocRecords, EntityColumns
from .schema import LAYER_KEYS
from .span_store import SpanStore
from .tokenize import TokenEdges

if TYPE_CHECKING:
    from .columnar_gold import GoldColumns
    from .predictions import PredictionOptions, Predictions

FORCE_ITEM_BY_ITEM = False  # set by tests: every file read item by item


def _gold_edges(doc: Document) -> tuple[set[int], set[int]]:
    """The starts and ends of the gold spans, which count as token boundaries (benchmark.offsets)."""
    from .columnar_gold import ColumnarDocument
    from .predictions import _gold_edges as edges_of

    if isinstance(doc, ColumnarDocument):
        return doc.span_edges()
    edges = edges_of(doc)
    return {start for start, _ in edges}, {end for _, end in edges}


def _fitting(text: str, gold_edges: tuple[set[int], set[int]], starts: list[int], ends: list[int]) -> int:
    """How many spans (inside the text, start before end) start where a token or a gold span
    starts and end where one ends: ``TextIndex.fits`` counted at once."""
    gold_starts, gold_ends = gold_edges
    at_gold_start, at_gold_end = list(map(gold_starts.__contains__, starts)), list(map(gold_ends.__contains__, ends))
    on_gold = list(map(and_, at_gold_start, at_gold_end))
    others = list(compress(range(len(starts)), map(not_, on_gold)))
    if not others:
        return len(starts)
    edges = TokenEdges(text)
    on_tokens = edges.on_edges([starts[i] for i in others], [ends[i] for i in others])
    count = len(starts) - len(others) + sum(on_tokens)
    for i in compress(others, map(not_, on_tokens)):  # one end on a gold edge, the other maybe on a token's
        if (at_gold_start[i] or edges.is_start(starts[i])) and (at_gold_end[i] or edges.is_end(ends[i])):
            count += 1
    return count


def _plain_entry(
    line: bytes, documents: dict[str, Document], entity_types: frozenset[str]
) -> tuple[str, list[int], list[int], list[str], tuple[str, ...]] | None:
    """One plain line's document id, entity columns (starts, ends, types) and the layers it
    has keys for; or None."""
    record = decoded(PREDICTED, line)
    if record is None or record.id not in documents:
        return None
    document = documents[record.id]
    if type(record.text) is str and record.text != document.text:
        return None
    entities = [] if record.entities is UNSET else record.entities
    starts, ends, texts, types = (list(map(f, entities)) for f in (START, END, TEXT, TYPE))
    strings = tuple(s for s in (record.id, record.text, record.date, record.language) if type(s) is str)
    if not strict_json(line, strings, keys_of(record) + 3 * len(entities) + given(texts), texts, types):
        return None
    if (
        not offsets_right(document.text, starts, ends)
        or not texts_right(document.text, starts, ends, texts)
        or not entity_types.issuperset(types)
    ):
        return None
    layers = tuple(layer for layer, key in LAYER_KEYS.items() if getattr(record, key) is not UNSET)
    return record.id, starts, ends, types, layers


def read_plain_predictions(
    path: Path, documents: list[Document], lenient: bool, options: PredictionOptions
) -> Predictions | None:
    """The predictions of a plain JSON Lines file (see the module's docstring), or None."""
    from .predictions import Predictions

    if FORCE_ITEM_BY_ITEM:
        return None
    by_id = {d.id: d for d in documents}
    index_of = {d.id: index for index, d in enumerate(documents)}
    result, present = Predictions(), set[str]()
    store = SpanStore(options.entity_types)
    document_of_row: list[int] = []
    for number, line in read_raw_lines(path):
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]
        entry = _plain_entry(line, by_id, options.entity_types)
        if entry is None:
            if blank(line, path, number):
                continue
            return None
        doc_id, starts, ends, types, layers = entry
        if doc_id in result.records:
            return None
        result.records[doc_id] = DocRecords(
            id=doc_id, entities=EntityColumns.stored(store, store.append(starts, ends, types))
        )
        document_of_row.append(index_of[doc_id])
        present.update(layers)
    fits = new_fits()
    entity_fit = fits["entities"]
    fitting = _fitting_rows(documents, store, document_of_row)
    for (doc_id, records), fit in zip(result.records.items(), fitting):
        spans = len(records.entities)
        entity_fit.spans += spans
        entity_fit.fit[CODE_POINTS.key] = entity_fit.fit.get(CODE_POINTS.key, 0) + fit
        result.off_token[doc_id] = {layer: 0 for layer in LAYER_KEYS} | {"entities": spans - fit}
        result.alignment[doc_id] = {}
        if lenient:
            result.dropped_by_document[doc_id] = 0
    layers = tuple(layer for layer in LAYER_KEYS if layer in present)
    if not result.records or not layers or suspicious_layers(fits):
        return None
    result.layers = layers
    return result


def _fitting_rows(documents: list[Document], store: SpanStore, document_of_row: list[int]) -> list[int]:
    """For each row of ``store`` (a prediction of ``documents[document_of_row[row]]``), how many
    of its spans fit token boundaries; all at once when the documents were read as columns."""
    from .columnar_gold import ColumnarDocument
    from .metrics import entities_bulk

    first = documents[0] if documents else None
    at_once = len(documents) >= entities_bulk.BULK_MIN_DOCUMENTS
    if at_once and isinstance(first, ColumnarDocument) and len(first.corpus.texts) == len(documents):
        corpus = first.corpus
        if all(isinstance(d, ColumnarDocument) and d.corpus is corpus and d.row == i for i, d in enumerate(documents)):
            return _fitting_at_once(corpus, store, document_of_row)
    counts = []
    for row, index in enumerate(document_of_row):
        starts, ends, _ = store.columns(row)
        document = documents[index]
        counts.append(_fitting(document.text, _gold_edges(document), starts, ends) if starts else 0)
    return counts


def _fitting_at_once(corpus: GoldColumns, store: SpanStore, document_of_row: list[int]) -> list[int]:
    """_fitting of every row at once (numpy): gold edges flagged on the axis, token edges
    decided from the characters around them (benchmark.token_edges_bulk)."""
    import numpy as np

    laid = corpus.laid_out()
    spans = store.arrays()
    row = spans.document_of_each()
    doc = np.asarray(document_of_row, dtype=np.int64)[row]
    starts, ends = spans.starts + laid.bases[doc], spans.ends + laid.bases[doc]
    gold = [(g, laid.bases[g.document_of_each()]) for g in (corpus.entities.arrays(), corpus.sentences.arrays())]
    flags = np.zeros(len(laid.chars) + 1, dtype=bool)  # one per offset of the axis: membership without sorting
    start_fits = _among(flags, [g.starts + base for g, base in gold], starts)
    end_fits = _among(flags, [g.ends + base for g, base in gold], ends)
    asked = np.flatnonzero(~start_fits)
    start_fits[asked] = laid.starts_token(doc[asked], starts[asked])
    asked = np.flatnonzero(~end_fits)
    end_fits[asked] = laid.ends_token(doc[asked], ends[asked])
    return np.bincount(row[start_fits & end_fits], minlength=len(store)).tolist()


def _among(flags: Any, groups: list[Any], offsets: Any) -> Any:
    """Is each of ``offsets`` in one of ``groups``? ``flags`` (one per offset) is all False, and left so."""
    for group in groups:
        flags[group] = True
    found = flags[offsets]
    for group in groups:
        flags[group] = False
    return found
