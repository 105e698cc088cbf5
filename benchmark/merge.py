"""``benchmark merge SHARD.json... -o result.json``: one result from the shards of a run.

Every shard ``I/N`` of one run (``benchmark evaluate --shard I/N``) must be
given, once. The documents go back in gold order (shards are round-robin,
see :mod:`benchmark.shard`); each layer's per-document tallies are summed and
every figure recomputed from the sums (:mod:`benchmark.metrics.tallies`),
and the bootstrap runs over the units of all documents in gold order with the
run's seed and samples: the merged result equals the unsharded run's.

Refused, exit status 2: a file that is not a shard result; shards that
overlap (an index twice, or a document in two shards) or are missing; shards
of different gold, system or settings (anything in the signature but the
shard, the dataset block, the system block and the config). Failures are
concatenated (in gold order of their documents) and dropped items summed.
Any other top-level key must agree across shards, or be a list (concatenated)
or a number (summed).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .errors import InputError
from .model import LAYERS
from .reading import parse_json, read_text
from .shard import Shard, signature_without_shard

EXIT_OK, EXIT_SYSTEM_FAILED = 0, 3
KNOWN_KEYS = ("signature", "dataset", "system", "config", "layers", "dropped_items", "failures")


@dataclass
class ShardResult:
    path: Path
    result: dict
    shard: Shard
    total: int  # documents in the whole run

    @property
    def documents(self) -> list[str]:
        return self.result["dataset"]["documents"]


def read_shard(path: Path) -> ShardResult:
    try:
        result = parse_json(read_text(Path(path)), str(path))
    except OSError as err:
        raise InputError(f"{path}: cannot be read: {err.strerror or err}") from None
    shapes = {"signature": str, "dataset": dict, "system": dict, "config": dict, "layers": dict}
    if not isinstance(result, dict) or any(not isinstance(result.get(k), t) for k, t in shapes.items()):
        raise InputError(f"{path}: is not a result file (it needs {', '.join(shapes)})")
    record = result["config"].get("shard")
    if not isinstance(record, dict):
        raise InputError(
            f"{path}: is not the result of `benchmark evaluate --shard I/N --output FILE.json` (it has no config.shard)"
        )
    try:
        shard, total = Shard(int(record["index"]), int(record["count"])), int(record["total_documents"])
        documents = result["dataset"]["documents"]
    except (KeyError, TypeError, ValueError) as err:
        raise InputError(f"{path}: config.shard or dataset.documents is malformed ({err!r})") from None
    if len(documents) != len(shard.positions(total)):
        raise InputError(
            f"{path}: shard {shard} of {total} documents should hold {len(shard.positions(total))} "
            f"documents but lists {len(documents)}"
        )
    return ShardResult(Path(path), result, shard, total)


def _settings(shard: ShardResult) -> dict[str, Any]:
    """Everything that must agree across the shards of one run, by what to call it in a message."""
    result = shard.result
    return {
        "signature (shard aside)": signature_without_shard(result["signature"]),
        "gold (dataset block)": {k: v for k, v in result["dataset"].items() if k != "documents"},
        "system": result.get("system"),
        "settings (config)": {k: v for k, v in result["config"].items() if k != "shard"},
        "shard count and documents": (shard.shard.count, shard.total),
        "layers scored": {layer: block.get("status") for layer, block in result["layers"].items()},
    }


def check_shards(shards: list[ShardResult]) -> None:
    """Refuse shards that overlap, are missing, or come from different runs (or harness versions)."""
    first, reference = shards[0], _settings(shards[0])
    written_by = [p for p in first.result["signature"].split("|") if p.startswith("harness:")]
    if written_by != [f"harness:{__version__}"]:
        raise InputError(
            f"{first.path}: written by {', '.join(written_by) or 'an unknown harness'}, but this is "
            f"harness:{__version__}; merge with the version that scored the shards"
        )
    for shard in shards[1:]:
        for what, value in _settings(shard).items():
            if value != reference[what]:
                raise InputError(
                    f"{shard.path} and {first.path} come from different runs: their {what} differ "
                    f"({_short(value)} vs {_short(reference[what])}); merge only the shards of one run"
                )
    seen: dict[int, Path] = {}
    for shard in shards:
        if shard.shard.index in seen:
            raise InputError(
                f"shards overlap: shard {shard.shard} is given twice ({seen[shard.shard.index]} and {shard.path})"
            )
        seen[shard.shard.index] = shard.path
    count = first.shard.count
    missing = [str(i) for i in range(1, count + 1) if i not in seen]
    if missing:
        raise InputError(
            f"shard(s) {', '.join(missing)} of {count} missing: merge needs every shard 1..{count} "
            f"of the run (given: {', '.join(str(s.shard) for s in shards)})"
        )
    owner: dict[str, Path] = {}
    for shard in shards:
        for doc_id in shard.documents:
            if doc_id in owner:
                raise InputError(f"shards overlap: document {doc_id!r} is in {owner[doc_id]} and {shard.path}")
            owner[doc_id] = shard.path


def _short(value: Any, width: int = 120) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= width else text[: width - 3] + "..."


def _per_document(shard: ShardResult, layer: str) -> list[tuple[dict, list[list[float]]]]:
    """(tally, bootstrap rows) of each of the shard's documents for ``layer``."""
    block = shard.result["layers"][layer]
    tallies, stats = block.get("tallies"), block.get("units", {}).get("stats")
    if not isinstance(tallies, list) or len(tallies) != len(shard.documents) or not isinstance(stats, list):
        raise InputError(f"{shard.path}: layers.{layer} lacks one tally per document (tallies) or units.stats")
    if sum(t.get("units", 0) for t in tallies) != len(stats):
        raise InputError(f"{shard.path}: layers.{layer}: the tallies' units do not add up to units.stats")
    rows, start = [], 0
    for tally in tallies:
        rows.append((tally, stats[start : start + tally["units"]]))
        start += tally["units"]
    return rows


