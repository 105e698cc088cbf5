"""Read and write the canonical gold YAML (one file per document).

Reading never raises on bad content: structural problems are collected as
:class:`Problem` records (``file: item: reason``) and the offending item is
left out, so that the validator can report everything at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import Problem
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


class _Malformed(Exception):
    pass


def _require(item: dict, key: str, kind: type | tuple[type, ...]) -> Any:
    if key not in item:
        raise _Malformed(f"missing '{key}'")
    value = item[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        expected = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise _Malformed(f"'{key}' must be {expected}, got {value!r}")
    return value


def parse_span(raw: Any) -> Span:
    if not isinstance(raw, dict):
        raise _Malformed(f"a span must be a mapping with start, end, text, got {raw!r}")
    text = raw.get("text")
    if text is not None and not isinstance(text, str):
        raise _Malformed(f"span text must be a string, got {text!r}")
    return Span(_require(raw, "start", int), _require(raw, "end", int), text)


def _code(item: dict) -> str:
    code = _require(item, "code", (str, int))
    if isinstance(code, int):
        raise _Malformed(f"'code' must be a quoted string such as \"046\", got the number {code}")
    return code


def _sentence(item: dict) -> Sentence:
    return Sentence(_require(item, "id", str), parse_span(item))


def _section(item: dict) -> Section:
    return Section(_require(item, "id", str), _require(item, "type", str), parse_span(item))


def _entity(item: dict) -> Entity:
    return Entity(_require(item, "id", str), parse_span(item), _require(item, "type", str))


def _mention(item: dict) -> Mention:
    return Mention(_require(item, "id", str), parse_span(item), _require(item, "kind", str))


def _optional(item: dict, key: str, kind: type) -> Any:
    return None if item.get(key) is None else _require(item, key, kind)


def _cluster(item: dict) -> Cluster:
    members = _require(item, "members", list)
    if not members:
        raise _Malformed("'members' is empty; a cluster has at least one member")
    bad = [m for m in members if not isinstance(m, str)]
    if bad:
        raise _Malformed(f"'members' must be entity or mention ids (strings), got {bad[0]!r}")
    return Cluster(_require(item, "id", str), _require(item, "name", str), _require(item, "type", str), tuple(members))


def _quote(item: dict) -> Quote:
    content = _require(item, "content", list)
    if not content:
        raise _Malformed("'content' is empty; a quote has at least one content span")
    return Quote(
        _require(item, "id", str),
        _require(item, "kind", str),
        parse_span(_require(item, "cue", dict)),
        tuple(parse_span(s) for s in content),
        _optional(item, "source", str),
        _optional(item, "addressee", str),
    )


def _argument(raw: Any) -> Argument:
    if not isinstance(raw, dict):
        raise _Malformed(f"an argument must be a mapping with role and ref, got {raw!r}")
    return Argument(_require(raw, "role", str), _require(raw, "ref", str))


def _event(item: dict) -> Event:
    arguments = _optional(item, "arguments", list) or []
    return Event(
        _require(item, "id", str),
        parse_span(_require(item, "trigger", dict)),
        _code(item),
        tuple(_argument(a) for a in arguments),
        _require(item, "realis", str),
        _require(item, "polarity", str),
    )


def _timex(item: dict) -> Timex:
    value = _require(item, "value", (str, int))
    return Timex(
        _require(item, "id", str),
        parse_span(item),
        _require(item, "type", str),
        str(value),
        _optional(item, "mod", str),
    )


PARSERS: dict[str, Callable[[dict], Any]] = {
    "sentences": _sentence,
    "sections": _section,
    "entities": _entity,
    "mentions": _mention,
    "clusters": _cluster,
    "quotes": _quote,
    "events": _event,
    "timexes": _timex,
}


def item_label(layer: str, index: int, item: Any) -> str:
    ident = item.get("id") if isinstance(item, dict) else None
    return f"{layer}[{index}]" + (f" ({ident})" if ident else "")


def parse_gold(data: Any, text: str, file: str, date: str | None = None) -> tuple[Document, list[Problem]]:
    """Build a :class:`Document` from loaded YAML; return it with the problems met."""
    problems: list[Problem] = []
    if not isinstance(data, dict) or not isinstance(data.get("document"), str):
        problems.append(Problem(file, "document", "the file must be a mapping with a 'document' id"))
        data = data if isinstance(data, dict) else {}
    doc = Document(id=str(data.get("document", "")), text=text, date=date)
    for layer, parse in PARSERS.items():
        items = data.get(layer) or []
        if not isinstance(items, list):
            problems.append(Problem(file, layer, "must be a list"))
            continue
        parsed = getattr(doc, layer)
        for index, item in enumerate(items):
            try:
                if not isinstance(item, dict):
                    raise _Malformed(f"must be a mapping, got {item!r}")
                parsed.append(parse(item))
            except _Malformed as err:
                problems.append(Problem(file, item_label(layer, index, item), str(err)))
    unknown = set(data) - set(PARSERS) - {"document"}
    for key in sorted(unknown):
        problems.append(Problem(file, key, "unknown top-level key"))
    return doc, problems


def read_yaml(path: Path) -> tuple[Any, list[Problem]]:
    """The YAML of ``path`` read safely and strictly (:mod:`benchmark.reading`), or a problem."""
    from .errors import InputError
    from .reading import read_yaml_file

    try:
        return read_yaml_file(path), []
    except InputError as err:
        message = str(err).removeprefix(f"{path}")
        line, _, reason = message.lstrip(":").partition(": ")
        where = f"line {line}" if line.isdigit() else "file"
        return None, [Problem(str(path), where, reason if line.isdigit() else message.lstrip(": "))]


def document_to_yaml_data(doc: Document) -> dict:
    """The canonical YAML mapping of a document's annotations (text excluded)."""

    def spanned(item_id: str, span: Span, **extra: Any) -> dict:
        return {"id": item_id, **span.as_dict(), **extra}

    return {
        "document": doc.id,
        "sections": [spanned(s.id, s.span, type=s.type) for s in doc.sections],
        "sentences": [spanned(s.id, s.span) for s in doc.sentences],
        "entities": [spanned(e.id, e.span, type=e.type) for e in doc.entities],
        "mentions": [spanned(m.id, m.span, kind=m.kind) for m in doc.mentions],
        "clusters": [{"id": c.id, "name": c.name, "type": c.type, "members": list(c.members)} for c in doc.clusters],
        "quotes": [
            {
                "id": q.id,
                "kind": q.kind,
                "cue": q.cue.as_dict(),
                "content": [s.as_dict() for s in q.content],
                "source": q.source,
                **({"addressee": q.addressee} if q.addressee else {}),
            }
            for q in doc.quotes
        ],
        "events": [
            {
                "id": e.id,
                "trigger": e.trigger.as_dict(),
                "code": e.code,
                "arguments": [{"role": a.role, "ref": a.ref} for a in e.arguments],
                "realis": e.realis,
                "polarity": e.polarity,
            }
            for e in doc.events
        ],
        "timexes": [
            spanned(t.id, t.span, type=t.type, value=t.value, **({"mod": t.mod} if t.mod else {})) for t in doc.timexes
        ],
    }


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        # JSON strings are YAML double-quoted scalars; the no-break space is escaped to stay visible.
        return json.dumps(value, ensure_ascii=False).replace("\u00a0", "\\u00a0")
    if value is None:
        return "null"
    return str(value)


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value)


def format_gold_yaml(data: dict) -> str:
    """Canonical YAML text: one layer per block, one item per line, for review in diffs."""
    lines = [f"document: {data['document']}"]
    for layer, items in data.items():
        if layer == "document":
            continue
        lines.append(f"{layer}:" + ("" if items else " []"))
        lines += [f"  - {_flow(item)}" for item in items]
    return "\n".join(lines) + "\n"
