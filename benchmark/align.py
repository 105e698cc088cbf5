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

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Sequence

from .tokenize import tokenize

TIERS = ("exact", "normalized", "casefold", "fuzzy")
FUZZY_THRESHOLD = 0.85

_QUOTES = {"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
           "\u2033": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
           "`": "'", "\u00b4": "'"}
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
        return self._on_tokens((mapped.origin[start], mapped.origin[start + len(pattern) - 1] + 1)
                               for start in _find_all(mapped.text, pattern))

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
            if matcher.real_quick_ratio() >= FUZZY_THRESHOLD and matcher.quick_ratio() >= FUZZY_THRESHOLD \
                    and matcher.ratio() >= FUZZY_THRESHOLD:
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

