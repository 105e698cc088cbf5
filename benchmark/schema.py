"""The keys of a JSON Lines record (DESIGN section 4) and the type of each value.

Every key is known: an unknown key is refused with a did-you-mean, never
ignored. The same shapes serve predictions and ``--gold`` corpora, and they
accept every key of the gold export (``document_to_json``), which is itself
a valid prediction. ``null`` stands for an absent optional value; a layer,
though, must be a list.

What each value must further be (a known label, offsets inside the text) is
checked by the readers in :mod:`benchmark.jsonl`.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# The keys of a span. A text-anchored span (text without start/end) may name the
# n-th occurrence of its text (benchmark.align).
SPAN_KEYS: dict[str, str] = {"start": "int", "end": "int", "text": "str", "occurrence": "int"}

# The key of each scored layer in a record, in LAYERS order.
LAYER_KEYS = {"entities": "entities", "coref": "clusters", "quotes": "quotes", "events": "events", "timexes": "timexes"}

# Names other tools use for our keys (spaCy's ents, BRAT's label ...), suggested before difflib's guess.
SYNONYMS = {
    "label": "type",
    "tag": "type",
    "category": "type",
    "entity_type": "type",
    "begin": "start",
    "start_char": "start",
    "start_offset": "start",
    "offset": "start",
    "end_char": "end",
    "end_offset": "end",
    "stop": "end",
    "span": "text",
    "members": "mentions",
    "speaker": "source",
    "predicate": "trigger",
    "args": "arguments",
    "ents": "entities",
    "timex": "timexes",
    "coref": "clusters",
    "doc_id": "id",
}


@dataclass(frozen=True)
class Shape:
    """An object kind: its name in messages and the kind of each key's value.

    A kind is "str", "int", "shape:NAME" (an object), "list:NAME" (a list of
    such objects), "list" (a list checked by its reader) or "cluster" (an
    object, or a list of spans).
    """

    name: str
    keys: dict[str, str]


def _spanned(name: str, **keys: str) -> Shape:
    return Shape(name, {"id": "str", **SPAN_KEYS, **keys})


SHAPES: dict[str, Shape] = {
    shape.name: shape
    for shape in (
        Shape("span", dict(SPAN_KEYS)),
        _spanned("section", type="str"),
        # A tagger's sentence (formats/tags.py) carries its tags instead of offsets.
        _spanned("sentence", ner_tags="list", tokens="list"),
        _spanned("entity", type="str"),
        _spanned("mention", kind="str"),
        Shape("cluster", {"id": "str", "name": "str", "type": "str", "mentions": "list:span"}),
        Shape(
            "quote",
            {
                "id": "str",
                "kind": "str",
                "cue": "shape:span",
                "content": "list:span",
                "source": "shape:span",
                "source_name": "str",
                "addressee": "shape:span",
            },
        ),
        Shape(
            "event",
            {
                "id": "str",
                "trigger": "shape:span",
                "code": "str",
                "arguments": "list:argument",
                "realis": "str",
                "polarity": "str",
            },
        ),
        Shape("argument", {"role": "str", **SPAN_KEYS}),
        _spanned("timex", type="str", value="str", mod="str"),
        Shape(
            "document",
            {
                "id": "str",
                "text": "str",
                "date": "str",
                "language": "str",
                "sections": "list:section",
                "sentences": "list:sentence",
                "entities": "list:entity",
                "mentions": "list:mention",
                "clusters": "list:cluster",
                "quotes": "list:quote",
                "events": "list:event",
                "timexes": "list:timex",
            },
        ),
    )
}

_ARTICLES = {"entity": "an entity", "argument": "an argument", "event": "an event"}


def did_you_mean(key: str, known: list[str]) -> str:
    """ "; did you mean 'x'?" when ``key`` is another tool's name for a known key, or close to one."""
    guess = SYNONYMS.get(key.lower())
    if guess not in known:
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        guess = close[0] if close else None
    return f"; did you mean {guess!r}?" if guess else ""


