"""The JSON Lines format (DESIGN section 4): gold export, gold import, predictions.

The export of a gold document is the prediction format plus ``text``,
``date``, item ids, ``sentences``, ``sections``, ``mentions`` and named
clusters; so it is both a valid prediction (scoring 1.0) and the format of
``--gold FILE``.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any, Iterable, Iterator

from . import inventory as inv
from .bulk import plain_spans
from .errors import InputError, Problem
from .jsonparse import loads
from .model import (
    Argument, Cluster, Document, Entity, Event, Mention, Quote, Section, Sentence, Span, Timex,
)
from .records import (
    ArgumentRecord, DocRecords, EntityRecord, EventRecord, Offsets, QuoteRecord, TimexRecord,
)

PRONOUNS = frozenset(
    "i me my mine we us our ours you your yours he him his she her hers it its they them their "
    "theirs this that these those who whom whose which itself himself herself themselves".split()
)


# ---------------------------------------------------------------- export


def document_to_json(doc: Document) -> dict:
    """A gold document as one JSON Lines record (a valid prediction too)."""
    spans = doc.referents()
    names = {m: c.name for c in doc.clusters for m in c.members}

    def ref_span(ref: str) -> dict:
        return spans[ref].as_dict()

    return {
        "id": doc.id, "text": doc.text, "date": doc.date,
        "sections": [{"id": s.id, "type": s.type, **s.span.as_dict()} for s in doc.sections],
        "sentences": [{"id": s.id, **s.span.as_dict()} for s in doc.sentences],
        "entities": [{"id": e.id, **e.span.as_dict(), "type": e.type} for e in doc.entities],
        "mentions": [{"id": m.id, **m.span.as_dict(), "kind": m.kind} for m in doc.mentions],
        "clusters": [{"id": c.id, "name": c.name, "type": c.type,
                      "mentions": [ref_span(m) for m in c.members]} for c in doc.clusters],
        "quotes": [{"id": q.id, "kind": q.kind, "cue": q.cue.as_dict(),
                    "content": [s.as_dict() for s in q.content],
                    **({"source": ref_span(q.source), "source_name": names.get(q.source, spans[q.source].text)}
                       if q.source else {}),
                    **({"addressee": ref_span(q.addressee)} if q.addressee else {})}
                   for q in doc.quotes],
        "events": [{"id": e.id, "trigger": e.trigger.as_dict(), "code": e.code,
                    "arguments": [{"role": a.role, **ref_span(a.ref)} for a in e.arguments],
                    "realis": e.realis, "polarity": e.polarity} for e in doc.events],
        "timexes": [{"id": t.id, **t.span.as_dict(), "type": t.type, "value": t.value,
                     **({"mod": t.mod} if t.mod else {})} for t in doc.timexes],
    }


def write_jsonl(records: list[dict], path: Path) -> None:
    from .results import atomic_write_text

    atomic_write_text(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))


def read_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, parsed object) for every non-blank line; bad JSON is an InputError."""
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot be read: {err.strerror or err}") from None
    # bytes.splitlines breaks lines where text-mode reading does: \n, \r\n, \r.
    lines = data[len(codecs.BOM_UTF8):].splitlines() if data.startswith(codecs.BOM_UTF8) else data.splitlines()
    del data  # the lines alone, not the file twice, stay in memory while they are read
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            value = loads(line)
        except UnicodeDecodeError as err:
            raise InputError(f"{path}:{number}: is not UTF-8 text ({err.reason})") from None
        except json.JSONDecodeError as err:
            if not line.decode("utf-8").strip():  # white space beyond ASCII only: a blank line
                continue
            raise InputError(f"{path}:{number}: not valid JSON: {err.msg} at column {err.colno}. "
                             "Each line must be one JSON object, for one document.") from None
        yield number, value


# The key of each layer in a prediction.
PREDICTION_KEYS = {"entities": "entities", "coref": "clusters", "quotes": "quotes",
                   "events": "events", "timexes": "timexes"}


def layers_present(predictions: Iterable[dict]) -> tuple[str, ...]:
    """The layers that some prediction has a key for (an empty list counts)."""
    predictions = list(predictions)
    return tuple(layer for layer, key in PREDICTION_KEYS.items() if any(key in p for p in predictions))


# ---------------------------------------------------------------- span checks

class SpanError(Exception):
    pass


