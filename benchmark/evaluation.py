"""Score a system (or a predictions file) against the gold: the typed API
behind ``benchmark evaluate``."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .corpus import DATASET_NAME, DATASET_VERSION, dataset_sha256, load_shipped, sha256_of
from .errors import InputError, InvalidData, Problem
from .evaluation_result import EvaluationResult
from .gcpause import paused_gc, without_gc
from .jsonl import document_to_json, layers_present, read_jsonl
from .metrics import SCORERS, ZERO_DIVISION
from .model import LAYERS, Document
from .predictions import PredictionOptions, Predictions, check_system_outputs, read_predictions_file
from .records import DocRecords, records_from_document
from .results import Signature
from .shard import Shard
from .validate import load_gold_record

if TYPE_CHECKING:
    from .metrics.base import LayerScore

# Attributes a loaded system may expose that go into the result under `system`
# (an LLM system's prompt versions and token usage; a spaCy pipeline's name and versions).
SYSTEM_REPORTS = ("prompts", "usage", "model")


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
    cache: bool = False
    timeout: float | None = None  # seconds per document; overrides the spec's timeout
    limit: int | None = None
    fail_fast: bool = False
    lenient: bool = False
    progress: bool = True
    shard: Shard | None = None
    gold_streaming: bool = False
    align: str = "standard"  # or "fuzzy": how text-anchored spans are found (benchmark.align)
    label_map: str | None = None  # a shipped map's name or a YAML file (benchmark.labelmap)
    # Per-item outcome records (each layer's errors, correct, error_counts, outcome_counts). They
    # cost more than the scores on a large corpus; the CLI leaves them out when nothing reads them.
    outcomes: bool = True


@dataclass
class GoldCorpus:
    documents: list[Document]
    name: str
    version: str
    sha256: str
    details: dict = field(default_factory=dict)  # more of the result's dataset block
    signature_options: tuple[tuple[str, str], ...] = ()

    def system_inputs(self) -> list[dict]:
        return [{"id": d.id, "text": d.text, "date": d.date, "language": "en"} for d in self.documents]


def load_gold(path: Path | None, streaming: bool = False) -> GoldCorpus:
    """The shipped gold, a JSON Lines corpus whose lines carry their text, or (``hf:...``)
    the ``documents`` config of a Hugging Face dataset (``--gold``)."""
    if path is not None and str(path).startswith("hf:"):
        from .hf_gold import load_hf_gold

        return load_hf_gold(str(path), streaming)
    if streaming:
        raise InputError("--gold-streaming applies to --gold hf:PATH_OR_REPO only")
    if path is None:
        return GoldCorpus(load_shipped(), DATASET_NAME, DATASET_VERSION, dataset_sha256())
    return _load_gold_jsonl(path)


@without_gc
def _load_gold_jsonl(path: Path) -> GoldCorpus:
    from .columnar_gold import read_plain_gold
    from .reading import read_bytes

    plain = read_plain_gold(path)  # a large, plainly right corpus, read as columns
    if plain is not None:
        return GoldCorpus(plain, path.stem, "custom", sha256_of(read_bytes(path)))
    documents: list[Document] = []
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    for line, record in read_jsonl(path):
        if (
            not isinstance(record, dict)
            or not isinstance(record.get("id"), str)
            or not isinstance(record.get("text"), str)
        ):
            problems.append(Problem(f"{path}:{line}", "document", "a gold line needs string 'id' and 'text'"))
            continue
        if record["id"] in first_line:
            problems.append(
                Problem(
                    f"{path}:{line}", record["id"], f"duplicate document id (first on line {first_line[record['id']]})"
                )
            )
            continue
        first_line[record["id"]] = line
        doc, found = load_gold_record(record, path, line)
        problems += found
        documents.append(doc)
    if problems:
        raise InvalidData(problems)
    if not documents:
        raise InputError(
            f"{path}: holds no documents; a gold corpus has one JSON object per line, each with its 'id' and 'text'"
        )
    return GoldCorpus(documents, path.stem, "custom", sha256_of(read_bytes(path)))


def prediction_options(config: EvaluationConfig) -> PredictionOptions:
    """How predictions are read under ``config``; a bad label map or mode is an input error."""
    from .align import ALIGNMENT_MODES

    if config.align not in ALIGNMENT_MODES:
        raise InputError(f"unknown alignment mode {config.align!r}; the modes are {', '.join(ALIGNMENT_MODES)}")
    label_map = None
    if config.label_map is not None:
        from .labelmap import load_label_map

        label_map = load_label_map(config.label_map)
    return PredictionOptions(fuzzy=config.align == "fuzzy", label_map=label_map)


def _output_problems(output: dict, doc: Document, system_name: str, options: PredictionOptions) -> list[Problem]:
    """The checks every system output goes through, fresh or from the cache."""
    from .predictions import Entry, check_entries

    checked, _ = check_entries([Entry({**output, "id": doc.id}, doc, system_name, 1)], options)
    return checked[0].problems


def _parse_system_output(
    run, gold: GoldCorpus, system_name: str, lenient: bool, options: PredictionOptions
) -> Predictions:
    """System outputs: a document whose output is invalid is a failure, not an input error."""
    result = Predictions(
        failures=[
            {"document": f.document, "error": f.error, **({"stderr": f.stderr} if f.stderr else {})}
            for f in run.failures
        ]
    )
    outputs = {doc.id: run.predictions[doc.id] for doc in gold.documents if doc.id in run.predictions}
    for checked in check_system_outputs(outputs, gold, system_name, options):
        doc_id, found = checked.entry.document.id, checked.problems
        if lenient:
            found = [p for p in found if p.document_level]
            result.dropped += len(checked.problems) - len(found)
            result.dropped_by_document[doc_id] = len(checked.problems) - len(found)
        if found:
            reasons = "; ".join(f"{p.item}: {p.reason}" for p in found[:3])
            more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
            result.failures.append({"document": doc_id, "error": f"invalid output: {reasons}{more}"})
            print(f"benchmark: {system_name} gave invalid output on {doc_id}: {reasons}{more}", file=sys.stderr)
            continue
        result.records[doc_id] = checked.records
        result.alignment[doc_id] = checked.alignment
        result.off_token[doc_id] = checked.off_token
    return result


def _run_system(
    spec, config: EvaluationConfig, gold: GoldCorpus, options: PredictionOptions
) -> tuple[tuple[str, ...], Predictions, dict]:
    """Run the system (SIGINT and SIGTERM end it and its processes, exit 130 and 143)."""
    from .cache import default_cache_dir, system_key
    from .run import run_system
    from .systems.processes import stop_on_signals, stopping
    from .systems.registry import load_system

    docs = {d.id: d for d in gold.documents}

    def problems(document: dict, output: dict) -> list[str]:
        return [str(problem) for problem in _output_problems(output, docs[document["id"]], spec.name, options)]

    oracle_gold = {d.id: document_to_json(d) for d in gold.documents}
    with stop_on_signals():
        system = load_system(spec, gold_by_id=oracle_gold, cache_dir=default_cache_dir() if config.cache else None)
        try:
            run = run_system(
                system,
                gold.system_inputs(),
                jobs=config.jobs,
                cache_dir=default_cache_dir() if config.cache else None,
                spec_key=system_key(spec) if config.cache else "",
                fail_fast=config.fail_fast,
                progress=config.progress,
                limit=config.limit,
                check=problems,
            )
        except BaseException:
            if not stopping():  # a stop has ended its processes; threads may still be using its pipes
                system.close()
            raise
        system.close()
    predictions = _parse_system_output(run, gold, spec.name, config.lenient, options)
    layers = system.layers if system.layers is not None else _layers_returned(run, predictions, spec.name)
    predictions.cache = {
        "enabled": run.cache_enabled,
        "hits": run.from_cache,
        "documents": len(run.predictions) + len(run.failures) + len(run.skipped),
    }
    reported = {key: getattr(system, key) for key in SYSTEM_REPORTS if isinstance(getattr(system, key, None), dict)}
    return tuple(layers), predictions, reported


NO_LAYER_KEY = "returned no layer key (entities, clusters, quotes, events, timexes)"


def _layers_returned(run, predictions: Predictions, system_name: str) -> tuple[str, ...]:
    """A system that declares no layers declares those it returned keys for, over all its
    valid answers, as a predictions file does. If none at all, each answer is a failure."""
    layers = layers_present(run.predictions[doc_id] for doc_id in predictions.records)
    if not layers:
        for doc_id in predictions.records:
            predictions.failures.append({"document": doc_id, "error": NO_LAYER_KEY})
            print(f"benchmark: {system_name} {NO_LAYER_KEY} on {doc_id}", file=sys.stderr)
        predictions.records = {}
    return layers


def score_layer(
    layer: str, gold: list[DocRecords], pred: list[DocRecords], bootstrap: int, seed: int, outcomes: bool = True
) -> dict:
    """A layer's block of the result file; with ``outcomes``, its outcome records and counts too."""
    module_name, function_name = SCORERS[layer]
    scorer = getattr(importlib.import_module(module_name), function_name)
    from .metrics.outcomes import outcome_blocks

    score = scorer(gold, pred, outcomes=outcomes)
    return {**layer_result(score, bootstrap, seed), **(outcome_blocks(layer, score.outcomes) if outcomes else {})}


