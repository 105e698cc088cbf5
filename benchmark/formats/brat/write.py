"""Writing BRAT: a Document as ``.ann`` text, and the folder brat opens (``<id>.txt``,
``<id>.ann``, ``annotation.conf``, ``visual.conf``). The mapping is described in
:mod:`benchmark.formats.brat`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ... import inventory as inv
from ...errors import InputError
from ...model import Cluster, Document, Span
from .schema import (
    ADDRESSEE_ROLE,
    CAMEO,
    CONTENT,
    CONTENT_ROLE,
    COREF,
    EVENT,
    EVENT_ROLES,
    FRAGMENT_SEPARATOR,
    MENTION,
    MENTION_KIND,
    NOTE,
    POLARITY,
    QUOTE,
    QUOTE_KIND,
    REALIS,
    SOURCE_ROLE,
    TIMEX,
    TIMEX_MOD,
    TIMEX_TYPE,
    _numbered_roles,
    format_note,
    fragments_of,
)


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
            raise InputError(
                f"{self.doc_id}: {item}: {name} value {value!r} cannot be written to BRAT "
                "(attribute values are single words)"
            )
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
        event_id = b.event(EVENT, trigger, roles)
        b.attribute(CAMEO, event_id, v.code, v.id)
        b.attribute(REALIS, event_id, v.realis, v.id)
        b.attribute(POLARITY, event_id, v.polarity, v.id)
        b.note(event_id, {"id": v.id})
    for q in doc.quotes:
        cue = b.textbound(QUOTE, [q.cue], q.id)
        roles = [(CONTENT_ROLE, b.textbound(CONTENT, q.content, q.id))]
        if q.source:
            roles.append((SOURCE_ROLE, ref(q.source, q.id)))
        if q.addressee:
            roles.append((ADDRESSEE_ROLE, ref(q.addressee, q.id)))
        event_id = b.event(QUOTE, cue, roles)
        b.attribute(QUOTE_KIND, event_id, q.kind, q.id)
        b.note(event_id, {"id": q.id})
    return "".join(line + "\n" for line in b.lines)


def annotation_conf() -> str:
    """The brat annotation scheme: every type, role and attribute value the export uses."""
    referents = "|".join((*inv.ENTITY_TYPES, MENTION))
    lines = [
        "# Diplomacy-IE annotation scheme (generated by `benchmark export`; do not edit by hand)",
        "[entities]",
        *inv.ENTITY_TYPES,
        MENTION,
        TIMEX,
        CONTENT,
        "",
        "[relations]",
        f"{COREF}\tArg1:{referents}, Arg2:{referents}, <REL-TYPE>:symmetric-transitive",
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>",
        "",
        "[events]",
        f"{EVENT}\tSource*:{referents}, Target*:{referents}, Time*:{TIMEX}, Place*:{referents}",
        f"{QUOTE}\t{CONTENT_ROLE}:{CONTENT}, {SOURCE_ROLE}?:{referents}, {ADDRESSEE_ROLE}?:{referents}",
        "",
        "[attributes]",
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
    "PERSON": "#ffccaa",
    "NORP": "#ffe0b0",
    "FAC": "#c0d0ff",
    "ORG": "#8fb2ff",
    "GPE": "#7fe2ff",
    "LOC": "#a0f0d0",
    "PRODUCT": "#e0c0ff",
    "EVENT": "#ffd0f0",
    "WORK_OF_ART": "#f0e0a0",
    "LAW": "#e0e0c0",
    "LANGUAGE": "#d0f0a0",
    "DATE": "#ffff99",
    "TIME": "#ffff66",
    "PERCENT": "#e6e6e6",
    "MONEY": "#e6e6e6",
    "QUANTITY": "#e6e6e6",
    "ORDINAL": "#e6e6e6",
    "CARDINAL": "#e6e6e6",
    MENTION: "#f0f0f0",
    TIMEX: "#ffef70",
    CONTENT: "#e8f4e8",
    EVENT: "#ff9090",
    QUOTE: "#90d090",
}
_LABELS = {
    MENTION: "Mention | Men | M",
    TIMEX: "TIMEX3 | Timex | TX",
    CONTENT: "Content | Cont",
    EVENT: "Event | Ev",
    QUOTE: "Quote | Q",
    COREF: "Coref | Co",
}


def visual_conf() -> str:
    lines = ["# Diplomacy-IE display settings for brat (generated by `benchmark export`)", "[labels]"]
    lines += [f"{t} | {t}" for t in inv.ENTITY_TYPES]
    lines += [f"{t} | {label}" for t, label in _LABELS.items()]
    lines += [
        "",
        "[drawing]",
        "SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken",
        "ARC_DEFAULT\tcolor:black, arrowHead:triangle-5",
        "ATTRIBUTE_DEFAULT\tglyph:*",
    ]
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
    return [
        _write(folder / f"{doc.id}.txt", doc.text),
        _write(folder / f"{doc.id}.ann", to_ann(doc)),
        _write(folder / "annotation.conf", annotation_conf()),
        _write(folder / "visual.conf", visual_conf()),
    ]
