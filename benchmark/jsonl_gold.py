"""Gold from a JSON Lines corpus (``--gold FILE``): each record that carries ``text`` read into a
:class:`~benchmark.model.Document`.

The record is the gold export of :mod:`benchmark.jsonl` (a prediction plus ``text``,
ids, sentences, sections, mentions and named clusters). Spans are checked as a
prediction's are (:class:`~benchmark.jsonl.Collector`); a span that an argument,
a quote's source or addressee points at becomes the entity or mention there, or a
new mention; an item without an id gets the first free one.
"""

from __future__ import annotations

from typing import Any

from . import inventory as inv
from .bulk import plain_spans
from .errors import Problem
from .jsonl import PREDICTION_KEYS, Collector, SpanError
from .model import (
    Argument,
    Cluster,
    Document,
    Entity,
    Event,
    Mention,
    Quote,
    Section,
    Sentence,
    Span,
    Timex,
)
from .records import Offsets
from .schema import document_problems

# A span that a quote or an argument points at, with no entity or mention there, becomes
# a mention: a pronoun (PRO) if its text is one of these, else a nominal (NOM).
PRONOUNS = frozenset(
    "i me my mine we us our ours you your yours he him his she her hers it its they them their "
    "theirs this that these those who whom whose which itself himself herself themselves".split()
)


def _given_ids(record: dict) -> set[str]:
    """Every id the record gives explicitly, so that fresh ids never take one of them."""
    layers = (record.get(key) for key in ("sections", "sentences", *PREDICTION_KEYS.values(), "mentions"))
    return {
        item["id"]
        for layer in layers
        if isinstance(layer, list)
        for item in layer
        if isinstance(item, dict) and isinstance(item.get("id"), str)
    }


def _required(item: dict, key: str) -> Any:
    if item.get(key) is None:
        raise SpanError(f"missing {key!r}")
    return item[key]


class _GoldBuilder:
    """Turns a JSON Lines gold record into a :class:`Document`, resolving spans to ids."""

    def __init__(self, record: dict, file: str, line: int):
        self.text = record["text"]
        self.doc = Document(id=record["id"], text=self.text, date=record.get("date"))
        self.c = Collector(file, line, self.text)
        self.by_span: dict[Offsets, str] = {}
        self.used_ids = _given_ids(record)
        self.counters: dict[str, int] = {}

    def span(self, raw: Any) -> Span:
        start, end = self.c.offsets(raw)
        return Span(start, end, self.text[start:end])

    def text_of(self, span: Span) -> str:
        """The span's text: every span here is built with its slice of the document."""
        return self.text[span.start : span.end]

    def item_id(self, item: dict, prefix: str) -> str:
        """The item's own id, else the first ``prefix``N that no item of the record uses."""
        if item.get("id") is not None:
            return item["id"]
        number = self.counters.get(prefix, 0)
        while True:
            number += 1
            fresh = f"{prefix}{number}"
            if fresh not in self.used_ids:
                self.counters[prefix] = number
                self.used_ids.add(fresh)
                return fresh

    def ref(self, raw: Any) -> str:
        """The id of the entity or mention at this span, made a mention if there is none."""
        span = self.span(raw)
        if span.key not in self.by_span:
            kind = "PRO" if self.text_of(span).lower() in PRONOUNS else "NOM"
            mention = Mention(self.item_id({}, "M"), span, kind)
            self.doc.mentions.append(mention)
            self.by_span[span.key] = mention.id
        return self.by_span[span.key]


