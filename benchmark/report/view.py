"""What the HTML report shows, computed from result files and the gold texts.

Everything here is plain data (numbers and strings); the template escapes
every string it prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..metrics.outcomes import CATEGORIES, OUTCOMES, coarse_outcome
from ..model import LAYERS
from ..results import format_figure
from .confusion import Confusion, confusions
from .describe import describe, shortened
from .overlay import GOLD_SIDE_COREF, Segment, items_of, segments

AXIS = (8, 192)  # x of 0 and of 1 on the interval's axis
OUTCOME_NAMES = {
    "correct": "correct",
    "type": "wrong type",
    "boundary": "wrong boundary",
    "boundary-type": "wrong boundary and type",
    "missed": "missed",
    "spurious": "spurious",
}


@dataclass
class Interval:
    """A headline and its CI drawn on a 0-1 axis."""

    value: float
    low: float | None
    high: float | None

    @staticmethod
    def x(value: float) -> float:
        return round(AXIS[0] + (AXIS[1] - AXIS[0]) * min(max(value, 0.0), 1.0), 1)

    @property
    def label(self) -> str:
        ci = f" [{self.low:.3f}, {self.high:.3f}]" if self.low is not None else ""
        return f"{self.value:.3f}{ci}"


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass
class LayerView:
    name: str
    status: str
    headline: str = ""
    interval: Interval | None = None
    metrics: Table | None = None
    per_label: Table | None = None
    categories: list[tuple[str, str, int]] = field(default_factory=list)  # category, outcome, count


@dataclass
class Heatmap:
    title: str
    columns: list[str]
    rows: list[tuple[str, list[tuple[int, int]]]]  # label, (count, heat 0-9) per column


@dataclass
class Article:
    document: str
    layer: str
    segments: list[Segment]


@dataclass
class Row:
    """One record in the quote, event or cluster lists."""

    outcome: str
    category: str
    also: list[str]
    gold: str
    pred: str
    details: list[tuple[str, str]] = field(default_factory=list)  # (outcome, text) of attached items


@dataclass
class ClusterBox:
    outcome: str  # an outcome, or "none" for a cluster whose error another record tells
    category: str
    name: str
    mentions: list[tuple[str, bool]]  # text, present on the other side


@dataclass
class SystemView:
    index: int
    name: str
    spec: str
    signature: str
    layers: list[LayerView]
    heatmaps: list[Heatmap]
    articles: list[Article]
    quotes: list[Row]
    events: list[Row]
    gold_clusters: list[ClusterBox]
    pred_clusters: list[ClusterBox]
    notes: list[str]


def _metric_table(layer: str, block: dict) -> Table:
    headline = block["headline"]["metric"]
    count_keys = (
        ("correct", "incorrect", "partial", "missed", "spurious")
        if layer == "entities"
        else ("correct", "predicted", "gold")
        if layer != "coref"
        else ()
    )
    rows = [
        [
            name + (" *" if name == headline else ""),
            format_figure(v.get("precision")),
            format_figure(v.get("recall")),
            format_figure(v.get("f1")),
            *(format_figure(v.get(k)) for k in count_keys),
        ]
        for name, v in block["metrics"].items()
    ]
    rows += [
        [f"{name} accuracy", "", "", format_figure(value), *([""] * len(count_keys))]
        for name, value in block.get("accuracies", {}).items()
    ]
    return Table(["metric", "P", "R", "F1", *count_keys], rows)


def _per_label_table(layer: str, block: dict) -> Table | None:
    if not block.get("per_label"):
        return None
    headline = block["headline"]["metric"]
    metrics = list(next(iter(block["per_label"].values())))
    others = [m for m in metrics if m != headline]
    count_key = "possible" if layer == "entities" else "gold"
    rows = []
    for label, by_metric in block["per_label"].items():
        main = by_metric.get(headline, {})
        rows.append(
            [
                label,
                format_figure(main.get(count_key)),
                *(format_figure(main.get(k)) for k in ("precision", "recall", "f1")),
                *(format_figure(by_metric[m]["f1"]) if m in by_metric else "-" for m in others),
            ]
        )
    return Table(["label", "gold", f"{headline} P", "R", "F1", *(f"{m} F1" for m in others)], rows)


def layer_view(layer: str, block: dict) -> LayerView:
    if block.get("status") != "scored":
        return LayerView(layer, block.get("status", "not attempted"))
    headline = block["headline"]
    ci = headline.get("ci95") or [None, None]
    counts = block.get("error_counts", {})
    categories = [(c, coarse_outcome(layer, [c]), counts.get(c, 0)) for c in CATEGORIES[layer]]
    return LayerView(
        layer,
        "scored",
        headline["metric"],
        Interval(headline["value"], ci[0], ci[1]),
        _metric_table(layer, block),
        _per_label_table(layer, block),
        categories,
    )


def heatmap(confusion: Confusion) -> Heatmap:
    largest = confusion.largest or 1
    rows = [
        (
            row,
            [
                (confusion.cell(row, column), -(-9 * confusion.cell(row, column) // largest))
                for column in confusion.columns
            ],
        )
        for row in confusion.rows
    ]
    return Heatmap(confusion.title, confusion.columns, rows)


def _records(block: dict) -> list[dict]:
    return block.get("errors", []) + block.get("correct", [])


def _row(layer: str, record: dict) -> Row:
    return Row(
        record["outcome"],
        record["category"],
        record["also"],
        describe(layer, record["gold"]),
        describe(layer, record["pred"]),
    )


def event_rows(block: dict) -> list[Row]:
    """One row per event record, with the argument records of its trigger attached."""
    events: list[Row] = []
    arguments: dict[tuple[int, int], list[tuple[str, str]]] = {}
    for record in sorted(_records(block), key=lambda r: _event_position(r)):
        item = record["gold"] or record["pred"]
        if "role" in item:
            key = (item["trigger"]["start"], item["trigger"]["end"])
            text = f"{record['category']}: {describe('events', record['gold'])} / {describe('events', record['pred'])}"
            arguments.setdefault(key, []).append((record["outcome"], text))
        else:
            events.append(_row("events", record))
            events[-1].details = arguments.setdefault((item["trigger"]["start"], item["trigger"]["end"]), [])
    return events


def _event_position(record: dict) -> tuple:
    item = record["gold"] or record["pred"]
    return (record["document"], item["trigger"]["start"], "role" in item)


def quote_rows(block: dict) -> list[Row]:
    return [
        _row("quotes", record)
        for record in sorted(
            _records(block), key=lambda r: (r["document"], min(s["start"] for s in (r["gold"] or r["pred"])["content"]))
        )
    ]


def cluster_boxes(block: dict) -> tuple[list[ClusterBox], list[ClusterBox]]:
    """Every gold and predicted cluster once, in text order, with the record about it if it has one."""
    gold: dict[tuple, ClusterBox] = {}
    pred: dict[tuple, ClusterBox] = {}
    for record in _records(block):
        category = record["category"]
        for side, clusters, about in (
            (gold, record["gold"], category in GOLD_SIDE_COREF),
            (pred, record["pred"], category not in GOLD_SIDE_COREF or category == "correct"),
        ):
            for position, cluster in enumerate(clusters or []):
                own = about and position == 0
                mentions = [(m["start"], m["end"]) for m in cluster["mentions"]]
                key = (record["document"], *mentions)
                if own or key not in side:
                    side[key] = _box(cluster, record if own else None)
    return [gold[key] for key in sorted(gold)], [pred[key] for key in sorted(pred)]


def _box(cluster: dict, record: dict | None) -> ClusterBox:
    unmatched = {(m["start"], m["end"]) for m in cluster["unmatched"]}
    return ClusterBox(
        record["outcome"] if record else "none",
        record["category"] if record else "",
        cluster.get("name") or "",
        [(shortened(m.get("text"), 40), (m["start"], m["end"]) not in unmatched) for m in cluster["mentions"]],
    )


def articles(system_index: int, result: dict, texts: dict[str, str]) -> list[Article]:
    found = []
    by_layer = {
        layer: items_of(layer, _records(block), f"s{system_index}-{layer}-")
        for layer, block in result["layers"].items()
        if block.get("status") == "scored" and "errors" in block
    }
    for document in result["dataset"]["documents"]:
        for layer in LAYERS:
            if layer in by_layer:
                found.append(Article(document, layer, segments(texts[document], by_layer[layer].get(document, []))))
    return found


def system_view(index: int, result: dict, texts: dict[str, str]) -> SystemView:
    layers = result["layers"]

    def block(layer: str) -> dict:
        found = layers.get(layer, {})
        return found if found.get("status") == "scored" and "errors" in found else {}

    gold_clusters, pred_clusters = cluster_boxes(block("coref"))
    notes = (
        [f"{result['dropped_items']} invalid predicted item(s) dropped (--lenient)"]
        if result.get("dropped_items")
        else []
    )
    notes += [f"warning: {w.get('layer', '')}: {w.get('message', '')}" for w in result.get("warnings", [])]
    notes += [f"FAILED {f['document']}: {f['error']}" for f in result.get("failures", [])]
    return SystemView(
        index,
        result["system"]["name"],
        result["system"].get("spec", ""),
        result["signature"],
        [layer_view(layer, layers.get(layer, {})) for layer in LAYERS],
        [heatmap(c) for c in confusions(result)],
        articles(index, result, texts),
        quote_rows(block("quotes")),
        event_rows(block("events")),
        gold_clusters,
        pred_clusters,
        notes,
    )


OUTCOME_LEGEND = [(outcome, OUTCOME_NAMES[outcome]) for outcome in OUTCOMES]
