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
from typing import TYPE_CHECKING

from .bulk import offsets_right, texts_right
from .columnar_gold import blank
from .columnar_json import END, PREDICTED, START, TEXT, TYPE, UNSET, decoded, given, keys_of, strict_json
from .model import Document
from .offsets import CODE_POINTS, new_fits, suspicious_layers
from .reading import read_raw_lines
from .records import DocRecords, EntityColumns
from .schema import LAYER_KEYS
from .tokenize import TokenEdges

if TYPE_CHECKING:
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
) -> tuple[DocRecords, int, tuple[str, ...]] | None:
    """One plain line's records, how many of its spans fit token boundaries and the layers
    it has keys for; or None."""
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
    fitting = _fitting(document.text, _gold_edges(document), starts, ends) if starts else 0
    layers = tuple(layer for layer, key in LAYER_KEYS.items() if getattr(record, key) is not UNSET)
    return DocRecords(id=record.id, entities=EntityColumns(starts, ends, types)), fitting, layers


def read_plain_predictions(
    path: Path, documents: list[Document], lenient: bool, options: PredictionOptions
) -> Predictions | None:
    """The predictions of a plain JSON Lines file (see the module's docstring), or None."""
    from .predictions import Predictions

    if FORCE_ITEM_BY_ITEM:
        return None
    by_id = {d.id: d for d in documents}
    result, present = Predictions(), set()
    fits = new_fits()
    entity_fit = fits["entities"]
    for number, line in read_raw_lines(path):
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]
        entry = _plain_entry(line, by_id, options.entity_types)
        if entry is None:
            if blank(line, path, number):
                continue
            return None
        records, fitting, layers = entry
        doc_id = records.id
        if doc_id in result.records:
            return None
        result.records[doc_id] = records
        spans = len(records.entities)
        entity_fit.spans += spans
        entity_fit.fit[CODE_POINTS.key] = entity_fit.fit.get(CODE_POINTS.key, 0) + fitting
        result.off_token[doc_id] = {layer: 0 for layer in LAYER_KEYS} | {"entities": spans - fitting}
        result.alignment[doc_id] = {}
        if lenient:
            result.dropped_by_document[doc_id] = 0
        present.update(layers)
    layers = tuple(layer for layer in LAYER_KEYS if layer in present)
    if not result.records or not layers or suspicious_layers(fits):
        return None
    result.layers = layers
    return result
