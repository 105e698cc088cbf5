"""CoNLL-2003-style named-entity export: IOB2 tags, one token per line.

The four-column CoNLL-2003 form is kept so that readers written for that
corpus work unchanged; the part-of-speech and chunk columns, which the gold
does not annotate, hold ``_``::

    -DOCSTART- -X- O O

    US _ _ B-GPE
    and _ _ O
    NATO _ _ B-ORG

A ``-DOCSTART-`` line (then a blank line) opens each document; a blank line
ends each sentence. Sentences are the gold ``sentences`` layer (text outside
every sentence, such as page boilerplate, is not exported); tokens come
from :func:`benchmark.tokenize.tokenize`, so any white space, U+00A0
included, separates tokens and no token holds a space.
"""

from __future__ import annotations

from ..errors import InputError
from ..metrics.iob import to_iob2
from ..model import Document, Entity
from ..records import EntityRecord
from ..tokenize import Token, split_sentences, tokenize

DOCSTART = "-DOCSTART- -X- O O"
PLACEHOLDER = "_"


def sentence_spans(doc: Document) -> list[tuple[int, int]]:
    """The gold sentences, or the tokenizer's split for a document without them."""
    if doc.sentences:
        return [(s.span.start, s.span.end) for s in doc.sentences]
    return split_sentences(doc.text)


def sentence_tokens(doc: Document) -> list[list[Token]]:
    """The tokens of each sentence, in order."""
    tokens = tokenize(doc.text)
    return [[t for t in tokens if start <= t.start and t.end <= end] for start, end in sentence_spans(doc)]


def iob2_tags(tokens: list[Token], entities: list[Entity]) -> list[str]:
    """IOB2 tags of ``tokens``: B- at an entity's first token, I- on the tokens after it."""
    return to_iob2(
        [(t.start, t.end) for t in tokens], [EntityRecord(e.span.start, e.span.end, e.type) for e in entities]
    )


def tagged_sentences(doc: Document) -> list[tuple[list[Token], list[str]]]:
    return [(tokens, iob2_tags(tokens, doc.entities)) for tokens in sentence_tokens(doc) if tokens]


def to_conll(doc: Document) -> str:
    """One document in CoNLL-2003 form, opened by its ``-DOCSTART-`` line."""
    blocks = [DOCSTART + "\n"]
    for tokens, tags in tagged_sentences(doc):
        blocks.append("".join(f"{t.text} {PLACEHOLDER} {PLACEHOLDER} {tag}\n" for t, tag in zip(tokens, tags)))
    return "\n".join(blocks) + "\n"


def read_conll(text: str) -> list[tuple[list[str], list[str]]]:
    """(tokens, tags) per sentence; the token is the first column and the tag the last."""
    sentences: list[tuple[list[str], list[str]]] = []
    tokens: list[str] = []
    tags: list[str] = []
    for number, line in enumerate(text.split("\n"), 1):
        columns = line.split()
        if not columns or columns[0] == "-DOCSTART-":
            if tokens:
                sentences.append((tokens, tags))
            tokens, tags = [], []
            continue
        if len(columns) < 2:
            raise InputError(f"CoNLL line {number}: expected 'TOKEN ... TAG', got {line!r}")
        tokens.append(columns[0])
        tags.append(columns[-1])
    if tokens:
        sentences.append((tokens, tags))
    return sentences


def tag_spans(tags: list[str]) -> list[tuple[str, int, int]]:
    """(type, first token, last token + 1) of each IOB2 chunk."""
    chunks: list[tuple[str, int, int]] = []
    for i, tag in enumerate(tags):
        prefix, _, label = tag.partition("-")
        if prefix == "I" and chunks and chunks[-1][0] == label and chunks[-1][2] == i:
            chunks[-1] = (label, chunks[-1][1], i + 1)
        elif prefix in ("B", "I"):
            chunks.append((label, i, i + 1))
    return chunks