def _offset_units_hint(text: str, start: int, end: int, claimed: str | None) -> str:
    """Say so when offsets fit UTF-8 bytes or UTF-16 code units rather than code points."""
    encodings = (("UTF-8 byte", "utf-8", 1), ("UTF-16 code unit", "utf-16-le", 2))
    for label, codec, width in encodings:
        raw = text.encode(codec)
        if end * width > len(raw):
            continue
        piece = raw[start * width:end * width].decode(codec, errors="replace")
        if claimed is not None and piece == claimed:
            return f"; these offsets fit {label}s, but offsets must count Unicode code points"
    if claimed is None and end > len(text) and end <= len(text.encode("utf-8")):
        return "; the end lies past the text but within its UTF-8 bytes: are these byte offsets?"
    return ""


def checked_offsets(raw: Any, text: str) -> Offsets:
    """(start, end) of a predicted span, or :class:`SpanError` saying what is wrong."""
    if not isinstance(raw, dict):
        raise SpanError(f"a span must be an object with start and end, got {raw!r}")
    start, end, claimed = raw.get("start"), raw.get("end"), raw.get("text")
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise SpanError(f"'{name}' must be an integer, got {value!r}")
    if claimed is not None and not isinstance(claimed, str):
        raise SpanError(f"'text' must be a string, got {claimed!r}")
    if start < 0 or start >= end:
        raise SpanError(f"offsets [{start}, {end}): start must be >= 0 and before end")
    if end > len(text):
        hint = _offset_units_hint(text, start, end, claimed)
        raise SpanError(f"offsets [{start}, {end}) run past the end of the text ({len(text)} code points){hint}")
    if claimed is not None and text[start:end] != claimed:
        hint = _offset_units_hint(text, start, end, claimed)
        raise SpanError(f"text {claimed!r} does not equal the document slice [{start}, {end}) "
                        f"{text[start:end]!r}{hint}")
    return (start, end)


# ---------------------------------------------------------------- predictions

class _Collector:
    """Collects the problems of one prediction record, item by item."""

    def __init__(self, file: str, line: int, text: str):
        self.where = f"{file}:{line}"
        self.text = text
        self.problems: list[Problem] = []

    def fail(self, item: str, reason: str) -> None:
        self.problems.append(Problem(self.where, item, reason))

    def offsets(self, raw: Any) -> Offsets:
        return checked_offsets(raw, self.text)

    def label(self, value: Any, allowed, what: str, optional: bool = False) -> Any:
        if value is None and optional:
            return None
        if value not in allowed:
            raise SpanError(f"unknown {what} {value!r}")
        return value

    def items(self, record: dict, layer: str) -> Iterator[tuple[str, Any]]:
        raw = record.get(layer) or []
        if not isinstance(raw, list):
            self.fail(layer, "must be a list")
            return
        for index, item in enumerate(raw):
            yield f"{layer}[{index}]", item


def _entity(c: _Collector, item: Any) -> EntityRecord:
    start, end = c.offsets(item)
    return EntityRecord(start, end, c.label(item.get("type"), inv.ENTITY_TYPES, "entity type"))


def _cluster(c: _Collector, item: Any) -> list[Offsets]:
    members = item.get("mentions") if isinstance(item, dict) else item
    if not isinstance(members, list):
        raise SpanError("a cluster must be a list of spans or an object with 'mentions'")
    return sorted(set(c.offsets(m) for m in members))


def _quote(c: _Collector, item: Any) -> QuoteRecord:
    if not isinstance(item, dict):
        raise SpanError("a quote must be an object")
    content = item.get("content")
    if not isinstance(content, list) or not content:
        raise SpanError("'content' must be a non-empty list of spans")
    optional = {key: c.offsets(item[key]) if item.get(key) is not None else None
                for key in ("cue", "source", "addressee")}
    name = item.get("source_name")
    if name is not None and not isinstance(name, str):
        raise SpanError(f"'source_name' must be a string, got {name!r}")
    return QuoteRecord(kind=c.label(item.get("kind"), inv.QUOTE_KINDS, "quote kind", optional=True),
                       content=tuple(c.offsets(s) for s in content), source_name=name, **optional)


def _argument(c: _Collector, raw: Any) -> ArgumentRecord:
    start, end = c.offsets(raw)
    return ArgumentRecord(c.label(raw.get("role"), inv.ARGUMENT_ROLES, "argument role"), start, end)


