"""``benchmark report``: one self-contained HTML file from one or more result files.

The file loads nothing: styles and the script are inline, allowed by a
Content-Security-Policy that names their hashes and forbids everything else.
It is rendered by Jinja2 with autoescaping on, so every string from a corpus or
a system (texts, names, labels) is escaped.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..errors import InputError
from ..model import LAYERS
from ..result_checks import check_same_zero_division
from .view import OUTCOME_LEGEND, SystemView, system_view


@dataclass
class Comparison:
    """A headline of system B against system A (the first result file)."""

    layer: str
    metric: str
    system: str
    delta: float
    low: float
    high: float
    p_bootstrap: float
    p_randomization: float

    @property
    def significant(self) -> bool:
        return self.p_bootstrap < 0.05 and self.p_randomization < 0.05


def gold_texts(results: list[dict], gold: Path | None, streaming: bool = False) -> dict[str, str]:
    """The text of every document the results name, from the gold they were scored on."""
    from ..evaluation import load_gold

    corpus = load_gold(gold, streaming)
    for result in results:
        if result["dataset"].get("sha256") != corpus.sha256:
            where = f"--gold {gold}" if gold is not None else "the shipped gold"
            raise InputError(
                f"the result of system {result['system']['name']!r} was scored on a gold with sha256 "
                f"{str(result['dataset'].get('sha256'))[:8]}..., but {where} has {corpus.sha256[:8]}...; "
                "the report needs the texts of the gold the result was scored on: give it with --gold FILE"
            )
    texts = {doc.id: doc.text for doc in corpus.documents}
    missing = sorted({d for r in results for d in r["dataset"].get("documents", []) if d not in texts})
    if missing:
        raise InputError(f"the gold has no document {', '.join(missing)}, which the results name")
    return texts


def comparisons(results: list[dict], samples: int, seed: int) -> list[Comparison]:
    from ..compare import compare_results

    found = []
    for result in results[1:]:
        for row in compare_results(results[0], result, samples, seed):
            if "metric" in row:
                low, high = row["delta_ci95"]
                found.append(
                    Comparison(
                        row["layer"],
                        row["metric"],
                        result["system"]["name"],
                        row["delta"],
                        low,
                        high,
                        row["p_bootstrap"],
                        row["p_randomization"],
                    )
                )
    return found


def _asset(name: str) -> str:
    return resources.files("benchmark.report").joinpath("templates", name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def render(systems: list[SystemView], compared: list[Comparison]) -> str:
    import jinja2
    from markupsafe import Markup

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("benchmark.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    style, script = _asset("report.css"), _asset("report.js")
    csp = f"default-src 'none'; style-src '{_csp_hash(style)}'; script-src '{_csp_hash(script)}'"
    return environment.get_template("report.html.j2").render(
        systems=systems,
        comparisons=compared,
        layers=LAYERS,
        legend=OUTCOME_LEGEND,
        style=Markup(style),
        script=Markup(script),
        csp=csp,
    )


def build_report(
    results: list[dict],
    gold: Path | None = None,
    streaming: bool = False,
    samples: int = 1000,
    seed: int = 13,
    texts: dict[str, str] | None = None,
) -> str:
    """The report's HTML for ``results`` (the first is the reference of the comparisons), with the
    documents' ``texts`` when given (the run that made the results kept them), else read from ``gold``."""
    if not results:
        raise InputError("give at least one result file")
    texts = texts if texts is not None else gold_texts(results, gold, streaming)
    if any(r["dataset"].get("documents") != results[0]["dataset"].get("documents") for r in results):
        raise InputError(
            "the result files were scored on different documents (their dataset.documents differ); "
            "systems are compared on the same documents only"
        )
    for index, result in enumerate(results[1:], start=2):
        check_same_zero_division(results[0], result, f"result files 1 and {index}")
    missing = [
        r["system"]["name"]
        for r in results
        for b in r["layers"].values()
        if b.get("status") == "scored" and "errors" not in b
    ]
    if missing:
        raise InputError(
            f"the result of {missing[0]!r} has no error records (layers.<layer>.errors): "
            "it was written by an older harness; score the system again"
        )
    systems = [system_view(index, result, texts) for index, result in enumerate(results)]
    return render(systems, comparisons(results, samples, seed) if len(results) > 1 else [])


def cmd_report(args: argparse.Namespace) -> int:
    from ..result_checks import read_result_file
    from ..results import OutputFile

    with OutputFile(args.output, [*args.results, args.gold]) as output:
        results = [read_result_file(path).data for path in args.results]
        output.commit(build_report(results, args.gold, samples=args.samples, seed=args.seed))
    print(f"wrote {args.output}", file=sys.stderr)
    return 0
