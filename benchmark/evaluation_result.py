"""What :func:`benchmark.evaluate` returns: the result record, shown in a notebook.

:class:`EvaluationResult` is a ``dict`` subclass holding exactly the result
record of DESIGN section 5.1, so everything that reads results reads it as
before: ``json.dumps(result)`` writes the result file (and
``json.loads(json.dumps(result)) == result``), the CLI prints it, ``benchmark
merge``, ``compare``, ``report`` and ``leaderboard`` read that file. It adds
only views, which never change the record:

- in Jupyter it shows as the HTML report (``_repr_html_``): the page
  ``benchmark report`` writes for this result, inside an ``<iframe srcdoc>``
  so that the page's style and script stay out of the notebook's;
  :meth:`EvaluationResult.report_html` is the page itself;
- its tables as pandas DataFrames (pandas, which comes with ``datasets``, is
  imported when a frame is asked for): :meth:`~EvaluationResult.headlines_frame`,
  :meth:`~EvaluationResult.metrics_frame`, :meth:`~EvaluationResult.per_label_frame`,
  :meth:`~EvaluationResult.errors_frame`.

Given one layer, a frame has that layer's rows without a layer level; given
none, every scored layer's, with the layer as the first index level (or
column). The rows keep the result's order: row ``i`` of
``errors_frame(layer)`` is ``result["layers"][layer]["errors"][i]``.

The report needs the documents' texts. A result made by ``evaluate`` keeps
those of the gold it scored; one built from a result file reads them from
``gold`` (``None``: the shipped gold; else the ``--gold`` path or ``hf:``
spec the run used), checked against the result's ``dataset.sha256``.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .model import LAYERS

if TYPE_CHECKING:
    import pandas

# The first columns of a metrics table; the counts behind the figures follow, in the result's order.
FIGURES = ("precision", "recall", "f1")
REPORT_HEIGHT = 900  # pixels of the notebook's frame around the report


class EvaluationResult(dict):
    """The result record of one run (a plain ``dict`` to every reader), with notebook views."""

    def __init__(
        self,
        record: dict,
        gold: Path | str | None = None,
        gold_streaming: bool = False,
        texts: dict[str, str] | None = None,
    ):
        super().__init__(record)
        self.gold = gold
        self.gold_streaming = gold_streaming
        self._texts = texts

    @classmethod
    def read(cls, path: Path | str, gold: Path | str | None = None) -> EvaluationResult:
        """A result file (``benchmark evaluate --output FILE.json``), checked, scored on ``gold``."""
        from .result_checks import read_result_file

        return cls(read_result_file(path).data, gold=gold)

    def __repr__(self) -> str:
        scored = [
            f"{layer} {block['headline']['metric']} {block['headline']['value']:.3f}"
            for layer, block in self.get("layers", {}).items()
            if block.get("status") == "scored"
        ]
        system = self.get("system", {}).get("name")
        return f"<EvaluationResult of {system!r}: {', '.join(scored) or 'no layer scored'}>"

    # --- the HTML report -----------------------------------------------------------------

    def report_html(self) -> str:
        """The page ``benchmark report`` writes for this result alone."""
        from .report.html import build_report

        gold = None if self.gold is None else Path(self.gold)
        return build_report([self], gold, self.gold_streaming, texts=self._texts)

    def _repr_html_(self) -> str:
        return (
            f'<iframe sandbox="allow-scripts" style="width: 100%; height: {REPORT_HEIGHT}px; border: 0" '
            f'title="Diplomacy-IE report" srcdoc="{html.escape(self.report_html(), quote=True)}"></iframe>'
        )

    # --- pandas DataFrames -----------------------------------------------------------------

    def _scored(self, layer: str | None) -> list[str]:
        layers = self.get("layers", {})
        if layer is not None:
            if layer not in LAYERS:
                raise ValueError(f"unknown layer {layer!r}; the layers are {', '.join(LAYERS)}")
            if layers.get(layer, {}).get("status") != "scored":
                raise ValueError(
                    f"layer {layer!r} was not scored in this result ({layers.get(layer, {}).get('status', 'absent')})"
                )
            return [layer]
        return [name for name in LAYERS if layers.get(name, {}).get("status") == "scored"]

    def headlines_frame(self) -> pandas.DataFrame:
        """One row per layer (index ``layer``): ``status``, ``metric``, ``value`` (its F1),
        ``ci95_low``, ``ci95_high``; a layer not attempted has only its status."""
        import pandas as pd

        rows = []
        for layer in LAYERS:
            block = self.get("layers", {}).get(layer, {"status": "absent"})
            headline = block.get("headline") or {}
            low, high = headline.get("ci95") or (None, None)
            rows.append(
                {
                    "layer": layer,
                    "status": block.get("status"),
                    "metric": headline.get("metric"),
                    "value": headline.get("value"),
                    "ci95_low": low,
                    "ci95_high": high,
                }
            )
        return pd.DataFrame(rows).set_index("layer")

    def metrics_frame(self, layer: str | None = None) -> pandas.DataFrame:
        """One row per metric (index ``metric``, or ``layer, metric``): ``precision``, ``recall``,
        ``f1``, then the counts behind them (``layers.<layer>.metrics``)."""
        rows = [
            {**({} if layer else {"layer": name}), "metric": metric, **figures}
            for name in self._scored(layer)
            for metric, figures in self["layers"][name]["metrics"].items()
        ]
        return _frame(rows, ["metric"] if layer else ["layer", "metric"])

    def per_label_frame(self, layer: str | None = None) -> pandas.DataFrame:
        """One row per label and metric (index ``label, metric``, or ``layer, label, metric``):
        ``precision``, ``recall``, ``f1`` and their counts (``layers.<layer>.per_label``)."""
        rows = [
            {**({} if layer else {"layer": name}), "label": label, "metric": metric, **figures}
            for name in self._scored(layer)
            for label, by_metric in self["layers"][name]["per_label"].items()
            for metric, figures in by_metric.items()
        ]
        return _frame(rows, ["label", "metric"] if layer else ["layer", "label", "metric"])

    def errors_frame(self, layer: str | None = None, correct: bool = False) -> pandas.DataFrame:
        """One row per error record (with ``correct``, then one per correct record too): ``document``,
        ``sentence``, ``category``, ``outcome``, ``also``, ``gold`` and ``pred`` in words (as
        ``--errors`` prints them), ``start``, ``end`` (the span the record is about) and ``context``."""
        import pandas as pd

        from .report.describe import describe, subject_span

        rows = []
        for name in self._scored(layer):
            block = self["layers"][name]
            for record in [*block.get("errors", []), *(block.get("correct", []) if correct else [])]:
                start, end = subject_span(name, record)
                rows.append(
                    {
                        **({} if layer else {"layer": name}),
                        "document": record["document"],
                        "sentence": record["sentence"],
                        "category": record["category"],
                        "outcome": record["outcome"],
                        "also": ", ".join(record["also"]),
                        "gold": describe(name, record["gold"]),
                        "pred": describe(name, record["pred"]),
                        "start": start,
                        "end": end,
                        "context": record["context"],
                    }
                )
        columns = [
            *([] if layer else ["layer"]),
            "document",
            "sentence",
            "category",
            "outcome",
            "also",
            "gold",
            "pred",
            "start",
            "end",
            "context",
        ]
        return pd.DataFrame(rows, columns=columns)


def _frame(rows: list[dict[str, Any]], index: list[str]) -> pandas.DataFrame:
    """Rows of figures as a frame: P/R/F1, then the other numbers (counts) in first-seen order."""
    import pandas as pd

    others = [key for key in dict.fromkeys(k for row in rows for k in row) if key not in (*index, *FIGURES)]
    return pd.DataFrame(rows, columns=[*index, *FIGURES, *others]).set_index(index)