def _event(c: _Collector, item: Any) -> EventRecord:
    if not isinstance(item, dict):
        raise SpanError("an event must be an object")
    code = item.get("code")
    if not isinstance(code, str) or code not in inv.cameo_codes():
        raise SpanError(f"unknown CAMEO code {code!r} (codes are strings such as \"046\")")
    arguments = item.get("arguments") or []
    if not isinstance(arguments, list):
        raise SpanError("'arguments' must be a list")
    return EventRecord(trigger=c.offsets(item.get("trigger")), code=code,
                       arguments=tuple(_argument(c, a) for a in arguments),
                       realis=c.label(item.get("realis"), inv.REALIS, "realis", optional=True),
                       polarity=c.label(item.get("polarity"), inv.POLARITY, "polarity", optional=True))


def _timex(c: _Collector, item: Any) -> TimexRecord:
    start, end = c.offsets(item)
    value = item.get("value")
    return TimexRecord(start, end, c.label(item.get("type"), inv.TIMEX_TYPES, "TIMEX3 type", optional=True),
                       None if value is None else str(value),
                       c.label(item.get("mod"), inv.TIMEX_MODS, "TIMEX3 mod", optional=True))


_PREDICTION_LAYERS = {
    "entities": _entity, "clusters": _cluster, "quotes": _quote, "events": _event, "timexes": _timex,
}
_PLAIN_ENTITY_KEYS = frozenset({"start", "end", "type", "text"})
_ENTITY_TYPES = frozenset(inv.ENTITY_TYPES)


def _plain_entities(raw: Any, text: str) -> list[EntityRecord] | None:
    """The entity layer read at once when it is plainly right (see bulk.py), else None."""
    columns = plain_spans(raw, text, _PLAIN_ENTITY_KEYS)
    if columns is None:
        return None
    types = columns.values("type")
    if not _ENTITY_TYPES.issuperset(types):
        return None
    return list(map(EntityRecord, columns.starts, columns.ends, types))


def parse_prediction(record: dict, text: str, file: str, line: int) -> tuple[DocRecords, list[Problem]]:
    """Span records of one prediction line; items with problems are left out and reported."""
    collector = _Collector(file, line, text)
    parsed = DocRecords(id=record["id"])
    for layer, parse in _PREDICTION_LAYERS.items():
        target = getattr(parsed, layer)
        if layer == "entities" and (plain := _plain_entities(record.get(layer), text)) is not None:
            target.extend(plain)
            continue
        for label, item in collector.items(record, layer):
            try:
                target.append(parse(collector, item))
            except (SpanError, AttributeError) as err:
                reason = str(err) if isinstance(err, SpanError) else f"malformed item {item!r}"
                collector.fail(label, reason)
    return parsed, collector.problems


# ---------------------------------------------------------------- gold import

class _GoldBuilder:
    """Turns a JSON Lines gold record into a :class:`Document`, resolving spans to ids."""

    def __init__(self, record: dict, file: str, line: int):
        self.text = record.get("text")
        self.doc = Document(id=record["id"], text=self.text, date=record.get("date"))
        self.c = _Collector(file, line, self.text)
        self.by_span: dict[Offsets, str] = {}

    def span(self, raw: dict) -> Span:
        start, end = self.c.offsets(raw)
        return Span(start, end, self.text[start:end])

    def next_id(self, prefix: str, layer: list) -> str:
        return f"{prefix}{len(layer) + 1}"

    def ref(self, raw: dict) -> str:
        """The id of the entity or mention at this span, made a mention if there is none."""
        span = self.span(raw)
        if span.key not in self.by_span:
            kind = "PRO" if span.text.lower() in PRONOUNS else "NOM"
            mention = Mention(self.next_id("M", self.doc.mentions), span, kind)
            self.doc.mentions.append(mention)
            self.by_span[span.key] = mention.id
        return self.by_span[span.key]


