"""The JSON Lines format (DESIGN section 4): gold export, reading lines, predictions.

The export of a gold document is the prediction format plus ``text``,
``date``, item ids, ``sentences``, ``sections``, ``mentions`` and named
clusters; so it is both a valid prediction (scoring 1.0) and the format of
``--gold FILE``, which :mod:`benchmark.jsonl_gold` reads back into documents.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from . import inventory as inv
from .align import anchor_problem, is_text_anchored
from .bulk import plain_spans
from .errors import Problem
from .model import Document
from .records import (
    ArgumentRecord,
    DocRecords,
    EntityRecord,
    EventRecord,
    Offsets,
    QuoteRecord,
    TimexRecord,
)
from .schema import LAYER_KEYS, document_problems, item_problems, layer_shape

# ---------------------------------------------------------------- export


def document_to_json(doc: Document) -> dict:
    """A gold document as one JSON Lines record (a valid prediction too)."""
    spans = doc.referents()
    names = {m: c.name for c in doc.clusters for m in c.members}

    def ref_span(ref: str) -> dict:
        return spans[ref].as_dict()

    return {
        "id": doc.id,
        "text": doc.text,
        "date": doc.date,
        "sections": [{"id": s.id, "type": s.type, **s.span.as_dict()} for s in doc.sections],
        "sentences": [{"id": s.id, **s.span.as_dict()} for s in doc.sentences],
        "entities": [{"id": e.id, **e.span.as_dict(), "type": e.type} for e in doc.entities],
        "mentions": [{"id": m.id, **m.span.as_dict(), "kind": m.kind} for m in doc.mentions],
        "clusters": [
            {"id": c.id, "name": c.name, "type": c.type, "mentions": [ref_span(m) for m in c.members]}
            for c in doc.clusters
        ],
        "quotes": [
            {
                "id": q.id,
                "kind": q.kind,
                "cue": q.cue.as_dict(),
                "content": [s.as_dict() for s in q.content],
                **(
                    {"source": ref_span(q.source), "source_name": names.get(q.source, spans[q.source].text)}
                    if q.source
                    else {}
                ),
                **({"addressee": ref_span(q.addressee)} if q.addressee else {}),
            }
            for q in doc.quotes
        ],
        "events": [
            {
                "id": e.id,
                "trigger": e.trigger.as_dict(),
                "code": e.code,
                "arguments": [{"role": a.role, **ref_span(a.ref)} for a in e.arguments],
                "realis": e.realis,
                "polarity": e.polarity,
            }
            for e in doc.events
        ],
        "timexes": [
            {"id": t.id, **t.span.as_dict(), "type": t.type, "value": t.value, **({"mod": t.mod} if t.mod else {})}
            for t in doc.timexes
        ],
    }


def write_jsonl(records: list[dict], path: Path) -> None:
    from .results import atomic_write_text

    atomic_write_text(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))


def read_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, parsed object) for every non-blank line; bad or hostile JSON is an
    InputError naming the line (see :mod:`benchmark.reading` for the bounds)."""
    from .reading import parse_json, read_lines

    for number, line in read_lines(path):
        if line.strip():
            yield number, parse_json(line, f"{path}:{number}")


# The key of each layer in a prediction.
PREDICTION_KEYS = LAYER_KEYS


def layers_present(predictions: Iterable[dict]) -> tuple[str, ...]:
    """The layers that some prediction has a key for (an empty list counts); tagged
    sentences (benchmark.formats.tags) stand for entities."""
    predictions = list(predictions)
    return tuple(
        layer
        for layer, key in PREDICTION_KEYS.items()
        if any(key in p or (layer == "entities" and has_tagged_sentences(p)) for p in predictions)
    )


def has_tagged_sentences(prediction: dict) -> bool:
    sentences = prediction.get("sentences")
    return isinstance(sentences, list) and any(isinstance(s, dict) and "ner_tags" in s for s in sentences)


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
        piece = raw[start * width : end * width].decode(codec, errors="replace")
        if claimed is not None and piece == claimed:
            return f"; these offsets fit {label}s, but offsets must count Unicode code points"
    if claimed is None and end > len(text) and end <= len(text.encode("utf-8")):
        return "; the end lies past the text but within its UTF-8 bytes: are these byte offsets?"
    return ""


def _integer(raw: dict, name: str) -> int:
    value = raw.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise SpanError(f"'{name}' must be an integer, got {value!r}")
    return value


