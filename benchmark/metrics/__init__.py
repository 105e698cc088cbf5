"""The metrics of every layer, in one table read by the harness, the CLI and the docs tests.

As sacrebleu's ``METRICS`` drives its command line, :data:`METRICS` names, per
layer, its scorer (a ``module:function`` imported only when it is used), its
headline metric and the stable names of its metrics (DESIGN section 5; the
metrics page, ``benchmark/metrics/README.md``, defines each). The scorer
modules take their names from here, so a name is written down once.
Importing this package imports no scorer, so the CLI can read it at start-up.

:data:`ZERO_DIVISION` is the policy for a ratio with nothing to divide by
(the metrics page, section 2.2).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import LayerScore

# What a precision, recall or F1 with a zero denominator is reported as, as seqeval's
# ``zero_division`` and nervaluate do; every result file records it (``config.zero_division``).
ZERO_DIVISION = 0.0


@dataclass(frozen=True)
class LayerMetrics:
    layer: str
    scorer: str  # "module:function"; the function takes (gold, pred, outcomes=False) -> LayerScore
    headline: str  # the metric whose F1 is the layer's headline
    names: tuple[str, ...]  # the keys of ``layers.<layer>.metrics`` in a result, in their order
    headline_label: str  # the headline as a table's column names it (the value is always its F1)
    accuracies: tuple[str, ...] = ()  # the keys of ``layers.<layer>.accuracies``

    def load_scorer(self) -> Callable[..., LayerScore]:
        module, _, function = self.scorer.partition(":")
        return getattr(importlib.import_module(module), function)


METRICS: dict[str, LayerMetrics] = {
    entry.layer: entry
    for entry in (
        LayerMetrics(
            "entities",
            "benchmark.metrics.entities:score_entities",
            "strict",
            ("strict", "exact", "partial", "ent_type"),
            "strict F1",
        ),
        LayerMetrics(
            "coref", "benchmark.metrics.coref:score_coref", "conll", ("muc", "b3", "ceafe", "lea", "conll"), "CoNLL F1"
        ),
        LayerMetrics(
            "quotes",
            "benchmark.metrics.quotes:score_quotes",
            "attribution",
            ("content_exact", "content_partial", "cue", "attribution"),
            "attribution F1",
            ("source", "kind"),
        ),
        LayerMetrics(
            "events",
            "benchmark.metrics.events:score_events",
            "trigger_c",
            ("trigger_i", "trigger_c", "trigger_c_fine", "quad", "arg_i", "arg_c", "arg_i_coref", "arg_c_coref"),
            "trigger-C F1",
            ("realis", "polarity"),
        ),
        LayerMetrics(
            "timexes",
            "benchmark.metrics.timexes:score_timexes",
            "relaxed",
            ("strict", "relaxed", "type", "value"),
            "relaxed F1",
            ("type", "value"),
        ),
    )
}

# Each layer's scorer as (module, function), the form the evaluation and the shard tallies look it up in.
SCORERS: dict[str, tuple[str, str]] = {
    layer: (entry.scorer.partition(":")[0], entry.scorer.partition(":")[2]) for layer, entry in METRICS.items()
}
