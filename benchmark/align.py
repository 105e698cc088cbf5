"""Text-anchored spans: turning ``{"text": ..., "occurrence": n}`` into offsets.

A system that cannot count code points (an LLM) names a span by its text.
The harness finds it in the document by one deterministic policy, so that two
groups scoring the same output get the same number (metrics page, section 2.5):

- An *occurrence* of a text is a match that starts on a token start and ends
  on a token end of the document (the project's tokenizer): "Russia" occurs
  in "Russia’s" but not in "Russian".
- Matches are looked for in tiers, each a superset of the one before:
  ``exact``; ``normalized`` (NFKC per character, white-space runs and U+00A0
  as one space, curly and straight quotes and apostrophes alike, dashes
  alike); ``casefold`` (the normalized text, case-folded); and ``fuzzy``, only
  when asked: token windows as long as the text whose normalized, case-folded
  similarity (difflib ratio) is at least :data:`FUZZY_THRESHOLD`.
- *Independent* spans (entities, timexes, cluster mentions, triggers, quote
  cues and contents) are placed items with an ``occurrence`` first, then the
  others in the order given; each of the others takes the earliest occurrence,
  in the first tier that has one, not already taken by a span of its kind.
- *Dependent* spans (event arguments, quote sources and addressees) take the
  occurrence nearest to their anchor (the trigger, the cue), ties to the
  earlier one, and never take a span from others.
- ``occurrence: n`` picks the n-th occurrence in document order, counted in
  the first tier that has at least n.

A text that occurs nowhere is *unaligned*: the caller scores it as spurious.
"""

from __future__ import annotations

import copy
import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeGuard

from .tokenize import tokenize

TIERS = ("exact", "normalized", "casefold", "fuzzy")
FUZZY_THRESHOLD = 0.85

