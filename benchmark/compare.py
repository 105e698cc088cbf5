"""``benchmark compare A.json B.json``: paired tests per layer between two result files."""

from __future__ import annotations

import json
import sys

from .model import LAYERS
from .result_checks import check_same_gold, check_same_scoring, read_result_file


def compare_results(a: dict, b: dict, n_samples: int, seed: int) -> list[dict]:
    from .metrics.significance import compare_units

    rows: list[dict] = []
    for layer in LAYERS:
        block_a, block_b = a["layers"].get(layer), b["layers"].get(layer)
        if not (
            isinstance(block_a, dict)
            and isinstance(block_b, dict)
            and block_a.get("status") == block_b.get("status") == "scored"
        ):
            rows.append({"layer": layer, "status": "not scored in both"})
            continue
        units_a, units_b = block_a["units"], block_b["units"]
        test = compare_units(units_a["stats"], units_b["stats"], units_a["stat_kind"], n_samples, seed)
        rows.append(
            {
                "layer": layer,
                "metric": block_a["headline"]["metric"],
                "a": test.value_a,
                "b": test.value_b,
                "delta": test.delta,
                "delta_ci95": list(test.delta_ci95),
                "p_bootstrap": test.p_bootstrap,
                "p_randomization": test.p_randomization,
            }
        )
    return rows


def format_rows(rows: list[dict], name_a: str, name_b: str) -> str:
    lines = [
        f"A = {name_a}, B = {name_b}",
        f"{'layer':9} {'metric':12} {'A':>6} {'B':>6} {'B-A':>7} {'95% CI of B-A':>18} {'p boot':>7} {'p AR':>7}",
    ]
    for r in rows:
        if "metric" not in r:
            lines.append(f"{r['layer']:9} {r['status']}")
            continue
        ci = f"[{r['delta_ci95'][0]:+.3f}, {r['delta_ci95'][1]:+.3f}]"
        lines.append(
            f"{r['layer']:9} {r['metric']:12} {r['a']:6.3f} {r['b']:6.3f} {r['delta']:+7.3f} "
            f"{ci:>18} {r['p_bootstrap']:7.3f} {r['p_randomization']:7.3f}"
        )
    return "\n".join(lines) + "\n"


def cmd_compare(args) -> int:
    files = [read_result_file(args.result_a), read_result_file(args.result_b)]
    check_same_gold(files)
    check_same_scoring(files)
    a, b = (file.data for file in files)
    rows = compare_results(a, b, args.samples, args.seed)
    if args.format == "json":
        sys.stdout.write(
            json.dumps({"a": str(args.result_a), "b": str(args.result_b), "layers": rows}, indent=2) + "\n"
        )
    else:
        sys.stdout.write(format_rows(rows, a["system"]["name"], b["system"]["name"]))
    return 0
