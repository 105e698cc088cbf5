"""``benchmark leaderboard RESULTS...``: systems side by side, one column per layer headline.

Each cell is the layer's headline with its 95% interval, as the result file
holds them; a layer the system did not attempt is shown as such, never as 0.
Per layer, the best headline is marked, and so is every system that is not
significantly different from it: the paired bootstrap of ``benchmark
compare`` (:func:`benchmark.metrics.significance.compare_units`) of that
system against the best, on the per-sentence sums the result files carry
(``layers.<layer>.units``), with the files' own seed and number of samples;
"not significantly different" means a two-sided p >= ``alpha`` (0.05).

Files over different gold or documents, with different bootstrap settings,
or malformed, are refused (:mod:`benchmark.result_checks`).
"""

from __future__ import annotations

import argparse
import math
import sys
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .metrics import METRICS
from .model import LAYERS
from .result_checks import (
    ResultFile,
    check_same_bootstrap,
    check_same_gold,
    check_same_scoring,
    read_result_file,
)

ALPHA = 0.05
BEST = "best"
NOT_SIGNIFICANTLY_WORSE = "not significantly different"
# How each headline metric is named in a column header (the value is always its F1).
METRIC_NAMES = {entry.headline: entry.headline_label for entry in METRICS.values()}


@dataclass(frozen=True)
class Cell:
    status: str  # "scored", or the layer's status in the result file ("not attempted")
    value: float | None = None
    ci95: tuple[float, float] | None = None
    mark: str = ""  # BEST, NOT_SIGNIFICANTLY_WORSE or ""
    p_value: float | None = None  # paired bootstrap against the best; None for the best and unscored cells

    @property
    def scored(self) -> bool:
        return self.status == "scored"


@dataclass(frozen=True)
class Column:
    layer: str
    metric: str

    @property
    def title(self) -> str:
        return f"{self.layer} {METRIC_NAMES.get(self.metric, self.metric + ' F1')}"


@dataclass(frozen=True)
class Row:
    system: str
    model: dict | None  # the system's `model` block (a spaCy pipeline's name and versions)
    failed_documents: int
    source: Path
    cells: dict[str, Cell] = field(default_factory=dict)


@dataclass(frozen=True)
class Leaderboard:
    columns: list[Column]
    rows: list[Row]
    samples: int
    seed: int
    alpha: float = ALPHA


def _column(layer: str, results: list[ResultFile]) -> Column | None:
    """The layer's column, or None when no file scored it (files already checked to score it alike)."""
    scored = [r for r in results if r.layer(layer)["status"] == "scored"]
    if not scored:
        return None
    return Column(layer, scored[0].layer(layer)["headline"]["metric"])


def _check_headline_matches_units(result: ResultFile, layer: str) -> None:
    import numpy as np

    from .metrics.bootstrap import headline_values

    block = result.layer(layer)
    sums = np.asarray(block["units"]["stats"], dtype=np.float64).sum(axis=0, keepdims=True)
    recomputed = float(headline_values(sums, block["units"]["stat_kind"])[0])
    if not math.isclose(recomputed, block["headline"]["value"], rel_tol=0, abs_tol=1e-9):
        raise InputError(
            f"{result.path}: layers.{layer}.headline.value {block['headline']['value']} does not "
            f"agree with its per-sentence sums (units), which give {recomputed}; the file was edited "
            "or is damaged"
        )


def _marks(
    layer: str, results: list[ResultFile], samples: int, seed: int, alpha: float
) -> dict[int, tuple[str, float | None]]:
    """Per scored file (by position): its mark and its p-value against the best."""
    from .metrics.significance import compare_units

    scored = {i: r.layer(layer) for i, r in enumerate(results) if r.layer(layer)["status"] == "scored"}
    top = max(block["headline"]["value"] for block in scored.values())
    tied_for_best = [i for i, block in scored.items() if math.isclose(block["headline"]["value"], top, abs_tol=1e-12)]
    reference = scored[tied_for_best[0]]["units"]
    marks: dict[int, tuple[str, float | None]] = {}
    for i, block in scored.items():
        if i in tied_for_best:
            marks[i] = (BEST, None)
            continue
        test = compare_units(reference["stats"], block["units"]["stats"], reference["stat_kind"], samples, seed)
        marks[i] = (NOT_SIGNIFICANTLY_WORSE if test.p_bootstrap >= alpha else "", test.p_bootstrap)
    return marks


def _cell(block: dict, mark: tuple[str, float | None] | None) -> Cell:
    if block["status"] != "scored":
        return Cell(block["status"])
    ci = block["headline"]["ci95"]
    return Cell("scored", block["headline"]["value"], tuple(ci) if ci else None, *(mark or ("", None)))


def build_leaderboard(results: list[ResultFile], alpha: float = ALPHA) -> Leaderboard:
    """The leaderboard of comparable result files, rows in the order given."""
    if not 0 < alpha < 1:
        raise InputError(f"--alpha must be between 0 and 1, not {alpha}")
    if not results:
        raise InputError("give at least one result file (written by `benchmark evaluate --output FILE.json`)")
    check_same_gold(results)
    check_same_bootstrap(results)
    check_same_scoring(results)
    samples, seed = results[0].samples, results[0].seed
    columns = [c for c in (_column(layer, results) for layer in LAYERS) if c is not None]
    for column in columns:
        for result in results:
            if result.layer(column.layer)["status"] == "scored":
                _check_headline_matches_units(result, column.layer)
    marks = {c.layer: _marks(c.layer, results, samples, seed, alpha) for c in columns}
    rows = []
    for i, result in enumerate(results):
        model = result.data["system"].get("model")
        cells = {c.layer: _cell(result.layer(c.layer), marks[c.layer].get(i)) for c in columns}
        rows.append(
            Row(
                result.system_name,
                model if isinstance(model, dict) else None,
                len(result.data.get("failures", [])),
                result.path,
                cells,
            )
        )
    return Leaderboard(columns, rows, samples, seed, alpha)


def cmd_leaderboard(args: argparse.Namespace) -> int:
    from .leaderboard_render import RENDERERS
    from .results import OutputFile

    with OutputFile(args.output, args.results) if args.output else nullcontext() as output:
        board = build_leaderboard([read_result_file(path) for path in args.results], args.alpha)
        text = RENDERERS[args.format](board)
        if output is None:
            sys.stdout.write(text)
        else:
            output.commit(text)
            print(f"wrote {args.output}", file=sys.stderr)
    return 0
