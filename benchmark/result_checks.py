"""Result files read back (by ``compare``, ``report``, ``leaderboard`` and
:meth:`EvaluationResult.read`), and the checks that refuse those that cannot
be compared.

``read_result_file``, the one reader, checks the parts of a result file
(DESIGN section 5.1) that these tools read: the dataset block, the system
name, the bootstrap settings and, per scored layer, the headline and the
per-sentence sums (``units``), which must be usable by the bootstrap
(:func:`~benchmark.metrics.bootstrap.unit_stats_problem`).
``check_same_gold`` refuses files scored on different gold (dataset sha256),
on different documents (``dataset.documents``, in order: the per-sentence
sums are paired by position), under different label maps or with different
zero-division policies (``config.zero_division``); ``check_same_scoring``
refuses files that scored a layer with different headlines or sums.
Every refusal is an :class:`~benchmark.errors.InputError` (exit status 2)
naming the file and what differs.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError
from .metrics import ZERO_DIVISION
from .model import LAYERS


@dataclass(frozen=True)
class ResultFile:
    path: Path
    data: dict

    @property
    def system_name(self) -> str:
        return self.data["system"]["name"]

    @property
    def samples(self) -> int:
        return self.data["config"]["bootstrap"]

    @property
    def seed(self) -> int:
        return self.data["config"]["seed"]

    def layer(self, layer: str) -> dict:
        """The layer's block; a layer the file does not mention was not attempted."""
        return self.data["layers"].get(layer, {"status": "not attempted"})


class _Malformed(Exception):
    pass


_KINDS = {dict: "an object", list: "a list", str: "a string", int: "a whole number"}


def _get(container: dict, key: str, kind: type, where: str) -> Any:
    value = container.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise _Malformed(f"{where}{key} must be {_KINDS.get(kind, kind.__name__)}, not {_shown(value)}")
    return value


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_scored_layer(block: dict, where: str) -> None:
    headline = _get(block, "headline", dict, where)
    _get(headline, "metric", str, f"{where}headline.")
    if not _number(headline.get("value")):
        raise _Malformed(f"{where}headline.value must be a number, not {_shown(headline.get('value'))}")
    ci = headline.get("ci95")
    if ci is not None and not (isinstance(ci, list) and len(ci) == 2 and all(_number(x) for x in ci)):
        raise _Malformed(f"{where}headline.ci95 must be [low, high] or null, not {_shown(ci)}")
    units = _get(block, "units", dict, where)
    stat_kind = _get(units, "stat_kind", str, f"{where}units.")
    stats = _get(units, "stats", list, f"{where}units.")
    if not stats:
        raise _Malformed(f"{where}units.stats is empty: a scored layer has at least one sentence")
    if not all(isinstance(row, list) and row and all(_number(x) for x in row) for row in stats):
        raise _Malformed(f"{where}units.stats must be rows of numbers (one row of sums per sentence)")
    if len({len(row) for row in stats}) != 1:
        raise _Malformed(f"{where}units.stats must be rows of numbers of equal length")
    problem = _stats_problem(stats, stat_kind)
    if problem:
        raise _Malformed(f"{where}units: {problem}")


def _stats_problem(stats: list[list[float]], stat_kind: str) -> str | None:
    import numpy as np

    from .metrics.bootstrap import unit_stats_problem

    return unit_stats_problem(np.asarray(stats, dtype=np.float64), stat_kind)


def _check_shape(data: Any) -> None:
    if not isinstance(data, dict):
        raise _Malformed(f"expected a JSON object, not {_shown(data)}")
    _get(data, "signature", str, "")
    dataset = _get(data, "dataset", dict, "")
    _get(dataset, "sha256", str, "dataset.")
    documents = _get(dataset, "documents", list, "dataset.")
    if not all(isinstance(d, str) for d in documents):
        raise _Malformed("dataset.documents must be a list of document ids (strings)")
    _get(_get(data, "system", dict, ""), "name", str, "system.")
    config = _get(data, "config", dict, "")
    _get(config, "bootstrap", int, "config.")
    _get(config, "seed", int, "config.")
    if not isinstance(data.get("failures", []), list):
        raise _Malformed(f"failures must be a list, not {_shown(data.get('failures'))}")
    for layer, block in _get(data, "layers", dict, "").items():
        if layer not in LAYERS:
            raise _Malformed(f"layers.{layer} is not a layer (the layers are {', '.join(LAYERS)})")
        if not isinstance(block, dict):
            raise _Malformed(f"layers.{layer} must be an object, not {_shown(block)}")
        status = _get(block, "status", str, f"layers.{layer}.")
        if status == "scored":
            _check_scored_layer(block, f"layers.{layer}.")


