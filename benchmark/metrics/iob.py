"""The IOB2 view of entity spans, and chunk-level scoring of tag sequences as seqeval does it.

``to_iob2`` tags tokens from character spans. ``score_iob2`` reads chunks back
from tag sequences and scores them per type, micro and macro:

- ``mode="default"`` chunks as conlleval does: ``B-X`` starts a chunk, ``I-X``
  continues a chunk of type X and otherwise (after ``O`` or another type)
  starts one.
- ``mode="strict"`` follows the IOB2 scheme: only ``B-X`` starts a chunk, and
  an ``I-X`` that continues no chunk of type X is dropped.

A chunk is correct when a chunk of the same type spans the same tokens of the
same sequence. Tags other than ``O``, ``B-<type>`` and ``I-<type>`` are refused.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from ..records import DocRecords, EntityRecord
from ..tokenize import tokenize
from .base import PRF

MODES = ("default", "strict")

# (sequence index, type, first token, token after the last)
Chunk = tuple[int, str, int, int]


def _token_range(token_starts: list[int], token_ends: list[int], entity: EntityRecord) -> range:
    """The tokens sharing at least one character with the entity."""
    if entity.start >= entity.end:
        return range(0)
    return range(bisect_right(token_ends, entity.start), bisect_left(token_starts, entity.end))


def to_iob2(tokens: list[tuple[int, int]], entities: list[EntityRecord]) -> list[str]:
    """IOB2 tags of ``tokens`` (``(start, end)`` offsets, in order) for ``entities``.

    An entity marks the tokens inside it; one whose edges cut through tokens
    marks every token it overlaps. Tags cannot overlap, so when entities share
    a token the longer one (in tokens), then the earlier one, keeps its tags
    and the other is left out, as spaCy's ``filter_spans`` does.
    """
    token_starts, token_ends = [s for s, _ in tokens], [e for _, e in tokens]
    ranges = [(_token_range(token_starts, token_ends, entity), entity.type) for entity in entities]
    tags = ["O"] * len(tokens)
    for token_range, label in sorted(ranges, key=lambda r: (-len(r[0]), r[0].start, r[1])):
        if not token_range or any(tags[i] != "O" for i in token_range):
            continue
        tags[token_range.start] = f"B-{label}"
        for i in token_range[1:]:
            tags[i] = f"I-{label}"
    return tags


def _parse(tag: str, sequence: int, position: int) -> tuple[str, str]:
    """``(prefix, type)`` of a tag; ``("O", "")`` for outside."""
    if tag == "O":
        return "O", ""
    if len(tag) > 2 and tag[0] in "BI" and tag[1] == "-":
        return tag[0], tag[2:]
    raise ValueError(f"sequence {sequence}, token {position}: tag {tag!r} is not O, B-<type> or I-<type>")


def chunks(sequences: Sequence[Sequence[str]], mode: str = "default") -> set[Chunk]:
    """Every chunk of every sequence."""
    if mode not in MODES:
        raise ValueError(f"unknown IOB2 scoring mode {mode!r}; expected one of {MODES}")
    found: set[Chunk] = set()
    for index, sequence in enumerate(sequences):
        open_type, open_start = None, 0
        for position, tag in enumerate(sequence):
            prefix, label = _parse(tag, index, position)
            if prefix == "I" and label == open_type:
                continue
            if open_type is not None:
                found.add((index, open_type, open_start, position))
            open_type = None
            if prefix == "B" or (prefix == "I" and mode == "default"):
                open_type, open_start = label, position
        if open_type is not None:
            found.add((index, open_type, open_start, len(sequence)))
    return found


@dataclass(frozen=True)
class ChunkCounts:
    gold: int
    predicted: int
    correct: int

    def prf(self) -> PRF:
        return PRF.from_sums(self.correct, self.predicted, self.correct, self.gold)


@dataclass(frozen=True)
class IOBScore:
    """Chunk scores: per type (every type with a gold or predicted chunk), micro and macro."""

    per_type: dict[str, PRF]
    counts: dict[str, ChunkCounts]
    micro: PRF
    macro: PRF  # the mean of the per-type precisions, recalls and F1s

    def as_dict(self) -> dict[str, dict[str, float]]:
        # "predicted" and "correct" are the counts behind the figures, which merging shards sums.
        result: dict[str, dict[str, float]] = {
            label: {**prf.as_dict(), "support": self.counts[label].gold, "predicted": self.counts[label].predicted,
                    "correct": self.counts[label].correct} for label, prf in self.per_type.items()}
        support = sum(c.gold for c in self.counts.values())
        result["micro"] = {**self.micro.as_dict(), "support": support,
                           "predicted": sum(c.predicted for c in self.counts.values()),
                           "correct": sum(c.correct for c in self.counts.values())}
        result["macro"] = {**self.macro.as_dict(), "support": support}
        return result


def score_iob2(gold_seqs: Sequence[Sequence[str]], pred_seqs: Sequence[Sequence[str]],
               mode: str = "default") -> IOBScore:
    """Score predicted tag sequences against gold ones, aligned sequence by sequence."""
    if len(gold_seqs) != len(pred_seqs):
        raise ValueError(f"IOB2 scoring needs aligned sequences: {len(gold_seqs)} gold, {len(pred_seqs)} predicted")
    for index, (gold, pred) in enumerate(zip(gold_seqs, pred_seqs)):
        if len(gold) != len(pred):
            raise ValueError(f"sequence {index}: {len(gold)} gold tags but {len(pred)} predicted")
    gold_chunks, pred_chunks = chunks(gold_seqs, mode), chunks(pred_seqs, mode)
    gold_by_type = Counter(label for _, label, _, _ in gold_chunks)
    pred_by_type = Counter(label for _, label, _, _ in pred_chunks)
    correct_by_type = Counter(label for _, label, _, _ in gold_chunks & pred_chunks)
    counts = {label: ChunkCounts(gold_by_type[label], pred_by_type[label], correct_by_type[label])
              for label in sorted(gold_by_type.keys() | pred_by_type.keys())}
    per_type = {label: c.prf() for label, c in counts.items()}
    micro = ChunkCounts(len(gold_chunks), len(pred_chunks), len(gold_chunks & pred_chunks)).prf()
    return IOBScore(per_type, counts, micro, _mean(list(per_type.values())))


def _mean(scores: list[PRF]) -> PRF:
    if not scores:
        return PRF(0.0, 0.0, 0.0)
    n = len(scores)
    return PRF(sum(s.precision for s in scores) / n, sum(s.recall for s in scores) / n, sum(s.f1 for s in scores) / n)


def sentence_token_offsets(text: str, sentence_starts: Sequence[int]) -> list[list[tuple[int, int]]]:
    """The (start, end) offsets of the tokens of each sentence, in order."""
    starts = list(sentence_starts) or [0]
    sentences: list[list[tuple[int, int]]] = [[] for _ in starts]
    for token in tokenize(text):
        sentences[max(bisect_right(starts, token.start) - 1, 0)].append((token.start, token.end))
    return [tokens for tokens in sentences if tokens]


def iob2_view(gold: Sequence[DocRecords], pred: Sequence[DocRecords]) -> dict[str, dict[str, dict[str, float]]]:
    """The entity layer read as IOB2 tags per gold sentence and scored in both modes."""
    gold_seqs, pred_seqs = [], []
    for gold_doc, pred_doc in zip(gold, pred):
        for tokens in sentence_token_offsets(gold_doc.text, gold_doc.sentence_starts):
            gold_seqs.append(to_iob2(tokens, gold_doc.entities))
            pred_seqs.append(to_iob2(tokens, pred_doc.entities))
    return {mode: score_iob2(gold_seqs, pred_seqs, mode).as_dict() for mode in MODES}
