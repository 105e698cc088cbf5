"""The result file (DESIGN section 5.1): signature, JSON, and readable tables."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .model import LAYERS


@dataclass(frozen=True)
class Signature:
    """A one-line fingerprint of everything that decides the numbers, as sacrebleu's."""

    dataset_version: str
    dataset_sha256: str
    layers: tuple[str, ...]
    bootstrap: int
    seed: int
    harness: str = __version__
    # Further settings that change the numbers, as (name, value) pairs: ("gold", "hf"), ("shard", "2/7").
    options: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        options = "".join(f"|{name}:{value}" for name, value in self.options)
        return (f"diplomacy-ie:{self.dataset_version}|sha:{self.dataset_sha256[:8]}"
                f"|layers:{','.join(self.layers)}|boot:{self.bootstrap}|seed:{self.seed}{options}"
                f"|harness:{self.harness}")


def atomic_write_text(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, then rename over the target."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def to_json(result: dict) -> str:
    return json.dumps(result, indent=2, ensure_ascii=False) + "\n"


def _fmt(value: Any) -> str:
    return "-" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def _rows(result: dict) -> list[list[str]]:
    rows = []
    for layer in LAYERS:
        block = result["layers"].get(layer)
        if block is None:
            continue
        if block.get("status") != "scored":
            rows.append([layer, "-", "", "", "", block.get("status", ""), ""])
            continue
        headline = block["headline"]
        for name, values in block["metrics"].items():
            is_headline = name == headline["metric"]
            ci = headline.get("ci95") if is_headline else None
            rows.append([layer, name + (" *" if is_headline else ""), _fmt(values.get("precision")),
                         _fmt(values.get("recall")), _fmt(values.get("f1")), "",
                         f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci else ""])
        for mode, scores in block.get("extra", {}).get("iob2", {}).items():
            micro = scores["micro"]
            rows.append([layer, f"iob2 {mode}", _fmt(micro["precision"]), _fmt(micro["recall"]),
                         _fmt(micro["f1"]), "", ""])
        for name, value in block.get("accuracies", {}).items():
            rows.append([layer, f"{name} acc.", "", "", _fmt(value), "", ""])
    return rows


_HEADER = ["layer", "metric", "P", "R", "F1", "status", "95% CI"]


def format_table(result: dict) -> str:
    rows = [_HEADER] + _rows(result)
    widths = [max(len(r[i]) for r in rows) for i in range(len(_HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join([f"system: {result['system']['name']}", *lines, "* headline metric",
                      *_cache_lines(result), *_dropped_lines(result), *_failure_lines(result),
                      result["signature"]]) + "\n"


def format_markdown(result: dict) -> str:
    lines = [f"**system:** `{result['system']['name']}`", "",
             "| " + " | ".join(_HEADER) + " |", "|" + "---|" * len(_HEADER)]
    lines += ["| " + " | ".join(row) + " |" for row in _rows(result)]
    lines += ["", *_cache_lines(result), *_dropped_lines(result), *_failure_lines(result),
              f"`{result['signature']}`"]
    return "\n".join(lines) + "\n"


def _cache_lines(result: dict) -> list[str]:
    cache = result.get("cache") or {}
    if not cache.get("enabled"):
        return []
    return [f"{cache['hits']} of {cache['documents']} documents from cache"]


def _dropped_lines(result: dict) -> list[str]:
    dropped = result.get("dropped_items", 0)
    return [f"dropped {dropped} invalid predicted item(s) (--lenient); they are not scored"] if dropped else []


def _failure_lines(result: dict) -> list[str]:
    return [f"FAILED {f['document']}: {f['error']}" for f in result.get("failures", [])]
