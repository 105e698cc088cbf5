"""Whole-layer checks of span items, for reading large files fast.

Reading a layer item by item costs a few microseconds an item, which a
million spans turn into seconds. Most layers are plainly right: every item an
object with known keys, integer offsets inside the text, and a ``text`` equal
to its slice. :func:`plain_spans` checks that for a whole layer at once; when
anything is off it answers None and the caller reads the layer item by item,
which says what is wrong. So the fast path never decides what is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter, lt
from typing import Any

_START, _END = itemgetter("start"), itemgetter("end")


@dataclass
class SpanColumns:
    """A plainly right layer, as columns: the items and their offsets and texts."""

    items: list[dict]
    starts: list[int]
    ends: list[int]
    texts: list[str]  # the slices of the document text

    def values(self, key: str) -> list[Any]:
        """Each item's ``key`` (None where absent)."""
        return list(map(dict.get, self.items, repeat(key)))


def plain_spans(items: Any, text: str, keys: frozenset[str]) -> SpanColumns | None:
    """The layer as columns if every item is plainly right, else None.

    Plainly right: an object holding ``start`` and ``end`` and no key outside
    ``keys``; integers (not booleans) with ``0 <= start < end <= len(text)``;
    a ``text``, if given, equal to the slice.
    """
    if type(items) is not list or set(map(type, items)) - {dict}:
        return None
    if not all(map(keys.issuperset, items)):
        return None
    try:
        starts, ends = list(map(_START, items)), list(map(_END, items))
    except KeyError:
        return None
    if not items:
        return SpanColumns(items, [], [], [])
    if set(map(type, starts)) != {int} or set(map(type, ends)) != {int}:
        return None
    if min(starts) < 0 or max(ends) > len(text) or not all(map(lt, starts, ends)):
        return None
    texts = list(map(text.__getitem__, map(slice, starts, ends)))
    claimed = list(map(dict.get, items, repeat("text")))
    if claimed != texts and any(c is not None and c != t for c, t in zip(claimed, texts)):
        return None
    return SpanColumns(items, starts, ends, texts)
