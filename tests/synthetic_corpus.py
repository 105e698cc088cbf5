"""A generated gold corpus with all five layers, and predictions with errors of every kind.

Seeded, so every run builds the same files. Words are made-up; every span
sits on whole words, and items of one sentence never share a word (except a
quote's content, which may hold other items, as in real text).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from benchmark.inventory import CLUSTERED_TYPES
from benchmark.jsonl import document_to_json
from benchmark.model import (
    Argument,
    Cluster,
    Document,
    Entity,
    Event,
    Mention,
    Quote,
    Sentence,
    Span,
    Timex,
)

ENTITY_TYPES = ("PERSON", "ORG", "GPE", "NORP", "DATE", "CARDINAL", "LOC")
CODES = ("046", "036", "04", "112", "190", "0311", "12", "057")
TIMEXES = (("DATE", "2022-01-26"), ("DURATION", "P3D"), ("DATE", "PRESENT_REF"), ("SET", "P1W"))
SYLLABLES = ("ba", "lo", "ri", "ta", "nu", "ke", "so", "vi", "da", "me")
WORD = re.compile(r"[^\s.]+")


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))


class _Builder:
    """Collects one document's items while its sentences are written."""

    def __init__(self, rng: random.Random, doc_id: str):
        self.rng = rng
        self.doc = Document(id=doc_id, text="", date="2022-01-26")
        self.text = ""

    def span(self, words: list[tuple[int, int]], first: int, last: int) -> Span:
        start, end = words[first][0], words[last][1]
        return Span(start, end, self.text[start:end])

    def sentence(self) -> None:
        rng = self.rng
        if self.text:
            self.text += " "
        start = len(self.text)
        tokens = [_word(rng) for _ in range(rng.randint(8, 14))]
        self.text += " ".join(tokens) + "."
        words = [(start + m.start(), start + m.end()) for m in WORD.finditer(" ".join(tokens))]
        self.doc.sentences.append(Sentence(f"S{len(self.doc.sentences) + 1}", Span(start, len(self.text))))
        free = list(range(len(words)))
        rng.shuffle(free)
        self._items(words, free)

    def _take(self, free: list[int], words: list[tuple[int, int]], length: int = 1) -> tuple[int, int] | None:
        for first in free:
            last = first + length - 1
            if last < len(words) and all(k in free for k in range(first, last + 1)):
                for k in range(first, last + 1):
                    free.remove(k)
                return first, last
        return None

    def _items(self, words: list[tuple[int, int]], free: list[int]) -> None:
        rng, doc = self.rng, self.doc
        for _ in range(rng.randint(1, 3)):
            taken = self._take(free, words, rng.choice((1, 1, 2)))
            if taken:
                doc.entities.append(
                    Entity(f"E{len(doc.entities) + 1}", self.span(words, *taken), rng.choice(ENTITY_TYPES))
                )
        for _ in range(rng.randint(0, 2)):
            taken = self._take(free, words)
            if taken:
                doc.mentions.append(
                    Mention(f"M{len(doc.mentions) + 1}", self.span(words, *taken), rng.choice(("NOM", "PRO")))
                )
        if rng.random() < 0.6 and (taken := self._take(free, words)):
            kind, value = rng.choice(TIMEXES)
            doc.timexes.append(
                Timex(
                    f"T{len(doc.timexes) + 1}",
                    self.span(words, *taken),
                    kind,
                    value,
                    rng.choice((None, None, "APPROX")),
                )
            )
        if rng.random() < 0.6 and (taken := self._take(free, words)):
            self._event(self.span(words, *taken))
        if rng.random() < 0.5 and (taken := self._take(free, words)):
            self._quote(words, self.span(words, *taken))

    def _referents(self) -> list[str]:
        return [e.id for e in self.doc.entities] + [m.id for m in self.doc.mentions]

    def _event(self, trigger: Span) -> None:
        rng, refs = self.rng, self._referents()
        arguments = [
            Argument(rng.choice(("source", "target", "place")), rng.choice(refs))
            for _ in range(rng.randint(0, 3))
            if refs
        ]
        if self.doc.timexes and rng.random() < 0.3:
            arguments.append(Argument("time", rng.choice(self.doc.timexes).id))
        self.doc.events.append(
            Event(
                f"V{len(self.doc.events) + 1}",
                trigger,
                rng.choice(CODES),
                tuple(arguments),
                rng.choice(("actual", "generic", "other")),
                rng.choice(("positive", "positive", "negative")),
            )
        )

    def _quote(self, words: list[tuple[int, int]], cue: Span) -> None:
        rng = self.rng
        first = rng.randrange(len(words) - 2)
        content = self.span(words, first, min(first + rng.randint(2, 5), len(words) - 1))
        if content.start <= cue.start < content.end:
            return
        refs = self._referents()
        source = rng.choice(refs) if refs and rng.random() < 0.9 else None
        self.doc.quotes.append(
            Quote(f"Q{len(self.doc.quotes) + 1}", rng.choice(("direct", "indirect", "mixed")), cue, (content,), source)
        )

    def finish(self) -> Document:
        doc = self.doc
        doc.text = self.text
        clusterable = [e.id for e in doc.entities if e.type in CLUSTERED_TYPES] + [m.id for m in doc.mentions]
        self.rng.shuffle(clusterable)
        while clusterable:
            members = tuple(clusterable[: self.rng.randint(1, 4)])
            del clusterable[: len(members)]
            doc.clusters.append(
                Cluster(f"C{len(doc.clusters) + 1}", f"cluster {len(doc.clusters) + 1}", "OTHER", members)
            )
        return doc