def layer_result(score: LayerScore, bootstrap: int, seed: int) -> dict:
    """A layer's block of the result file, with the headline's bootstrap CI."""
    ci = None
    if bootstrap:
        from .metrics.bootstrap import bootstrap_ci  # numpy: imported only when it is used

        ci = bootstrap_ci(score.unit_stats, score.stat_kind, bootstrap, seed)
    headline = {
        "metric": score.headline,
        "value": score.metrics[score.headline]["f1"],
        "ci95": list(ci) if ci else None,
    }
    return {
        "status": "scored",
        "headline": headline,
        "metrics": score.metrics,
        "per_label": score.per_label,
        "accuracies": score.accuracies,
        "extra": score.extra,
        "units": {"stat_kind": score.stat_kind, "stats": score.unit_stats},
    }


def score_layer_with_tallies(
    layer: str, gold: list[DocRecords], pred: list[DocRecords], bootstrap: int, seed: int
) -> dict:
    """A shard's layer block: scored document by document, each document's tally kept for ``merge``."""
    from .metrics.outcomes import outcome_blocks
    from .metrics.tallies import score_by_document

    score, tallies = score_by_document(layer, gold, pred)
    assert score.outcomes is not None  # score_by_document records every document's outcomes
    return {**layer_result(score, bootstrap, seed), **outcome_blocks(layer, score.outcomes), "tallies": tallies}


