"""Score a system (or a predictions file) against the gold: the typed API
behind ``benchmark evaluate``."""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .corpus import DATASET_NAME, DATASET_VERSION, dataset_sha256, load_shipped, sha256_of
from .errors import InputError, InvalidData, Problem
from .jsonl import document_to_json, read_jsonl
from .model import LAYERS, Document
from .predictions import Predictions, check_system_outputs, read_predictions_file
from .records import DocRecords, records_from_document
from .results import Signature
from .validate import load_gold_record

SCORERS = {
    "entities": ("benchmark.metrics.entities", "score_entities"),
    "coref": ("benchmark.metrics.coref", "score_coref"),
    "quotes": ("benchmark.metrics.quotes", "score_quotes"),
    "events": ("benchmark.metrics.events", "score_events"),
    "timexes": ("benchmark.metrics.timexes", "score_timexes"),
}


@dataclass
class EvaluationConfig:
    system: str | None = None
    predictions: Path | None = None
    gold: Path | None = None
    layers: Sequence[str] | None = None
    bootstrap: int = 1000
    seed: int = 13
    config: Path | None = None
    jobs: int = 1
    cache: bool = True
    limit: int | None = None
    fail_fast: bool = False
    lenient: bool = False
    progress: bool = True


@dataclass
class GoldCorpus:
    documents: list[Document]
    name: str
    version: str
    sha256: str

    def system_inputs(self) -> list[dict]:
        return [{"id": d.id, "text": d.text, "date": d.date, "language": "en"} for d in self.documents]


def load_gold(path: Path | None) -> GoldCorpus:
    """The shipped gold, or a JSON Lines corpus whose lines carry their text (``--gold``)."""
    if path is None:
        return GoldCorpus(load_shipped(), DATASET_NAME, DATASET_VERSION, dataset_sha256())
    from .reading import read_bytes

    documents, problems, first_line = [], [], {}
    for line, record in read_jsonl(path):
        if not isinstance(record, dict) or not isinstance(record.get("id"), str) \
                or not isinstance(record.get("text"), str):
            problems.append(Problem(f"{path}:{line}", "document", "a gold line needs string 'id' and 'text'"))
            continue
        if record["id"] in first_line:
            problems.append(Problem(f"{path}:{line}", record["id"],
                                    f"duplicate document id (first on line {first_line[record['id']]})"))
            continue
        first_line[record["id"]] = line
        doc, found = load_gold_record(record, path, line)
        problems += found
        documents.append(doc)
    if problems:
        raise InvalidData(problems)
    if not documents:
        raise InputError(f"{path}: holds no documents; a gold corpus has one JSON object per line, "
                         "each with its 'id' and 'text'")
    return GoldCorpus(documents, path.stem, "custom", sha256_of(read_bytes(path)))


def _parse_system_output(run, gold: GoldCorpus, system_name: str, lenient: bool) -> Predictions:
    """System outputs: a document whose output is invalid is a failure, not an input error."""
    result = Predictions(failures=[{"document": f.document, "error": f.error, **({"stderr": f.stderr} if f.stderr else {})}
                                   for f in run.failures])
    outputs = {doc.id: run.predictions[doc.id] for doc in gold.documents if doc.id in run.predictions}
    for checked in check_system_outputs(outputs, gold, system_name):
        doc_id, found = checked.entry.document.id, checked.problems
        if lenient:
            found = [p for p in found if p.document_level]
            result.dropped += len(checked.problems) - len(found)
        if found:
            reasons = "; ".join(f"{p.item}: {p.reason}" for p in found[:3])
            more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
            result.failures.append({"document": doc_id, "error": f"invalid output: {reasons}{more}"})
            print(f"benchmark: {system_name} gave invalid output on {doc_id}: {reasons}{more}", file=sys.stderr)
            continue
        result.records[doc_id] = checked.records
        result.off_token[doc_id] = checked.off_token
    return result


def _run_system(spec, config: EvaluationConfig, gold: GoldCorpus) -> tuple[tuple[str, ...], Predictions]:
    from .run import default_cache_dir, run_system
    from .systems.registry import load_system

    oracle_gold = {d.id: document_to_json(d) for d in gold.documents}
    system = load_system(spec, gold_by_id=oracle_gold)
    try:
        run = run_system(system, gold.system_inputs(), jobs=config.jobs,
                         cache_dir=default_cache_dir() if config.cache else None,
                         spec_key=spec.cache_key(), fail_fast=config.fail_fast,
                         progress=config.progress, limit=config.limit)
    finally:
        system.close()
    return tuple(system.layers), _parse_system_output(run, gold, spec.name, config.lenient)


def score_layer(layer: str, gold: list[DocRecords], pred: list[DocRecords], bootstrap: int, seed: int) -> dict:
    module_name, function_name = SCORERS[layer]
    scorer = getattr(importlib.import_module(module_name), function_name)
    score = scorer(gold, pred)
    from .metrics.bootstrap import bootstrap_ci

    ci = bootstrap_ci(score.unit_stats, score.stat_kind, bootstrap, seed) if bootstrap else None
    headline = {"metric": score.headline, "value": score.metrics[score.headline]["f1"],
                "ci95": list(ci) if ci else None}
    return {"status": "scored", "headline": headline, "metrics": score.metrics,
            "per_label": score.per_label, "accuracies": score.accuracies, "extra": score.extra,
            "units": {"stat_kind": score.stat_kind, "stats": score.unit_stats}}


