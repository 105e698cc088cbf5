"""Plain JSON Lines records decoded straight into typed shapes, for large files.

A line of a large ``--gold`` or predictions file is mostly a document and its
entities (and, in the gold, its sentences). msgspec decodes such a line into
the shapes below, checking in C what the item-by-item reading checks in
Python: every key known (a layer's items may have only the keys listed
here), offsets integers (not booleans), texts, types and ids strings. A line
that does not fit them (bad JSON, another key, another layer with items, a
``null`` layer) fails to decode, and the file is then read item by item,
which says what is wrong.

What the types cannot say is proven by counting. :func:`strict_json` refuses
every key written twice in one object (msgspec would keep the last): every
``:`` outside the strings of a line is a key, so the line must hold exactly
as many colons, less those of the document text, as the keys decoded.
Integers too long for :func:`benchmark.reading.parse_json` are offsets, which
the readers bound by the text.
"""

from __future__ import annotations

from itertools import repeat
from operator import attrgetter
from typing import TypeVar

import msgspec
from msgspec import UNSET, Struct, UnsetType

Absent = UnsetType  # a key the line does not have


class Sentence(Struct, forbid_unknown_fields=True):
    start: int
    end: int
    text: str | None | Absent = UNSET
    id: str | None | Absent = UNSET


class GoldEntity(Struct, forbid_unknown_fields=True):
    start: int
    end: int
    type: str
    text: str | None | Absent = UNSET
    id: str | None | Absent = UNSET


class PredictedEntity(Struct, forbid_unknown_fields=True):
    start: int
    end: int
    type: str
    text: str | None | Absent = UNSET


Empty = tuple[()]  # a layer given as an empty list: [] and nothing else


class GoldRecord(Struct, forbid_unknown_fields=True):
    id: str
    text: str
    date: str | None | Absent = UNSET
    language: str | None | Absent = UNSET
    sentences: list[Sentence] | Absent = UNSET
    entities: list[GoldEntity] | Absent = UNSET
    sections: Empty | Absent = UNSET
    mentions: Empty | Absent = UNSET
    clusters: Empty | Absent = UNSET
    quotes: Empty | Absent = UNSET
    events: Empty | Absent = UNSET
    timexes: Empty | Absent = UNSET


class PredictedRecord(Struct, forbid_unknown_fields=True):
    id: str
    text: str | None | Absent = UNSET
    date: str | None | Absent = UNSET
    language: str | None | Absent = UNSET
    entities: list[PredictedEntity] | Absent = UNSET
    clusters: Empty | Absent = UNSET
    quotes: Empty | Absent = UNSET
    events: Empty | Absent = UNSET
    timexes: Empty | Absent = UNSET
    sections: Empty | Absent = UNSET
    sentences: Empty | Absent = UNSET
    mentions: Empty | Absent = UNSET


GOLD = msgspec.json.Decoder(GoldRecord)
PREDICTED = msgspec.json.Decoder(PredictedRecord)
START, END, TEXT, TYPE, ID = (attrgetter(name) for name in ("start", "end", "text", "type", "id"))
Shape = TypeVar("Shape", GoldRecord, PredictedRecord)


def decoded(decoder: msgspec.json.Decoder[Shape], line: bytes) -> Shape | None:
    """The line in the decoder's shape, or None when it is not one (or not JSON)."""
    try:
        return decoder.decode(line)
    except (msgspec.DecodeError, ValueError):
        return None


def keys_of(record: Struct) -> int:
    """How many keys the record itself has (those of its items are counted by the caller)."""
    return sum(getattr(record, name) is not UNSET for name in record.__struct_fields__)


def given(column: list) -> int:
    """How many items of a column of an optional key have the key."""
    return len(column) - column.count(UNSET)


def strict_json(line: bytes, strings: tuple[str, ...], keys: int, *columns: list) -> bool:
    """Does the line hold no key twice, ``keys`` being how many keys were decoded?

    A colon outside the strings is a key's; the colons of the record's own
    ``strings`` (its id, text ...) are taken out, and when that leaves too
    many, those of the string values in the items' ``columns`` too; unless an
    escape such as \\u003a writes one (then the count says nothing). A colon
    in any other string leaves one too many: the file is then read item by
    item, which never errs the other way.
    """
    colons = sum(map(str.count, strings, repeat(":")))
    extra = line.count(b":") - colons - keys
    if extra and columns:  # colons in the items' texts or ids ("10:30")
        colons += sum(text.count(":") for column in columns for text in column if type(text) is str)
        extra = line.count(b":") - colons - keys
    return extra == 0 and not (colons and b"\\u003" in line)
