"""What ``benchmark evaluate --errors`` and ``--per-label`` print under the table.

Text from a corpus or a system is printed with control characters replaced,
so that a document cannot move the cursor or recolour the terminal.
"""

from __future__ import annotations

import re
import unicodedata

from ..metrics.outcomes import CATEGORIES
from ..model import LAYERS
from .confusion import Confusion, confusions
from .describe import describe, subject_span

SIDE = 50  # characters of context printed either side of the marked span
MARK = ("[[", "]]")
ANSI_MARK = ("\x1b[1;4;31m", "\x1b[0m")


def printable(text: str) -> str:
    """White space runs as one space; other control and format characters as U+FFFD."""
    text = re.sub(r"\s+", " ", text)
    return "".join("\ufffd" if unicodedata.category(c) in ("Cc", "Cf") else c for c in text)


def marked_context(layer: str, record: dict, color: bool) -> str:
    """The record's context: left context, the span it is about marked, right context."""
    start, end = subject_span(layer, record)
    context, offset = record["context"], record["context_start"]
    left, middle, right = context[: start - offset], context[start - offset : end - offset], context[end - offset :]
    left, right = printable(left).lstrip(), printable(right).rstrip()
    left = ("…" + left[-SIDE:]) if len(left) > SIDE else left
    right = (right[:SIDE] + "…") if len(right) > SIDE else right
    opening, closing = ANSI_MARK if color else MARK
    return f"{left}{opening}{printable(middle)}{closing}{right}"


def format_errors(result: dict, color: bool = False) -> str:
    """Every error of every scored layer, grouped by category, each with its context."""
    lines = []
    for layer in LAYERS:
        block = result["layers"].get(layer, {})
        if block.get("status") != "scored" or "errors" not in block:
            continue
        total = sum(block["error_counts"].values())
        lines.append(f"{layer}: {len(block['errors'])} error(s) among {total} item(s)")
        for category in CATEGORIES[layer]:
            found = [r for r in block["errors"] if r["category"] == category]
            if not found:
                continue
            lines.append(f"  {category} ({len(found)})")
            for record in found:
                also = f" (also {', '.join(record['also'])})" if record["also"] else ""
                lines.append(f"    {record['sentence'] or '-'}: {marked_context(layer, record, color)}{also}")
                lines.append(f"      gold: {printable(describe(layer, record['gold']))}")
                lines.append(f"      pred: {printable(describe(layer, record['pred']))}")
        lines.append("")
    return "\n".join(lines)


def _table(rows: list[list[str]], right_from: int = 1) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.rjust(w) if i >= right_from else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))
        ).rstrip()
        for row in rows
    ]


def _per_label_rows(layer: str, block: dict) -> list[list[str]]:
    headline = block["headline"]["metric"]
    metrics = list(next(iter(block["per_label"].values())))
    others = [m for m in metrics if m != headline]
    count_key = "possible" if layer == "entities" else "gold"
    rows = [["label", "gold", f"{headline} P", "R", "F1", *(f"{m} F1" for m in others)]]
    for label, by_metric in block["per_label"].items():
        main = by_metric.get(headline, {})
        rows.append(
            [
                printable(label),
                str(main.get(count_key, "")),
                *(f"{main[k]:.3f}" if k in main else "-" for k in ("precision", "recall", "f1")),
                *(f"{by_metric[m]['f1']:.3f}" if m in by_metric else "-" for m in others),
            ]
        )
    return rows


def format_confusion(confusion: Confusion) -> list[str]:
    rows = [["gold \\ pred", *confusion.columns]]
    rows += [
        [row, *(str(confusion.cell(row, column) or ".") for column in confusion.columns)] for row in confusion.rows
    ]
    return [confusion.title, *_table(rows)]


def format_per_label(result: dict) -> str:
    """Per-label tables of every scored layer that has labels."""
    lines = []
    for layer in LAYERS:
        block = result["layers"].get(layer, {})
        if block.get("status") == "scored" and block.get("per_label"):
            lines += [f"{layer} per label", *_table(_per_label_rows(layer, block)), ""]
    return "\n".join(lines)


def format_confusions(result: dict) -> str:
    return "\n".join(line for confusion in confusions(result) for line in (*format_confusion(confusion), ""))


def analysis_text(result: dict, errors: bool, per_label: bool, color: bool) -> str:
    """What ``--errors`` and ``--per-label`` add under the table; either brings the confusion matrices."""
    parts = ([format_errors(result, color)] if errors else []) + ([format_per_label(result)] if per_label else [])
    if parts:
        parts.append(format_confusions(result))
    return "\n".join(parts)
