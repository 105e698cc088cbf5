"""One-line descriptions of the items in error records, for the terminal and the report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SHORT = 60


def shortened(text: str | None, width: int = SHORT) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _quoted(span: dict | None) -> str:
    return f'"{shortened(span.get("text"))}"' if span else "-"


def _entity(item: dict) -> str:
    return f"{_quoted(item)} {item['type']}"


def _quote(item: dict) -> str:
    speaker = item.get("source_name") or (item["source"] or {}).get("text") or "no speaker"
    content = " … ".join(shortened(s.get("text"), 40) for s in item["content"])
    cue = f", cue {_quoted(item['cue'])}" if item.get("cue") else ""
    return f'{shortened(speaker, 30)} → "{content}" ({item.get("kind") or "no kind"}{cue})'


def _event(item: dict) -> str:
    if "role" in item:
        return f"{item['role']} {_quoted(item)} of {_quoted(item['trigger'])} {item['code']}"
    name = f" {item['name']}" if item.get("name") else ""
    quad = f" ({item['quad_name']})" if item.get("quad_name") else ""
    return (
        f"{_quoted(item['trigger'])} {item['code']}{name}{quad}; "
        f"{item.get('realis') or 'no realis'}, {item.get('polarity') or 'no polarity'}"
    )


def _timex(item: dict) -> str:
    mod = f" {item['mod']}" if item.get("mod") else ""
    return f"{_quoted(item)} {item.get('type') or 'no type'} {item.get('value') or 'no value'}{mod}"


def _cluster(item: dict) -> str:
    unmatched = {(m["start"], m["end"]) for m in item.get("unmatched", [])}
    mentions = ", ".join(
        shortened(m.get("text"), 30) + ("*" if (m["start"], m["end"]) in unmatched else "") for m in item["mentions"]
    )
    return f"{item['name'] + ' ' if item.get('name') else ''}{{{mentions}}}"


def _clusters(items: list[dict]) -> str:
    return " + ".join(_cluster(item) for item in items)


DESCRIBE: dict[str, Callable[[Any], str]] = {
    "entities": _entity,
    "quotes": _quote,
    "events": _event,
    "timexes": _timex,
    "coref": _clusters,
}


def describe(layer: str, item) -> str:
    """An item of a record of ``layer`` (in coreference, a list of clusters) on one line."""
    return "-" if item is None else DESCRIBE[layer](item)


def subject_span(layer: str, record: dict) -> tuple[int, int]:
    """The span a record is about, to mark in its context: the gold item's, else the prediction's."""
    item = record["gold"] if record["gold"] is not None else record["pred"]
    if layer == "coref":
        side = (
            record["gold"]
            if record["category"] in ("correct", "missed", "split", "missed_mentions")
            else record["pred"]
        )
        first = side[0]["mentions"][0]
        return first["start"], first["end"]
    if layer == "quotes":
        spans = item["content"]
        return min(s["start"] for s in spans), max(s["end"] for s in spans)
    if layer == "events" and "trigger" in item and "role" not in item:
        return item["trigger"]["start"], item["trigger"]["end"]
    return item["start"], item["end"]