def checked_offsets(raw: Any, text: str) -> Offsets:
    """(start, end) of a predicted span, or :class:`SpanError` saying what is wrong."""
    if not isinstance(raw, dict):
        raise SpanError(f"a span must be an object with start and end, got {raw!r}")
    start, end, claimed = _integer(raw, "start"), _integer(raw, "end"), raw.get("text")
    if claimed is not None and not isinstance(claimed, str):
        raise SpanError(f"'text' must be a string, got {claimed!r}")
    if start < 0 or start >= end:
        raise SpanError(f"offsets [{start}, {end}): start must be >= 0 and before end")
    if end > len(text):
        hint = _offset_units_hint(text, start, end, claimed)
        raise SpanError(f"offsets [{start}, {end}) run past the end of the text ({len(text)} code points){hint}")
    if claimed is not None and text[start:end] != claimed:
        hint = _offset_units_hint(text, start, end, claimed)
        raise SpanError(
            f"text {claimed!r} does not equal the document slice [{start}, {end}) {text[start:end]!r}{hint}"
        )
    return (start, end)


# ---------------------------------------------------------------- predictions


class Collector:
    """Collects the problems of one record, item by item (a prediction, or a gold record in jsonl_gold)."""

    def __init__(
        self,
        file: str,
        line: int,
        text: str,
        entity_types: Iterable[str] = inv.ENTITY_TYPES,
        unaligned: dict[int, Offsets] | None = None,
    ):
        self.where = f"{file}:{line}"
        self.text = text
        self.entity_types = frozenset(entity_types)
        self.unaligned = unaligned or {}
        self.problems: list[Problem] = []

    def fail(self, item: str, reason: str, document_level: bool = False) -> None:
        self.problems.append(Problem(self.where, item, reason, document_level))

    def offsets(self, raw: Any) -> Offsets:
        """A span's offsets: as given, or as aligned from its text (benchmark.align)."""
        if id(raw) in self.unaligned:
            return self.unaligned[id(raw)]
        if is_text_anchored(raw):
            raise SpanError(
                anchor_problem(raw)
                or "a span needs start and end here (only a prediction's spans may be given by their text alone)"
            )
        if isinstance(raw, dict) and "occurrence" in raw:
            raise SpanError(
                "'occurrence' picks among the occurrences of a span given by its text alone; "
                "a span with start and end takes none"
            )
        return checked_offsets(raw, self.text)

    def label(self, value: Any, allowed, what: str, optional: bool = False) -> Any:
        if value is None and optional:
            return None
        if value not in allowed:
            raise SpanError(f"unknown {what} {value!r}")
        return value

    def items(self, record: dict, layer: str) -> Iterator[tuple[str, Any]]:
        """The items of a layer whose keys and value types are right; the others are reported."""
        raw = record.get(layer)
        if not isinstance(raw, list):
            return  # absent, or reported by document_problems
        shape = layer_shape(layer)
        for index, item in enumerate(raw):
            label = f"{layer}[{index}]"
            problems = list(item_problems(item, shape, label))
            for where, reason in problems:
                self.fail(where, reason)
            if not problems:
                yield label, item


def _entity(c: Collector, item: dict) -> EntityRecord:
    start, end = c.offsets(item)
    return EntityRecord(start, end, c.label(item.get("type"), c.entity_types, "entity type"))


def _cluster(c: Collector, item: Any) -> list[Offsets]:
    members = item.get("mentions") if isinstance(item, dict) else item
    if not isinstance(members, list) or not members:
        raise SpanError("a cluster must be a non-empty list of spans or an object with 'mentions'")
    return sorted(set(c.offsets(m) for m in members))


def _quote(c: Collector, item: dict) -> QuoteRecord:
    content = item.get("content")
    if not isinstance(content, list) or not content:
        raise SpanError("'content' must be a non-empty list of spans")

    def optional(key: str) -> Offsets | None:
        return c.offsets(item[key]) if item.get(key) is not None else None

    cue, source, addressee = optional("cue"), optional("source"), optional("addressee")
    return QuoteRecord(
        kind=c.label(item.get("kind"), inv.QUOTE_KINDS, "quote kind", optional=True),
        content=tuple(c.offsets(s) for s in content),
        source_name=item.get("source_name"),
        cue=cue,
        source=source,
        addressee=addressee,
    )


def _argument(c: Collector, raw: dict) -> ArgumentRecord:
    start, end = c.offsets(raw)
    return ArgumentRecord(c.label(raw.get("role"), inv.ARGUMENT_ROLES, "argument role"), start, end)


