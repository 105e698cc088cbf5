"""The article with a layer's gold and predicted items drawn over it.

Each error record (correct ones included) becomes one :class:`Item` drawn as
one or more :class:`Piece`s of text. Where items overlap or nest, the text is
cut at every piece boundary into :class:`Segment`s, and a segment is wrapped in
one element per piece covering it, so an item may be drawn as several
elements, all with its ``data-item``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .describe import describe, shortened

Span = tuple[int, int]
GOLD_SIDE_COREF = frozenset({"correct", "missed", "split", "missed_mentions"})


@dataclass(frozen=True)
class Piece:
    start: int
    end: int
    side: str  # both | gold | pred: which side's item covers this text
    part: str  # what the text is: span, content, cue, trigger, argument, mention


@dataclass
class Item:
    id: str
    layer: str
    outcome: str
    category: str
    also: list[str]
    gold: str
    pred: str
    pieces: list[Piece] = field(default_factory=list)
    tag: str = ""  # a short label shown after the item: a type, code, value, role or speaker

    @property
    def title(self) -> str:
        also = f" (also {', '.join(self.also)})" if self.also else ""
        return f"{self.outcome}: {self.category}{also}\ngold: {self.gold}\npred: {self.pred}"


@dataclass
class Segment:
    text: str
    wraps: list[tuple[Item, Piece, str]]  # outermost first, with the tag to show at the end of an item


def sided_pieces(gold: list[Span], pred: list[Span], part: str) -> list[Piece]:
    """Pieces covering the gold and the predicted spans, cut where the sides differ."""
    cuts = sorted({x for span in gold + pred for x in span})
    pieces: list[Piece] = []
    for start, end in zip(cuts, cuts[1:]):
        in_gold = any(s <= start and end <= e for s, e in gold)
        in_pred = any(s <= start and end <= e for s, e in pred)
        if in_gold or in_pred:
            side = "both" if in_gold and in_pred else "gold" if in_gold else "pred"
            if pieces and pieces[-1].end == start and pieces[-1].side == side:
                pieces[-1] = Piece(pieces[-1].start, end, side, part)
            else:
                pieces.append(Piece(start, end, side, part))
    return pieces


def _spans(item: dict | None, *keys: str) -> list[Span]:
    if item is None:
        return []
    found = []
    for key in keys:
        value = item.get(key) if key else item
        for span in value if isinstance(value, list) else [value]:
            if span:
                found.append((span["start"], span["end"]))
    return found


def record_pieces(layer: str, record: dict) -> list[Piece]:
    gold, pred = record["gold"], record["pred"]
    if layer in ("entities", "timexes"):
        return sided_pieces(_spans(gold, ""), _spans(pred, ""), "span")
    if layer == "quotes":
        return sided_pieces(_spans(gold, "content"), _spans(pred, "content"), "content") + sided_pieces(
            _spans(gold, "cue"), _spans(pred, "cue"), "cue"
        )
    if layer == "events":
        if "role" in (gold or pred):
            return sided_pieces(_spans(gold, ""), _spans(pred, ""), "argument")
        return sided_pieces(_spans(gold, "trigger"), _spans(pred, "trigger"), "trigger")
    return _coref_pieces(record)


def _coref_pieces(record: dict) -> list[Piece]:
    """The mentions of the cluster the record is about, each marked with the side(s) that have it."""
    gold_side = record["category"] in GOLD_SIDE_COREF
    cluster = (record["gold"] if gold_side else record["pred"])[0]
    unmatched = {(m["start"], m["end"]) for m in cluster["unmatched"]}
    own = "gold" if gold_side else "pred"
    return [
        Piece(m["start"], m["end"], own if (m["start"], m["end"]) in unmatched else "both", "mention")
        for m in cluster["mentions"]
    ]


def tag(layer: str, record: dict) -> str | None:
    """The label to show after an item: the gold one, and the predicted one when it differs
    (None when neither side has one, as in coreference)."""

    def label(item: dict | None) -> str | None:
        if item is None or layer == "coref":
            return None
        if layer == "entities":
            return item["type"]
        if layer == "timexes":
            return item.get("value") or item.get("type")
        if layer == "quotes":
            return shortened(item.get("source_name") or (item.get("source") or {}).get("text"), 24) or None
        return item["role"] if "role" in item else item["code"]

    gold, pred = label(record["gold"]), label(record["pred"])
    return gold if pred in (None, gold) else pred if gold is None else f"{gold}→{pred}"


def items_of(layer: str, records: list[dict], prefix: str) -> dict[str, list[Item]]:
    """The layer's items by document, each with an id unique in the report."""
    by_document: dict[str, list[Item]] = {}
    for index, record in enumerate(records):
        item = Item(
            f"{prefix}{index}",
            layer,
            record["outcome"],
            record["category"],
            record["also"],
            describe(layer, record["gold"]),
            describe(layer, record["pred"]),
            record_pieces(layer, record),
            tag(layer, record) or "",
        )
        by_document.setdefault(record["document"], []).append(item)
    return by_document


def segments(text: str, items: list[Item]) -> list[Segment]:
    """``text`` cut at every piece boundary, each part with the pieces covering it, outermost first."""
    placed = sorted(
        ((piece.start, -piece.end, item.id, item, piece) for item in items for piece in item.pieces),
        key=lambda entry: entry[:3],
    )
    cuts = sorted({0, len(text)} | {x for entry in placed for x in (entry[0], -entry[1])})
    last = {item.id: max(item.pieces, key=lambda piece: (piece.end, piece.start)) for item in items if item.pieces}
    result, open_pieces, next_piece = [], [], 0
    for start, end in zip(cuts, cuts[1:]):
        while next_piece < len(placed) and placed[next_piece][0] <= start:
            open_pieces.append(placed[next_piece])
            next_piece += 1
        open_pieces = [entry for entry in open_pieces if -entry[1] > start]
        result.append(
            Segment(
                text[start:end],
                [
                    (item, piece, item.tag if piece is last[item.id] and piece.end == end else "")
                    for _, _, _, item, piece in open_pieces
                ],
            )
        )
    return result