def _choose_layers(requested: Sequence[str] | None, declared: Sequence[str]) -> tuple[str, ...]:
    unknown = [layer for layer in requested or () if layer not in LAYERS]
    if unknown:
        raise InputError(f"unknown layer(s) {', '.join(unknown)}; the layers are {', '.join(LAYERS)}")
    wanted = requested or LAYERS
    return tuple(layer for layer in LAYERS if layer in wanted and layer in declared)


def input_paths(config: EvaluationConfig) -> list[Path]:
    """Every file a run reads, so that ``--output`` can refuse to overwrite one of them."""
    paths = [config.predictions, config.gold, config.config or Path.cwd() / "benchmark.yaml"]
    if config.label_map is not None and Path(config.label_map).is_file():
        paths.append(Path(config.label_map))
    if config.system is not None:
        from .systems.registry import resolve

        spec = resolve(config.system, config.config, Path.cwd())
        if spec.kind == "file":
            paths.append(Path(spec.target))
        elif spec.kind == "python" and spec.target.rpartition(":")[0].endswith(".py"):
            paths.append(Path(spec.target.rpartition(":")[0]))
    return [path for path in paths if path is not None]


def configured(config: EvaluationConfig | None, fields: dict) -> EvaluationConfig:
    """``config`` (default: the defaults) with ``fields`` replaced. As on
    the command line, a path may be a string, ``layers`` a comma-separated string, ``shard`` ``"I/N"``."""
    config = replace(config or EvaluationConfig(), **fields)
    for name in ("predictions", "gold", "config"):
        if isinstance(getattr(config, name), str):
            setattr(config, name, Path(getattr(config, name)))
    if isinstance(config.layers, str):
        config.layers = [layer.strip() for layer in config.layers.split(",") if layer.strip()]
    if isinstance(config.shard, str):
        try:
            config.shard = Shard.parse(config.shard)
        except ValueError as err:
            raise InputError(f"shard {err}") from None
    return config