def generate_gold(n_documents: int, seed: int = 1) -> list[Document]:
    rng = random.Random(seed)
    documents = []
    for index in range(n_documents):
        builder = _Builder(rng, f"doc-{index:03d}")
        for _ in range(rng.randint(2, 7)):
            builder.sentence()
        documents.append(builder.finish())
    return documents


# ---------------------------------------------------------------- predictions with errors


def _offsets(span: dict) -> dict:
    return {"start": span["start"], "end": span["end"]}


def _next_word_end(text: str, end: int) -> int:
    following = WORD.search(text, end)
    return following.end() if following else end


def _entities(rng: random.Random, record: dict, text: str) -> list[dict]:
    predicted = []
    for entity in record["entities"]:
        if rng.random() < 0.1:
            continue
        span = _offsets(entity)
        kind = entity["type"] if rng.random() > 0.15 else rng.choice(ENTITY_TYPES)
        if rng.random() < 0.15:
            span["end"] = _next_word_end(text, span["end"])
        predicted.append({**span, "type": kind})
    for match in WORD.finditer(text):
        if rng.random() < 0.03:
            predicted.append({"start": match.start(), "end": match.end(), "type": rng.choice(ENTITY_TYPES)})
    return predicted


def _clusters(rng: random.Random, record: dict) -> list[list[dict]]:
    clusters = [[_offsets(m) for m in c["mentions"] if rng.random() > 0.15] for c in record["clusters"]]
    clusters = [c for c in clusters if c]
    if len(clusters) > 2 and rng.random() < 0.5:
        clusters[0] += clusters.pop()
    return clusters


def _quotes(rng: random.Random, record: dict, text: str) -> list[dict]:
    predicted = []
    for quote in record["quotes"]:
        if rng.random() < 0.1:
            continue
        content = [_offsets(s) for s in quote["content"]]
        if rng.random() < 0.2:
            content[-1]["end"] = _next_word_end(text, content[-1]["end"])
        item = {
            "kind": quote["kind"] if rng.random() > 0.2 else "direct",
            "cue": _offsets(quote["cue"]),
            "content": content,
        }
        if "source" in quote and rng.random() > 0.2:
            item["source"] = _offsets(quote["source"])
        elif "source_name" in quote and rng.random() < 0.5:
            item["source_name"] = quote["source_name"]
        predicted.append(item)
    return predicted


def _events(rng: random.Random, record: dict) -> list[dict]:
    predicted = []
    for event in record["events"]:
        if rng.random() < 0.1:
            continue
        arguments = [
            {"role": a["role"] if rng.random() > 0.2 else "target", **_offsets(a)}
            for a in event["arguments"]
            if rng.random() > 0.2
        ]
        predicted.append(
            {
                "trigger": _offsets(event["trigger"]),
                "code": event["code"] if rng.random() > 0.25 else rng.choice(CODES),
                "arguments": arguments,
                "realis": event["realis"] if rng.random() > 0.2 else "actual",
                "polarity": event["polarity"],
            }
        )
    return predicted


def _timexes(rng: random.Random, record: dict, text: str) -> list[dict]:
    predicted = []
    for timex in record["timexes"]:
        if rng.random() < 0.1:
            continue
        span = _offsets(timex)
        if rng.random() < 0.2:
            span["end"] = _next_word_end(text, span["end"])
        kind, value = (timex["type"], timex["value"]) if rng.random() > 0.25 else rng.choice(TIMEXES)
        predicted.append({**span, "type": kind, "value": value})
    return predicted


def predictions_with_errors(documents: list[Document], seed: int = 2) -> list[dict]:
    """One prediction per document but a few; some hold an invalid item (dropped with --lenient)."""
    rng = random.Random(seed)
    predictions = []
    for doc in documents:
        if rng.random() < 0.06:
            continue  # no prediction: a failure
        record = document_to_json(doc)
        prediction = {
            "id": doc.id,
            "entities": _entities(rng, record, doc.text),
            "clusters": _clusters(rng, record),
            "quotes": _quotes(rng, record, doc.text),
            "events": _events(rng, record),
            "timexes": _timexes(rng, record, doc.text),
        }
        if rng.random() < 0.1:
            prediction["entities"].append({"start": 0, "end": 1, "type": "NOT_A_TYPE"})
        predictions.append(prediction)
    return predictions


def write_jsonl(records: list[dict], path: Path) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def write_corpus(folder: Path, n_documents: int = 53) -> tuple[Path, Path]:
    """(gold JSON Lines, predictions JSON Lines) under ``folder``."""
    documents = generate_gold(n_documents)
    gold = write_jsonl([document_to_json(d) for d in documents], folder / "gold.jsonl")
    return gold, write_jsonl(predictions_with_errors(documents), folder / "predictions.jsonl")
