"""Counts of the gold, per layer and per label (``benchmark stats``)."""

from __future__ import annotations

import sys
from collections import Counter

from .corpus import load_shipped
from .inventory import cameo_root
from .model import Document


def label_counts(documents: list[Document]) -> dict[str, Counter]:
    """Items per label of every layer, over all documents."""
    counts: dict[str, Counter] = {
        "documents": Counter({"documents": len(documents)}),
        "sentences": Counter(),
        "entities": Counter(),
        "mentions": Counter(),
        "clusters": Counter(),
        "quotes": Counter(),
        "events": Counter(),
        "event arguments": Counter(),
        "timexes": Counter(),
    }
    for doc in documents:
        counts["sentences"]["sentences"] += len(doc.sentences)
        counts["entities"].update(e.type for e in doc.entities)
        counts["mentions"].update(m.kind for m in doc.mentions)
        counts["clusters"].update("singleton" if len(c.members) == 1 else "multi-member" for c in doc.clusters)
        counts["quotes"].update(q.kind for q in doc.quotes)
        counts["events"].update(f"root {cameo_root(e.code)}" for e in doc.events)
        counts["event arguments"].update(a.role for e in doc.events for a in e.arguments)
        counts["timexes"].update(t.type for t in doc.timexes)
    return counts


def stats_markdown(documents: list[Document]) -> str:
    lines = ["| layer | items | per label |", "|---|---:|---|"]
    for layer, counter in label_counts(documents).items():
        labels = ", ".join(f"{label} {n}" for label, n in sorted(counter.items())) if len(counter) > 1 else ""
        lines.append(f"| {layer} | {sum(counter.values())} | {labels} |")
    return "\n".join(lines) + "\n"


def cmd_stats(args) -> int:
    sys.stdout.write(stats_markdown(load_shipped()))
    return 0