def _unknown_key(shape: Shape, key: str) -> str:
    known = list(shape.keys)
    article = _ARTICLES.get(shape.name, f"a {shape.name}")
    return f"unknown key {key!r}{did_you_mean(key, known)} ({article} has {', '.join(known)})"


def _scalar_problem(kind: str, value: Any) -> str | None:
    expected, name = _SCALAR_TYPES[kind]
    return None if type(value) is expected else f"must be {name}, got {_brief(value)}"


def _brief(value: Any) -> str:
    """A short rendering of a bad value for a message (never the whole of a big one)."""
    if isinstance(value, dict):
        return f"an object of {len(value)} key(s)" if value else "{}"
    if isinstance(value, list):
        return f"a list of {len(value)} item(s)" if value else "[]"
    if isinstance(value, int) and value.bit_length() > 128:
        return f"an integer of {value.bit_length()} bits"
    text = (
        json.dumps(value, ensure_ascii=False) if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
    )
    return text if len(text) <= 60 else text[:57] + "..."


def document_problems(record: dict) -> Iterator[tuple[str, str]]:
    """(key, reason) for every unknown top-level key, mistyped value and layer that is not a list.

    The items inside the layers are left to :func:`item_problems`.
    """
    shape = SHAPES["document"]
    for key, value in record.items():
        kind = shape.keys.get(key)
        if kind is None:
            yield key, _unknown_key(shape, key)
        elif kind.startswith("list:"):
            if not isinstance(value, list):
                yield key, f"must be a list (an empty list [] when there is nothing), got {_brief(value)}"
        elif value is not None or key == "id":
            problem = _scalar_problem(kind, value)
            if problem:
                yield key, problem


def item_problems(value: Any, shape_name: str, label: str) -> list[tuple[str, str]]:
    """(item label, reason) for every unknown key and mistyped value in one item, nested
    objects included. ``null`` stands for an absent value: the readers decide what is required."""
    found: list[tuple[str, str]] = []
    _check(value, SHAPES[shape_name], label, found)
    return found


# Exact types: JSON gives plain ones, and a bool is not an offset.
_SCALAR_TYPES = {"str": (str, "a string"), "int": (int, "an integer")}


def _check(value: Any, shape: Shape, label: str, found: list[tuple[str, str]]) -> None:
    # Runs once per object of every record: plain loops, no generators.
    if type(value) is not dict:
        if shape.name == "cluster" and type(value) is list:
            _check_list(value, SHAPES["span"], label, found)
        elif shape.name == "cluster":
            found.append((label, f"must be a list of spans or an object with 'mentions', got {_brief(value)}"))
        else:
            found.append((label, f"must be an object, got {_brief(value)}"))
        return
    kinds = shape.keys
    for key, item in value.items():
        kind = kinds.get(key)
        if kind is None:
            found.append((label, _unknown_key(shape, key)))
        elif item is None:
            continue
        elif kind in _SCALAR_TYPES:
            expected, name = _SCALAR_TYPES[kind]
            if type(item) is not expected:
                found.append((f"{label}.{key}", f"must be {name}, got {_brief(item)}"))
        elif kind.startswith("shape:"):
            _check(item, SHAPES[kind[6:]], f"{label}.{key}", found)
        elif kind == "list":
            if type(item) is not list:
                found.append((f"{label}.{key}", f"must be a list, got {_brief(item)}"))
        elif type(item) is list:
            _check_list(item, SHAPES[kind[5:]], f"{label}.{key}", found)
        else:
            found.append((f"{label}.{key}", f"must be a list, got {_brief(item)}"))


def _check_list(items: list, shape: Shape, label: str, found: list[tuple[str, str]]) -> None:
    for index, item in enumerate(items):
        _check(item, shape, f"{label}[{index}]", found)


def layer_shape(key: str) -> str:
    """The shape of the items of a layer key ("entities" -> "entity")."""
    return SHAPES["document"].keys[key][5:]