def evaluate(config: EvaluationConfig | None = None, /, **fields) -> EvaluationResult:
    """Run (or read) a system's predictions, score them, and build the result record.

    Give an :class:`EvaluationConfig`, or its fields as keywords (``evaluate(system="rules",
    layers="entities,quotes")``), or both (the keywords replace the config's fields). The result is
    the record as a dict, with notebook views (:class:`~benchmark.evaluation_result.EvaluationResult`).
    """
    config = configured(config, fields)
    if (config.system is None) == (config.predictions is None):
        raise InputError("give exactly one of --system NAME or --predictions FILE")
    options = prediction_options(config)
    gold = load_gold(config.gold, config.gold_streaming)
    spec = None
    if config.system is not None:
        from .systems.registry import resolve

        spec = resolve(config.system, config.config, Path.cwd())
    # A predictions file is input, named by --predictions or by a file system: bad items exit 2.
    source = config.predictions or (Path(spec.target) if spec is not None and spec.kind == "file" else None)
    if source is not None:
        predictions = read_predictions_file(source, gold, config.lenient, options)
        system: dict[str, Any] = {
            "name": spec.name if spec else source.stem,
            "spec": spec.describe() if spec else f"file:{source}",
            "kind": "file",
        }
        declared = spec.layers if spec and spec.layers_declared else predictions.layers
    corpus_size = len(gold.documents)
    if config.limit is not None:
        gold.documents = gold.documents[: config.limit]
    total_documents = len(gold.documents)
    if config.shard is not None:
        gold.documents = config.shard.select(gold.documents)
    if source is None:
        assert spec is not None  # no predictions file, so a system was named
        if config.timeout is not None:
            spec = replace(spec, timeout=config.timeout)
        declared, predictions, reported = _run_system(spec, config, gold, options)
        system = {"name": spec.name, "spec": spec.describe(), "kind": spec.kind, **reported}
    layers = _choose_layers(config.layers, declared)
    system["layers"] = list(layers)
    for doc in gold.documents:
        if doc.id not in predictions.records and not any(f["document"] == doc.id for f in predictions.failures):
            predictions.failures.append({"document": doc.id, "error": "no prediction for this document"})
    with paused_gc():
        gold_records = [records_from_document(d) for d in gold.documents]
        pred_records = [predictions.records.get(d.id, DocRecords(id=d.id)) for d in gold.documents]
        if options.label_map is not None:
            for records in (*gold_records, *pred_records):
                records.entities = options.label_map.apply(records.entities)
        if config.shard is None:
            scored = {
                layer: score_layer(layer, gold_records, pred_records, config.bootstrap, config.seed, config.outcomes)
                for layer in layers
            }
        else:  # a shard keeps its outcome records for merge
            scored = {
                layer: score_layer_with_tallies(layer, gold_records, pred_records, config.bootstrap, config.seed)
                for layer in layers
            }
    for layer, block in alignment_blocks(predictions, gold.documents, layers).items():
        scored[layer]["alignment"] = block
    settings = (
        gold.signature_options
        + signature_options(config, corpus_size, scored, options)
        + ((config.shard.signature_option(),) if config.shard else ())
    )
    signature = Signature(gold.version, gold.sha256, layers, config.bootstrap, config.seed, options=settings)
    return EvaluationResult(
        {
            "signature": str(signature),
            "dataset": {
                "name": gold.name,
                "version": gold.version,
                "sha256": gold.sha256,
                **gold.details,
                "documents": [d.id for d in gold.documents],
            },
            "system": system,
            "config": {
                "bootstrap": config.bootstrap,
                "seed": config.seed,
                "lenient": config.lenient,
                "limit": config.limit,
                "align": config.align,
                "zero_division": ZERO_DIVISION,
                "label_map": options.label_map.as_dict() if options.label_map else None,
                **({"shard": config.shard.record(total_documents)} if config.shard else {}),
            },
            "layers": {layer: scored.get(layer, {"status": "not attempted"}) for layer in LAYERS},
            # Items dropped from the documents scored (a predictions file may hold others).
            "dropped_items": sum(predictions.dropped_by_document.get(d.id, 0) for d in gold.documents),
            "cache": predictions.cache or {"enabled": False, "hits": 0, "documents": len(gold.documents)},
            "warnings": off_token_warnings(predictions, gold.documents, layers),
            "failures": predictions.failures,
        },
        gold=config.gold,
        gold_streaming=config.gold_streaming,
        texts={d.id: d.text for d in gold.documents},
    )


