"""Confusion matrices read off the error records: entity types and CAMEO roots.

Rows are gold labels, columns predicted labels, and ``none`` stands for no
item on that side: a missed item is counted in column ``none``, a spurious one
in row ``none``. Entity pairs count whatever their boundaries; event pairs are
the aligned events (arguments are left out).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

NONE = "none"
EVENT_ITEMS = frozenset(
    {
        "correct",
        "wrong_quad",
        "wrong_root",
        "wrong_fine_code",
        "wrong_realis",
        "wrong_polarity",
        "missed_trigger",
        "spurious_trigger",
    }
)


@dataclass
class Confusion:
    title: str
    rows: list[str]
    columns: list[str]
    counts: dict[tuple[str, str], int]

    def cell(self, row: str, column: str) -> int:
        return self.counts.get((row, column), 0)

    @property
    def largest(self) -> int:
        return max(self.counts.values(), default=0)


def _matrix(title: str, pairs: Counter) -> Confusion:
    def ordered(labels: set[str]) -> list[str]:
        return sorted(labels - {NONE}) + ([NONE] if NONE in labels else [])

    return Confusion(title, ordered({g for g, _ in pairs}), ordered({p for _, p in pairs}), dict(pairs))


def _records(block: dict) -> list[dict]:
    return block.get("errors", []) + block.get("correct", [])


def entity_confusion(block: dict) -> Confusion:
    pairs = Counter(
        (r["gold"]["type"] if r["gold"] else NONE, r["pred"]["type"] if r["pred"] else NONE) for r in _records(block)
    )
    return _matrix("entity types (rows gold, columns predicted)", pairs)


def root_confusion(block: dict) -> Confusion:
    def root(item: dict | None) -> str:
        return NONE if item is None else item["root"] or "?"

    pairs = Counter((root(r["gold"]), root(r["pred"])) for r in _records(block) if r["category"] in EVENT_ITEMS)
    return _matrix("CAMEO roots (rows gold, columns predicted)", pairs)


def confusions(result: dict) -> list[Confusion]:
    """The matrices of the layers scored in ``result`` that have error records."""
    found = []
    for layer, build in (("entities", entity_confusion), ("events", root_confusion)):
        block = result["layers"].get(layer, {})
        if block.get("status") == "scored" and "errors" in block:
            found.append(build(block))
    return found
