"""Which offset convention a layer of predicted spans follows (DESIGN section 2).

Offsets must count Unicode code points, half-open ``[start, end)``. A system
that counts UTF-8 bytes or UTF-16 code units, or writes inclusive ends or
shifted starts, would otherwise be scored as a near-zero in silence. Gold
spans sit on token boundaries (``benchmark.tokenize``), so the spans of a
layer tell which convention they follow: read each span under every
convention and count how many land on token boundaries (a start where a
token starts, an end where one ends; the edges of the gold spans count too,
for a ``--gold`` corpus tokenized otherwise).

The rule, per layer, over every document of a run: the layer is refused,
naming the convention, when another convention *clearly* fits better than
code points, which is all of

- it fits at least ``MIN_SPANS`` spans,
- it fits at least ``MIN_SHARE`` (80%) of the layer's spans, and
- it fits at least ``MIN_RATIO`` (2) times as many spans as code points.

Otherwise the layer is scored as given, and the spans that are off token
boundaries are counted in a warning (``off_token_spans``).

The other conventions are tried only on a layer where at most half the spans
fit as code points (no other convention could then fit twice as many), so a
run whose spans sit on token boundaries pays for one reading only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeGuard

from .records import DocRecords, Offsets
from .schema import LAYER_KEYS

MIN_SPANS = 5
MIN_SHARE = 0.8
MIN_RATIO = 2.0


class TextIndex:
    """One document text: its token edges and its code point offset of every UTF-8
    byte offset and UTF-16 code unit offset that falls between two characters."""

    def __init__(self, text: str, extra_edges: Iterable[Offsets] = ()):
        from .tokenize import token_edges

        starts, ends = token_edges(text)
        extra = list(extra_edges)
        self.text = text
        self.length = len(text)
        self.starts = starts | {start for start, _ in extra}
        self.ends = ends | {end for _, end in extra}

    # Built only when another convention is tried; None: the units equal code points.
    @cached_property
    def from_utf8(self) -> dict[int, int] | None:
        return None if self.text.isascii() else _unit_map(self.text, lambda c: len(c.encode("utf-8")))

    @cached_property
    def from_utf16(self) -> dict[int, int] | None:
        if self.text.isascii() or max(self.text) <= "\uffff":
            return None
        return _unit_map(self.text, lambda c: 2 if ord(c) > 0xFFFF else 1)

    def fits(self, span: Offsets | None) -> bool:
        if span is None:
            return False
        start, end = span
        return 0 <= start < end <= self.length and start in self.starts and end in self.ends


def _unit_map(text: str, width: Callable[[str], int]) -> dict[int, int]:
    units, mapping = 0, {0: 0}
    for index, char in enumerate(text, 1):
        units += width(char)
        mapping[units] = index
    return mapping


@dataclass(frozen=True)
class Convention:
    key: str
    name: str
    advice: str
    to_code_points: Callable[[TextIndex, int, int], Offsets | None]


def _mapped(mapping_of: Callable[[TextIndex], dict[int, int] | None]):
    def convert(index: TextIndex, start: int, end: int) -> Offsets | None:
        mapping = mapping_of(index)
        if mapping is None:
            return start, end
        if start in mapping and end in mapping:
            return mapping[start], mapping[end]
        return None

    return convert


CODE_POINTS = Convention("code_points", "code point offsets", "", lambda index, s, e: (s, e))
ALTERNATIVES = (
    Convention(
        "utf8",
        "UTF-8 byte offsets",
        "offsets must count Unicode code points (as Python indexes a str), not bytes",
        _mapped(lambda index: index.from_utf8),
    ),
    Convention(
        "utf16",
        "UTF-16 code unit offsets",
        "offsets must count Unicode code points (as Python indexes a str), not UTF-16 code units "
        "(as JavaScript or Java index a string)",
        _mapped(lambda index: index.from_utf16),
    ),
    Convention(
        "end_inclusive",
        "inclusive ends (end on the last character)",
        "spans are half-open [start, end): end is one past the last character",
        lambda index, s, e: (s, e + 1),
    ),
    Convention(
        "one_based",
        "1-based starts (start one past the first character)",
        "offsets start at 0: the first character of the text is at offset 0",
        lambda index, s, e: (s - 1, e),
    ),
    Convention(
        "one_based_both",
        "1-based offsets (start and end both one too large)",
        "offsets start at 0: the first character of the text is at offset 0",
        lambda index, s, e: (s - 1, e - 1),
    ),
    Convention(
        "start_early",
        "starts one character early (on the space before the span)",
        "a span starts on its first character, not on the white space before it",
        lambda index, s, e: (s + 1, e),
    ),
)


@dataclass
class LayerFit:
    """How many of a layer's spans land on token boundaries under each convention."""

    layer: str
    spans: int = 0
    fit: dict[str, int] = field(default_factory=dict)

    def add(self, index: TextIndex, start: int, end: int, conventions: Sequence[Convention]) -> None:
        """Count one span under ``conventions``; code points come first and count the span."""
        for convention in conventions:
            if convention is CODE_POINTS:
                self.spans += 1
            if index.fits(convention.to_code_points(index, start, end)):
                self.fit[convention.key] = self.fit.get(convention.key, 0) + 1

    def may_be_refused(self) -> bool:
        """Could another convention clearly fit better, given how many spans fit as code points?

        Only then are the other conventions tried (a second pass over the documents)."""
        return self.spans >= MIN_SPANS and MIN_RATIO * self.fit.get(CODE_POINTS.key, 0) <= self.spans

    def refused(self) -> Convention | None:
        """The convention that clearly fits better than code points, if one does."""
        best = max(ALTERNATIVES, key=lambda c: self.fit.get(c.key, 0))
        fit, fit_code_points = self.fit.get(best.key, 0), self.fit.get(CODE_POINTS.key, 0)
        clearly = fit >= MIN_SPANS and fit >= MIN_SHARE * self.spans and fit >= MIN_RATIO * fit_code_points
        return best if clearly else None

    def message(self, convention: Convention) -> str:
        return (
            f"{self.fit.get(convention.key, 0)} of the {self.spans} spans fit token boundaries as "
            f"{convention.name}, only {self.fit.get(CODE_POINTS.key, 0)} as code point offsets: "
            f'{convention.advice}. Convert the offsets, or give each span its "text" to have '
            "every span checked."
        )


