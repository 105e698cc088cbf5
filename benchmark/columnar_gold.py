"""A ``--gold`` JSON Lines corpus read as columns, for large corpora.

Read item by item (:func:`benchmark.jsonl_gold.document_from_json`, then
:func:`benchmark.validate.check_document`), a gold line becomes a Document of
dataclasses, a few microseconds a span. Most large corpora are plain: each
line an object with its ``text``, its ``sentences`` and its ``entities``
(the other layers absent or empty), decoded into typed shapes
(:mod:`benchmark.columnar_json`), offsets inside the text, given texts equal
to their slices, given ids distinct, entity types known, entities flat and
sentences in order. :func:`read_plain_gold` reads such a file with its checks
made a layer at a time, and gives each document as a
:class:`ColumnarDocument`: its span records come straight from the columns,
and its Document layers are built (by ``document_from_json``, so they are
the same) only when something asks for them.

When anything in the file is not plain it answers None, and the file is read
line by line as before, which says what is wrong: this path never decides
what is an error. ``FORCE_ITEM_BY_ITEM`` turns it off (tests compare both).
"""

from __future__ import annotations

import codecs
from dataclasses import fields
from itertools import islice
from operator import le
from pathlib import Path
from typing import Any

from . import inventory as inv
from .bulk import offsets_right, texts_right
from .columnar_json import END, GOLD, ID, START, TEXT, TYPE, UNSET, decoded, given, keys_of, strict_json
from .errors import InputError
from .model import Document
from .reading import decode_line, read_raw_lines
from .records import DocRecords, EntityColumns, Offsets
from .span_store import SpanStore
from .token_edges_bulk import LaidOut

FORCE_ITEM_BY_ITEM = False  # set by tests: every file read item by item

_LAYER_FIELDS = frozenset({"sentences", "sections", "entities", "mentions", "clusters", "quotes", "events", "timexes"})
_ENTITY_TYPES = frozenset(inv.ENTITY_TYPES)


class GoldColumns:
    """The sentences and entities of a gold file read as columns (benchmark.span_store), and its texts."""

    def __init__(self) -> None:
        self.entities = SpanStore(inv.ENTITY_TYPES)
        self.sentences = SpanStore()
        self.texts: list[str] = []
        self._laid: LaidOut | None = None

    def add(
        self, text: str, sentence_starts: list[int], sentence_ends: list[int], starts: list[int], ends: list[int], types
    ) -> int:
        """Add one document; its row."""
        self.texts.append(text)
        self.sentences.append(sentence_starts, sentence_ends)
        return self.entities.append(starts, ends, types)

    def laid_out(self) -> LaidOut:
        """Every text on one axis, each followed by one NUL (built once)."""
        if self._laid is None:
            self._laid = LaidOut(self.texts)
        return self._laid


