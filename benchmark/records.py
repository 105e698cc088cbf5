"""The span-level view that metrics score: predictions and gold in one shape.

A prediction (DESIGN section 4) names spans by offsets, not ids. The gold is
turned into the same shape, enriched with what coreference-aware scoring
needs: every span of the cluster a quote's speaker or an event argument
belongs to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, overload

from .model import Document, Span

if TYPE_CHECKING:
    from .span_store import SpanStore

Offsets = tuple[int, int]
EntityLists = tuple[list[int], list[int], list[str]]  # entities as columns: starts, ends, types


@dataclass(frozen=True)
class EntityRecord:
    start: int
    end: int
    type: str


class EntityColumns(Sequence[EntityRecord]):
    """Entity records kept as three columns, as large files are read (benchmark.columnar_*).

    A sequence of :class:`EntityRecord` equal to the list of the same records;
    a record is made only when one is asked for, and the entity scorer reads
    the columns as they are. Columns read into a :class:`~benchmark.span_store.SpanStore`
    (:meth:`stored`) are made lists only when first asked for.
    """

    __slots__ = ("_starts", "_ends", "_types", "store", "row")
    _starts: list[int] | None  # None: not yet made from the store
    _ends: list[int] | None
    _types: list[str] | None
    store: SpanStore | None
    row: int

    def __init__(self, starts: list[int], ends: list[int], types: list[str]):
        self._starts, self._ends, self._types = starts, ends, types
        self.store, self.row = None, -1

    @classmethod
    def stored(cls, store: SpanStore, row: int) -> EntityColumns:
        """Document ``row`` of ``store``."""
        columns = cls.__new__(cls)
        columns._starts = columns._ends = columns._types = None
        columns.store, columns.row = store, row
        return columns

    def _columns(self) -> EntityLists:
        if self._starts is None or self._ends is None or self._types is None:
            assert self.store is not None, "columns without lists come from a store"
            self._starts, self._ends, self._types = self.store.columns(self.row)
        return self._starts, self._ends, self._types

    @property
    def starts(self) -> list[int]:
        return self._columns()[0]

    @property
    def ends(self) -> list[int]:
        return self._columns()[1]

    @property
    def types(self) -> list[str]:
        return self._columns()[2]

    def __len__(self) -> int:
        if self._starts is None:
            return len(self._columns()[0]) if self.store is None else self.store.count(self.row)
        return len(self._starts)

    @overload
    def __getitem__(self, index: int) -> EntityRecord: ...

    @overload
    def __getitem__(self, index: slice) -> list[EntityRecord]: ...

    def __getitem__(self, index):
        starts, ends, types = self._columns()
        if isinstance(index, slice):
            return list(map(EntityRecord, starts[index], ends[index], types[index]))
        return EntityRecord(starts[index], ends[index], types[index])

    def __iter__(self):
        return map(EntityRecord, *self._columns())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, EntityColumns):
            return self._columns() == other._columns()
        if isinstance(other, (list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, as the list it stands for

    def __repr__(self) -> str:
        return repr(list(self))


@dataclass(frozen=True)
class QuoteRecord:
    kind: str | None
    cue: Offsets | None
    content: tuple[Offsets, ...]
    source: Offsets | None = None
    source_name: str | None = None
    addressee: Offsets | None = None
    # Gold only: every span of the speaker's cluster (the source span itself when unclustered).
    source_cluster: frozenset[Offsets] = frozenset()


@dataclass(frozen=True)
class ArgumentRecord:
    role: str
    start: int
    end: int
    # Gold only: every span of the argument's cluster (the span itself when unclustered).
    cluster: frozenset[Offsets] = frozenset()

    @property
    def offsets(self) -> Offsets:
        return (self.start, self.end)


@dataclass(frozen=True)
class EventRecord:
    trigger: Offsets
    code: str
    arguments: tuple[ArgumentRecord, ...] = ()
    realis: str | None = None
    polarity: str | None = None


@dataclass(frozen=True)
class TimexRecord:
    start: int
    end: int
    type: str | None
    value: str | None
    mod: str | None = None


@dataclass
class DocRecords:
    """One document's annotations as spans; the unit metrics consume."""

    id: str
    entities: Sequence[EntityRecord] = field(default_factory=list)  # a list, or EntityColumns for large files
    clusters: list[list[Offsets]] = field(default_factory=list)
    quotes: list[QuoteRecord] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    timexes: list[TimexRecord] = field(default_factory=list)
    # Gold only: the document text (quote overlap is counted in tokens).
    text: str = ""
    # Gold only: start offsets of the sentences, the bootstrap units.
    sentence_starts: list[int] = field(default_factory=list)
    # Gold only: (id, start, end) of each sentence, for the context of an error record.
    sentences: list[tuple[str, int, int]] = field(default_factory=list)
    # Gold only: cluster name by each of its spans, for scoring ``source_name``.
    cluster_names: dict[Offsets, str] = field(default_factory=dict)


def _offsets(span: Span) -> Offsets:
    return (span.start, span.end)


def records_from_document(doc: Document) -> DocRecords:
    """The gold of ``doc`` as span records, with cluster spans attached."""
    from .columnar_gold import ColumnarDocument

    if isinstance(doc, ColumnarDocument):
        return doc.records()
    spans = doc.referents()
    cluster_spans: dict[str, frozenset[Offsets]] = {}
    cluster_names: dict[Offsets, str] = {}
    clusters = []
    for cluster in doc.clusters:
        members = sorted([_offsets(spans[m]) for m in cluster.members])
        clusters.append(members)
        frozen = frozenset(members)
        for member in cluster.members:
            cluster_spans[member] = frozen
        for offsets in members:
            cluster_names[offsets] = cluster.name

    def cluster_of(ref: str | None) -> frozenset[Offsets]:
        if ref is None:
            return frozenset()
        return cluster_spans.get(ref, frozenset({_offsets(spans[ref])}))

    def offsets_of(ref: str | None) -> Offsets | None:
        return None if ref is None else _offsets(spans[ref])

    quotes = [
        QuoteRecord(
            kind=q.kind,
            cue=_offsets(q.cue),
            content=tuple(_offsets(s) for s in q.content),
            source=offsets_of(q.source),
            source_name=cluster_names.get(_offsets(spans[q.source])) if q.source else None,
            addressee=offsets_of(q.addressee),
            source_cluster=cluster_of(q.source),
        )
        for q in doc.quotes
    ]
    events = [
        EventRecord(
            trigger=_offsets(e.trigger),
            code=e.code,
            arguments=tuple(
                ArgumentRecord(a.role, *_offsets(spans[a.ref]), cluster=cluster_of(a.ref)) for a in e.arguments
            ),
            realis=e.realis,
            polarity=e.polarity,
        )
        for e in doc.events
    ]
    return DocRecords(
        id=doc.id,
        entities=[EntityRecord(e.span.start, e.span.end, e.type) for e in doc.entities],
        clusters=clusters,
        quotes=quotes,
        events=events,
        timexes=[TimexRecord(t.span.start, t.span.end, t.type, t.value, t.mod) for t in doc.timexes],
        text=doc.text,
        sentence_starts=[s.span.start for s in doc.sentences],
        sentences=[(s.id, s.span.start, s.span.end) for s in doc.sentences],
        cluster_names=cluster_names,
    )
