"""BRAT standoff: one ``<doc_id>.txt`` and ``<doc_id>.ann`` per document, plus
``annotation.conf`` and ``visual.conf`` so that brat or INCEpTION opens the folder.

How the gold layers map to standoff lines (sentences and sections are not
exported; they live in the JSON Lines export):

- entity: ``T`` line typed with its OntoNotes type.
- mention: ``T`` line typed ``Mention``, ``A MentionKind Tn NOM|PRO``.
- timex: ``T`` line typed ``TIMEX3``, ``A TimexType``, ``A TimexMod`` (when
  set); the normalized value goes in the item's AnnotatorNotes (below).
- event: trigger ``T`` line typed ``Event``; ``E Event:Tt Source:Tx
  Target:Ty Time:Tz Place:Tw`` (a repeated role is numbered ``Target2`` as
  brat numbers it); ``A CAMEO``, ``A Realis``, ``A Polarity``.
- quote: ``E Quote:Tc Content:Tk Source:Tx Addressee:Ty`` whose trigger ``Tc``
  is the cue, typed ``Quote``; the content is one ``T`` typed ``Content``,
  a content split by its cue as discontinuous fragments (``s e;s e``);
  ``A QuoteKind``.
- cluster: ``*\tCoref Ta Tb ...`` listing the members in order.
- ids: every entity, mention, timex, event and quote carries a ``#``
  AnnotatorNotes line ``id=E1`` (timexes ``id=T1 value=2022-01-26``); the
  first member of a cluster adds ``cluster=C1 cluster_name="..."
  cluster_type=...``. With these the round trip YAML -> BRAT -> Document
  keeps every annotation layer, ids included. Items without a note (added
  in brat) get fresh ids.

Why these choices:

- The cue is the Quote event's trigger, typed ``Quote`` rather than
  ``Cue``: brat draws an event at its trigger and labels it with the
  trigger's type, and its editor assumes trigger type and event type agree.
- The TIMEX3 value is a note, not an ``N`` line. brat's ``N`` lines are
  references ``DB:ID`` into a normalization database declared in
  ``tools.conf``; brat looks every one up and warns when the database does
  not exist. A TIMEX3 value is a computed ISO 8601 string, not a database
  key; a note is shown as written, needs no configuration, and INCEpTION
  imports notes too. When reading, an ``N`` line ``Reference Tn
  TIMEX3:<value>`` is accepted as the value.
- An .ann line cannot hold a line break and brat requires a ``T`` line's
  text to equal its span, so a span crossing a line break is written as
  fragments cut at the break; reading joins fragments separated only by
  white space containing a line break (quote content parts are always
  separated by their cue, never by white space alone).
- brat's verifier flags nested spans of different types (a mention holding
  an entity) unless allowed; ``annotation.conf`` declares ``<OVERLAP>`` so
  they are accepted. It may still flag ``Coref`` groups mixing types; that
  is a display warning only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .. import inventory as inv
from ..errors import InputError
from ..model import Argument, Cluster, Document, Entity, Event, Mention, Quote, Span, Timex

MENTION, TIMEX, CONTENT, EVENT, QUOTE = "Mention", "TIMEX3", "Content", "Event", "Quote"
COREF, NOTE = "Coref", "AnnotatorNotes"
MENTION_KIND, TIMEX_TYPE, TIMEX_MOD = "MentionKind", "TimexType", "TimexMod"
QUOTE_KIND, CAMEO, REALIS, POLARITY = "QuoteKind", "CAMEO", "Realis", "Polarity"
EVENT_ROLES = {"source": "Source", "target": "Target", "time": "Time", "place": "Place"}
CONTENT_ROLE, SOURCE_ROLE, ADDRESSEE_ROLE = "Content", "Source", "Addressee"
# T types that mark a trigger or a quote content, never an entity.
STRUCTURAL_TYPES = frozenset({CONTENT, EVENT, QUOTE})

# What brat joins the fragments of a discontinuous span with in a T line's text.
FRAGMENT_SEPARATOR = " "
# Every character Python's str.splitlines (and brat's line reader) breaks on.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK_RUN = re.compile(f"[{re.escape(LINE_BREAKS)}]+")
_NOTE_FIELD = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)')
_NEEDS_QUOTES = re.compile(r'[\s"=\\]')
_NORMALIZATION = re.compile(r"(\S+) (\S+) (\S+?):(\S+)")

Fragment = tuple[int, int]


# ---------------------------------------------------------------- fragments and notes

def fragments_of(spans: Iterable[Span], text: str) -> list[Fragment]:
    """Offsets of ``spans``, each cut where it crosses a line break."""
    fragments = []
    for span in spans:
        start = span.start
        for brk in _BREAK_RUN.finditer(text, span.start, span.end):
            if brk.start() > start:
                fragments.append((start, brk.start()))
            start = brk.end()
        if start < span.end:
            fragments.append((start, span.end))
    return fragments


def merge_fragments(fragments: list[Fragment], text: str) -> list[Fragment]:
    """Join fragments that only a line break (and white space) separates."""
    merged = [fragments[0]]
    for start, end in fragments[1:]:
        first, last = merged[-1]
        gap = text[last:start]
        if last <= start and gap and not gap.strip() and any(c in LINE_BREAKS for c in gap):
            merged[-1] = (first, end)
        else:
            merged.append((start, end))
    return merged


def _note_value(value: str) -> str:
    if value and not _NEEDS_QUOTES.search(value):
        return value
    quoted = json.dumps(value, ensure_ascii=False)
    return "".join(f"\\u{ord(c):04x}" if c in LINE_BREAKS else c for c in quoted)


def format_note(fields: dict[str, str | None]) -> str:
    return " ".join(f"{key}={_note_value(value)}" for key, value in fields.items() if value is not None)


def parse_note(note: str) -> dict[str, str]:
    """The ``key=value`` fields of a note; free text around them is ignored."""
    fields = {}
    for match in _NOTE_FIELD.finditer(note):
        key, raw = match.groups()
        if raw.startswith('"'):
            try:
                raw = json.loads(raw)
            except json.JSONDecodeError:
                pass
        fields[key] = raw
    return fields


def _numbered_roles(arguments: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """brat's spelling of repeated roles: Target, Target2, Target3 ..."""
    seen: dict[str, int] = {}
    numbered = []
    for role, ref in arguments:
        seen[role] = seen.get(role, 0) + 1
        numbered.append((role if seen[role] == 1 else f"{role}{seen[role]}", ref))
    return numbered