class ColumnarDocument(Document):
    """A gold Document read as columns; its layers are built on first use."""

    def __init__(
        self,
        record_id: str,
        text: str,
        date: str | None,
        corpus: GoldColumns,
        row: int,
        ids: tuple[list[str | None] | None, list[str | None] | None],
        where: tuple[str, int],
    ):
        # Only id, text and date are set here: the dataclass fields of the layers are filled by
        # __getattr__, when first read. ``ids``: the sentences' and entities' own (None: none has one).
        self.id, self.text, self.date = record_id, text, date
        self.corpus, self.row, self._ids, self._where = corpus, row, ids, where

    def __getattr__(self, name: str) -> Any:
        if name not in _LAYER_FIELDS:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        self._build_layers()
        return self.__dict__[name]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Document):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in fields(Document))

    def _build_layers(self) -> None:
        from .jsonl_gold import document_from_json

        doc, problems = document_from_json(self.source_record(), *self._where)
        assert not problems, problems  # read plainly right, so built without a problem
        for name in _LAYER_FIELDS:
            setattr(self, name, getattr(doc, name))

    def _columns(
        self,
    ) -> tuple[list[str | None], list[int], list[int], list[str | None], list[int], list[int], list[str]]:
        """Sentence ids, starts and ends; entity ids, starts, ends and types."""
        sentence_starts, sentence_ends, _ = self.corpus.sentences.columns(self.row)
        starts, ends, types = self.corpus.entities.columns(self.row)
        sentence_ids, entity_ids = self._ids
        return (
            sentence_ids or [None] * len(sentence_starts),
            sentence_starts,
            sentence_ends,
            entity_ids or [None] * len(starts),
            starts,
            ends,
            types,
        )

    def source_record(self) -> dict:
        """The line's record as far as a Document depends on it (item texts are slices)."""
        sentence_ids, sentence_starts, sentence_ends, entity_ids, starts, ends, types = self._columns()
        sentences = [
            {"start": s, "end": e, **({"id": i} if i is not None else {})}
            for i, s, e in zip(sentence_ids, sentence_starts, sentence_ends)
        ]
        entities = [
            {"start": s, "end": e, "type": t, **({"id": i} if i is not None else {})}
            for i, s, e, t in zip(entity_ids, starts, ends, types)
        ]
        return {"id": self.id, "text": self.text, "date": self.date, "sentences": sentences, "entities": entities}

    def span_edges(self) -> tuple[set[int], set[int]]:
        """The starts and the ends of every gold span (benchmark.offsets counts them as edges)."""
        _, sentence_starts, sentence_ends, _, entity_starts, entity_ends, _ = self._columns()
        return set(sentence_starts).union(entity_starts), set(sentence_ends).union(entity_ends)

    def records(self) -> DocRecords:
        """What :func:`benchmark.records.records_from_document` gives for the built Document."""
        return ColumnarRecords(self.id, EntityColumns.stored(self.corpus.entities, self.row), self.text, self)


class ColumnarRecords(DocRecords):
    """The span records of a ColumnarDocument; its sentences and singleton clusters are listed on first use."""

    entities: EntityColumns  # always columns here: the entity scorer reads them as they are

    def __init__(self, record_id: str, entities: EntityColumns, text: str, document: ColumnarDocument):
        self.id, self.entities, self.text = record_id, entities, text
        self.quotes, self.events, self.timexes = [], [], []
        self.corpus, self.row, self._document = document.corpus, document.row, document

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DocRecords):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in fields(DocRecords))

    def __getattr__(self, name: str) -> Any:
        if name in ("sentence_starts", "sentences"):
            sentence_ids, starts, ends, entity_ids, *_ = self._document._columns()
            given = [i for i in (*sentence_ids, *entity_ids) if i is not None]
            self.sentence_starts = list(starts)
            self.sentences = list(zip(fresh_ids(sentence_ids, "S", set(given)), starts, ends))
        elif name in ("clusters", "cluster_names"):
            # Every entity of a clustered type is a cluster of its own (jsonl_gold._add_singleton_clusters).
            entities = self.entities
            spans = [
                (s, e) for s, e, t in zip(entities.starts, entities.ends, entities.types) if t in inv.CLUSTERED_TYPES
            ]
            self.clusters = [[span] for span in spans]
            self.cluster_names: dict[Offsets, str] = {(s, e): self.text[s:e] for s, e in spans}
        else:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return self.__dict__[name]


_FRESH: dict[str, list[str]] = {}


def fresh_ids(given: list[str | None], prefix: str, used: set[str]) -> list[str]:
    """Each item's id: its own, else the next ``prefix``N no item of the record uses, as
    ``jsonl_gold._GoldBuilder.item_id`` numbers them."""
    if not used:  # the common case: P1, P2, ... in order, the same strings for every document
        cached = _FRESH.setdefault(prefix, [])
        cached.extend(f"{prefix}{n}" for n in range(len(cached) + 1, len(given) + 1))
        return cached[: len(given)]
    ids, number = [], 0
    for item_id in given:
        if item_id is None:
            number += 1
            while f"{prefix}{number}" in used:
                number += 1
            item_id = f"{prefix}{number}"
        ids.append(item_id)
    return ids