def _choose_layers(requested: Sequence[str] | None, declared: Sequence[str]) -> tuple[str, ...]:
    unknown = [layer for layer in requested or () if layer not in LAYERS]
    if unknown:
        raise InputError(f"unknown layer(s) {', '.join(unknown)}; the layers are {', '.join(LAYERS)}")
    wanted = requested or LAYERS
    return tuple(layer for layer in LAYERS if layer in wanted and layer in declared)


def input_paths(config: EvaluationConfig) -> list[Path]:
    """Every file a run reads, so that ``--output`` can refuse to overwrite one of them."""
    paths = [config.predictions, config.gold, config.config or Path.cwd() / "benchmark.yaml"]
    if config.system is not None:
        from .systems.registry import resolve

        spec = resolve(config.system, config.config, Path.cwd())
        if spec.kind == "file":
            paths.append(Path(spec.target))
        elif spec.kind == "python" and spec.target.rpartition(":")[0].endswith(".py"):
            paths.append(Path(spec.target.rpartition(":")[0]))
    return [path for path in paths if path is not None]


def evaluate(config: EvaluationConfig) -> dict:
    """Run (or read) a system's predictions, score them, and build the result record."""
    if (config.system is None) == (config.predictions is None):
        raise InputError("give exactly one of --system NAME or --predictions FILE")
    gold = load_gold(config.gold)
    spec = None
    if config.system is not None:
        from .systems.registry import resolve

        spec = resolve(config.system, config.config, Path.cwd())
    # A predictions file is input, named by --predictions or by a file system: bad items exit 2.
    source = config.predictions or (Path(spec.target) if spec.kind == "file" else None)
    if source is not None:
        predictions = read_predictions_file(source, gold, config.lenient)
        system = {"name": spec.name if spec else source.stem,
                  "spec": spec.describe() if spec else f"file:{source}", "kind": "file"}
        declared = spec.layers if spec and spec.layers != LAYERS else predictions.layers
    corpus_size = len(gold.documents)
    if config.limit is not None:
        gold.documents = gold.documents[: config.limit]
    if source is None:
        declared, predictions = _run_system(spec, config, gold)
        system = {"name": spec.name, "spec": spec.describe(), "kind": spec.kind}
    layers = _choose_layers(config.layers, declared)
    system["layers"] = list(layers)
    for doc in gold.documents:
        if doc.id not in predictions.records and not any(f["document"] == doc.id for f in predictions.failures):
            predictions.failures.append({"document": doc.id, "error": "no prediction for this document"})
    gold_records = [records_from_document(d) for d in gold.documents]
    pred_records = [predictions.records.get(d.id, DocRecords(id=d.id)) for d in gold.documents]
    scored = {layer: score_layer(layer, gold_records, pred_records, config.bootstrap, config.seed)
              for layer in layers}
    signature = Signature(gold.version, gold.sha256, layers, config.bootstrap, config.seed,
                          options=signature_options(config, corpus_size, scored))
    return {
        "signature": str(signature),
        "dataset": {"name": gold.name, "version": gold.version, "sha256": gold.sha256,
                    "documents": [d.id for d in gold.documents]},
        "system": system,
        "config": {"bootstrap": config.bootstrap, "seed": config.seed, "lenient": config.lenient,
                   "limit": config.limit},
        "layers": {layer: scored.get(layer, {"status": "not attempted"}) for layer in LAYERS},
        "dropped_items": predictions.dropped,
        "warnings": off_token_warnings(predictions, gold.documents, layers),
        "failures": predictions.failures,
    }


def signature_options(config: EvaluationConfig, corpus_size: int, scored: dict[str, dict]) -> tuple[tuple[str, str], ...]:
    """The settings besides layers, bootstrap and seed that change the numbers, in a fixed
    order, each only when it is not the default (so a default run's signature stays short
    and a later option appends without changing earlier signatures)."""
    options = []
    if config.limit is not None and config.limit < corpus_size:
        options.append(("limit", str(config.limit)))
    if config.lenient:
        options.append(("lenient", "yes"))
    quotes = scored.get("quotes")
    if quotes is not None:
        from .metrics.quotes import PARTIAL_DICE

        rule = f"dice{PARTIAL_DICE:g}-{quotes['extra'].get('overlap_unit', 'token')}"
        if rule != DEFAULT_QUOTE_OVERLAP:
            options.append(("quote_overlap", rule))
    return tuple(options)


# The quote overlap rule of the metrics page: Dice >= 0.5 over white-space tokens.
DEFAULT_QUOTE_OVERLAP = "dice0.5-token"


def off_token_warnings(predictions: Predictions, documents: list[Document], layers: Sequence[str]) -> list[dict]:
    """One warning per scored layer with predicted spans off token boundaries."""
    warnings = []
    for layer in layers:
        count = sum(predictions.off_token.get(d.id, {}).get(layer, 0) for d in documents)
        if count:
            warnings.append({"layer": layer, "kind": "off_token_spans", "count": count,
                             "message": f"{count} predicted span(s) of this layer do not sit on token boundaries; "
                                        "they are scored as given, so they cannot match a gold span exactly"})
    return warnings
