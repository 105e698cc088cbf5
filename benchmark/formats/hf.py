"""Hugging Face ``datasets`` configs, written as JSON Lines under
``annotations/export/hf/<config>/test.jsonl``, and the dataset card header.

Configs (one split, ``test``):

- ``documents``: one row per document, every gold layer nested, ids as in the YAML.
- ``ner``: one row per sentence, CoNLL-2003 style: ``tokens`` and ``ner_tags``
  (ClassLabel ids over :data:`NER_LABELS`, IOB2 over the 18 OntoNotes types).
- ``quotes``, ``events``, ``timexes``: one row per item, spans as
  ``{start, end, text}`` with code-point offsets into the document text.

The document ``date`` is declared ``date32``: pyarrow's JSON reader turns a
string column holding only ISO dates into timestamps, which a ``string``
feature would then print as ``2022-01-26 00:00:00``.

``datasets`` cannot load a config whose only data file is empty, so the
card lists a config only when the gold has rows for it; the file is
written anyway, so the layout does not depend on the gold.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import inventory as inv
from ..model import Document
from .conll import iob2_tags, sentence_tokens

CONFIGS = ("documents", "ner", "quotes", "events", "timexes")
SPLIT = "test"
EXPORT_PATH = "annotations/export/hf"  # relative to the checkout, as the card names it
NER_LABELS = ("O", *(f"{prefix}-{t}" for t in inv.ENTITY_TYPES for prefix in ("B", "I")))
CONTENT_SEPARATOR = " ... "


# ---------------------------------------------------------------- rows


def _document_row(doc: Document) -> dict:
    from ..gold import document_to_yaml_data

    data = document_to_yaml_data(doc)
    quotes = [{**q, "addressee": q.get("addressee")} for q in data["quotes"]]
    timexes = [{**t, "mod": t.get("mod")} for t in data["timexes"]]
    return {
        "id": doc.id,
        "text": doc.text,
        "date": doc.date,
        **{layer: data[layer] for layer in ("sections", "sentences", "entities", "mentions", "clusters")},
        "quotes": quotes,
        "events": data["events"],
        "timexes": timexes,
    }


def _ner_rows(doc: Document) -> list[dict]:
    label_ids = {label: i for i, label in enumerate(NER_LABELS)}
    sentences = sentence_tokens(doc)
    sentence_ids = [s.id for s in doc.sentences] or [f"S{i}" for i in range(1, len(sentences) + 1)]
    return [
        {
            "id": f"{doc.id}/{sentence_id}",
            "document": doc.id,
            "tokens": [t.text for t in tokens],
            "ner_tags": [label_ids[tag] for tag in iob2_tags(tokens, doc.entities)],
        }
        for sentence_id, tokens in zip(sentence_ids, sentences)
    ]


def _quote_rows(doc: Document) -> list[dict]:
    spans = doc.referents()
    names = {member: c.name for c in doc.clusters for member in c.members}

    def optional(ref: str | None) -> dict | None:
        return spans[ref].as_dict() if ref else None

    return [
        {
            "id": q.id,
            "document": doc.id,
            "kind": q.kind,
            "speaker": names.get(q.source, spans[q.source].text) if q.source else None,
            "source": optional(q.source),
            "addressee": optional(q.addressee),
            "cue": q.cue.as_dict(),
            "content": [s.as_dict() for s in q.content],
            "content_text": CONTENT_SEPARATOR.join(doc.text[s.start : s.end] for s in q.content),
        }
        for q in doc.quotes
    ]


def _event_rows(doc: Document) -> list[dict]:
    spans = doc.referents()
    names = inv.cameo_codes()
    return [
        {
            "id": e.id,
            "document": doc.id,
            "trigger": e.trigger.as_dict(),
            "code": e.code,
            "code_name": names.get(e.code),
            "root": inv.cameo_root(e.code),
            "root_name": names.get(inv.cameo_root(e.code) or ""),
            "quad_class": inv.quad_class(e.code),
            "quad_class_name": _quad_class_name(e.code),
            "arguments": [{"role": a.role, "ref": a.ref, **spans[a.ref].as_dict()} for a in e.arguments],
            "realis": e.realis,
            "polarity": e.polarity,
        }
        for e in doc.events
    ]


def _quad_class_name(code: str) -> str:
    quad = inv.quad_class(code)
    if quad is None:  # the gold is validated: every code is in the CAMEO codebook
        raise ValueError(f"the CAMEO code {code!r} has no QuadClass")
    return inv.QUAD_CLASSES[quad]


def _timex_rows(doc: Document) -> list[dict]:
    return [
        {"id": t.id, "document": doc.id, **t.span.as_dict(), "type": t.type, "value": t.value, "mod": t.mod}
        for t in doc.timexes
    ]


def config_rows(documents: list[Document]) -> dict[str, list[dict]]:
    """The rows of every config, in document order."""
    builders = {
        "documents": lambda d: [_document_row(d)],
        "ner": _ner_rows,
        "quotes": _quote_rows,
        "events": _event_rows,
        "timexes": _timex_rows,
    }
    return {name: [row for doc in documents for row in builders[name](doc)] for name in CONFIGS}


def write_hf(documents: list[Document], folder: Path) -> list[Path]:
    """``folder/<config>/test.jsonl`` for every config."""
    written = []
    for name, rows in config_rows(documents).items():
        path = Path(folder) / name / f"{SPLIT}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8"))
        written.append(path)
    return written


# ---------------------------------------------------------------- features (dataset_info)


def _value(name: str, dtype: str) -> dict:
    return {"name": name, "dtype": dtype}


def _struct(name: str, fields: list[dict]) -> dict:
    return {"name": name, "struct": fields}


def _list(name: str, fields: list[dict]) -> dict:
    return {"name": name, "list": fields}


def _strings(*names: str) -> list[dict]:
    return [_value(n, "string") for n in names]


_OFFSETS = [_value("start", "int32"), _value("end", "int32"), _value("text", "string")]


def _features() -> dict[str, list[dict]]:
    span_item = lambda *extra: [*_strings("id"), *_OFFSETS, *_strings(*extra)]  # noqa: E731
    return {
        "documents": [
            *_strings("id", "text"),
            _value("date", "date32"),
            _list("sections", span_item("type")),
            _list("sentences", span_item()),
            _list("entities", span_item("type")),
            _list("mentions", span_item("kind")),
            _list("clusters", [*_strings("id", "name", "type"), {"name": "members", "sequence": "string"}]),
            _list(
                "quotes",
                [
                    *_strings("id", "kind"),
                    _struct("cue", _OFFSETS),
                    _list("content", _OFFSETS),
                    *_strings("source", "addressee"),
                ],
            ),
            _list(
                "events",
                [
                    *_strings("id"),
                    _struct("trigger", _OFFSETS),
                    *_strings("code"),
                    _list("arguments", _strings("role", "ref")),
                    *_strings("realis", "polarity"),
                ],
            ),
            _list("timexes", span_item("type", "value", "mod")),
        ],
        "ner": [
            *_strings("id", "document"),
            {"name": "tokens", "sequence": "string"},
            {
                "name": "ner_tags",
                "sequence": {"class_label": {"names": {str(i): label for i, label in enumerate(NER_LABELS)}}},
            },
        ],
        "quotes": [
            *_strings("id", "document", "kind", "speaker"),
            _struct("source", _OFFSETS),
            _struct("addressee", _OFFSETS),
            _struct("cue", _OFFSETS),
            _list("content", _OFFSETS),
            *_strings("content_text"),
        ],
        "events": [
            *_strings("id", "document"),
            _struct("trigger", _OFFSETS),
            *_strings("code", "code_name", "root", "root_name"),
            _value("quad_class", "int32"),
            *_strings("quad_class_name"),
            _list("arguments", [*_strings("role", "ref"), *_OFFSETS]),
            *_strings("realis", "polarity"),
        ],
        "timexes": [*_strings("id", "document"), *_OFFSETS, *_strings("type", "value", "mod")],
    }


# ---------------------------------------------------------------- the card


def card_configs(documents: list[Document]) -> list[str]:
    """The configs the card lists: those with at least one row."""
    rows = config_rows(documents)
    return [name for name in CONFIGS if rows[name]]


def _plain_dumper() -> type:
    import yaml

    class PlainDumper(yaml.SafeDumper):
        """Writes repeated feature blocks out in full: the Hub's card parser wants no YAML aliases."""

        def ignore_aliases(self, data: Any) -> bool:
            return True

    return PlainDumper