def signature_options(
    config: EvaluationConfig,
    corpus_size: int,
    scored: dict[str, dict],
    reading: PredictionOptions | None = None,
) -> tuple[tuple[str, str], ...]:
    """The settings besides layers, bootstrap and seed that change the numbers, in a fixed
    order, each only when it is not the default (so a default run's signature stays short
    and a later option appends without changing earlier signatures)."""
    reading = reading or PredictionOptions()
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
    if reading.label_map is not None:
        options.append(("map", reading.label_map.signature_value()))
    if reading.fuzzy:
        options.append(("align", "fuzzy"))
    return tuple(options)


# The quote overlap rule of the metrics page: Dice >= 0.5 over white-space tokens.
DEFAULT_QUOTE_OVERLAP = "dice0.5-token"


def alignment_blocks(predictions: Predictions, documents: list[Document], layers: Sequence[str]) -> dict[str, dict]:
    """Per scored layer with text-anchored spans: how they were found, summed over the documents."""
    blocks: dict[str, dict] = {}
    for layer in layers:
        found = [(d.id, predictions.alignment.get(d.id, {}).get(layer)) for d in documents]
        tallies = [(doc_id, tally) for doc_id, tally in found if tally is not None]
        if not tallies:
            continue
        block: dict[str, Any] = dict.fromkeys(tallies[0][1].counts, 0)
        for _, tally in tallies:
            for tier, count in tally.counts.items():
                block[tier] += count
        block["unaligned_items"] = [
            {"document": doc_id, **item} for doc_id, tally in tallies for item in tally.unaligned_items
        ]
        blocks[layer] = block
    return blocks


def off_token_warnings(predictions: Predictions, documents: list[Document], layers: Sequence[str]) -> list[dict]:
    """One warning per scored layer with predicted spans off token boundaries."""
    warnings = []
    for layer in layers:
        count = sum(predictions.off_token.get(d.id, {}).get(layer, 0) for d in documents)
        if count:
            warnings.append(
                {
                    "layer": layer,
                    "kind": "off_token_spans",
                    "count": count,
                    "message": f"{count} predicted span(s) of this layer do not sit on token boundaries; "
                    "they are scored as given, so they cannot match a gold span exactly",
                }
            )
    return warnings
