"""Coreference outcomes: how each cluster was split, merged, missed or reproduced.

Clusters are compared as the metrics see them (``Partition``: repeated
mentions dropped). A gold cluster equal to a predicted one is ``correct`` (one
record for the pair). Every other gold cluster gets a record when it has an
error of its own:

- ``missed``: none of its mentions was predicted;
- ``split``: its predicted mentions lie in two or more predicted clusters;
- ``missed_mentions``: they lie in one predicted cluster, and some are missing.

Every other predicted cluster likewise:

- ``spurious``: none of its mentions is a gold mention;
- ``merged``: its gold mentions come from two or more gold clusters;
- ``spurious_mentions``: from one gold cluster, plus mentions the gold lacks.

A gold cluster that lies whole inside a larger predicted cluster has no record
of its own (that cluster's ``merged`` or ``spurious_mentions`` record names
it); nor has a predicted cluster that is a strict part of one gold cluster
(that cluster's ``split`` or ``missed_mentions`` record names it). In a record,
``gold`` and ``pred`` are lists of clusters ``{"name", "mentions",
"unmatched"}``: ``unmatched`` are the mentions absent from the other side;
a gold-side record's first gold cluster, a predicted-side record's first
predicted cluster is the one the record is about.
"""

from __future__ import annotations

from ...records import Offsets
from . import OutcomeLog

Cluster = tuple[Offsets, ...]
GOLD_SIDE = frozenset({"correct", "missed", "split", "missed_mentions"})


def log_coref(log: OutcomeLog, key, response, names: dict[Offsets, str]) -> None:
    """Record one document's clusters; ``key`` and ``response`` are the metrics' ``Partition``s."""
    key_mentions, response_mentions = key.mentions(), response.mentions()

    def item(cluster: Cluster, other_side: set[Offsets], named: bool) -> dict:
        mentions = sorted(cluster)
        return {
            "name": names.get(mentions[0]) if named else None,
            "mentions": [log.span(m) for m in mentions],
            "unmatched": [log.span(m) for m in mentions if m not in other_side],
        }

    def gold_item(index: int) -> dict:
        return item(key.clusters[index], response_mentions, True)

    def pred_item(index: int) -> dict:
        return item(response.clusters[index], key_mentions, False)

    exact = {frozenset(cluster): j for j, cluster in enumerate(response.clusters)}
    reproduced = set()
    for i, cluster in enumerate(key.clusters):
        j = exact.get(frozenset(cluster))
        anchor = min(cluster)
        if j is not None:
            reproduced.add(j)
            log.add(["correct"], [gold_item(i)], [pred_item(j)], anchor)
            continue
        parts = sorted(response.overlaps(cluster))
        if not parts:
            log.add(["missed"], [gold_item(i)], None, anchor)
        elif len(parts) > 1:
            log.add(["split"], [gold_item(i)], [pred_item(j) for j in parts], anchor)
        elif any(m not in response_mentions for m in cluster):
            log.add(["missed_mentions"], [gold_item(i)], [pred_item(parts[0])], anchor)
    for j, cluster in enumerate(response.clusters):
        if j in reproduced:
            continue
        sources = sorted(key.overlaps(cluster))
        anchor = min(cluster)
        if not sources:
            log.add(["spurious"], None, [pred_item(j)], anchor)
        elif len(sources) > 1:
            log.add(["merged"], [gold_item(i) for i in sources], [pred_item(j)], anchor)
        elif any(m not in key_mentions for m in cluster):
            log.add(["spurious_mentions"], [gold_item(sources[0])], [pred_item(j)], anchor)