def base_role(role: str) -> str:
    """``Target2`` -> ``Target``."""
    stripped = role.rstrip("0123456789")
    return stripped or role


# ---------------------------------------------------------------- writing

@dataclass
class _AnnBuilder:
    doc_id: str
    text: str
    lines: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def _next(self, prefix: str) -> str:
        self.counts[prefix] = self.counts.get(prefix, 0) + 1
        return f"{prefix}{self.counts[prefix]}"

    def textbound(self, type_: str, spans: Iterable[Span], item: str) -> str:
        fragments = fragments_of(spans, self.text)
        if not fragments:
            raise InputError(f"{self.doc_id}: {item}: the span holds nothing but line breaks")
        offsets = ";".join(f"{start} {end}" for start, end in fragments)
        covered = FRAGMENT_SEPARATOR.join(self.text[start:end] for start, end in fragments)
        ident = self._next("T")
        self.lines.append(f"{ident}\t{type_} {offsets}\t{covered}")
        return ident

    def attribute(self, name: str, target: str, value: str | None, item: str) -> None:
        if value is None:
            return
        if not value or any(c.isspace() for c in value):
            raise InputError(f"{self.doc_id}: {item}: {name} value {value!r} cannot be written to BRAT "
                             "(attribute values are single words)")
        self.lines.append(f"{self._next('A')}\t{name} {target} {value}")

    def note(self, target: str, fields: dict[str, str | None]) -> None:
        self.lines.append(f"{self._next('#')}\t{NOTE} {target}\t{format_note(fields)}")

    def event(self, type_: str, trigger: str, arguments: list[tuple[str, str]]) -> str:
        ident = self._next("E")
        roles = "".join(f" {role}:{ref}" for role, ref in _numbered_roles(arguments))
        self.lines.append(f"{ident}\t{type_}:{trigger}{roles}")
        return ident

    def equivalence(self, members: list[str]) -> None:
        self.lines.append(f"*\t{COREF} {' '.join(members)}")


