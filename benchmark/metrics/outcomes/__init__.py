"""Error analysis: the outcome of every scored item, from the matchings the metrics use.

A layer scorer called with ``outcomes=True`` fills an :class:`OutcomeLog` as
it matches, so each record describes a pair, a miss or a spurious item that
the metrics counted. A record is::

    {"category", "outcome", "also", "gold", "pred", "document", "sentence",
     "context", "context_start"}

``category`` is the layer's fine category (``CATEGORIES``); when several apply
to one pair, the first in that order is the category and the others are listed
in ``also``. ``outcome`` is the coarse outcome shared by all layers
(``OUTCOMES``), derived from the category and ``also`` (:func:`coarse_outcome`).
``context`` is the text of the sentence(s) around the item, at most
``CONTEXT_CHARS`` either side of it, starting at offset ``context_start``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from ...records import DocRecords, Offsets

OUTCOMES = ("correct", "type", "boundary", "boundary-type", "missed", "spurious")

# Per layer, its fine categories in order of precedence, each with its kind:
# correct, missed, spurious, boundary (the extent is wrong), label (a label or
# attribute is wrong) or both (boundary and label).
CATEGORIES: dict[str, dict[str, str]] = {
    "entities": {
        "correct": "correct",
        "boundary-type": "both",
        "boundary": "boundary",
        "type": "label",
        "missed": "missed",
        "spurious": "spurious",
    },
    "coref": {
        "correct": "correct",
        "split": "boundary",
        "missed_mentions": "boundary",
        "merged": "boundary",
        "spurious_mentions": "boundary",
        "missed": "missed",
        "spurious": "spurious",
    },
    "quotes": {
        "correct": "correct",
        "wrong_speaker": "label",
        "content_boundary": "boundary",
        "wrong_cue": "label",
        "wrong_kind": "label",
        "missed": "missed",
        "spurious": "spurious",
    },
    "events": {
        "correct": "correct",
        "wrong_quad": "label",
        "wrong_root": "label",
        "wrong_fine_code": "label",
        "wrong_realis": "label",
        "wrong_polarity": "label",
        "missed_trigger": "missed",
        "spurious_trigger": "spurious",
        "correct_argument": "correct",
        "wrong_role": "label",
        "missing_argument": "missed",
        "spurious_argument": "spurious",
    },
    "timexes": {
        "correct": "correct",
        "boundary": "boundary",
        "wrong_type": "label",
        "wrong_value": "label",
        "missed": "missed",
        "spurious": "spurious",
    },
}
CONTEXT_CHARS = 100


def coarse_outcome(layer: str, categories: Iterable[str]) -> str:
    """One of ``OUTCOMES`` for a record whose category and ``also`` are ``categories``."""
    kinds = {CATEGORIES[layer][category] for category in categories}
    for final in ("correct", "missed", "spurious"):
        if final in kinds:
            return final
    boundary = bool(kinds & {"boundary", "both"})
    label = bool(kinds & {"label", "both"})
    return "boundary-type" if boundary and label else "boundary" if boundary else "type"


@dataclass
class OutcomeLog:
    """The records of one layer, document by document (call :meth:`begin` per document)."""

    layer: str
    records: list[dict] = field(default_factory=list)
    doc: DocRecords | None = None
    _keys: list[tuple] = field(default_factory=list)
    _doc_index: int = -1

    def begin(self, gold_doc: DocRecords) -> None:
        self.doc = gold_doc
        self._doc_index += 1

    @overload
    def span(self, offsets: Offsets) -> dict: ...

    @overload
    def span(self, offsets: None) -> None: ...

    def span(self, offsets: Offsets | None) -> dict | None:
        """A span as records show it: offsets and the text they cover (when the text is known)."""
        if offsets is None:
            return None
        start, end = offsets
        assert self.doc is not None, "begin() a document first"
        return {"start": start, "end": end, "text": self.doc.text[start:end] if self.doc.text else None}

    def add(self, categories: Sequence[str], gold: Any, pred: Any, anchor: Offsets) -> None:
        """Record one item; ``categories`` are every category that applies (at least one)."""
        order = CATEGORIES[self.layer]
        ranked = sorted(set(categories), key=list(order).index)
        sentence, context, context_start = self._context(anchor)
        assert self.doc is not None, "begin() a document first"
        self.records.append(
            {
                "category": ranked[0],
                "outcome": coarse_outcome(self.layer, ranked),
                "also": ranked[1:],
                "gold": gold,
                "pred": pred,
                "document": self.doc.id,
                "sentence": sentence,
                "context": context,
                "context_start": context_start,
            }
        )
        self._keys.append((self._doc_index, anchor[0], anchor[1], len(self._keys)))

    def sorted_records(self) -> list[dict]:
        """The records in document order, and by position within a document."""
        return [self.records[key[-1]] for key in sorted(self._keys)]

    def _context(self, anchor: Offsets) -> tuple[str | None, str, int]:
        assert self.doc is not None, "begin() a document first"
        text, sentences = self.doc.text or "", self.doc.sentences
        start, end = anchor
        low, high = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
        sentence = None
        if sentences:
            starts = [s[1] for s in sentences]
            first = max(bisect_right(starts, start) - 1, 0)
            last = max(bisect_right(starts, max(start, end - 1)) - 1, first)
            sentence = sentences[first][0]
            low = max(low, min(sentences[first][1], start))
            high = min(high, max(sentences[last][2], end))
        low, high = _word_edge(text, low, start, forward=True), _word_edge(text, high, end, forward=False)
        return sentence, text[low:high], low


def _word_edge(text: str, edge: int, limit: int, forward: bool) -> int:
    """``edge`` moved towards ``limit`` to the nearest white space, so no word is cut."""
    if forward:
        if edge == 0 or edge >= limit or text[edge - 1].isspace():
            return edge
        cut = next((i for i in range(edge, limit) if text[i].isspace()), limit)
        return cut + 1 if cut < limit else edge
    if edge >= len(text) or edge <= limit or text[edge].isspace():
        return edge
    space = next((i for i in range(edge - 1, limit - 1, -1) if text[i].isspace()), None)
    return space if space is not None else edge


def outcome_blocks(layer: str, records: Sequence[dict]) -> dict:
    """The result-file keys of a layer's records: errors, correct, error_counts, outcome_counts."""
    categories = Counter(r["category"] for r in records)
    outcomes = Counter(r["outcome"] for r in records)
    return {
        "errors": [r for r in records if r["outcome"] != "correct"],
        "correct": [r for r in records if r["outcome"] == "correct"],
        "error_counts": {category: categories[category] for category in CATEGORIES[layer]},
        "outcome_counts": {outcome: outcomes[outcome] for outcome in OUTCOMES},
    }


def union(spans: Iterable[Offsets | None]) -> Offsets:
    """The smallest span covering every given span."""
    present = [s for s in spans if s is not None]
    return (min(s[0] for s in present), max(s[1] for s in present)) if present else (0, 0)