def document_from_json(record: dict, file: str, line: int) -> tuple[Document, list[Problem]]:
    """A gold document from a JSON Lines record that carries ``text`` (``--gold FILE``)."""
    b = _GoldBuilder(record, file, line)
    doc = b.doc
    for key, reason in document_problems(record):
        b.c.fail(key, reason, document_level=True)

    def each(layer: str, build) -> None:
        for label, item in b.c.items(record, layer):
            try:
                build(item)
            except SpanError as err:
                b.c.fail(label, str(err))

    each("sections", lambda i: doc.sections.append(Section(b.item_id(i, "P"), i.get("type") or "body", b.span(i))))
    if not _plain_sentences(b, record.get("sentences")):
        each("sentences", lambda i: doc.sentences.append(Sentence(b.item_id(i, "S"), b.span(i))))

    def entity(i: dict) -> None:
        e = Entity(b.item_id(i, "E"), b.span(i), _required(i, "type"))
        doc.entities.append(e)
        b.by_span[e.span.key] = e.id

    def mention(i: dict) -> None:
        m = Mention(b.item_id(i, "M"), b.span(i), i.get("kind") or "NOM")
        doc.mentions.append(m)
        b.by_span[m.span.key] = m.id

    if not _plain_gold_entities(b, record.get("entities")):
        each("entities", entity)
    each("mentions", mention)
    each(
        "timexes",
        lambda i: doc.timexes.append(
            Timex(b.item_id(i, "T"), b.span(i), _required(i, "type"), _required(i, "value"), i.get("mod"))
        ),
    )
    timex_ids = {t.span.key: t.id for t in doc.timexes}
    each("clusters", lambda i: _add_cluster(b, i))
    _add_singleton_clusters(b)
    each(
        "quotes",
        lambda i: doc.quotes.append(
            Quote(
                b.item_id(i, "Q"),
                i.get("kind"),
                b.span(_required(i, "cue")),
                tuple(b.span(s) for s in _required(i, "content")),
                b.ref(i["source"]) if i.get("source") else None,
                b.ref(i["addressee"]) if i.get("addressee") else None,
            )
        ),
    )

    def argument(a: dict) -> Argument:
        if _required(a, "role") == "time":
            return Argument("time", timex_ids.get(b.span(a).key) or b.ref(a))
        return Argument(a["role"], b.ref(a))

    each(
        "events",
        lambda i: doc.events.append(
            Event(
                b.item_id(i, "V"),
                b.span(_required(i, "trigger")),
                _required(i, "code"),
                tuple(argument(a) for a in i.get("arguments") or []),
                i.get("realis"),
                i.get("polarity"),
            )
        ),
    )
    return doc, b.c.problems


_PLAIN_SENTENCE_KEYS = frozenset({"id", "start", "end", "text"})
_PLAIN_GOLD_ENTITY_KEYS = frozenset({"id", "start", "end", "text", "type"})


def _plain_ids(columns) -> list[Any] | None:
    """The items' ids when each is a string or absent (as the schema asks), else None."""
    ids = columns.values("id")
    return ids if set(map(type, ids)) <= {str, type(None)} else None


def _plain_sentences(b: _GoldBuilder, raw: Any) -> bool:
    """Read the sentence layer at once if it is plainly right (see bulk.py); False if not read."""
    columns = plain_spans(raw, b.text, _PLAIN_SENTENCE_KEYS)
    if columns is None or _plain_ids(columns) is None:
        return False
    ids = [b.item_id(item, "S") for item in columns.items]
    b.doc.sentences.extend(map(Sentence, ids, map(Span, columns.starts, columns.ends, columns.texts)))
    return True


def _plain_gold_entities(b: _GoldBuilder, raw: Any) -> bool:
    """Read the entity layer at once if it is plainly right (see bulk.py); False if not read."""
    columns = plain_spans(raw, b.text, _PLAIN_GOLD_ENTITY_KEYS)
    if columns is None or _plain_ids(columns) is None:
        return False
    types = columns.values("type")
    if not set(map(type, types)) <= {str}:
        return False
    ids = [b.item_id(item, "E") for item in columns.items]
    b.doc.entities.extend(map(Entity, ids, map(Span, columns.starts, columns.ends, columns.texts), types))
    b.by_span.update(zip(zip(columns.starts, columns.ends), ids))
    return True


def _add_cluster(b: _GoldBuilder, item: Any) -> None:
    members = item.get("mentions") if isinstance(item, dict) else item
    if not members:
        raise SpanError("a cluster needs at least one member span")
    refs = tuple(dict.fromkeys(b.ref(m) for m in members))
    entities = {e.id: e for e in b.doc.entities}
    first = next((entities[r] for r in refs if r in entities), None)
    info = item if isinstance(item, dict) else {}
    b.doc.clusters.append(
        Cluster(
            b.item_id(info, "C"),
            info.get("name") or b.text_of(first.span if first else b.doc.referents()[refs[0]]),
            info.get("type") or (first.type if first else "ORG"),
            refs,
        )
    )


def _add_singleton_clusters(b: _GoldBuilder) -> None:
    """A clustered-type entity no cluster names is a singleton, as in the YAML gold."""
    clustered = {m for c in b.doc.clusters for m in c.members}
    alone = [e for e in b.doc.entities if e.type in inv.CLUSTERED_TYPES and e.id not in clustered]
    b.doc.clusters.extend(Cluster(b.item_id({}, "C"), b.text_of(e.span), e.type, (e.id,)) for e in alone)
