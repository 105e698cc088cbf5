"""Checks of a gold document against the contract (DESIGN sections 2 and 3)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from operator import lt
from pathlib import Path

from . import inventory as inv
from .errors import Problem
from .model import Document, Span
from .tokenize import TokenEdges


class SpanChecker:
    """Checks spans against one document text (and its token edges, for gold)."""

    def __init__(self, text: str, on_tokens: bool):
        self.text = text
        self.on_tokens = on_tokens
        self._edges = TokenEdges(text) if on_tokens else None

    def all_right(self, spans: list[Span]) -> bool:
        """True when no span has a problem, checked all at once (``problems`` says what is wrong)."""
        if not spans:
            return True
        text = self.text
        starts, ends = [s.start for s in spans], [s.end for s in spans]
        if min(starts) < 0 or max(ends) > len(text) or not all(map(lt, starts, ends)):
            return False
        claimed = [s.text for s in spans]
        actual = list(map(text.__getitem__, map(slice, starts, ends)))
        if claimed != actual and any(c is not None and c != a for c, a in zip(claimed, actual)):
            return False
        return self._edges is None or all(self._edges.on_edges(starts, ends))

    def problems(self, span: Span) -> Iterator[str]:
        if not 0 <= span.start < span.end <= len(self.text):
            yield (
                f"offsets [{span.start}, {span.end}) are not a non-empty range inside the text (0..{len(self.text)})"
            )
            return
        actual = self.text[span.start : span.end]
        if span.text is not None and span.text != actual:
            yield f"text {span.text!r} does not equal the document slice [{span.start}, {span.end}) {actual!r}"
        edges = self._edges
        if edges is None:  # not on_tokens
            return
        if actual[0].isspace() or actual[-1].isspace():
            yield f"span [{span.start}, {span.end}) {actual!r} starts or ends on white space"
            return
        if not edges.is_start(span.start):
            yield f"span [{span.start}, {span.end}) {actual!r} starts inside a token"
        if not edges.is_end(span.end):
            yield f"span [{span.start}, {span.end}) {actual!r} ends inside a token"


def _spans(doc: Document) -> Iterator[tuple[str, Span]]:
    for s in doc.sections:
        yield s.id, s.span
    for sentence in doc.sentences:
        yield sentence.id, sentence.span
    for e in doc.entities:
        yield e.id, e.span
    for m in doc.mentions:
        yield m.id, m.span
    for q in doc.quotes:
        yield f"{q.id} cue", q.cue
        for i, part in enumerate(q.content):
            yield f"{q.id} content[{i}]", part
    for event in doc.events:
        yield f"{event.id} trigger", event.trigger
    for t in doc.timexes:
        yield t.id, t.span


def _labels(doc: Document) -> Iterator[tuple[str, str]]:
    def check(item_id: str, what: str, value: object, allowed) -> list[tuple[str, str]]:
        return [(item_id, f"unknown {what} {value!r}")] if value not in allowed else []

    for s in doc.sections:
        yield from check(s.id, "section type", s.type, inv.SECTION_TYPES)
    for e in doc.entities:
        yield from check(e.id, "entity type", e.type, inv.ENTITY_TYPES)
    for m in doc.mentions:
        yield from check(m.id, "mention kind", m.kind, inv.MENTION_KINDS)
    for c in doc.clusters:
        yield from check(c.id, "cluster type", c.type, inv.CLUSTER_TYPES)
    for q in doc.quotes:
        yield from check(q.id, "quote kind", q.kind, inv.QUOTE_KINDS)
    cameo = inv.cameo_codes()
    for event in doc.events:
        yield from check(event.id, "CAMEO code", event.code, cameo)
        yield from check(event.id, "realis", event.realis, inv.REALIS)
        yield from check(event.id, "polarity", event.polarity, inv.POLARITY)
        for a in event.arguments:
            yield from check(event.id, "argument role", a.role, inv.ARGUMENT_ROLES)
    for t in doc.timexes:
        yield from check(t.id, "TIMEX3 type", t.type, inv.TIMEX_TYPES)
        if t.type in inv.TIMEX_TYPES and not inv.valid_timex_value(t.type, t.value):
            yield t.id, f"value {t.value!r} is not a valid TIMEX3 {t.type} value"
        if t.mod is not None:
            yield from check(t.id, "TIMEX3 mod", t.mod, inv.TIMEX_MODS)


def _all_ids(doc: Document) -> list[str]:
    layers = (
        doc.sections,
        doc.sentences,
        doc.entities,
        doc.mentions,
        doc.clusters,
        doc.quotes,
        doc.events,
        doc.timexes,
    )
    return [item.id for layer in layers for item in layer]


def _references(doc: Document) -> Iterator[tuple[str, str]]:
    nameable = {e.id for e in doc.entities} | {m.id for m in doc.mentions}
    timexes = {t.id for t in doc.timexes}
    for c in doc.clusters:
        for member in c.members:
            if member not in nameable:
                yield c.id, f"member {member!r} is not an entity or mention id"
    for q in doc.quotes:
        for role, ref in (("source", q.source), ("addressee", q.addressee)):
            if ref is not None and ref not in nameable:
                yield q.id, f"{role} {ref!r} is not an entity or mention id"
    for e in doc.events:
        for a in e.arguments:
            allowed = timexes if a.role == "time" else nameable
            if a.ref not in allowed:
                kind = "timex" if a.role == "time" else "entity or mention"
                yield e.id, f"{a.role} argument {a.ref!r} is not a {kind} id"


def _overlaps(doc: Document) -> Iterator[tuple[str, str]]:
    ordered = sorted(doc.entities, key=lambda e: (e.span.start, e.span.end))
    for before, after in zip(ordered, ordered[1:]):
        if after.span.start < before.span.end:
            yield after.id, f"overlaps entity {before.id} ({before.span.text!r}); entities are flat"


def _sentence_order(doc: Document) -> Iterator[tuple[str, str]]:
    """Sentences are the bootstrap units: in text order and not overlapping."""
    for before, after in zip(doc.sentences, doc.sentences[1:]):
        if after.span.start < before.span.end:
            yield (
                after.id,
                (
                    f"[{after.span.start}, {after.span.end}) starts before the end of the sentence "
                    f"before it, {before.id} [{before.span.start}, {before.span.end}); sentences must be "
                    "in text order and must not overlap"
                ),
            )


def _clustering(doc: Document) -> Iterator[tuple[str, str]]:
    membership = Counter(m for c in doc.clusters for m in c.members)
    for member, count in membership.items():
        if count > 1:
            yield member, f"belongs to {count} clusters"
    for e in doc.entities:
        if e.type in inv.CLUSTERED_TYPES and membership[e.id] == 0:
            yield e.id, f"{e.type} entity {e.span.text!r} belongs to no cluster"
        if e.type not in inv.CLUSTERED_TYPES and membership[e.id]:
            yield e.id, f"{e.type} entities are not clustered"


def check_document(doc: Document, file: str, gold: bool = True) -> list[Problem]:
    """Every problem of ``doc``; gold spans must also sit on token edges."""
    checker = SpanChecker(doc.text, on_tokens=gold)
    spans = list(_spans(doc))
    found = (
        []
        if checker.all_right([span for _, span in spans])
        else [(item, reason) for item, span in spans for reason in checker.problems(span)]
    )
    found += [(i, f"id used {n} times") for i, n in Counter(_all_ids(doc)).items() if n > 1]
    found += list(_labels(doc))
    found += list(_references(doc))
    found += list(_overlaps(doc))
    found += list(_sentence_order(doc))
    found += list(_clustering(doc))
    return [Problem(file, item, reason) for item, reason in found]


def corpus_meta_of(data: object, path: Path):
    """The corpus metadata of the document a gold YAML mapping names, or the problem why not."""
    from .corpus import list_metas

    if not isinstance(data, dict):
        return None, [Problem(str(path), "document", "the file must be a mapping with a 'document' id")]
    doc_id = data.get("document")
    metas = {m.id: m for m in list_metas()}
    if not isinstance(doc_id, str) or doc_id not in metas:
        return None, [
            Problem(str(path), "document", f"unknown document id {doc_id!r}; the corpus has {', '.join(metas)}")
        ]
    return metas[doc_id], []


def _validate_yaml(path: Path) -> list[Problem]:
    from .corpus import corpus_dir, read_text
    from .gold import parse_gold, read_yaml

    data, problems = read_yaml(path)
    if problems:
        return problems
    meta, problems = corpus_meta_of(data, path)
    if problems:
        return problems
    doc, problems = parse_gold(data, read_text(meta, corpus_dir()), str(path))
    return problems + check_document(doc, str(path), gold=True)


def load_gold_record(record: dict, path: Path, line: int) -> tuple[Document, list[Problem]]:
    """A gold document from a JSON Lines line with its ``text``, and its problems:
    those of reading it, else those of checking it (spans need not sit on token edges)."""
    from .jsonl_gold import document_from_json

    doc, found = document_from_json(record, str(path), line)
    return doc, found or check_document(doc, f"{path}:{line}", gold=False)


def _validate_jsonl(path: Path) -> list[Problem]:
    """The checks of ``evaluate --gold FILE`` when every line carries its text, else (and
    for a BRAT folder) those of ``evaluate --predictions FILE`` against the shipped gold:
    the same functions."""
    from .errors import InputError, InvalidData
    from .evaluation import load_gold
    from .jsonl import read_jsonl
    from .predictions import read_predictions_file

    try:
        records = [] if path.is_dir() else [record for _, record in read_jsonl(path)]
        if records and all(isinstance(r, dict) and isinstance(r.get("text"), str) for r in records):
            load_gold(path)
        else:
            read_predictions_file(path, load_gold(None), lenient=False)
    except InvalidData as err:
        return err.problems
    except InputError as err:
        return [_as_problem(path, str(err))]
    return []


def _as_problem(path: Path, message: str) -> Problem:
    """An InputError's message ("PATH[:LINE]: reason") as a Problem."""
    rest = message.removeprefix(f"{path}:")
    if rest == message:
        return Problem(str(path), "", message)
    line, _, reason = rest.partition(": ")
    if line.isdigit():
        return Problem(f"{path}:{line}", "", reason)
    return Problem(str(path), "", rest.lstrip())


def validate_paths(paths: list[Path]) -> tuple[list[str], list[Problem]]:
    """Validate gold YAML and JSON Lines files (the shipped gold when no path is given).

    Returns the names of what was checked and every problem found.
    """
    from .corpus import annotations_dir, load_shipped
    from .errors import InvalidData

    if not paths:
        try:
            documents = load_shipped()
        except InvalidData as err:
            return ["shipped gold"], err.problems
        problems = [p for d in documents for p in check_document(d, str(annotations_dir() / f"{d.id}.yaml"), gold=True)]
        return [f"{annotations_dir() / d.id}.yaml" for d in documents], problems
    checked, problems = [], []
    for path in paths:
        if path.suffix in (".yaml", ".yml"):
            problems += _validate_yaml(path)
        elif path.suffix in (".jsonl", ".json") or path.is_dir():
            problems += _validate_jsonl(path)
        else:
            problems.append(
                Problem(str(path), "file", "expected a gold .yaml, a .jsonl file or a folder of BRAT .ann files")
            )
        checked.append(str(path))
    return checked, problems
