"""Predictions as the harness accepts them: one set of checks for a predictions
file (``evaluate --predictions``, ``validate``, a ``file:`` system) and for the
output of a system run by the harness.

The checks: the record's keys and value types (:mod:`benchmark.schema`), each
item's offsets and labels (:func:`benchmark.jsonl.parse_prediction`), and the
offset convention of each layer (:mod:`benchmark.offsets`). A file with a
problem is refused as a whole (exit 2); a system's output with a problem
fails that document (exit 3). ``--lenient`` drops bad items instead, but not
problems of a record as a whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import inventory as inv
from .align import LayerAlignment, align_record, has_text_anchored
from .errors import InputError, InvalidData, Problem
from .formats.tags import entities_from_sentences, group_tag_rows, is_tag_row
from .gcpause import without_gc
from .jsonl import has_tagged_sentences, layers_present, parse_prediction, read_jsonl
from .model import LAYERS, Document
from .offsets import (
    ALTERNATIVES,
    TextIndex,
    add_fits,
    new_fits,
    off_token_counts,
    raw_spans,
    refusals,
    suspicious_layers,
)
from .records import DocRecords
from .schema import LAYER_KEYS

if TYPE_CHECKING:
    from .evaluation import GoldCorpus
    from .labelmap import LabelMap


@dataclass(frozen=True)
class PredictionOptions:
    """How predictions are read: the alignment mode of text-anchored spans, and the
    label map whose target types entities may carry."""

    fuzzy: bool = False
    label_map: LabelMap | None = None

    @property
    def entity_types(self) -> frozenset[str]:
        types = frozenset(inv.ENTITY_TYPES)
        return types | self.label_map.accepted_types() if self.label_map else types


@dataclass
class Predictions:
    records: dict[str, DocRecords] = field(default_factory=dict)
    failures: list[dict] = field(default_factory=list)
    dropped: int = 0
    dropped_by_document: dict[str, int] = field(default_factory=dict)
    # For a predictions file: the layers it has keys for.
    layers: tuple[str, ...] = LAYERS
    # Per document id and layer: how many predicted spans are off token boundaries.
    off_token: dict[str, dict[str, int]] = field(default_factory=dict)
    # Per document id and layer: how its text-anchored spans were aligned.
    alignment: dict[str, dict[str, LayerAlignment]] = field(default_factory=dict)
    cache: dict | None = None  # {"enabled", "hits", "documents"} of a system run


@dataclass
class Entry:
    """One prediction record to check, with its gold document and where it came from."""

    record: dict
    document: Document
    file: str
    line: int


@dataclass
class Checked:
    entry: Entry
    records: DocRecords
    problems: list[Problem]
    off_token: dict[str, int]
    alignment: dict[str, LayerAlignment] = field(default_factory=dict)


def _gold_edges(doc: Document) -> Iterable[tuple[int, int]]:
    spans = [s.span for s in doc.sections] + [s.span for s in doc.sentences]
    spans += [e.span for e in doc.entities] + [m.span for m in doc.mentions] + [t.span for t in doc.timexes]
    spans += [span for q in doc.quotes for span in (q.cue, *q.content)]
    spans += [e.trigger for e in doc.events]
    return [span.key for span in spans]


def _check_entry(entry: Entry, index: TextIndex, options: PredictionOptions) -> Checked:
    """Tags read as entities, text-anchored spans aligned, then every item checked."""
    where = f"{entry.file}:{entry.line}"
    record, found = entry.record, []
    if has_tagged_sentences(record):
        record, tag_problems = entities_from_sentences(record, entry.document)
        found = [Problem(where, item, reason) for item, reason in tag_problems]
    aligned = align_record(record, entry.document.text, options.fuzzy) if has_text_anchored(record) else None
    records, problems = parse_prediction(
        aligned.record if aligned else record,
        entry.document.text,
        entry.file,
        entry.line,
        entity_types=options.entity_types,
        unaligned=aligned.unaligned if aligned else None,
    )
    return Checked(
        entry, records, found + problems, off_token_counts(records, index), aligned.layers if aligned else {}
    )


def check_entries(
    entries: list[Entry], options: PredictionOptions = PredictionOptions()
) -> tuple[list[Checked], dict[str, str]]:
    """Every entry parsed and checked, and a message for each layer refused for its offsets.

    The offset convention is judged per layer over all entries together (on the
    spans given with offsets); the refusal of a layer is added, first, to the
    problems of each entry with spans in it. A document's text index lives only
    while its entry is checked.
    """
    fits = new_fits()
    checked = []
    for entry in entries:
        index = TextIndex(entry.document.text, _gold_edges(entry.document))
        add_fits(fits, entry.record, index)
        checked.append(_check_entry(entry, index, options))
    suspicious = suspicious_layers(fits)
    if suspicious:
        for entry in entries:
            index = TextIndex(entry.document.text, _gold_edges(entry.document))
            add_fits(fits, entry.record, index, ALTERNATIVES, suspicious)
    refused = refusals(fits)
    for item in checked:
        record = item.entry.record
        item.problems[:0] = [
            Problem(f"{item.entry.file}:{item.entry.line}", LAYER_KEYS[layer], message, document_level=True)
            for layer, message in refused.items()
            if next(raw_spans(record.get(LAYER_KEYS[layer])), None) is not None
        ]
    return checked, refused


def _accept(result: Predictions, problems: list[Problem], checked: Checked, lenient: bool) -> None:
    """Keep a checked record; its problems are input errors, or with ``lenient`` dropped items."""
    doc_id = checked.entry.document.id
    result.records[doc_id] = checked.records
    result.off_token[doc_id] = checked.off_token
    result.alignment[doc_id] = checked.alignment
    if lenient:
        problems += [p for p in checked.problems if p.document_level]
        dropped = sum(not p.document_level for p in checked.problems)
        result.dropped += dropped
        result.dropped_by_document[doc_id] = dropped
    else:
        problems += checked.problems


def _checked_file(
    source: Path,
    entries: list[Entry],
    problems: list[Problem],
    lenient: bool,
    result: Predictions,
    options: PredictionOptions,
) -> Predictions:
    checked, refused = check_entries(entries, options)
    if refused:
        raise InvalidData(
            problems
            + [
                Problem(str(source), LAYER_KEYS[layer], message, document_level=True)
                for layer, message in refused.items()
            ]
        )
    for item in checked:
        _accept(result, problems, item, lenient)
    if problems:
        raise InvalidData(problems)
    return result


def _read_brat_folder(path: Path, gold: GoldCorpus, lenient: bool, options: PredictionOptions) -> Predictions:
    from .formats.brat import read_brat_predictions, unknown_documents

    by_id = {d.id: d for d in gold.documents}
    problems = [
        Problem(str(path / name), "document", f"unknown document id; the gold has {', '.join(by_id)}")
        for name in unknown_documents(path, set(by_id))
    ]
    entries = [
        Entry({**record, "id": doc_id}, by_id[doc_id], str(path / f"{doc_id}.ann"), 1)
        for doc_id, record in read_brat_predictions(path, gold.system_inputs()).items()
    ]
    if not entries and not problems:
        raise InputError(
            f"{path}: holds no .ann file of a gold document; a BRAT folder holds <document id>.ann for each document"
        )
    return _checked_file(path, entries, problems, lenient, Predictions(), options)


@without_gc
def read_predictions_file(
    path: Path, gold: GoldCorpus, lenient: bool, options: PredictionOptions = PredictionOptions()
) -> Predictions:
    """Parse a predictions file (or BRAT folder); a bad item is an input error unless ``lenient``.

    A file of rows shaped like the ``ner`` config (token tags) is read as one
    record per document (benchmark.formats.tags)."""
    if Path(path).is_dir():
        return _read_brat_folder(Path(path), gold, lenient, options)
    from .columnar_predictions import read_plain_predictions

    plain = read_plain_predictions(Path(path), gold.documents, lenient, options)  # large and plainly right
    if plain is not None:
        return plain
    by_id = {d.id: d for d in gold.documents}
    problems: list[Problem] = []
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    lines = list(read_jsonl(path))
    if lines and all(is_tag_row(record) for _, record in lines):
        lines = group_tag_rows(lines)
    if not lines:
        raise InputError(
            f"{path}: holds no documents; a predictions file has one JSON object per line, one line per document"
        )
    for line, record in lines:
        where = f"{path}:{line}"
        if not isinstance(record, dict) or not isinstance(record.get("id"), str):
            problems.append(Problem(where, "document", "each line must be an object with a string 'id'"))
            continue
        doc_id = record["id"]
        if doc_id not in by_id:
            problems.append(Problem(where, doc_id, f"unknown document id; the gold has {', '.join(by_id)}"))
        elif doc_id in seen:
            problems.append(Problem(where, doc_id, f"duplicate document (first on line {seen[doc_id]})"))
        else:
            seen[doc_id] = line
            entries.append(Entry(record, by_id[doc_id], str(path), line))
    layers = layers_present(e.record for e in entries)
    if entries and not layers:
        problems.append(
            Problem(
                str(path),
                "layers",
                "no line has a key of any layer (" + ", ".join(LAYER_KEYS.values()) + "); give each layer the system "
                "attempted, as an empty list [] where it found nothing",
                document_level=True,
            )
        )
    return _checked_file(Path(path), entries, problems, lenient, Predictions(layers=layers or LAYERS), options)


def check_system_outputs(
    outputs: dict[str, dict], gold: GoldCorpus, system_name: str, options: PredictionOptions = PredictionOptions()
) -> list[Checked]:
    """The outputs of a system run by the harness, by document id, checked like a file's lines."""
    by_id = {d.id: d for d in gold.documents}
    entries = [Entry({**output, "id": doc_id}, by_id[doc_id], system_name, 1) for doc_id, output in outputs.items()]
    return check_entries(entries, options)[0]
