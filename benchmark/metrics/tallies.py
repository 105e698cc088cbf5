"""Per-document tallies: the raw counts behind every figure of a layer.

A run with ``--shard`` keeps, per scored layer, one tally per document under
``layers.<layer>.tallies`` (aligned with ``dataset.documents``); ``benchmark
merge`` sums them and recomputes every metric, per-label and macro figure and
accuracy from the sums, never averaging averages. Each tally holds ``units``,
the number of bootstrap rows the document contributed to ``units.stats``, and:

- entities: ``overall`` and ``per_label`` pair tallies (same_span_same_type,
  same_span_other_type, overlap_same_type, overlap_other_type, missed,
  spurious; see :mod:`.entities`) and ``iob2``: per mode and chunk type the
  ``gold``, ``predicted`` and ``correct`` chunk counts;
- coref: ``with_singletons`` and ``without_singletons``: per metric the exact
  sums ``[num_p, den_p, num_r, den_r]`` as fractions written ``"n/d"``, and
  ``mentions``: ``correct``, ``gold`` and ``predicted`` mentions;
- quotes, events, timexes: ``micro`` and ``per_label`` tallies (``correct``,
  ``predicted``, ``found``, ``gold``: a :class:`.base.Tally`), ``accuracies``
  (``right``, ``total``) and ``extra``, settings that must agree across documents.

Zero counts are left out. A tally is read off the layer's own scorer run on
that one document, so sharded figures come from the same matching code.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, Protocol

from ..errors import InputError
from ..records import DocRecords
from . import SCORERS
from .base import LayerScore, Tally

BOARD_LAYERS = ("quotes", "events", "timexes")
TALLY_FIELDS = ("correct", "predicted", "found", "gold")


class _Scorer(Protocol):
    """A layer scorer (``score_entities``, ...), as :data:`SCORERS` names it."""

    def __call__(
        self, gold: Sequence[DocRecords], pred: Sequence[DocRecords], *, outcomes: bool = False
    ) -> LayerScore: ...


def _module(layer: str):
    return importlib.import_module(SCORERS[layer][0])


def _scorer(layer: str) -> _Scorer:
    return getattr(_module(layer), SCORERS[layer][1])


def _nonzero(counts: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in counts.items() if value}


def _summed(rows: Sequence[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for row in rows:
        for name, value in row.items():
            total[name] += value
    return total


# ---------------------------------------------------------------- entities


def _pair_tally_counts(by_scheme: dict[str, dict]) -> dict[str, int]:
    """The six pair counts, read back from the four schemes' counts (see the table in entities)."""
    both = by_scheme["strict"]["correct"]
    overlap_same_type = by_scheme["ent_type"]["correct"] - both
    return _nonzero(
        {
            "same_span_same_type": both,
            "same_span_other_type": by_scheme["exact"]["correct"] - both,
            "overlap_same_type": overlap_same_type,
            "overlap_other_type": by_scheme["partial"]["partial"] - overlap_same_type,
            "missed": by_scheme["strict"]["missed"],
            "spurious": by_scheme["strict"]["spurious"],
        }
    )


def _entity_tally(score: LayerScore) -> dict:
    tally: dict[str, Any] = {
        "overall": _pair_tally_counts(score.metrics),
        "per_label": {label: _pair_tally_counts(by_scheme) for label, by_scheme in score.per_label.items()},
    }
    if "iob2" in score.extra:
        tally["iob2"] = {
            mode: {
                label: _nonzero({"gold": row["support"], "predicted": row["predicted"], "correct": row["correct"]})
                for label, row in table.items()
                if label not in ("micro", "macro")
            }
            for mode, table in score.extra["iob2"].items()
        }
    return tally


def _iob_table(counts_by_label: dict[str, dict[str, int]]) -> dict:
    from .iob import IOBScore

    return IOBScore(
        {
            label: Tally.of(c.get("correct", 0), c.get("predicted", 0), c.get("gold", 0))
            for label, c in sorted(counts_by_label.items())
        }
    ).as_dict()


def _combine_entities(tallies: Sequence[dict], unit_stats: list[list[float]]) -> LayerScore:
    from .entities import HEADLINE, SCHEMES, PairTally, _macro, scheme_result

    def pair_tally(rows: Sequence[dict]) -> PairTally:
        return PairTally(**_summed(rows))

    per_label = {}
    for label in sorted({label for tally in tallies for label in tally["per_label"]}):
        label_tally = pair_tally([t["per_label"].get(label, {}) for t in tallies])
        per_label[label] = {scheme: scheme_result(label_tally, scheme) for scheme in SCHEMES}
    overall = pair_tally([t["overall"] for t in tallies])
    metrics = {scheme: {**scheme_result(overall, scheme), **_macro(per_label, scheme)} for scheme in SCHEMES}
    extra = {}
    if tallies and all("iob2" in t for t in tallies):
        modes = tallies[0]["iob2"]
        extra["iob2"] = {mode: _iob_table(_summed_by_label([t["iob2"][mode] for t in tallies])) for mode in modes}
    return LayerScore(headline=HEADLINE, metrics=metrics, per_label=per_label, extra=extra, unit_stats=unit_stats)


def _summed_by_label(tables: Sequence[dict[str, dict[str, int]]]) -> dict[str, dict[str, int]]:
    labels = {label for table in tables for label in table}
    return {label: _summed([table.get(label, {}) for table in tables]) for label in labels}


# ---------------------------------------------------------------- coref


def _fraction_columns(sums) -> list[str]:
    return [str(value) for value in sums.columns()]