_QUOTES = {
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2033": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "`": "'",
    "\u00b4": "'",
}
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"


@dataclass(frozen=True)
class Request:
    """A span named by its text, optionally by its 1-based occurrence."""

    text: str
    occurrence: int | None = None


@dataclass(frozen=True)
class Aligned:
    start: int
    end: int
    tier: str


def _normalize_char(char: str) -> str:
    if char.isspace():
        return " "
    if char in _QUOTES:
        return _QUOTES[char]
    if char in _DASHES:
        return "-"
    folded = unicodedata.normalize("NFKC", char)
    return "".join(_QUOTES.get(c, "-" if c in _DASHES else c) for c in folded)


class _MappedText:
    """A transformed copy of the text, each of its characters mapped back to
    the original character it came from (so a match maps back to offsets)."""

    def __init__(self, text: str, casefold: bool):
        pieces: list[str] = []
        origin: list[int] = []
        previous_space = True  # leading white space is dropped
        for index, char in enumerate(text):
            piece = _normalize_char(char)
            if piece == " ":
                if previous_space:
                    continue
                previous_space = True
            else:
                previous_space = False
            if casefold:
                piece = piece.casefold()
            pieces.append(piece)
            origin.extend([index] * len(piece))
        self.text = "".join(pieces)
        self.origin = origin


def normalize(text: str, casefold: bool = False) -> str:
    """The text as the ``normalized`` (or ``casefold``) tier compares it."""
    return _MappedText(text, casefold).text.strip()


class DocumentIndex:
    """Finds the occurrences of texts in one document, tier by tier."""

    def __init__(self, text: str, fuzzy: bool = False):
        self.text = text
        self.fuzzy = fuzzy
        tokens = tokenize(text)
        self.token_starts = [t.start for t in tokens]
        self.token_ends = [t.end for t in tokens]
        self._starts = frozenset(self.token_starts)
        self._ends = frozenset(self.token_ends)
        self._mapped: dict[bool, _MappedText] = {}
        self._cache: dict[tuple[str, str], list[tuple[int, int]]] = {}

    def tiers(self) -> tuple[str, ...]:
        return TIERS if self.fuzzy else TIERS[:-1]

    def occurrences(self, needle: str, tier: str) -> list[tuple[int, int]]:
        """Offsets of every occurrence of ``needle`` in ``tier``, in document order."""
        key = (needle, tier)
        if key not in self._cache:
            self._cache[key] = self._find(needle, tier)
        return self._cache[key]

    def _find(self, needle: str, tier: str) -> list[tuple[int, int]]:
        if tier == "exact":
            return self._on_tokens((start, start + len(needle)) for start in _find_all(self.text, needle))
        if tier == "fuzzy":
            return self._fuzzy(needle)
        mapped = self._mapped_text(tier == "casefold")
        pattern = normalize(needle, casefold=tier == "casefold")
        return self._on_tokens(
            (mapped.origin[start], mapped.origin[start + len(pattern) - 1] + 1)
            for start in _find_all(mapped.text, pattern)
        )

    def _mapped_text(self, casefold: bool) -> _MappedText:
        if casefold not in self._mapped:
            self._mapped[casefold] = _MappedText(self.text, casefold)
        return self._mapped[casefold]

    def _on_tokens(self, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        return sorted({(s, e) for s, e in spans if s in self._starts and e in self._ends})

    def _fuzzy(self, needle: str) -> list[tuple[int, int]]:
        target = normalize(needle, casefold=True)
        width = len(tokenize(needle))
        if not target or width == 0:
            return []
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(target)
        found = []
        for first in range(len(self.token_starts) - width + 1):
            start, end = self.token_starts[first], self.token_ends[first + width - 1]
            matcher.set_seq1(normalize(self.text[start:end], casefold=True))
            if (
                matcher.real_quick_ratio() >= FUZZY_THRESHOLD
                and matcher.quick_ratio() >= FUZZY_THRESHOLD
                and matcher.ratio() >= FUZZY_THRESHOLD
            ):
                found.append((start, end))
        return found


def _find_all(haystack: str, needle: str) -> list[int]:
    """Every start of ``needle`` in ``haystack``, overlapping ones included."""
    if not needle:
        return []
    return [m.start() for m in re.finditer(f"(?={re.escape(needle)})", haystack)]


class Aligner:
    """Aligns the text-anchored spans of one document and keeps the tallies."""

    def __init__(self, index: DocumentIndex):
        self.index = index
        self.taken: dict[str, set[tuple[int, int]]] = {}

    def independent(self, kind: str, requests: Sequence[Request]) -> list[Aligned | None]:
        """Align spans of one kind (e.g. ``entities``); occurrence-given ones first."""
        taken = self.taken.setdefault(kind, set())
        result: list[Aligned | None] = [None] * len(requests)
        order = sorted(range(len(requests)), key=lambda i: requests[i].occurrence is None)
        for i in order:
            request = requests[i]
            if request.occurrence is not None:
                aligned = self.nth(request)
            else:
                aligned = self._earliest_free(request.text, taken)
            if aligned is not None:
                taken.add((aligned.start, aligned.end))
            result[i] = aligned
        return result

    def dependent(self, request: Request, anchor: tuple[int, int] | None) -> Aligned | None:
        """Align a span that refers to something near ``anchor`` (taken spans are allowed)."""
        if request.occurrence is not None:
            return self.nth(request)
        for tier in self.index.tiers():
            found = self.index.occurrences(request.text, tier)
            if found:
                start, end = min(found, key=lambda span: (_distance(span, anchor), span))
                return Aligned(start, end, tier)
        return None

    def nth(self, request: Request) -> Aligned | None:
        assert request.occurrence is not None
        for tier in self.index.tiers():
            found = self.index.occurrences(request.text, tier)
            if len(found) >= request.occurrence:
                start, end = found[request.occurrence - 1]
                return Aligned(start, end, tier)
        return None

    def _earliest_free(self, text: str, taken: set[tuple[int, int]]) -> Aligned | None:
        for tier in self.index.tiers():
            for span in self.index.occurrences(text, tier):
                if span not in taken:
                    return Aligned(span[0], span[1], tier)
        return None


def _distance(span: tuple[int, int], anchor: tuple[int, int] | None) -> int:
    """Code points between two spans (0 when they touch or overlap); no anchor: by position."""
    if anchor is None:
        return 0
    return max(0, anchor[0] - span[1], span[0] - anchor[1])


# ---------------------------------------------------------------- records

ALIGNMENT_MODES = ("standard", "fuzzy")


def is_text_anchored(span: object) -> TypeGuard[dict]:
    """A span named by its text alone: ``text`` and neither ``start`` nor ``end``."""
    return isinstance(span, dict) and "start" not in span and "end" not in span and "text" in span


def anchor_problem(span: dict) -> str | None:
    """What makes a text-anchored span unusable (it is then reported, not aligned)."""
    text, occurrence = span.get("text"), span.get("occurrence")
    if not isinstance(text, str) or not text.strip():
        return "a span without start and end needs a non-empty 'text' to be found by"
    if occurrence is not None and (not isinstance(occurrence, int) or isinstance(occurrence, bool) or occurrence < 1):
        return f"'occurrence' must be a whole number from 1 (the n-th occurrence of the text), got {occurrence!r}"
    return None


@dataclass
class LayerAlignment:
    """How the text-anchored spans of one layer were found (metrics page, section 2.5)."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys((*TIERS, "unaligned"), 0))
    unaligned_items: list[dict] = field(default_factory=list)

    def add(self, aligned: Aligned | None) -> None:
        self.counts[aligned.tier if aligned else "unaligned"] += 1

    def as_dict(self) -> dict:
        return {**self.counts, "unaligned_items": self.unaligned_items}


@dataclass
class AlignedRecord:
    """A prediction record with its text-anchored spans given offsets.

    ``record`` is a copy in which every aligned span has ``start``, ``end`` and
    the document's own ``text``; ``unaligned`` maps the id() of each span object
    that aligned nowhere to offsets past the end of the text, unique to it, so
    that it can match nothing and is scored as spurious. ``layers`` holds the
    tallies of each layer that had text-anchored spans.
    """

    record: dict
    unaligned: dict[int, tuple[int, int]] = field(default_factory=dict)
    layers: dict[str, LayerAlignment] = field(default_factory=dict)


class _Walker:
    """Applies the policy to one record, layer by layer."""

    def __init__(self, record: dict, text: str, fuzzy: bool):
        self.result = AlignedRecord(copy.deepcopy(record))
        self.text = text
        self.aligner = Aligner(DocumentIndex(text, fuzzy))

    def independent(self, layer: str, kind: str, spans: list[tuple[str, dict]]) -> None:
        anchored = [(label, span) for label, span in spans if is_text_anchored(span) and not anchor_problem(span)]
        if not anchored:
            return
        requests = [Request(span["text"], span.get("occurrence")) for _, span in anchored]
        for (label, span), aligned in zip(anchored, self.aligner.independent(kind, requests)):
            self._place(layer, label, span, aligned)

    def dependent(self, layer: str, label: str, span: object, anchor: object) -> None:
        if not is_text_anchored(span) or anchor_problem(span):
            return
        request = Request(span["text"], span.get("occurrence"))
        self._place(layer, label, span, self.aligner.dependent(request, _offsets_of(anchor)))

    def _place(self, layer: str, label: str, span: dict, aligned: Aligned | None) -> None:
        tally = self.result.layers.setdefault(layer, LayerAlignment())
        tally.add(aligned)
        span.pop("occurrence", None)
        if aligned is None:
            first = len(self.text) + 1 + 2 * len(self.result.unaligned)
            self.result.unaligned[id(span)] = (first, first + 1)
            tally.unaligned_items.append({"item": label, "text": span["text"]})
            return
        span.update(start=aligned.start, end=aligned.end, text=self.text[aligned.start : aligned.end])


def _offsets_of(span: object) -> tuple[int, int] | None:
    if isinstance(span, dict) and isinstance(span.get("start"), int) and isinstance(span.get("end"), int):
        return (span["start"], span["end"])
    return None


def _listed(value: object) -> list:
    return value if isinstance(value, list) else []


def _dicts(pairs: list[tuple[str, object]]) -> list[tuple[str, dict]]:
    return [(label, span) for label, span in pairs if isinstance(span, dict)]


def align_record(record: dict, text: str, fuzzy: bool = False) -> AlignedRecord:
    """Offsets for the text-anchored spans of a prediction record (see the module docstring).

    Items of the wrong shape are left as they are: the prediction checks report them.
    """
    walker = _Walker(record, text, fuzzy)
    copy_ = walker.result.record
    entities = _listed(copy_.get("entities"))
    walker.independent("entities", "entities", _dicts([(f"entities[{i}]", e) for i, e in enumerate(entities)]))
    timexes = _listed(copy_.get("timexes"))
    walker.independent("timexes", "timexes", _dicts([(f"timexes[{i}]", t) for i, t in enumerate(timexes)]))
    _align_clusters(walker, _listed(copy_.get("clusters")))
    _align_quotes(walker, _listed(copy_.get("quotes")))
    _align_events(walker, _listed(copy_.get("events")))
    return walker.result


def _align_clusters(walker: _Walker, clusters: list) -> None:
    mentions = []
    for i, cluster in enumerate(clusters):
        members = cluster.get("mentions") if isinstance(cluster, dict) else cluster
        mentions += [(f"clusters[{i}][{j}]", m) for j, m in enumerate(_listed(members))]
    walker.independent("coref", "mentions", _dicts(mentions))


def _align_quotes(walker: _Walker, quotes: list) -> None:
    quotes = [(i, q) for i, q in enumerate(quotes) if isinstance(q, dict)]
    walker.independent("quotes", "cue", _dicts([(f"quotes[{i}].cue", q.get("cue")) for i, q in quotes]))
    walker.independent(
        "quotes",
        "content",
        _dicts([(f"quotes[{i}].content[{j}]", s) for i, q in quotes for j, s in enumerate(_listed(q.get("content")))]),
    )
    for i, quote in quotes:
        content = _listed(quote.get("content"))
        anchor = quote.get("cue") if _offsets_of(quote.get("cue")) else (content[0] if content else None)
        for key in ("source", "addressee"):
            walker.dependent("quotes", f"quotes[{i}].{key}", quote.get(key), anchor)


def _align_events(walker: _Walker, events: list) -> None:
    events = [(i, e) for i, e in enumerate(events) if isinstance(e, dict)]
    walker.independent("events", "trigger", _dicts([(f"events[{i}].trigger", e.get("trigger")) for i, e in events]))
    for i, event in events:
        for j, argument in enumerate(_listed(event.get("arguments"))):
            walker.dependent("events", f"events[{i}].arguments[{j}]", argument, event.get("trigger"))


def has_text_anchored(record: dict) -> bool:
    """Does any span of the record's scored layers lack offsets (and so need aligning)?"""
    stack: list = [record.get(key) for key in ("entities", "timexes", "clusters", "quotes", "events")]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if is_text_anchored(item):
                return True
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend(item)
    return False
