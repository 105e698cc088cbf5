"""``benchmark compare A.json B.json``: paired tests per layer between two result files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .errors import InputError
from .model import LAYERS


def read_result(path: Path) -> dict:
    try:
        result = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(f"{path}: cannot be read: {err.strerror or err}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: is not a JSON result file ({err})") from None
    if not isinstance(result, dict) or "layers" not in result or "dataset" not in result:
        raise InputError(f"{path}: is not a result file of `benchmark evaluate --format json`")
    return result


def _check_comparable(a: dict, b: dict, path_a: Path, path_b: Path) -> None:
    if a["dataset"].get("sha256") != b["dataset"].get("sha256"):
        raise InputError(f"{path_a} and {path_b} were scored on different data "
                         f"(sha256 {a['dataset'].get('sha256', '?')[:8]} vs {b['dataset'].get('sha256', '?')[:8]}); "
                         "a paired test needs the same gold")


def compare_results(a: dict, b: dict, n_samples: int, seed: int) -> list[dict]:
    from .metrics.significance import compare_units

    rows = []
    for layer in LAYERS:
        block_a, block_b = a["layers"].get(layer, {}), b["layers"].get(layer, {})
        if block_a.get("status") != "scored" or block_b.get("status") != "scored":
            rows.append({"layer": layer, "status": "not scored in both"})
            continue
        units_a, units_b = block_a["units"], block_b["units"]
        test = compare_units(units_a["stats"], units_b["stats"], units_a["stat_kind"], n_samples, seed)
        rows.append({"layer": layer, "metric": block_a["headline"]["metric"], "a": test.value_a,
                     "b": test.value_b, "delta": test.delta, "delta_ci95": list(test.delta_ci95),
                     "p_bootstrap": test.p_bootstrap, "p_randomization": test.p_randomization})
    return rows


def format_rows(rows: list[dict], name_a: str, name_b: str) -> str:
    lines = [f"A = {name_a}, B = {name_b}",
             f"{'layer':9} {'metric':12} {'A':>6} {'B':>6} {'B-A':>7} {'95% CI of B-A':>18} {'p boot':>7} {'p AR':>7}"]
    for r in rows:
        if "metric" not in r:
            lines.append(f"{r['layer']:9} {r['status']}")
            continue
        ci = f"[{r['delta_ci95'][0]:+.3f}, {r['delta_ci95'][1]:+.3f}]"
        lines.append(f"{r['layer']:9} {r['metric']:12} {r['a']:6.3f} {r['b']:6.3f} {r['delta']:+7.3f} "
                     f"{ci:>18} {r['p_bootstrap']:7.3f} {r['p_randomization']:7.3f}")
    return "\n".join(lines) + "\n"


def cmd_compare(args) -> int:
    a, b = read_result(args.result_a), read_result(args.result_b)
    _check_comparable(a, b, args.result_a, args.result_b)
    rows = compare_results(a, b, args.samples, args.seed)
    if args.format == "json":
        sys.stdout.write(json.dumps({"a": str(args.result_a), "b": str(args.result_b), "layers": rows}, indent=2) + "\n")
    else:
        sys.stdout.write(format_rows(rows, a["system"]["name"], b["system"]["name"]))
    return 0
