"""Typed data model for a document and its gold layers (DESIGN section 3).

Offsets are Unicode code points, half-open ``[start, end)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LAYERS = ("entities", "coref", "quotes", "events", "timexes")


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    text: str | None = field(default=None, compare=False)

    @property
    def key(self) -> tuple[int, int]:
        return (self.start, self.end)

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Sentence:
    id: str
    span: Span


@dataclass(frozen=True)
class Section:
    id: str
    type: str  # title | body | heading | boilerplate
    span: Span


@dataclass(frozen=True)
class Entity:
    id: str
    span: Span
    type: str


@dataclass(frozen=True)
class Mention:
    id: str
    span: Span
    kind: str  # NOM | PRO (named mentions are entities)


@dataclass(frozen=True)
class Cluster:
    id: str
    name: str
    type: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Quote:
    id: str
    kind: str  # direct | indirect | mixed
    cue: Span
    content: tuple[Span, ...]
    source: str | None
    addressee: str | None = None


@dataclass(frozen=True)
class Argument:
    role: str  # source | target | time | place
    ref: str


@dataclass(frozen=True)
class Event:
    id: str
    trigger: Span
    code: str
    arguments: tuple[Argument, ...]
    realis: str
    polarity: str


@dataclass(frozen=True)
class Timex:
    id: str
    span: Span
    type: str
    value: str
    mod: str | None = None


@dataclass
class Document:
    id: str
    text: str
    date: str | None = None
    sentences: list[Sentence] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    timexes: list[Timex] = field(default_factory=list)

    def referents(self) -> dict[str, Span]:
        """Spans of every item a quote or event may point at, by id."""
        spans: dict[str, Span] = {e.id: e.span for e in self.entities}
        spans.update((m.id, m.span) for m in self.mentions)
        spans.update((t.id, t.span) for t in self.timexes)
        return spans