def _coref_tally(gold: DocRecords, pred: DocRecords, score: LayerScore) -> dict:
    from .coref import document_sums

    mentions = score.extra["mentions"]
    with_singletons = document_sums(gold.clusters, pred.clusters)
    without_singletons = document_sums(gold.clusters, pred.clusters, keep_singletons=False)
    return {
        "with_singletons": {name: _fraction_columns(s) for name, s in with_singletons.items()},
        "without_singletons": {name: _fraction_columns(s) for name, s in without_singletons.items()},
        "mentions": _nonzero({name: mentions[name] for name in ("correct", "gold", "predicted")}),
    }


def _combine_coref(tallies: Sequence[dict], unit_stats: list[list[float]]) -> LayerScore:
    from .coref import METRICS, Sums, metric_dicts

    def sums(key: str) -> dict:
        return {
            name: Sums(*(sum((Fraction(t[key][name][i]) for t in tallies), Fraction(0)) for i in range(4)))
            for name in METRICS
        }

    counts = _summed([t["mentions"] for t in tallies])
    correct, gold, predicted = (counts.get(name, 0) for name in ("correct", "gold", "predicted"))
    mention_sums = Sums(Fraction(correct), Fraction(predicted), Fraction(correct), Fraction(gold))
    mentions = {
        "precision": float(mention_sums.precision),
        "recall": float(mention_sums.recall),
        "f1": float(mention_sums.f1),
        "correct": correct,
        "gold": gold,
        "predicted": predicted,
    }
    return LayerScore(
        headline="conll",
        metrics=metric_dicts(sums("with_singletons")),
        extra={"without_singletons": metric_dicts(sums("without_singletons")), "mentions": mentions},
        unit_stats=unit_stats,
        stat_kind="conll",
    )


# ---------------------------------------------------------------- quotes, events, timexes


def _tally_counts(row: dict) -> dict[str, int]:
    return _nonzero({name: row[name] for name in TALLY_FIELDS})


def _board_tally(score: LayerScore) -> dict:
    return {
        "micro": {metric: _tally_counts(row) for metric, row in score.metrics.items()},
        "per_label": {
            label: {metric: _tally_counts(row) for metric, row in by_metric.items()}
            for label, by_metric in score.per_label.items()
        },
        "accuracies": {name: _nonzero(counts) for name, counts in score.extra["accuracy_counts"].items()},
        "extra": {key: value for key, value in score.extra.items() if key not in ("macro", "accuracy_counts")},
    }


def _shared_extra(layer: str, tallies: Sequence[dict]) -> dict:
    """Settings every document was scored with; documents scored differently cannot be combined."""
    settings = [t["extra"] for t in tallies]
    if any(s != settings[0] for s in settings):
        differing = sorted({key for s in settings for key in s if s.get(key) != settings[0].get(key)})
        raise InputError(
            f"{layer}: documents were scored with different settings ({', '.join(differing)}), "
            "e.g. some gold documents have no text; such results cannot be combined exactly"
        )
    return dict(settings[0]) if settings else {}


def _combine_board(layer: str, tallies: Sequence[dict], unit_stats: list[list[float]]) -> LayerScore:
    from .matching import Accuracy, Scoreboard

    module = _module(layer)
    board = Scoreboard()
    for metric in module.METRICS:
        board.micro[metric] = Tally(**_summed([t["micro"].get(metric, {}) for t in tallies]))
    for label in sorted({label for t in tallies for label in t["per_label"]}):
        rows = [t["per_label"].get(label, {}) for t in tallies]
        for metric in module.METRICS:
            if any(metric in row for row in rows):
                board.by_label[label][metric] = Tally(**_summed([row.get(metric, {}) for row in rows]))
    for name in module.ACCURACIES:
        board.accuracies[name] = Accuracy(**_summed([t["accuracies"].get(name, {}) for t in tallies]))
    return board.layer_score(
        module.HEADLINE, module.METRICS, module.ACCURACIES, unit_stats, extra=_shared_extra(layer, tallies)
    )


# ---------------------------------------------------------------- the two entry points


def document_tally(layer: str, gold: DocRecords, pred: DocRecords) -> tuple[dict, list[list[float]], list[dict]]:
    """One document's tally, its bootstrap rows and its outcome records, from the layer's scorer run on it alone."""
    score = _scorer(layer)([gold], [pred], outcomes=True)
    assert score.outcomes is not None  # outcomes=True fills them
    if layer == "entities":
        tally = _entity_tally(score)
    elif layer == "coref":
        tally = _coref_tally(gold, pred, score)
    else:
        tally = _board_tally(score)
    return {"units": len(score.unit_stats), **tally}, score.unit_stats, score.outcomes


def combine(layer: str, tallies: Sequence[dict], unit_stats: list[list[float]]) -> LayerScore:
    """The layer's score over the documents whose tallies (in gold order) and rows are given."""
    if not tallies:
        return _scorer(layer)([], [])
    if layer == "entities":
        return _combine_entities(tallies, unit_stats)
    if layer == "coref":
        return _combine_coref(tallies, unit_stats)
    return _combine_board(layer, tallies, unit_stats)


def score_by_document(
    layer: str, gold: Sequence[DocRecords], pred: Sequence[DocRecords]
) -> tuple[LayerScore, list[dict]]:
    """The layer's score built from per-document tallies (with every document's outcome
    records), and those tallies."""
    tallies, rows, outcomes = [], [], []
    for gold_doc, pred_doc in zip(gold, pred, strict=True):
        tally, doc_rows, doc_outcomes = document_tally(layer, gold_doc, pred_doc)
        tallies.append(tally)
        rows += doc_rows
        outcomes += doc_outcomes
    score = combine(layer, tallies, rows)
    score.outcomes = outcomes
    return score, tallies