def _cluster_fields(cluster: Cluster | None) -> dict[str, str | None]:
    if cluster is None:
        return {}
    return {"cluster": cluster.id, "cluster_name": cluster.name, "cluster_type": cluster.type}


def to_ann(doc: Document) -> str:
    """The ``.ann`` text of a document (see the module docstring for the mapping)."""
    b = _AnnBuilder(doc.id, doc.text)
    heads = {c.members[0]: c for c in doc.clusters if c.members}
    brat_ids: dict[str, str] = {}

    def ref(model_id: str, item: str) -> str:
        if model_id not in brat_ids:
            raise InputError(f"{doc.id}: {item} refers to {model_id!r}, which is no entity, mention or timex id")
        return brat_ids[model_id]

    for e in doc.entities:
        brat_ids[e.id] = t = b.textbound(e.type, [e.span], e.id)
        b.note(t, {"id": e.id, **_cluster_fields(heads.get(e.id))})
    for m in doc.mentions:
        brat_ids[m.id] = t = b.textbound(MENTION, [m.span], m.id)
        b.attribute(MENTION_KIND, t, m.kind, m.id)
        b.note(t, {"id": m.id, **_cluster_fields(heads.get(m.id))})
    for x in doc.timexes:
        brat_ids[x.id] = t = b.textbound(TIMEX, [x.span], x.id)
        b.attribute(TIMEX_TYPE, t, x.type, x.id)
        b.attribute(TIMEX_MOD, t, x.mod, x.id)
        b.note(t, {"id": x.id, "value": x.value, **_cluster_fields(heads.get(x.id))})
    for c in doc.clusters:
        b.equivalence([ref(m, c.id) for m in c.members])
    for v in doc.events:
        trigger = b.textbound(EVENT, [v.trigger], v.id)
        roles = [(EVENT_ROLES.get(a.role, a.role.capitalize()), ref(a.ref, v.id)) for a in v.arguments]
        e = b.event(EVENT, trigger, roles)
        b.attribute(CAMEO, e, v.code, v.id)
        b.attribute(REALIS, e, v.realis, v.id)
        b.attribute(POLARITY, e, v.polarity, v.id)
        b.note(e, {"id": v.id})
    for q in doc.quotes:
        cue = b.textbound(QUOTE, [q.cue], q.id)
        roles = [(CONTENT_ROLE, b.textbound(CONTENT, q.content, q.id))]
        if q.source:
            roles.append((SOURCE_ROLE, ref(q.source, q.id)))
        if q.addressee:
            roles.append((ADDRESSEE_ROLE, ref(q.addressee, q.id)))
        e = b.event(QUOTE, cue, roles)
        b.attribute(QUOTE_KIND, e, q.kind, q.id)
        b.note(e, {"id": q.id})
    return "".join(line + "\n" for line in b.lines)


