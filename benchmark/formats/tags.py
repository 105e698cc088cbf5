"""Token-tag predictions: a tagger's IOB2, IOBES or IO tags over the published
tokens, read back as entity spans.

Two forms are accepted (README, "Token-tag predictions"):

- rows shaped like the ``ner`` config: ``{"id": "<document>/<sentence>",
  "document": ..., "ner_tags": [...], "tokens": [...]}``, the tags as strings or
  as the config's ClassLabel integers, ``tokens`` optional and checked;
- in a document line, ``"sentences": [{"id": "<document>/<sentence>", "ner_tags": [...]}]``.

Tags are read into chunks as conlleval and seqeval's default mode read them,
whatever the scheme: ``B-``/``S-`` start a chunk, ``E-``/``S-`` end one, an
``I-``/``E-`` after ``O`` or after a chunk of another type starts one, so an
ill-formed sequence is read the way those tools read it. A chunk covers its
tokens' characters, from the first token's start to the last one's end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..model import Document
from ..tokenize import Token
from .conll import sentence_tokens

PREFIXES = frozenset("BIESO")


def split_tag(tag: str) -> tuple[str, str]:
    """``(prefix, type)``; ``("O", "")`` for outside. ValueError for anything else."""
    if tag == "O":
        return "O", ""
    if len(tag) > 2 and tag[0] in PREFIXES and tag[1] == "-" and tag[0] != "O":
        return tag[0], tag[2:]
    raise ValueError(f"tag {tag!r} is not O or B-, I-, E-, S- followed by a type")


def _ends_before(prev: tuple[str, str], current: tuple[str, str]) -> bool:
    """Does the chunk open at the previous token end before the current one?"""
    prev_prefix, prev_type = prev
    prefix, label = current
    if prev_prefix in "ES":
        return True
    if prev_prefix in "BI" and prefix in "BSO":
        return True
    return prev_prefix != "O" and prev_type != label


def _starts_at(prev: tuple[str, str], current: tuple[str, str]) -> bool:
    """Does a chunk start at the current token?"""
    prev_prefix, prev_type = prev
    prefix, label = current
    if prefix in "BS":
        return True
    if prefix in "IE" and prev_prefix in "ESO":
        return True
    return prefix != "O" and prev_type != label


def tag_chunks(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """``(type, first token, token after the last)`` of every chunk, in order."""
    found = []
    prev = ("O", "")
    open_at: int | None = None
    for position, tag in enumerate([*tags, "O"]):
        current = split_tag(tag)
        if open_at is not None and _ends_before(prev, current):
            found.append((prev[1], open_at, position))
            open_at = None
        if _starts_at(prev, current):
            open_at = position
        prev = current
    return found


def entities_from_tags(tokens: Sequence[Token], tags: Sequence[str]) -> list[dict]:
    """Entity items (``start``, ``end``, ``type``) of one sentence's tags."""
    return [
        {"start": tokens[first].start, "end": tokens[end - 1].end, "type": label}
        for label, first, end in tag_chunks(tags)
    ]


@dataclass
class TaggedSentence:
    """The published tokens of one sentence, under its ``ner`` config id."""

    id: str
    tokens: list[Token]


def published_sentences(doc: Document) -> dict[str, TaggedSentence]:
    """The sentences of the ``ner`` config, by row id, with their tokens."""
    token_lists = sentence_tokens(doc)
    ids = [s.id for s in doc.sentences] or [f"S{i}" for i in range(1, len(token_lists) + 1)]
    return {f"{doc.id}/{sid}": TaggedSentence(f"{doc.id}/{sid}", tokens) for sid, tokens in zip(ids, token_lists)}


