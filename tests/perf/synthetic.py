"""Seeded synthetic corpora shared by the perf scripts.

Each document is running text of words and punctuation, as the project's
tokenizer sees news: capitalized names of one to four tokens (some hyphenated,
some initialisms, some dates with numbers), possessive clitics (``’s``),
commas, curly quotation marks around some sentences, the odd no-break space,
and paragraphs. Every gold entity sits on token edges and entities are flat.

Predictions perturb the gold the way a tagger errs: most spans exact, some
with the wrong type, some with a token too many or too few at one edge (a few
cut through a token, as a subword model may), some missed, and spurious spans
on other tokens topping each document up to as many predictions as gold
spans. Like decoded tags, predictions never overlap.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from benchmark.inventory import ENTITY_TYPES
from benchmark.records import DocRecords, EntityRecord

TYPES_18 = list(ENTITY_TYPES)  # the OntoNotes types
TYPES_5 = ["PERSON", "ORG", "GPE", "DATE", "NORP"]
SPANS_PER_DOC = 100

_FILLER = (
    "the a of to and in that for on with as by at from was were is are has have had will would "
    "said told after before during against over under about between new talks security response "
    "written demands officials reporters meeting week government forces border military statement "
    "its their his her they he she we it which who not also more than most could should may "
    "agreed rejected warned called urged delivered expected remains open diplomatic path clear "
    "long-range de-escalate follow-up well-known"
).split()
_SYLLABLES = "ka va rin mos tel an dor bli ken ru sia ne to ber lin gra pol ost uk mar sev".split()
_MONTHS = "January February March April May June July August September October November December".split()


@dataclass
class Corpus:
    gold: list[DocRecords]  # with text and sentence_starts
    pred: list[DocRecords]


class _Writer:
    """Builds one document's text token by token, remembering every token's offsets."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.parts: list[str] = []
        self.length = 0
        self.tokens: list[tuple[int, int]] = []
        self.attach_next = False  # after an opening quotation mark

    def token(self, text: str, attached: bool = False) -> int:
        """Append a token (after a space unless ``attached``); return its index."""
        if self.parts and not (attached or self.attach_next):
            self.space(" " if self.rng.random() > 0.01 else "\u00a0")
        self.attach_next = False
        self.tokens.append((self.length, self.length + len(text)))
        self.parts.append(text)
        self.length += len(text)
        return len(self.tokens) - 1

    def space(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def text(self) -> str:
        return "".join(self.parts)


def _name(rng: random.Random) -> str:
    word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    roll = rng.random()
    if roll < 0.05:
        return f"{word}-{rng.choice(_SYLLABLES).capitalize()}"
    if roll < 0.08:
        return word.upper()
    return word


def _entity_tokens(rng: random.Random) -> list[str]:
    roll = rng.random()
    if roll < 0.12:
        return [str(rng.randint(1, 28)), rng.choice(_MONTHS), str(rng.randint(1990, 2030))][: rng.randint(1, 3)]
    if roll < 0.15:
        return ["".join(f"{c}." for c in rng.choice(["US", "UN", "EU", "UK"]))]
    return [_name(rng) for _ in range(rng.choice((1, 1, 2, 2, 2, 3, 4)))]


def _filler(w: _Writer, count: int, capitalize: bool = False) -> None:
    for i in range(count):
        word = w.rng.choice(_FILLER)
        if w.rng.random() < 0.03:
            word = f"{w.rng.randint(2, 999)},{w.rng.randint(100, 999)}"
        w.token(word.capitalize() if capitalize and i == 0 else word)
        if w.rng.random() < 0.05:
            w.token(",", attached=True)


def _sentence(w: _Writer, types: list[str], n_entities: int, entities: list[tuple[int, int, str]]) -> None:
    """One sentence holding ``n_entities`` entities (token ranges appended to ``entities``)."""
    rng = w.rng
    quoted = rng.random() < 0.1
    if quoted:
        w.token("\u201c")
        w.attach_next = True
    _filler(w, rng.randint(0, 4), capitalize=True)
    for k in range(n_entities):
        if k:
            _filler(w, rng.randint(2, 8))
        names = _entity_tokens(rng)
        start = w.token(names[0])
        for name in names[1:]:
            w.token(name)
        entities.append((start, len(w.tokens), rng.choice(types)))
        roll = rng.random()
        if roll < 0.15:
            w.token("\u2019s", attached=True)
        elif roll < 0.25:
            w.token(",", attached=True)
    _filler(w, rng.randint(2, 6))
    w.token(".", attached=True)
    if quoted:
        w.token("\u201d", attached=True)


def _gold_doc(
    rng: random.Random, doc_id: str, types: list[str]
) -> tuple[DocRecords, list[tuple[int, int]], list[tuple[int, int, str]]]:
    w = _Writer(rng)
    entities: list[tuple[int, int, str]] = []  # token ranges [first, after last)
    sentences: list[tuple[int, int]] = []
    while len(entities) < SPANS_PER_DOC:
        if sentences:
            w.space("\n\n" if rng.random() < 0.2 else " ")
            w.attach_next = True
        first_token = len(w.tokens)
        _sentence(w, types, min(rng.choice((1, 2, 2, 3)), SPANS_PER_DOC - len(entities)), entities)
        sentences.append((w.tokens[first_token][0], w.tokens[-1][1]))
    tokens = w.tokens
    gold = DocRecords(
        id=doc_id,
        text=w.text(),
        sentence_starts=[s for s, _ in sentences],
        entities=[EntityRecord(tokens[a][0], tokens[b - 1][1], t) for a, b, t in entities],
    )
    return gold, tokens, entities


def _predicted(
    rng: random.Random,
    doc_id: str,
    types: list[str],
    tokens: list[tuple[int, int]],
    entities: list[tuple[int, int, str]],
) -> DocRecords:
    """A tagger's output: copies, type changes, boundary errors and misses of the gold, and
    spurious spans on other tokens, flat (no two overlap) as decoded tags are."""
    ranges = []  # token ranges [first, after last)
    for a, b, label in entities:
        roll = rng.random()
        if roll < 0.10:
            continue  # missed
        if roll >= 0.80:  # a token too many or too few at one edge
            if rng.random() < 0.5:
                a = min(max(0, a + rng.choice((-1, 1))), b - 1)
            else:
                b = max(min(len(tokens), b + rng.choice((-1, 1))), a + 1)
        if 0.70 <= roll < 0.80 or roll >= 0.92:
            label = rng.choice([t for t in types if t != label])
        ranges.append((a, b, label))
    taken = bytearray(len(tokens))
    flat = []
    for a, b, label in ranges:
        if not any(taken[a:b]):
            taken[a:b] = b"\1" * (b - a)
            flat.append((a, b, label))
    for _ in range(50 * SPANS_PER_DOC):
        if len(flat) >= SPANS_PER_DOC:
            break
        a = rng.randrange(len(tokens))
        b = min(len(tokens), a + rng.randint(1, 3))
        if not any(taken[max(a - 1, 0) : b + 1]):  # not touching a predicted span either
            taken[a:b] = b"\1" * (b - a)
            flat.append((a, b, rng.choice(types)))
    records = []
    for a, b, label in sorted(flat):
        start, end = tokens[a][0], tokens[b - 1][1]
        if end - start > 1 and rng.random() < 0.01:  # cut through the last token
            end -= 1
        records.append(EntityRecord(start, end, label))
    return DocRecords(id=doc_id, entities=records)


def build_corpus(n_docs: int, types: list[str], seed: int = 13) -> Corpus:
    rng = random.Random(seed)
    gold, pred = [], []
    for i in range(n_docs):
        doc, tokens, entities = _gold_doc(rng, f"doc{i}", types)
        gold.append(doc)
        pred.append(_predicted(rng, doc.id, types, tokens, entities))
    return Corpus(gold, pred)


def to_nervaluate(docs: list[DocRecords]) -> list[list[dict]]:
    """nervaluate's dict format: inclusive end offsets."""
    return [[{"label": e.type, "start": e.start, "end": e.end - 1} for e in doc.entities] for doc in docs]


def _entities_json(doc: DocRecords, text: str) -> list[dict]:
    return [{"start": e.start, "end": e.end, "type": e.type, "text": text[e.start : e.end]} for e in doc.entities]


def write_jsonl(corpus: Corpus, gold_path: Path, pred_path: Path) -> None:
    """The gold as ``--gold`` reads it (text, sentences, entities) and the predictions file."""
    with open(gold_path, "w", encoding="utf-8") as gold_file, open(pred_path, "w", encoding="utf-8") as pred_file:
        for gold, pred in zip(corpus.gold, corpus.pred):
            ends = gold.sentence_starts[1:] + [len(gold.text)]
            sentences = [
                {"start": s, "end": len(gold.text[s:e].rstrip()) + s} for s, e in zip(gold.sentence_starts, ends)
            ]
            gold_file.write(
                json.dumps(
                    {
                        "id": gold.id,
                        "text": gold.text,
                        "sentences": sentences,
                        "entities": _entities_json(gold, gold.text),
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
            pred_file.write(
                json.dumps({"id": pred.id, "entities": _entities_json(pred, gold.text)}, ensure_ascii=False) + "\n"
            )