def annotation_conf() -> str:
    """The brat annotation scheme: every type, role and attribute value the export uses."""
    referents = "|".join((*inv.ENTITY_TYPES, MENTION))
    lines = [
        "# Diplomacy-IE annotation scheme (generated by `benchmark export`; do not edit by hand)",
        "[entities]", *inv.ENTITY_TYPES, MENTION, TIMEX, CONTENT,
        "", "[relations]",
        f"{COREF}\tArg1:{referents}, Arg2:{referents}, <REL-TYPE>:symmetric-transitive",
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>",
        "", "[events]",
        f"{EVENT}\tSource*:{referents}, Target*:{referents}, Time*:{TIMEX}, Place*:{referents}",
        f"{QUOTE}\t{CONTENT_ROLE}:{CONTENT}, {SOURCE_ROLE}?:{referents}, {ADDRESSEE_ROLE}?:{referents}",
        "", "[attributes]",
        f"{MENTION_KIND}\tArg:{MENTION}, Value:{'|'.join(inv.MENTION_KINDS)}",
        f"{TIMEX_TYPE}\tArg:{TIMEX}, Value:{'|'.join(inv.TIMEX_TYPES)}",
        f"{TIMEX_MOD}\tArg:{TIMEX}, Value:{'|'.join(inv.TIMEX_MODS)}",
        f"{QUOTE_KIND}\tArg:{QUOTE}, Value:{'|'.join(inv.QUOTE_KINDS)}",
        f"{CAMEO}\tArg:{EVENT}, Value:{'|'.join(inv.cameo_codes())}",
        f"{REALIS}\tArg:{EVENT}, Value:{'|'.join(inv.REALIS)}",
        f"{POLARITY}\tArg:{EVENT}, Value:{'|'.join(inv.POLARITY)}",
    ]
    return "\n".join(lines) + "\n"


_COLOURS = {
    "PERSON": "#ffccaa", "NORP": "#ffe0b0", "FAC": "#c0d0ff", "ORG": "#8fb2ff", "GPE": "#7fe2ff",
    "LOC": "#a0f0d0", "PRODUCT": "#e0c0ff", "EVENT": "#ffd0f0", "WORK_OF_ART": "#f0e0a0",
    "LAW": "#e0e0c0", "LANGUAGE": "#d0f0a0", "DATE": "#ffff99", "TIME": "#ffff66",
    "PERCENT": "#e6e6e6", "MONEY": "#e6e6e6", "QUANTITY": "#e6e6e6", "ORDINAL": "#e6e6e6",
    "CARDINAL": "#e6e6e6", MENTION: "#f0f0f0", TIMEX: "#ffef70", CONTENT: "#e8f4e8",
    EVENT: "#ff9090", QUOTE: "#90d090",
}
_LABELS = {MENTION: "Mention | Men | M", TIMEX: "TIMEX3 | Timex | TX", CONTENT: "Content | Cont",
           EVENT: "Event | Ev", QUOTE: "Quote | Q", COREF: "Coref | Co"}


def visual_conf() -> str:
    lines = ["# Diplomacy-IE display settings for brat (generated by `benchmark export`)", "[labels]"]
    lines += [f"{t} | {t}" for t in inv.ENTITY_TYPES]
    lines += [f"{t} | {label}" for t, label in _LABELS.items()]
    lines += ["", "[drawing]",
              "SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken",
              "ARC_DEFAULT\tcolor:black, arrowHead:triangle-5",
              "ATTRIBUTE_DEFAULT\tglyph:*"]
    lines += [f"{t}\tbgColor:{colour}" for t, colour in _COLOURS.items()]
    lines += [f"{COREF}\tcolor:#3050c0, dashArray:3-3, arrowHead:none"]
    return "\n".join(lines) + "\n"