def _merge_layer(layer: str, shards: list[ShardResult], ordered: list[tuple[ShardResult, int]], config: dict) -> dict:
    """The layer's block over all documents, from the tallies and rows in gold order."""
    from .evaluation import layer_result
    from .metrics.tallies import combine

    per_shard = {shard.shard.index: _per_document(shard, layer) for shard in shards}
    tallies, rows = [], []
    for shard, local in ordered:
        tally, doc_rows = per_shard[shard.shard.index][local]
        tallies.append(tally)
        rows += doc_rows
    documents = [shard.documents[local] for shard, local in ordered]
    return {
        **layer_result(combine(layer, tallies, rows), config["bootstrap"], config["seed"]),
        **_merged_outcomes(layer, shards, documents),
        **_merged_alignment(layer, shards, documents),
    }


def _merged_alignment(layer: str, shards: list[ShardResult], documents: list[str]) -> dict:
    """The shards' alignment tallies summed, their unaligned items in gold document order."""
    blocks = [
        shard.result["layers"][layer]["alignment"] for shard in shards if "alignment" in shard.result["layers"][layer]
    ]
    if not blocks:
        return {}
    merged = {tier: sum(block.get(tier, 0) for block in blocks) for tier in blocks[0] if tier != "unaligned_items"}
    position = {doc_id: index for index, doc_id in enumerate(documents)}
    items = [item for block in blocks for item in block.get("unaligned_items", [])]
    merged["unaligned_items"] = sorted(items, key=lambda item: position.get(item.get("document"), -1))
    return {"alignment": merged}


def _merged_outcomes(layer: str, shards: list[ShardResult], documents: list[str]) -> dict:
    """The shards' error and correct records, each list in gold document order."""
    from .metrics.outcomes import outcome_blocks

    by_document: dict[tuple[str, str], list[dict]] = {}
    for shard in shards:
        block = shard.result["layers"][layer]
        for key in ("errors", "correct"):
            for record in block.get(key, []):
                by_document.setdefault((key, record["document"]), []).append(record)
    return outcome_blocks(
        layer, [r for key in ("errors", "correct") for doc_id in documents for r in by_document.get((key, doc_id), [])]
    )


def _other_key(key: str, values: list[Any]) -> Any:
    if all(v == values[0] for v in values):
        return values[0]
    if all(isinstance(v, list) for v in values):
        return [item for v in values for item in v]
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return sum(values)
    if all(isinstance(v, dict) and v.keys() == values[0].keys() for v in values):
        # e.g. the cache block: hits and documents summed, "enabled" equal in every shard
        return {k: _other_key(f"{key}.{k}", [v[k] for v in values]) for k in values[0]}
    raise InputError(f"the shards disagree on {key!r}, which merge cannot combine")


def merge_results(shards: list[ShardResult]) -> dict:
    """The result of the whole run from all its shards."""
    if not shards:
        raise InputError("give the result files of every shard")
    check_shards(shards)
    by_index = {s.shard.index: s for s in shards}
    first, count = shards[0], shards[0].shard.count
    ordered = [(by_index[p % count + 1], p // count) for p in range(first.total)]
    documents = [shard.documents[local] for shard, local in ordered]
    config = {k: v for k, v in first.result["config"].items() if k != "shard"}
    layers = {}
    for layer, block in first.result["layers"].items():
        layers[layer] = _merge_layer(layer, shards, ordered, config) if block.get("status") == "scored" else block
    position = {doc_id: p for p, doc_id in reversed(list(enumerate(documents)))}
    failures = sorted(
        (f for s in sorted(shards, key=lambda s: s.shard.index) for f in s.result.get("failures", [])),
        key=lambda f: position.get(f.get("document"), len(documents)),
    )
    merged = {
        "signature": signature_without_shard(first.result["signature"]),
        "dataset": {**first.result["dataset"], "documents": documents},
        "system": first.result["system"],
        "config": config,
        "layers": {layer: layers[layer] for layer in LAYERS if layer in layers},
        "dropped_items": sum(s.result.get("dropped_items", 0) for s in shards),
        "failures": failures,
    }
    for key in first.result:
        if key not in KNOWN_KEYS:
            merged[key] = _other_key(key, [s.result.get(key) for s in shards])
    merged["merged"] = {"shards": count}
    return merged


def cmd_merge(args: argparse.Namespace) -> int:
    from .results import atomic_write_text, format_markdown, format_table, to_json

    result = merge_results([read_shard(path) for path in args.shards])
    render = {"table": format_table, "markdown": format_markdown, "json": to_json}[args.format]
    if args.output:
        atomic_write_text(args.output, to_json(result) if args.output.suffix == ".json" else render(result))
        print(f"wrote {args.output}", file=sys.stderr)
    if not args.output or args.format != "json":
        sys.stdout.write(render(result))
    return EXIT_SYSTEM_FAILED if result["failures"] else EXIT_OK