def read_result_file(path: Path | str) -> ResultFile:
    """A result file of ``benchmark evaluate --output FILE.json``, checked; else an input error."""
    path = Path(path)
    from .reading import parse_json, read_text

    data = parse_json(read_text(path), str(path))
    try:
        _check_shape(data)
    except _Malformed as err:
        raise InputError(f"{path}: is not a result file of `benchmark evaluate --format json`: {err}") from None
    return ResultFile(path, data)


def _difference(a: list[str], b: list[str]) -> str:
    parts = []
    for docs, which in (([d for d in a if d not in set(b)], "first"), ([d for d in b if d not in set(a)], "second")):
        if docs:
            more = f" and {len(docs) - 3} more" if len(docs) > 3 else ""
            parts.append(f"only the {which} has {', '.join(map(repr, docs[:3]))}{more}")
    return "; ".join(parts) or "the same documents in a different order"


def check_same_gold(results: Sequence[ResultFile]) -> None:
    """Refuse result files that were not scored on the same gold, documents and label map."""
    first = results[0]
    sha = first.data["dataset"]["sha256"]
    documents = first.data["dataset"]["documents"]
    label_map = first.data["config"].get("label_map")
    for other in results[1:]:
        pair = f"{first.path} and {other.path}"
        other_sha = other.data["dataset"]["sha256"]
        if other_sha != sha:
            raise InputError(
                f"{pair} were scored on different gold (dataset sha256 {sha[:8]} vs {other_sha[:8]}); "
                "systems can be compared only on the same gold: score them again on one"
            )
        other_documents = other.data["dataset"]["documents"]
        if other_documents != documents:
            raise InputError(
                f"{pair} were scored on different document sets ({len(documents)} vs "
                f"{len(other_documents)} documents; {_difference(documents, other_documents)}); "
                "systems can be compared only on the same documents (same --limit and --shard, "
                "or `benchmark merge` the shards first)"
            )
        if other.data["config"].get("label_map") != label_map:
            raise InputError(
                f"{pair} were scored under different label maps ({_shown(label_map)} vs "
                f"{_shown(other.data['config'].get('label_map'))}); score them with the same --label-map"
            )
        check_same_zero_division(first.data, other.data, pair)


def zero_division_of(result: dict) -> Any:
    """What the result reports a ratio with a zero denominator as (``config.zero_division``).
    Files written before the policy was recorded followed the same one, 0.0."""
    config = result.get("config")
    return config.get("zero_division", ZERO_DIVISION) if isinstance(config, dict) else ZERO_DIVISION


def check_same_zero_division(first: dict, other: dict, pair: str) -> None:
    """Refuse two results that report undefined ratios differently: their figures do not compare."""
    if zero_division_of(first) != zero_division_of(other):
        raise InputError(
            f"{pair} report a precision, recall or F1 with a zero denominator differently "
            f"(config.zero_division {_shown(zero_division_of(first))} vs "
            f"{_shown(zero_division_of(other))}); score them with the same harness"
        )


def check_same_scoring(results: Sequence[ResultFile]) -> None:
    """Refuse files that scored one layer with different headlines or per-sentence sums: a paired
    test pairs their sums sentence by sentence."""
    for layer in LAYERS:
        scored = [r for r in results if r.layer(layer).get("status") == "scored"]
        for other in scored[1:]:
            first, block = scored[0].layer(layer), other.layer(layer)
            for what, a, b in (
                ("headline metric", first["headline"]["metric"], block["headline"]["metric"]),
                ("kind of per-sentence sums", first["units"]["stat_kind"], block["units"]["stat_kind"]),
                ("number of sentences", len(first["units"]["stats"]), len(block["units"]["stats"])),
            ):
                if a != b:
                    raise InputError(
                        f"{scored[0].path} and {other.path} differ in the {layer} {what} ({a} vs {b}); "
                        "they were written by different harness versions: score them again with one"
                    )


def check_same_bootstrap(results: Sequence[ResultFile]) -> None:
    """Refuse files whose intervals were drawn differently: paired tests reuse their seed and samples."""
    first = results[0]
    for result in results:
        if result.samples == 0:
            raise InputError(
                f"{result.path} was scored with --bootstrap 0, so it has no confidence intervals "
                "and no paired test can be run on it; score it again with --bootstrap N"
            )
        if (result.samples, result.seed) != (first.samples, first.seed):
            raise InputError(
                f"{first.path} and {result.path} were scored with different bootstrap settings "
                f"(--bootstrap {first.samples} --seed {first.seed} vs --bootstrap {result.samples} "
                f"--seed {result.seed}); score them with the same ones so the intervals and the "
                "paired tests agree"
            )