def document_from_json(record: dict, file: str, line: int) -> tuple[Document, list[Problem]]:
    """A gold document from a JSON Lines record that carries ``text`` (``--gold FILE``)."""
    b = _GoldBuilder(record, file, line)
    doc = b.doc

    def each(layer: str, build) -> None:
        for label, item in b.c.items(record, layer):
            try:
                build(item)
            except (SpanError, AttributeError, KeyError, TypeError) as err:
                b.c.fail(label, str(err) if isinstance(err, SpanError) else f"malformed item {item!r}")

    each("sections", lambda i: doc.sections.append(
        Section(i.get("id") or f"P{len(doc.sections) + 1}", i.get("type", "body"), b.span(i))))
    if not _plain_sentences(b, record.get("sentences")):
        each("sentences", lambda i: doc.sentences.append(
            Sentence(i.get("id") or f"S{len(doc.sentences) + 1}", b.span(i))))

    def entity(i: dict) -> None:
        e = Entity(i.get("id") or b.next_id("E", doc.entities), b.span(i), i["type"])
        doc.entities.append(e)
        b.by_span[e.span.key] = e.id

    def mention(i: dict) -> None:
        m = Mention(i.get("id") or b.next_id("M", doc.mentions), b.span(i), i.get("kind", "NOM"))
        doc.mentions.append(m)
        b.by_span[m.span.key] = m.id

    if not _plain_gold_entities(b, record.get("entities")):
        each("entities", entity)
    each("mentions", mention)
    each("timexes", lambda i: doc.timexes.append(Timex(
        i.get("id") or b.next_id("T", doc.timexes), b.span(i), i.get("type"), str(i.get("value")), i.get("mod"))))
    timex_ids = {t.span.key: t.id for t in doc.timexes}
    each("clusters", lambda i: _add_cluster(b, i))
    _add_singleton_clusters(doc)
    each("quotes", lambda i: doc.quotes.append(Quote(
        i.get("id") or b.next_id("Q", doc.quotes), i.get("kind"), b.span(i["cue"]),
        tuple(b.span(s) for s in i["content"]), b.ref(i["source"]) if i.get("source") else None,
        b.ref(i["addressee"]) if i.get("addressee") else None)))

    def argument(a: dict) -> Argument:
        if a["role"] == "time":
            return Argument("time", timex_ids.get(b.span(a).key) or b.ref(a))
        return Argument(a["role"], b.ref(a))

    each("events", lambda i: doc.events.append(Event(
        i.get("id") or b.next_id("V", doc.events), b.span(i["trigger"]), i["code"],
        tuple(argument(a) for a in i.get("arguments") or []), i.get("realis"), i.get("polarity"))))
    return doc, b.c.problems


_PLAIN_SENTENCE_KEYS = frozenset({"id", "start", "end", "text"})
_PLAIN_GOLD_ENTITY_KEYS = frozenset({"id", "start", "end", "text", "type"})


def _plain_sentences(b: _GoldBuilder, raw: Any) -> bool:
    """Read the sentence layer at once if it is plainly right (see bulk.py); False if not read."""
    columns = plain_spans(raw, b.text, _PLAIN_SENTENCE_KEYS)
    if columns is None:
        return False
    ids = [given or f"S{k}" for k, given in enumerate(columns.values("id"), 1)]
    b.doc.sentences.extend(map(Sentence, ids, map(Span, columns.starts, columns.ends, columns.texts)))
    return True


def _plain_gold_entities(b: _GoldBuilder, raw: Any) -> bool:
    """Read the entity layer at once if it is plainly right (see bulk.py); False if not read."""
    columns = plain_spans(raw, b.text, _PLAIN_GOLD_ENTITY_KEYS)
    types = columns.values("type") if columns is not None else [None]
    if None in types:
        return False
    ids = [given or f"E{k}" for k, given in enumerate(columns.values("id"), 1)]
    b.doc.entities.extend(map(Entity, ids, map(Span, columns.starts, columns.ends, columns.texts), types))
    b.by_span.update(zip(zip(columns.starts, columns.ends), ids))
    return True


def _add_cluster(b: _GoldBuilder, item: Any) -> None:
    members = item.get("mentions") if isinstance(item, dict) else item
    refs = tuple(dict.fromkeys(b.ref(m) for m in members))
    entities = {e.id: e for e in b.doc.entities}
    first = next((entities[r] for r in refs if r in entities), None)
    info = item if isinstance(item, dict) else {}
    b.doc.clusters.append(Cluster(
        info.get("id") or b.next_id("C", b.doc.clusters),
        info.get("name") or (first.span.text if first else b.doc.referents()[refs[0]].text),
        info.get("type") or (first.type if first else "ORG"), refs))


def _add_singleton_clusters(doc: Document) -> None:
    """A clustered-type entity no cluster names is a singleton, as in the YAML gold."""
    clustered = {m for c in doc.clusters for m in c.members}
    alone = [e for e in doc.entities if e.type in inv.CLUSTERED_TYPES and e.id not in clustered]
    doc.clusters.extend(Cluster(f"C{number}", e.span.text, e.type, (e.id,))
                        for number, e in enumerate(alone, len(doc.clusters) + 1))