def _ids(column: list) -> list[str | None] | None:
    """Given ids, None where an item has none; None when none has one."""
    if column.count(UNSET) == len(column):
        return None
    return [None if item_id is UNSET else item_id for item_id in column]


def _plain_document(line: bytes, where: tuple[str, int], corpus: GoldColumns) -> ColumnarDocument | None:
    """The document of one plain gold line (its spans added to ``corpus``), or None (see the module's docstring)."""
    record = decoded(GOLD, line)
    if record is None:
        return None
    text = record.text
    sentences = [] if record.sentences is UNSET else record.sentences
    entities = [] if record.entities is UNSET else record.entities
    sentence_starts, sentence_ends, sentence_texts = (list(map(f, sentences)) for f in (START, END, TEXT))
    starts, ends, texts, types = (list(map(f, entities)) for f in (START, END, TEXT, TYPE))
    sentence_ids, entity_ids = list(map(ID, sentences)), list(map(ID, entities))
    keys = (
        keys_of(record)
        + 2 * len(sentences)
        + given(sentence_texts)
        + given(sentence_ids)
        + 3 * len(entities)
        + given(texts)
        + given(entity_ids)
    )
    strings = tuple(s for s in (record.id, text, record.date, record.language) if type(s) is str)
    if not strict_json(line, strings, keys, sentence_texts, sentence_ids, texts, entity_ids, types):
        return None
    if (
        not offsets_right(text, sentence_starts, sentence_ends)
        or not offsets_right(text, starts, ends)
        or not texts_right(text, sentence_starts, sentence_ends, sentence_texts)
        or not texts_right(text, starts, ends, texts)
        or not _ENTITY_TYPES.issuperset(types)
    ):
        return None
    own_sentence_ids, own_entity_ids = _ids(sentence_ids), _ids(entity_ids)
    if own_sentence_ids or own_entity_ids:
        ids = [i for i in (*(own_sentence_ids or ()), *(own_entity_ids or ())) if i is not None]
        if len(set(ids)) != len(ids):  # an id used twice
            return None
    # Entities flat (none overlapping, in any order) and sentences in order: check_document's rules.
    if not _in_order(starts, ends):
        ordered = sorted(zip(starts, ends))
        if not _in_order([start for start, _ in ordered], [end for _, end in ordered]):
            return None
    if not _in_order(sentence_starts, sentence_ends):
        return None
    date = None if record.date is UNSET else record.date
    row = corpus.add(text, sentence_starts, sentence_ends, starts, ends, types)
    return ColumnarDocument(record.id, text, date, corpus, row, (own_sentence_ids, own_entity_ids), where)


def _in_order(starts: list[int], ends: list[int]) -> bool:
    """Does each span end before the next one starts?"""
    return all(map(le, ends, islice(starts, 1, None)))


def read_plain_gold(path: Path) -> list[Document] | None:
    """The documents of a plain ``--gold`` JSON Lines file, or None when any line is not
    plain (or the file holds none): then read it item by item."""
    if FORCE_ITEM_BY_ITEM:
        return None
    documents: list[Document] = []
    seen: set[str] = set()
    corpus = GoldColumns()
    for number, line in read_raw_lines(path):
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]
        document = _plain_document(line, (str(path), number), corpus)
        if document is None:
            if blank(line, path, number):
                continue
            return None
        if document.id in seen:
            return None
        seen.add(document.id)
        documents.append(document)
    return documents or None


def blank(line: bytes, path: Path, number: int) -> bool:
    """Is the line white space only (which the item-by-item reading skips)? False for a line
    that is not text: that reading says so."""
    if not line.strip():
        return True
    try:
        return not decode_line(line, path, number).strip()
    except InputError:
        return False