def _event(c: Collector, item: dict) -> EventRecord:
    code = item.get("code")
    if code not in inv.cameo_codes():
        raise SpanError(f'unknown CAMEO code {code!r} (codes are strings such as "046")')
    if item.get("trigger") is None:
        raise SpanError("an event needs a 'trigger' span")
    return EventRecord(
        trigger=c.offsets(item["trigger"]),
        code=code,
        arguments=tuple(_argument(c, a) for a in item.get("arguments") or []),
        realis=c.label(item.get("realis"), inv.REALIS, "realis", optional=True),
        polarity=c.label(item.get("polarity"), inv.POLARITY, "polarity", optional=True),
    )


def _timex(c: Collector, item: dict) -> TimexRecord:
    start, end = c.offsets(item)
    timex_type = c.label(item.get("type"), inv.TIMEX_TYPES, "TIMEX3 type", optional=True)
    value = item.get("value")
    if value is not None and not inv.valid_timex_value(timex_type, value):
        raise SpanError(
            f"value {value!r} is not a valid TIMEX3 {timex_type or 'DATE, TIME, DURATION or SET'} "
            "value (ISO 8601 as TimeML writes it, with real calendar dates)"
        )
    return TimexRecord(
        start, end, timex_type, value, c.label(item.get("mod"), inv.TIMEX_MODS, "TIMEX3 mod", optional=True)
    )


_PREDICTION_LAYERS = {
    "entities": _entity,
    "clusters": _cluster,
    "quotes": _quote,
    "events": _event,
    "timexes": _timex,
}
# Layers of the gold export that a prediction may carry but that are not scored:
# their items are checked for known keys and value types only.
_UNSCORED_LAYERS = ("sections", "sentences", "mentions")
_PLAIN_ENTITY_KEYS = frozenset({"start", "end", "type", "text"})


def _plain_entities(raw: Any, text: str, entity_types: frozenset[str]) -> list[EntityRecord] | None:
    """The entity layer read at once when it is plainly right (see bulk.py), else None."""
    columns = plain_spans(raw, text, _PLAIN_ENTITY_KEYS)
    if columns is None:
        return None
    types = columns.values("type")
    if not set(map(type, types)) <= {str} or not entity_types.issuperset(types):
        return None
    return list(map(EntityRecord, columns.starts, columns.ends, types))


def _text_problem(record: dict, text: str) -> str | None:
    """A prediction that carries its document's text must carry this document's text."""
    claimed = record.get("text")
    if not isinstance(claimed, str) or claimed == text:
        return None
    first = next((i for i, (a, b) in enumerate(zip(claimed, text)) if a != b), min(len(claimed), len(text)))
    return (
        f"differs from the text of document {record['id']!r} from code point {first} on "
        f"({len(claimed)} vs {len(text)} code points); offsets only mean something against the same text"
    )


def parse_prediction(
    record: dict,
    text: str,
    file: str,
    line: int,
    *,
    entity_types: Iterable[str] = inv.ENTITY_TYPES,
    unaligned: dict[int, Offsets] | None = None,
) -> tuple[DocRecords, list[Problem]]:
    """Span records of one prediction line; items with problems are left out and reported.

    Problems of the record as a whole (unknown top-level keys, a layer that is
    not a list, another text) are flagged ``document_level``. ``entity_types``
    are the types accepted (a label map adds its targets); ``unaligned`` gives
    the offsets past the text of the spans that :func:`benchmark.align.align_record`
    could not find.
    """
    collector = Collector(file, line, text, entity_types, unaligned)
    for key, reason in document_problems(record):
        collector.fail(key, reason, document_level=True)
    mismatch = _text_problem(record, text)
    if mismatch:
        collector.fail("text", mismatch, document_level=True)
    parsed = DocRecords(id=record["id"])
    for layer, parse in _PREDICTION_LAYERS.items():
        target = getattr(parsed, layer)
        if (
            layer == "entities"
            and not collector.unaligned
            and (plain := _plain_entities(record.get(layer), text, collector.entity_types)) is not None
        ):
            target.extend(plain)
            continue
        for label, item in collector.items(record, layer):
            try:
                target.append(parse(collector, item))
            except SpanError as err:
                collector.fail(label, str(err))
    for layer in _UNSCORED_LAYERS:
        for _ in collector.items(record, layer):
            pass
    return parsed, collector.problems
