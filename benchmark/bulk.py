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
from operator import itemgetter, lt, sub
from typing import Any

_START, _END = itemgetter("start"), itemgetter("end")
_DICT, _INT, _STR, _STR_OR_NONE = {dict}, {int}, {str}, {str, type(None)}


@dataclass
class SpanColumns:
    """A plainly right layer, as columns: the items, their offsets, and the text they slice."""

    items: list[dict]
    starts: list[int]
    ends: list[int]
    text: str

    @property
    def texts(self) -> list[str]:
        """The slices of the document text."""
        return list(map(self.text.__getitem__, map(slice, self.starts, self.ends)))

    def values(self, key: str) -> list[Any]:
        """Each item's ``key`` (None where absent)."""
        return list(map(dict.get, self.items, repeat(key)))


def plain_spans(items: Any, text: str, keys: frozenset[str]) -> SpanColumns | None:
    """The layer as columns if every item is plainly right, else None.

    Plainly right: an object holding ``start`` and ``end`` and no key outside
    ``keys``; integers (not booleans) with ``0 <= start < end <= len(text)``;
    a ``text``, if given, equal to the slice.
    """
    if type(items) is not list:
        return None
    if not items:
        return SpanColumns(items, [], [], text)
    if set(map(type, items)) != _DICT or not all(map(keys.issuperset, items)):
        return None
    try:
        starts, ends = list(map(_START, items)), list(map(_END, items))
    except KeyError:
        return None
    if set(map(type, starts)) != _INT or set(map(type, ends)) != _INT:
        return None
    if not offsets_right(text, starts, ends):
        return None
    claimed = list(map(dict.get, items, repeat("text")))
    if not set(map(type, claimed)) <= _STR_OR_NONE or not texts_right(text, starts, ends, claimed):
        return None
    return SpanColumns(items, starts, ends, text)


def texts_right(text: str, starts: list[int], ends: list[int], claimed: list[Any]) -> bool:
    """Does every claimed text that is a string equal its slice? Other values (None, absent)
    claim nothing. The offsets must lie inside the text."""
    given = set(map(type, claimed))
    if given == _STR:  # every text given: compared where it stands, without slicing
        return list(map(len, claimed)) == list(map(sub, ends, starts)) and all(map(text.startswith, claimed, starts))
    if _STR.isdisjoint(given):
        return True
    slices = map(text.__getitem__, map(slice, starts, ends))
    return all(type(c) is not str or c == t for c, t in zip(claimed, slices))


def offsets_right(text: str, starts: list[int], ends: list[int]) -> bool:
    """``0 <= start < end <= len(text)`` for every span."""
    return not starts or (min(starts) >= 0 and max(ends) <= len(text) and all(map(lt, starts, ends)))