def dataset_card_front_matter(documents: list[Document] | None = None) -> str:
    """The YAML header of README.md (without the ``---`` lines): a Hugging Face dataset card.

    ``documents`` defaults to the shipped gold; it decides which configs have rows.
    """
    import yaml

    from ..corpus import load_shipped

    configs = card_configs(load_shipped() if documents is None else documents)
    features = _features()
    header: dict[str, Any] = {
        "pretty_name": "Diplomacy-IE",
        "license": "cc-by-4.0",
        "language": ["en"],
        "multilinguality": ["monolingual"],
        "annotations_creators": ["expert-generated"],
        "language_creators": ["found"],
        "source_datasets": ["original"],
        "size_categories": ["n<1K"],
        "task_categories": ["token-classification", "text-classification"],
        "task_ids": ["named-entity-recognition", "coreference-resolution"],
        "tags": [
            "political-news",
            "diplomacy",
            "event-extraction",
            "cameo",
            "quotation-attribution",
            "temporal-expressions",
            "timeml",
            "benchmark",
        ],
        "configs": [
            {
                "config_name": name,
                "data_files": [{"split": SPLIT, "path": f"{EXPORT_PATH}/{name}/{SPLIT}.jsonl"}],
                **({"default": True} if name == "documents" else {}),
            }
            for name in configs
        ],
        "dataset_info": [{"config_name": name, "features": features[name]} for name in configs],
    }
    return yaml.dump(
        header, Dumper=_plain_dumper(), sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )


def readme_with_front_matter(readme: str | None, front_matter: str) -> str:
    """README text whose front matter block is ``front_matter``; the rest is kept."""
    block = f"---\n{front_matter}---\n"
    if readme is None:
        return block + "# Diplomacy-IE\n"
    if readme.startswith("---\n"):
        end = readme.find("\n---\n", 4)
        if end != -1:
            return block + readme[end + len("\n---\n") :]
    return block + readme


def update_readme(path: Path, documents: list[Document] | None = None) -> bool:
    """Write the card header into README.md (creating it if absent); True when the file changed."""
    path = Path(path)
    current = path.read_text(encoding="utf-8") if path.exists() else None
    updated = readme_with_front_matter(current, dataset_card_front_matter(documents))
    if updated == current:
        return False
    path.write_bytes(updated.encode("utf-8"))
    return True


def readme_front_matter(readme: str) -> str | None:
    """The front matter block of README text (between the ``---`` lines), or None."""
    if not readme.startswith("---\n"):
        return None
    end = readme.find("\n---\n", 4)
    return readme[4 : end + 1] if end != -1 else None
