"""``benchmark compare A.json B.json``: paired tests per layer between two result files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .errors import InputError
from .model import LAYERS
from .result_checks import check_same_zero_division


def read_result(path: Path) -> dict:
    """A result file of ``benchmark evaluate --format json``, checked for what compare reads."""
    from .reading import parse_json, read_text

    result = parse_json(read_text(path), str(path))
    problem = _result_problem(result)
    if problem:
        raise InputError(f"{path}: is not a result file of `benchmark evaluate --format json`: {problem}")
    return result


def _result_problem(result: object) -> str | None:
    from .metrics.bootstrap import unit_stats_problem

    if not isinstance(result, dict):
        return "expected a JSON object"
    dataset, layers, system = result.get("dataset"), result.get("layers"), result.get("system")
    if not isinstance(dataset, dict) or not isinstance(dataset.get("sha256"), str):
        return "'dataset' must be an object with the gold's 'sha256'"
    documents = dataset.get("documents")
    if not isinstance(documents, list) or not all(isinstance(d, str) for d in documents):
        return "'dataset.documents' must list the scored document ids (re-run `benchmark evaluate`)"
    if not isinstance(system, dict) or not isinstance(system.get("name"), str):
        return "'system' must be an object with a 'name'"
    if not isinstance(layers, dict):
        return "'layers' must be an object"
    for layer, block in layers.items():
        if not isinstance(block, dict) or block.get("status") != "scored":
            continue
        headline, units = block.get("headline"), block.get("units")
        if not isinstance(headline, dict) or not isinstance(headline.get("metric"), str):
            return f"layers.{layer}: 'headline' must name its 'metric'"
        if not isinstance(units, dict) or not isinstance(units.get("stats"), list):
            return f"layers.{layer}: 'units' must hold 'stat_kind' and 'stats'"
        problem = _stats_problem(units, unit_stats_problem)
        if problem:
            return f"layers.{layer}.units: {problem}"
    return None


def _stats_problem(units: dict, unit_stats_problem) -> str | None:
    import numpy as np

    rows = units["stats"]
    if not rows:
        return "'stats' is empty"
    if (
        not all(
            isinstance(row, list) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in row)
            for row in rows
        )
        or len({len(row) for row in rows}) != 1
    ):
        return "'stats' must be rows of numbers of equal length"
    return unit_stats_problem(np.asarray(rows, dtype=np.float64), units.get("stat_kind"))


def _check_comparable(a: dict, b: dict, path_a: Path, path_b: Path) -> None:
    if a["dataset"]["sha256"] != b["dataset"]["sha256"]:
        raise InputError(
            f"{path_a} and {path_b} were scored on different data "
            f"(sha256 {a['dataset']['sha256'][:8]} vs {b['dataset']['sha256'][:8]}); "
            "a paired test needs the same gold"
        )
    docs_a, docs_b = a["dataset"]["documents"], b["dataset"]["documents"]
    if docs_a != docs_b:
        only_a, only_b = len(set(docs_a) - set(docs_b)), len(set(docs_b) - set(docs_a))
        how = (
            f"{only_a} document(s) only in A, {only_b} only in B"
            if only_a or only_b
            else "the same documents in another order"
        )
        raise InputError(
            f"{path_a} and {path_b} were scored on different document sets "
            f"({len(docs_a)} vs {len(docs_b)} documents; {how}); a paired test needs the same "
            "documents: score both on the same gold with the same --limit"
        )
    check_same_zero_division(a, b, f"{path_a} and {path_b}")
    for layer in LAYERS:
        block_a, block_b = a["layers"].get(layer), b["layers"].get(layer)
        if not (
            isinstance(block_a, dict)
            and isinstance(block_b, dict)
            and block_a.get("status") == block_b.get("status") == "scored"
        ):
            continue
        units_a, units_b = block_a["units"], block_b["units"]
        if (
            units_a["stat_kind"] != units_b["stat_kind"]
            or len(units_a["stats"]) != len(units_b["stats"])
            or block_a["headline"]["metric"] != block_b["headline"]["metric"]
        ):
            raise InputError(
                f"{path_a} and {path_b}: layer {layer} was scored differently "
                f"({block_a['headline']['metric']} over {len(units_a['stats'])} units vs "
                f"{block_b['headline']['metric']} over {len(units_b['stats'])}); "
                "re-score both with the same harness version"
            )


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
    a, b = read_result(args.result_a), read_result(args.result_b)
    _check_comparable(a, b, args.result_a, args.result_b)
    rows = compare_results(a, b, args.samples, args.seed)
    if args.format == "json":
        sys.stdout.write(
            json.dumps({"a": str(args.result_a), "b": str(args.result_b), "layers": rows}, indent=2) + "\n"
        )
    else:
        sys.stdout.write(format_rows(rows, a["system"]["name"], b["system"]["name"]))
    return 0
