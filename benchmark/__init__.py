"""Diplomacy-IE: a gold-standard benchmark for information extraction on political news.

The public API, each name imported when it is first used, so that importing
the package (and ``benchmark --help``) stays light:

- ``evaluate``, ``EvaluationConfig``, ``EvaluationResult``: score a system or
  a predictions file as ``benchmark evaluate`` does, and the result, which a
  notebook shows as the HTML report (README, "In a notebook");
- ``score_entities``, ``score_coref``, ``score_quotes``, ``score_events``,
  ``score_timexes``: one layer's metrics (benchmark/metrics/README.md) on
  documents given as ``DocRecords`` of ``EntityRecord``, ``QuoteRecord``,
  ``EventRecord`` (with ``ArgumentRecord``) and ``TimexRecord`` items, or
  clusters of offsets.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.4.0"

# Each public name and the module that defines it.
_EXPORTS = {
    "evaluate": "benchmark.evaluation",
    "EvaluationConfig": "benchmark.evaluation",
    "EvaluationResult": "benchmark.evaluation_result",
    "score_entities": "benchmark.metrics.entities",
    "score_coref": "benchmark.metrics.coref",
    "score_quotes": "benchmark.metrics.quotes",
    "score_events": "benchmark.metrics.events",
    "score_timexes": "benchmark.metrics.timexes",
    "DocRecords": "benchmark.records",
    "EntityRecord": "benchmark.records",
    "QuoteRecord": "benchmark.records",
    "EventRecord": "benchmark.records",
    "ArgumentRecord": "benchmark.records",
    "TimexRecord": "benchmark.records",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'benchmark' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
