"""Score a system (or a predictions file) against the gold: the typed API
behind ``benchmark evaluate``."""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from .corpus import DATASET_NAME, DATASET_VERSION, dataset_sha256, load_shipped, sha256_of
from .errors import InputError, InvalidData, Problem
from .gcpause import paused_gc, without_gc
from .jsonl import document_to_json, layers_present, parse_prediction, read_jsonl
from .model import LAYERS, Document
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


@dataclass
class Predictions:
    records: dict[str, DocRecords] = field(default_factory=dict)
    failures: list[dict] = field(default_factory=list)
    dropped: int = 0
    # For a predictions file: the layers it has keys for (all when it has none).
    layers: tuple[str, ...] = LAYERS


@without_gc
def load_gold(path: Path | None) -> GoldCorpus:
    """The shipped gold, or a JSON Lines corpus whose lines carry their text."""
    if path is None:
        return GoldCorpus(load_shipped(), DATASET_NAME, DATASET_VERSION, dataset_sha256())
    documents, problems = [], []
    for line, record in read_jsonl(path):
        if not isinstance(record, dict) or not isinstance(record.get("id"), str) \
                or not isinstance(record.get("text"), str):
            problems.append(Problem(f"{path}:{line}", "document", "a gold line needs string 'id' and 'text'"))
            continue
        doc, found = load_gold_record(record, path, line)
        problems += found
        documents.append(doc)
    if problems:
        raise InvalidData(problems)
    if not documents:
        raise InputError(f"{path}: holds no documents")
    return GoldCorpus(documents, path.stem, "custom", sha256_of(Path(path).read_bytes()))


def _add_prediction(result: Predictions, problems: list[Problem], record: dict, text: str,
                    where: str, line: int, lenient: bool) -> None:
    records, found = parse_prediction(record, text, where, line)
    result.records[record["id"]] = records
    if lenient:
        result.dropped += len(found)
    else:
        problems += found


def _read_brat_folder(path: Path, gold: GoldCorpus, lenient: bool) -> Predictions:
    from .formats.brat import read_brat_predictions, unknown_documents

    texts = {d.id: d.text for d in gold.documents}
    result = Predictions()
    problems = [Problem(str(path / name), "document", f"unknown document id; the gold has {', '.join(texts)}")
                for name in unknown_documents(path, set(texts))]
    for doc_id, record in read_brat_predictions(path, gold.system_inputs()).items():
        _add_prediction(result, problems, {**record, "id": doc_id}, texts[doc_id], str(path / f"{doc_id}.ann"), 1,
                        lenient)
    if problems:
        raise InvalidData(problems)
    return result


@without_gc
def read_predictions_file(path: Path, gold: GoldCorpus, lenient: bool) -> Predictions:
    """Parse a predictions file (or BRAT folder); a bad item is an input error unless ``lenient``."""
    if Path(path).is_dir():
        return _read_brat_folder(Path(path), gold, lenient)
    texts = {d.id: d.text for d in gold.documents}
    result, problems, seen = Predictions(), [], {}
    lines = list(read_jsonl(path))
    result.layers = layers_present(r for _, r in lines if isinstance(r, dict)) or LAYERS
    for line, record in lines:
        where = f"{path}:{line}"
        if not isinstance(record, dict) or not isinstance(record.get("id"), str):
            problems.append(Problem(where, "document", "each line must be an object with a string 'id'"))
            continue
        doc_id = record["id"]
        if doc_id not in texts:
            problems.append(Problem(where, doc_id, f"unknown document id; the gold has {', '.join(texts)}"))
        elif doc_id in seen:
            problems.append(Problem(where, doc_id, f"duplicate document (first on line {seen[doc_id]})"))
        else:
            seen[doc_id] = line
            _add_prediction(result, problems, record, texts[doc_id], str(path), line, lenient)
    if problems:
        raise InvalidData(problems)
    return result


def _parse_system_output(run, gold: GoldCorpus, system_name: str, lenient: bool) -> Predictions:
    """System outputs: a document whose output is invalid is a failure, not an input error."""
    result = Predictions(failures=[{"document": f.document, "error": f.error, **({"stderr": f.stderr} if f.stderr else {})}
                                   for f in run.failures])
    for doc in gold.documents:
        output = run.predictions.get(doc.id)
        if output is None:
            continue
        records, found = parse_prediction({**output, "id": doc.id}, doc.text, system_name, 1)
        if found and not lenient:
            reasons = "; ".join(f"{p.item}: {p.reason}" for p in found[:3])
            more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
            result.failures.append({"document": doc.id, "error": f"invalid output: {reasons}{more}"})
            print(f"benchmark: {system_name} gave invalid output on {doc.id}", file=sys.stderr)
            continue
        result.dropped += len(found)
        result.records[doc.id] = records
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
    with paused_gc():
        gold_records = [records_from_document(d) for d in gold.documents]
        pred_records = [predictions.records.get(d.id, DocRecords(id=d.id)) for d in gold.documents]
        scored = {layer: score_layer(layer, gold_records, pred_records, config.bootstrap, config.seed)
                  for layer in layers}
    signature = Signature(gold.version, gold.sha256, layers, config.bootstrap, config.seed)
    return {
        "signature": str(signature),
        "dataset": {"name": gold.name, "version": gold.version, "sha256": gold.sha256,
                    "documents": [d.id for d in gold.documents]},
        "system": system,
        "config": {"bootstrap": config.bootstrap, "seed": config.seed, "lenient": config.lenient,
                   "limit": config.limit},
        "layers": {layer: scored.get(layer, {"status": "not attempted"}) for layer in LAYERS},
        "dropped_items": predictions.dropped,
        "failures": predictions.failures,
    }