def raw_spans(items: Any) -> Iterator[tuple[int, int]]:
    """(start, end) of every object with integer start and end inside ``items``, nested ones included."""
    stack = [items]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            start, end = item.get("start"), item.get("end")
            if _is_int(start) and _is_int(end):
                yield start, end
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def new_fits() -> dict[str, LayerFit]:
    return {layer: LayerFit(layer) for layer in LAYER_KEYS}


def add_fits(
    fits: dict[str, LayerFit],
    record: dict,
    index: TextIndex,
    conventions: Sequence[Convention] = (CODE_POINTS,),
    layers: Iterable[str] = LAYER_KEYS,
) -> None:
    """Count the spans of a raw prediction record, layer by layer, under ``conventions``."""
    for layer in layers:
        for start, end in raw_spans(record.get(LAYER_KEYS[layer])):
            fits[layer].add(index, start, end, conventions)


def suspicious_layers(fits: dict[str, LayerFit]) -> list[str]:
    """The layers to try the other conventions on (see :meth:`LayerFit.may_be_refused`)."""
    return [layer for layer, fit in fits.items() if fit.may_be_refused()]


def refusals(fits: dict[str, LayerFit]) -> dict[str, str]:
    """A message for each layer whose spans clearly follow another convention."""
    found = {}
    for layer, fit in fits.items():
        convention = fit.refused()
        if convention is not None:
            found[layer] = fit.message(convention)
    return found


def record_spans(records: DocRecords) -> dict[str, list[Offsets]]:
    """Every predicted span of each layer of a parsed prediction."""
    quotes = [span for q in records.quotes for span in (q.cue, *q.content, q.source, q.addressee) if span is not None]
    events = [span for e in records.events for span in (e.trigger, *(a.offsets for a in e.arguments))]
    return {
        "entities": [(e.start, e.end) for e in records.entities],
        "coref": [span for cluster in records.clusters for span in cluster],
        "quotes": quotes,
        "events": events,
        "timexes": [(t.start, t.end) for t in records.timexes],
    }


def off_token_counts(records: DocRecords, index: TextIndex) -> dict[str, int]:
    """How many spans of each layer do not sit on token boundaries."""
    # A span past the end of the text is a text-anchored one that aligned nowhere (benchmark.align).
    return {
        layer: sum(not index.fits(span) for span in spans if span[0] <= index.length)
        for layer, spans in record_spans(records).items()
    }
