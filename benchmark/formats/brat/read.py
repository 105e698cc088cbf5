"""Reading BRAT: ``.ann`` text parsed and checked against the document text, turned into
a Document with the gold's ids, and a folder of ``.ann`` files read as predictions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import InputError
from ...model import Argument, Cluster, Document, Entity, Event, Mention, Quote, Span, Timex
from .schema import (
    ADDRESSEE_ROLE,
    CAMEO,
    CONTENT_ROLE,
    FRAGMENT_SEPARATOR,
    MENTION,
    MENTION_KIND,
    POLARITY,
    QUOTE,
    QUOTE_KIND,
    REALIS,
    SOURCE_ROLE,
    STRUCTURAL_TYPES,
    TIMEX,
    TIMEX_MOD,
    TIMEX_TYPE,
    Fragment,
    base_role,
    merge_fragments,
    parse_note,
)

_NORMALIZATION = re.compile(r"(\S+) (\S+) (\S+?):(\S+)")


@dataclass
class _TextBound:
    ident: str
    type: str
    fragments: list[Fragment]
    line: int


@dataclass
class _EventLine:
    ident: str
    type: str
    trigger: str
    arguments: list[tuple[str, str]]
    line: int


@dataclass
class Standoff:
    """The parsed lines of one ``.ann`` file, checked against the document text."""

    path: str
    text: str
    textbounds: dict[str, _TextBound] = field(default_factory=dict)
    events: dict[str, _EventLine] = field(default_factory=dict)
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)
    notes: dict[str, dict[str, str]] = field(default_factory=dict)
    normalizations: dict[str, dict[str, str]] = field(default_factory=dict)
    equivalences: list[tuple[list[str], int]] = field(default_factory=list)
    references: list[tuple[str, int]] = field(default_factory=list)

    def fail(self, line: int, reason: str) -> InputError:
        return InputError(f"{self.path}:{line}: {reason}")


def _parse_textbound(s: Standoff, number: int, line: str) -> None:
    parts = line.split("\t", 2)
    if len(parts) < 2 or " " not in parts[1]:
        raise s.fail(number, f"expected 'Tn<TAB>TYPE START END<TAB>TEXT', got {line!r}")
    ident, data = parts[0], parts[1]
    type_, offsets = data.split(" ", 1)
    fragments = []
    for piece in offsets.split(";"):
        numbers = piece.split()
        if len(numbers) != 2 or not all(n.isascii() and n.isdigit() and len(n) <= 18 for n in numbers):
            raise s.fail(number, f"{ident}: offsets {offsets!r} must be 'START END' pairs separated by ';'")
        start, end = int(numbers[0]), int(numbers[1])
        if not start < end <= len(s.text):
            raise s.fail(
                number,
                f"{ident}: offsets [{start}, {end}) are not a non-empty range inside "
                f"the text (0..{len(s.text)} code points)",
            )
        fragments.append((start, end))
    if len(parts) == 3 and parts[2]:
        expected = FRAGMENT_SEPARATOR.join(s.text[a:b] for a, b in fragments)
        if parts[2] != expected:
            raise s.fail(
                number,
                f"{ident}: text {parts[2]!r} does not equal the document slice "
                f"{offsets} {expected!r}; offsets count Unicode code points",
            )
    s.textbounds[ident] = _TextBound(ident, type_, fragments, number)


def _parse_event(s: Standoff, number: int, line: str) -> None:
    ident, _, data = line.partition("\t")
    parts = data.split()
    if not parts or ":" not in parts[0] or not all(":" in p for p in parts):
        raise s.fail(number, f"expected 'En<TAB>TYPE:TRIGGER ROLE:ID ...', got {line!r}")
    type_, trigger = parts[0].split(":", 1)
    arguments = [(role, ref) for role, _, ref in (p.partition(":") for p in parts[1:])]
    s.events[ident] = _EventLine(ident, type_, trigger, arguments, number)
    s.references += [(trigger, number)] + [(ref, number) for _, ref in arguments]


def _parse_attribute(s: Standoff, number: int, line: str) -> None:
    ident, _, data = line.partition("\t")
    parts = data.split()
    if len(parts) not in (2, 3):
        raise s.fail(number, f"expected 'An<TAB>NAME TARGET [VALUE]', got {line!r}")
    value = parts[2] if len(parts) == 3 else "true"
    s.attributes.setdefault(parts[1], {})[parts[0]] = value
    s.references.append((parts[1], number))


def _parse_normalization(s: Standoff, number: int, line: str) -> None:
    data = line.split("\t")[1] if "\t" in line else ""
    match = _NORMALIZATION.match(data)
    if not match:
        raise s.fail(number, f"expected 'Nn<TAB>Reference TARGET DB:ID<TAB>TEXT', got {line!r}")
    _, target, database, key = match.groups()
    s.normalizations.setdefault(target, {})[database] = key
    s.references.append((target, number))


def _parse_note(s: Standoff, number: int, line: str) -> None:
    parts = line.split("\t", 2)
    target = parts[1].split() if len(parts) > 1 else []
    if len(target) != 2:
        raise s.fail(number, f"expected '#n<TAB>AnnotatorNotes TARGET<TAB>TEXT', got {line!r}")
    s.notes.setdefault(target[1], {}).update(parse_note(parts[2] if len(parts) == 3 else ""))
    s.references.append((target[1], number))


def _parse_equivalence(s: Standoff, number: int, line: str) -> None:
    parts = line.partition("\t")[2].split()
    if len(parts) < 2:
        raise s.fail(number, f"expected '*<TAB>Coref T1 T2 ...', got {line!r}")
    s.equivalences.append((parts[1:], number))
    s.references += [(member, number) for member in parts[1:]]


_LINE_PARSERS = {
    "T": _parse_textbound,
    "E": _parse_event,
    "A": _parse_attribute,
    "M": _parse_attribute,
    "N": _parse_normalization,
    "#": _parse_note,
    "*": _parse_equivalence,
}


def parse_ann(content: str, text: str, path: str) -> Standoff:
    """Parse ``.ann`` text; a malformed line or a T text that is not its slice is an InputError.

    Binary relations (``R`` lines) are not part of the task and are skipped.
    """
    s = Standoff(path, text)
    first_use: dict[str, int] = {}
    for number, line in enumerate(content.lstrip("\ufeff").split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip() or line[0] == "R":
            continue
        parse = _LINE_PARSERS.get(line[0])
        if parse is None:
            raise s.fail(number, f"unknown standoff line {line!r} (expected T, E, A, M, N, R, # or *)")
        ident = line.split("\t", 1)[0]
        if line[0] != "*" and ident in first_use:
            raise s.fail(number, f"the id {ident} is used twice (first on line {first_use[ident]})")
        first_use[ident] = number
        parse(s, number, line)
    known = s.textbounds.keys() | s.events.keys()
    for ref, number in s.references:
        if ref not in known:
            raise s.fail(number, f"refers to {ref!r}, which no T or E line defines")
    return s


@dataclass
class _FreshIds:
    used: set[str]

    def take(self, wanted: str | None, prefix: str) -> str:
        if wanted:
            return wanted
        number = 1
        while f"{prefix}{number}" in self.used:
            number += 1
        self.used.add(f"{prefix}{number}")
        return f"{prefix}{number}"


class _DocumentBuilder:
    """Turns a :class:`Standoff` into a :class:`Document` with the gold's ids.

    A label the ``.ann`` leaves out (a CAMEO code, realis, quote kind, TIMEX3
    type or value, cluster type) stays ``None``, though the model types it
    ``str``: in a prediction it is ``null``, an absent value scored as such,
    and :mod:`benchmark.validate` refuses it in a gold document. The
    ``type: ignore[arg-type]`` comments below mark those places.
    """

    def __init__(self, s: Standoff, doc_id: str):
        self.s = s
        self.doc = Document(id=doc_id, text=s.text)
        self.ids = _FreshIds({n[key] for n in s.notes.values() for key in ("id", "cluster") if key in n})
        self.model_ids: dict[str, str] = {}

    def spans(self, ident: str, line: int) -> list[Span]:
        if ident not in self.s.textbounds:
            raise self.s.fail(line, f"{ident} is an event, where a text span (T line) is needed")
        merged = merge_fragments(self.s.textbounds[ident].fragments, self.s.text)
        return [Span(a, b, self.s.text[a:b]) for a, b in merged]

    def one_span(self, ident: str, line: int) -> Span:
        spans = self.spans(ident, line)
        if len(spans) != 1:
            raise self.s.fail(line, f"{ident} must be one continuous span")
        return spans[0]

    def ref(self, ident: str, line: int) -> str:
        if ident not in self.model_ids:
            raise self.s.fail(line, f"{ident} is not an entity, mention or TIMEX3 annotation")
        return self.model_ids[ident]

    def build(self) -> Document:
        structural = {e.trigger for e in self.s.events.values()}
        structural |= {
            ref
            for e in self.s.events.values()
            if e.type == QUOTE
            for role, ref in e.arguments
            if base_role(role) == CONTENT_ROLE
        }
        for tb in self.s.textbounds.values():
            if tb.ident not in structural and tb.type not in STRUCTURAL_TYPES:
                self.add_textbound(tb)
        for members, line in self.s.equivalences:
            self.add_cluster(members, line)
        for event in self.s.events.values():
            (self.add_quote if event.type == QUOTE else self.add_event)(event)
        return self.doc

    def add_textbound(self, tb: _TextBound) -> None:
        from ...jsonl_gold import PRONOUNS

        span = self.one_span(tb.ident, tb.line)
        note = self.s.notes.get(tb.ident, {})
        attributes = self.s.attributes.get(tb.ident, {})
        item: Mention | Timex | Entity
        if tb.type == MENTION:
            text = self.s.text[span.start : span.end]
            kind = attributes.get(MENTION_KIND) or ("PRO" if text.lower() in PRONOUNS else "NOM")
            item = Mention(self.ids.take(note.get("id"), "M"), span, kind)
            self.doc.mentions.append(item)
        elif tb.type == TIMEX:
            value = note["value"] if "value" in note else self.s.normalizations.get(tb.ident, {}).get(TIMEX)
            item = Timex(
                self.ids.take(note.get("id"), "T"),
                span,
                attributes.get(TIMEX_TYPE),  # type: ignore[arg-type]
                value,  # type: ignore[arg-type]
                attributes.get(TIMEX_MOD),
            )
            self.doc.timexes.append(item)
        else:
            item = Entity(self.ids.take(note.get("id"), "E"), span, tb.type)
            self.doc.entities.append(item)
        self.model_ids[tb.ident] = item.id

    def add_cluster(self, members: list[str], line: int) -> None:
        refs = tuple(self.ref(m, line) for m in members)
        head = self.s.notes.get(members[0], {})
        first_entity = next((e for e in self.doc.entities if e.id in refs), None)
        name = (
            head["cluster_name"]
            if "cluster_name" in head
            else (first_entity.span if first_entity else self.one_span(members[0], line)).text
        )
        type_ = head["cluster_type"] if "cluster_type" in head else (first_entity.type if first_entity else None)
        self.doc.clusters.append(Cluster(self.ids.take(head.get("cluster"), "C"), name, type_, refs))  # type: ignore[arg-type]

    def add_event(self, event: _EventLine) -> None:
        attributes = self.s.attributes.get(event.ident, {})
        arguments = tuple(Argument(base_role(role).lower(), self.ref(ref, event.line)) for role, ref in event.arguments)
        self.doc.events.append(
            Event(
                self.ids.take(self.s.notes.get(event.ident, {}).get("id"), "V"),
                self.one_span(event.trigger, event.line),
                attributes.get(CAMEO),  # type: ignore[arg-type]
                arguments,
                attributes.get(REALIS),  # type: ignore[arg-type]
                attributes.get(POLARITY),  # type: ignore[arg-type]
            )
        )

    def add_quote(self, event: _EventLine) -> None:
        content: list[Span] = []
        fillers: dict[str, str] = {}
        for role, ref in event.arguments:
            role = base_role(role)
            if role == CONTENT_ROLE:
                content += self.spans(ref, event.line)
            elif role in (SOURCE_ROLE, ADDRESSEE_ROLE) and role not in fillers:
                fillers[role] = self.ref(ref, event.line)
            else:
                raise self.s.fail(
                    event.line, f"a Quote takes one Content, one Source and one Addressee, not {role!r} here"
                )
        self.doc.quotes.append(
            Quote(
                self.ids.take(self.s.notes.get(event.ident, {}).get("id"), "Q"),
                self.s.attributes.get(event.ident, {}).get(QUOTE_KIND),  # type: ignore[arg-type]
                self.one_span(event.trigger, event.line),
                tuple(content),
                fillers.get(SOURCE_ROLE),
                fillers.get(ADDRESSEE_ROLE),
            )
        )


def _read_text_file(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as err:
        raise InputError(f"{path}: cannot be read: {err.strerror or err}") from None
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: is not UTF-8 text ({err.reason})") from None


def _load_standoff(folder: Path, doc_id: str, text: str) -> Standoff:
    ann = folder / f"{doc_id}.ann"
    if not ann.is_file():
        raise InputError(f"{ann}: no such file; a BRAT folder holds <document id>.ann for each document")
    beside = folder / f"{doc_id}.txt"
    if beside.is_file() and _read_text_file(beside) != text:
        raise InputError(
            f"{beside}: differs from the text of document {doc_id}; BRAT offsets are only "
            "meaningful against the exact document text (same bytes, same line endings)"
        )
    return parse_ann(_read_text_file(ann), text, str(ann))


def read_brat(folder: Path, doc_id: str, text: str) -> Document:
    """The Document written by :func:`write_brat` (every layer but sentences and sections)."""
    return _DocumentBuilder(_load_standoff(Path(folder), doc_id, text), doc_id).build()


_PREDICTION_LAYERS = ("entities", "clusters", "quotes", "events", "timexes")


def read_brat_predictions(folder: Path, documents: list[dict]) -> dict[str, dict]:
    """Predictions (DESIGN section 4) from a BRAT folder, keyed by document id.

    ``documents`` are ``{"id", "text", ...}``; a document without an ``.ann``
    file gets no prediction (the harness reports it as missing). ``.ann``
    files of other documents are left alone: see :func:`unknown_documents`.
    """
    from ...jsonl import document_to_json

    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: is not a folder of BRAT .ann files")
    predictions = {}
    for d in documents:
        if (folder / f"{d['id']}.ann").is_file():
            record = document_to_json(read_brat(folder, d["id"], d["text"]))
            predictions[d["id"]] = {"id": d["id"], **{layer: record[layer] for layer in _PREDICTION_LAYERS}}
    return predictions


def unknown_documents(folder: Path, known_ids: set[str]) -> list[str]:
    """Names of the ``.ann`` files in ``folder`` that belong to no known document."""
    return sorted(p.name for p in Path(folder).glob("*.ann") if p.stem not in known_ids)
