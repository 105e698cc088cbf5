"""Inter-annotator agreement between two annotation passes of the gold.

Pass B is scored against pass A with the benchmark's own metrics (so the
figures read like system scores), and Cohen's kappa is computed on the
categorical calls of items both passes annotated at the same offsets.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from .corpus import corpus_dir, load_shipped, read_text
from .errors import InvalidData
from .gold import parse_gold, read_yaml
from .inventory import cameo_root, canonical_code
from .model import LAYERS, Document
from .records import records_from_document
from .validate import check_document, corpus_meta_of

# (layer, metric) pairs reported, in the order of the list.
REPORTED = (
    ("entities", "strict"),
    ("entities", "partial"),
    ("coref", "conll"),
    ("quotes", "attribution"),
    ("events", "trigger_i"),
    ("events", "trigger_c"),
    ("timexes", "relaxed"),
    ("timexes", "value"),
)


@dataclass(frozen=True)
class KappaRow:
    call: str
    matched: int
    observed: float | None
    kappa: float | None


def load_pass(path: Path) -> Document:
    """A pass in the gold YAML schema; sentences and sections come from the shipped gold."""
    data, problems = read_yaml(path)
    meta, more = corpus_meta_of(data, path) if not problems else (None, [])
    if problems or more:
        raise InvalidData(problems + more)
    doc, problems = parse_gold(data, read_text(meta, corpus_dir()), str(path), meta.date)
    problems += check_document(doc, str(path), gold=True)
    if problems:
        raise InvalidData(problems)
    shipped = {d.id: d for d in load_shipped()}[doc.id]
    doc.sentences = doc.sentences or shipped.sentences
    doc.sections = doc.sections or shipped.sections
    return doc


def _paired_labels(a: Document, b: Document) -> dict[str, tuple[list[str], list[str]]]:
    """Labels of items both passes placed at the same offsets, per categorical call."""

    def pairs(items_a, items_b, key, label):
        index_b = {key(item): item for item in items_b}
        matched = [(item, index_b[key(item)]) for item in items_a if key(item) in index_b]
        return [label(x) for x, _ in matched], [label(y) for _, y in matched]

    content = lambda q: tuple((s.start, s.end) for s in q.content)  # noqa: E731
    trigger = lambda e: e.trigger.key  # noqa: E731
    return {
        "entity type": pairs(a.entities, b.entities, lambda e: e.span.key, lambda e: e.type),
        "quote kind": pairs(a.quotes, b.quotes, content, lambda q: q.kind),
        "CAMEO root": pairs(a.events, b.events, trigger, lambda e: cameo_root(e.code)),
        "CAMEO code": pairs(a.events, b.events, trigger, lambda e: canonical_code(e.code)),
        "realis": pairs(a.events, b.events, trigger, lambda e: e.realis),
        "polarity": pairs(a.events, b.events, trigger, lambda e: e.polarity),
        "timex type": pairs(a.timexes, b.timexes, lambda t: t.span.key, lambda t: t.type),
        "timex value": pairs(a.timexes, b.timexes, lambda t: t.span.key, lambda t: t.value),
    }


def kappa_rows(a: Document, b: Document) -> list[KappaRow]:
    from sklearn.metrics import cohen_kappa_score

    rows = []
    for call, (labels_a, labels_b) in _paired_labels(a, b).items():
        if not labels_a:
            rows.append(KappaRow(call, 0, None, None))
            continue
        observed = sum(x == y for x, y in zip(labels_a, labels_b)) / len(labels_a)
        # With one label in both passes chance agreement is 1 and kappa is undefined.
        single_label = len(set(labels_a) | set(labels_b)) == 1
        kappa = None if single_label else float(cohen_kappa_score(labels_a, labels_b))
        rows.append(KappaRow(call, len(labels_a), observed, kappa))
    return rows


def metric_rows(a: Document, b: Document) -> tuple[list[tuple[str, str, dict]], float | None]:
    """The reported metrics of B against A, and the timex value accuracy on relaxed matches."""
    from .evaluation import score_layer

    gold, pred = [records_from_document(a)], [records_from_document(b)]
    scored = {layer: score_layer(layer, gold, pred, bootstrap=0, seed=0) for layer in LAYERS}
    rows = [(layer, metric, scored[layer]["metrics"][metric]) for layer, metric in REPORTED]
    return rows, scored["timexes"]["accuracies"].get("value")


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def agreement_markdown(path_a: Path, path_b: Path) -> str:
    a, b = load_pass(path_a), load_pass(path_b)
    lines = ["| layer | metric (B scored against A) | P | R | F1 |", "|---|---|---|---|---|"]
    rows, value_accuracy = metric_rows(a, b)
    lines += [
        f"| {layer} | {metric} | {_num(m['precision'])} | {_num(m['recall'])} | {_num(m['f1'])} |"
        for layer, metric, m in rows
    ]
    lines.append(f"| timexes | value accuracy (relaxed matches) | | | {_num(value_accuracy)} |")
    lines += [
        "",
        "| categorical call (items at the same offsets) | matched | observed agreement | Cohen's kappa |",
        "|---|---|---|---|",
    ]
    lines += [f"| {r.call} | {r.matched} | {_num(r.observed)} | {_num(r.kappa)} |" for r in kappa_rows(a, b)]
    return "\n".join(lines) + "\n"


def write_pass_jsonl(path: Path) -> Path:
    """The pass as a JSON Lines file beside it: usable as --predictions and as --gold."""
    from .jsonl import document_to_json, write_jsonl

    target = path.with_suffix(".jsonl")
    write_jsonl([document_to_json(load_pass(path))], target)
    return target


def cmd_agreement(args) -> int:
    sys.stdout.write(agreement_markdown(args.pass_a, args.pass_b))
    if args.write_jsonl:
        for path in (args.pass_a, args.pass_b):
            print(f"wrote {write_pass_jsonl(path)}", file=sys.stderr)
    return 0