def _write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def write_brat(doc: Document, folder: Path) -> list[Path]:
    """Write ``<id>.txt``, ``<id>.ann`` and the two brat configuration files."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [_write(folder / f"{doc.id}.txt", doc.text), _write(folder / f"{doc.id}.ann", to_ann(doc)),
            _write(folder / "annotation.conf", annotation_conf()),
            _write(folder / "visual.conf", visual_conf())]


# ---------------------------------------------------------------- reading

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
            raise s.fail(number, f"{ident}: offsets [{start}, {end}) are not a non-empty range inside "
                                 f"the text (0..{len(s.text)} code points)")
        fragments.append((start, end))
    if len(parts) == 3 and parts[2]:
        expected = FRAGMENT_SEPARATOR.join(s.text[a:b] for a, b in fragments)
        if parts[2] != expected:
            raise s.fail(number, f"{ident}: text {parts[2]!r} does not equal the document slice "
                                 f"{offsets} {expected!r}; offsets count Unicode code points")
    s.textbounds[ident] = _TextBound(ident, type_, fragments, number)


def _parse_event(s: Standoff, number: int, line: str) -> None:
    ident, _, data = line.partition("\t")
    parts = data.split()
    if not parts or ":" not in parts[0] or not all(":" in p for p in parts):
        raise s.fail(number, f"expected 'En<TAB>TYPE:TRIGGER ROLE:ID ...', got {line!r}")
    type_, trigger = parts[0].split(":", 1)
    arguments = [tuple(p.split(":", 1)) for p in parts[1:]]
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


_LINE_PARSERS = {"T": _parse_textbound, "E": _parse_event, "A": _parse_attribute, "M": _parse_attribute,
                 "N": _parse_normalization, "#": _parse_note, "*": _parse_equivalence}


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
    """Turns a :class:`Standoff` into a :class:`Document` with the gold's ids."""

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
        structural |= {ref for e in self.s.events.values() if e.type == QUOTE
                       for role, ref in e.arguments if base_role(role) == CONTENT_ROLE}
        for tb in self.s.textbounds.values():
            if tb.ident not in structural and tb.type not in STRUCTURAL_TYPES:
                self.add_textbound(tb)
        for members, line in self.s.equivalences:
            self.add_cluster(members, line)
        for event in self.s.events.values():
            (self.add_quote if event.type == QUOTE else self.add_event)(event)
        return self.doc

    def add_textbound(self, tb: _TextBound) -> None:
        from ..jsonl import PRONOUNS

        span = self.one_span(tb.ident, tb.line)
        note = self.s.notes.get(tb.ident, {})
        attributes = self.s.attributes.get(tb.ident, {})
        if tb.type == MENTION:
            kind = attributes.get(MENTION_KIND) or ("PRO" if span.text.lower() in PRONOUNS else "NOM")
            item = Mention(self.ids.take(note.get("id"), "M"), span, kind)
            self.doc.mentions.append(item)
        elif tb.type == TIMEX:
            value = note["value"] if "value" in note else self.s.normalizations.get(tb.ident, {}).get(TIMEX)
            item = Timex(self.ids.take(note.get("id"), "T"), span, attributes.get(TIMEX_TYPE), value,
                         attributes.get(TIMEX_MOD))
            self.doc.timexes.append(item)
        else:
            item = Entity(self.ids.take(note.get("id"), "E"), span, tb.type)
            self.doc.entities.append(item)
        self.model_ids[tb.ident] = item.id

    def add_cluster(self, members: list[str], line: int) -> None:
        refs = tuple(self.ref(m, line) for m in members)
        head = self.s.notes.get(members[0], {})
        first_entity = next((e for e in self.doc.entities if e.id in refs), None)
        name = head["cluster_name"] if "cluster_name" in head else \
            (first_entity.span if first_entity else self.one_span(members[0], line)).text
        type_ = head["cluster_type"] if "cluster_type" in head else (first_entity.type if first_entity else None)
        self.doc.clusters.append(Cluster(self.ids.take(head.get("cluster"), "C"), name, type_, refs))

    def add_event(self, event: _EventLine) -> None:
        attributes = self.s.attributes.get(event.ident, {})
        arguments = tuple(Argument(base_role(role).lower(), self.ref(ref, event.line))
                          for role, ref in event.arguments)
        self.doc.events.append(Event(
            self.ids.take(self.s.notes.get(event.ident, {}).get("id"), "V"), self.one_span(event.trigger, event.line),
            attributes.get(CAMEO), arguments, attributes.get(REALIS), attributes.get(POLARITY)))

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
                raise self.s.fail(event.line, f"a Quote takes one Content, one Source and one Addressee, "
                                              f"not {role!r} here")
        self.doc.quotes.append(Quote(
            self.ids.take(self.s.notes.get(event.ident, {}).get("id"), "Q"),
            self.s.attributes.get(event.ident, {}).get(QUOTE_KIND), self.one_span(event.trigger, event.line),
            tuple(content), fillers.get(SOURCE_ROLE), fillers.get(ADDRESSEE_ROLE)))


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
        raise InputError(f"{beside}: differs from the text of document {doc_id}; BRAT offsets are only "
                         "meaningful against the exact document text (same bytes, same line endings)")
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
    from ..jsonl import document_to_json

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