def tags_as_strings(tags: Any, labels: Sequence[str]) -> list[str]:
    """Tags given as strings or as ClassLabel integers over ``labels``."""
    if not isinstance(tags, list):
        raise ValueError(f"'ner_tags' must be a list, got {type(tags).__name__}")
    strings = []
    for position, tag in enumerate(tags):
        if isinstance(tag, bool) or not isinstance(tag, (int, str)):
            raise ValueError(f"ner_tags[{position}]: {tag!r} is neither a tag nor a label id")
        if isinstance(tag, int):
            if not 0 <= tag < len(labels):
                raise ValueError(f"ner_tags[{position}]: label id {tag} is outside 0..{len(labels) - 1}")
            tag = labels[tag]
        strings.append(tag)
    return strings


def sentence_entities(sentence: TaggedSentence, row: dict, labels: Sequence[str]) -> list[dict]:
    """The entities one tagged row (or sentence object) predicts; ValueError says what is wrong."""
    tags = tags_as_strings(row.get("ner_tags"), labels)
    if len(tags) != len(sentence.tokens):
        raise ValueError(f"{len(tags)} tags for the {len(sentence.tokens)} tokens of sentence {sentence.id}")
    tokens = row.get("tokens")
    if tokens is not None:
        published = [t.text for t in sentence.tokens]
        if tokens != published:
            first = next(
                (i for i, (a, b) in enumerate(zip(tokens, published)) if a != b), min(len(tokens), len(published))
            )
            raise ValueError(
                f"'tokens' differ from the published tokens of {sentence.id} at position {first}; "
                "tags must be given over the tokens of the ner config"
            )
    for position, tag in enumerate(tags):
        try:
            split_tag(tag)
        except ValueError as error:
            raise ValueError(f"ner_tags[{position}]: {error}") from None
    return entities_from_tags(sentence.tokens, tags)


def entities_from_sentences(record: dict, doc: Document) -> tuple[dict, list[tuple[str, str]]]:
    """The record with the entities its tagged sentences predict, and (item, reason) problems.

    The tagged sentences are replaced by the entities they read to; a record
    giving both ``entities`` and tags is refused, since one would hide the other.
    """
    from .hf import NER_LABELS

    if record.get("entities") is not None:
        return record, [("sentences", "gives both 'entities' and tagged sentences; give one of them")]
    published = published_sentences(doc)
    entities, problems = [], []
    for index, row in enumerate(record["sentences"]):
        label = f"sentences[{index}]"
        given = row.get("id") if isinstance(row, dict) else None
        sentence = published.get(given) if isinstance(given, str) else None
        if sentence is None:
            problems.append((label, _unknown_sentence(row, doc.id, published)))
            continue
        try:
            entities += sentence_entities(sentence, row, NER_LABELS)
        except ValueError as error:
            problems.append((label, str(error)))
    rest = {key: value for key, value in record.items() if key != "sentences"}
    return {**rest, "entities": entities}, problems


def _unknown_sentence(row: object, doc_id: str, published: dict[str, TaggedSentence]) -> str:
    given = row.get("id") if isinstance(row, dict) else None
    hint = ""
    if isinstance(given, str) and f"{doc_id}/{given}" in published:
        hint = f"; did you mean {doc_id + '/' + given!r}?"
    first = next(iter(published), "")
    return f"names no sentence of the ner config (ids such as {first!r}), got {given!r}{hint}"


def is_tag_row(record: object) -> bool:
    """A row shaped like the ner config's: ``id``, ``document``, ``ner_tags``."""
    return isinstance(record, dict) and "ner_tags" in record and "document" in record


def group_tag_rows(rows: list[tuple[int, dict]]) -> list[tuple[int, dict]]:
    """Rows of the ner config form, as one record per document (line of its first row)."""
    documents: dict[str, tuple[int, dict]] = {}
    for line, row in rows:
        doc_id = row.get("document")
        key = doc_id if isinstance(doc_id, str) else f"\0{line}"
        if key not in documents:
            documents[key] = (line, {"id": doc_id, "sentences": []})
        sentence = {k: v for k, v in row.items() if k != "document"}
        documents[key][1]["sentences"].append(sentence)
    return list(documents.values())
