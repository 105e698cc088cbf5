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
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, compress, islice, repeat
from operator import eq, gt, is_, itemgetter, le, not_
from typing import cast

from ..records import DocRecords, EntityLists, EntityRecord
from ..tokenize import TokenEdges, tokenize
from .base import PRF, Tally
from .entities_matching import Columns

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
class IOBScore:
    """Chunk scores from the chunk counts of every type with a gold or predicted chunk:
    per type, micro and macro (the mean of the per-type precisions, recalls and F1s)."""

    counts: dict[str, Tally]  # by type, in sorted order; a correct chunk finds one gold chunk

    @property
    def per_type(self) -> dict[str, PRF]:
        return {label: tally.prf() for label, tally in self.counts.items()}

    @property
    def total(self) -> Tally:
        return sum(self.counts.values(), Tally())

    @property
    def micro(self) -> PRF:
        return self.total.prf()

    @property
    def macro(self) -> PRF:
        return PRF.mean(list(self.per_type.values()))

    def as_dict(self) -> dict[str, dict[str, float]]:
        # "predicted" and "correct" are the counts behind the figures, which merging shards sums.
        def row(prf: PRF, tally: Tally) -> dict[str, float]:
            return {**prf.as_dict(), "support": tally.gold, "predicted": tally.predicted, "correct": tally.correct}

        result = {label: row(prf, self.counts[label]) for label, prf in self.per_type.items()}
        total = self.total
        result["micro"] = row(total.prf(), total)
        result["macro"] = {**self.macro.as_dict(), "support": total.gold}
        return result


def score_iob2(
    gold_seqs: Sequence[Sequence[str]], pred_seqs: Sequence[Sequence[str]], mode: str = "default"
) -> IOBScore:
    """Score predicted tag sequences against gold ones, aligned sequence by sequence."""
    if len(gold_seqs) != len(pred_seqs):
        raise ValueError(f"IOB2 scoring needs aligned sequences: {len(gold_seqs)} gold, {len(pred_seqs)} predicted")
    for index, (gold, pred) in enumerate(zip(gold_seqs, pred_seqs)):
        if len(gold) != len(pred):
            raise ValueError(f"sequence {index}: {len(gold)} gold tags but {len(pred)} predicted")
    gold_chunks, pred_chunks = chunks(gold_seqs, mode), chunks(pred_seqs, mode)
    return _score(
        Counter(label for _, label, _, _ in gold_chunks),
        Counter(label for _, label, _, _ in pred_chunks),
        Counter(label for _, label, _, _ in gold_chunks & pred_chunks),
    )


def _score(gold_by_type: Counter, pred_by_type: Counter, correct_by_type: Counter) -> IOBScore:
    return IOBScore(
        {
            label: Tally.of(correct_by_type[label], pred_by_type[label], gold_by_type[label])
            for label in sorted(gold_by_type.keys() | pred_by_type.keys())
        }
    )


def sentence_token_offsets(text: str, sentence_starts: Sequence[int]) -> list[list[tuple[int, int]]]:
    """The (start, end) offsets of the tokens of each sentence, in order."""
    starts = list(sentence_starts) or [0]
    sentences: list[list[tuple[int, int]]] = [[] for _ in starts]
    for token in tokenize(text):
        sentences[max(bisect_right(starts, token.start) - 1, 0)].append((token.start, token.end))
    return [tokens for tokens in sentences if tokens]


# --- the view of span records ---------------------------------------------------------------
#
# Tags that to_iob2 writes are always well formed (B-X, then I-X on the
# entity's other tokens), so both modes read back exactly the token ranges it
# tagged: one per entity and sentence, left out where a longer or earlier
# entity took a token first. A chunk is named here by the offsets of its first
# token's start and last token's end, which within one document tell its
# sentence and tokens apart. Those ranges follow from the spans and their
# token edges alone; whole sentences are tokenized only when the sentence
# starts are out of order, which the bisection of sentence_token_offsets
# reads in its own way.

SpanChunk = tuple[int, int, str]


def _reference_chunks(text: str, sentence_starts: Sequence[int], entities: list[EntityRecord]) -> set[SpanChunk]:
    """Chunks of the tags to_iob2 writes on each sentence's tokens (what the view must equal)."""
    found = set()
    for tokens in sentence_token_offsets(text, sentence_starts):
        for _, label, first, after in chunks([to_iob2(tokens, entities)]):
            found.add((tokens[first][0], tokens[after - 1][1], label))
    return found


def _crossing(starts: list[int], ends: list[int], splits: list[int]) -> list[int]:
    """Indices of the spans (sorted by start) that hold a sentence split strictly inside."""
    if not splits or not starts:
        return []
    reach = [-1, *accumulate(ends, max)]  # reach[k]: the furthest end among the first k spans
    before = list(map(bisect_left, repeat(starts, len(splits)), splits))  # spans starting before each split
    if not any(map(gt, map(reach.__getitem__, before), splits)):
        return []
    found = set()
    for split, i in zip(splits, before):
        while i > 0 and reach[i] > split:
            if ends[i - 1] > split:
                found.add(i - 1)
            i -= 1
    return sorted(found)


def _pieces(
    edges: TokenEdges, splits: Sequence[int], start: int, end: int, label: str
) -> list[tuple[int, int, str, int]]:
    """The token ranges an entity tags, one per sentence: (start, end, label, tokens)."""
    tokens = edges.tokens(start, end)
    pieces, first = [], 0
    for k in range(1, len(tokens) + 1):
        if k == len(tokens) or bisect_right(splits, tokens[k - 1][0]) != bisect_right(splits, tokens[k][0]):
            pieces.append((tokens[first][0], tokens[k - 1][1], label, k - first))
            first = k
    return pieces


def span_chunks(edges: TokenEdges, sentence_starts: Sequence[int], entities: Sequence[EntityRecord]) -> set[SpanChunk]:
    """The chunks the IOB2 tags of ``entities`` hold, sentence by sentence (see _reference_chunks)."""
    return column_chunks(
        edges, list(sentence_starts), [e.start for e in entities], [e.end for e in entities], [e.type for e in entities]
    )


def column_chunks(
    edges: TokenEdges,
    sentence_starts: list[int],
    starts: list[int],
    ends: list[int],
    labels: list[str],
    known: dict[tuple[int, int], bool] | None = None,
) -> set[SpanChunk]:
    """:func:`span_chunks` of entities given as columns.

    ``known`` remembers which spans are simple (one piece, itself), for the
    next call on the same document and sentence starts.
    """
    if any(map(gt, sentence_starts, islice(sentence_starts, 1, None))):
        return _reference_chunks(edges.text, sentence_starts, list(map(EntityRecord, starts, ends, labels)))
    if any(map(gt, starts, islice(starts, 1, None))):
        order = sorted(range(len(starts)), key=starts.__getitem__)
        starts, ends, labels = [starts[i] for i in order], [ends[i] for i in order], [labels[i] for i in order]
    splits = sentence_starts[1:]  # tokens before the first sentence start belong to it
    simple = _simple(edges, splits, starts, ends, known)
    tokens: list[int | None] = [None] * len(starts)  # token counts, where known
    if not all(simple):
        starts, ends, labels, tokens = _with_pieces(edges, splits, starts, ends, labels, simple)
    return _without_overlaps(edges, starts, ends, labels, tokens)


def _simple(
    edges: TokenEdges, splits: list[int], starts: list[int], ends: list[int], known: dict[tuple[int, int], bool] | None
) -> list[bool]:
    """Is each span (sorted by start) on token edges and inside one sentence, so its own one piece?"""
    if not known:
        simple = edges.on_edges(starts, ends)
        for i in _crossing(starts, ends, splits):
            simple[i] = False
        if known is not None:
            known.update(zip(zip(starts, ends), simple))
        return simple
    cached: list[bool | None] = list(map(known.get, zip(starts, ends)))
    asked = list(compress(range(len(cached)), map(is_, cached, repeat(None))))
    if asked:
        answers = _simple(edges, splits, [starts[i] for i in asked], [ends[i] for i in asked], None)
        for i, answer in zip(asked, answers):
            cached[i] = answer
    return cast("list[bool]", cached)  # each None was asked above and answered


def _with_pieces(
    edges: TokenEdges, splits: list[int], starts: list[int], ends: list[int], labels: list[str], simple: list[bool]
) -> tuple[list[int], list[int], list[str], list[int | None]]:
    """The columns with each span that is not simple replaced by its pieces, kept sorted by start."""
    others = list(compress(range(len(starts)), map(not_, simple)))
    pieces = [piece for i in others for piece in _pieces(edges, splits, starts[i], ends[i], labels[i])]
    starts, ends, labels, tokens = _inserted(starts, ends, labels, simple, pieces)
    return starts, ends, labels, tokens


def _inserted(
    starts: list[int], ends: list[int], labels: list[str], simple: list[bool], pieces: list[tuple[int, int, str, int]]
) -> tuple[list[int], list[int], list[str], list[int | None]]:
    """The simple spans' columns (sorted by start) with the pieces put in, kept sorted; and token counts."""
    starts, ends, labels = list(compress(starts, simple)), list(compress(ends, simple)), list(compress(labels, simple))
    tokens: list[int | None] = [None] * len(starts)
    for start, end, label, count in pieces:
        at = bisect_right(starts, start)
        starts.insert(at, start)
        ends.insert(at, end)
        labels.insert(at, label)
        tokens.insert(at, count)
    return starts, ends, labels, tokens


def _without_overlaps(
    edges: TokenEdges, starts: list[int], ends: list[int], labels: list[str], tokens: list[int | None]
) -> set[SpanChunk]:
    """The pieces (sorted by start) that keep their tags: to_iob2's choice within each overlapping group."""
    overlapping = list(compress(range(1, len(starts)), map(gt, accumulate(ends, max), islice(starts, 1, None))))
    if not overlapping:
        return set(zip(starts, ends, labels))
    # Piece i overlaps one before it: it joins the group of piece i - 1.
    groups: list[list[int]] = []
    for i in overlapping:
        if groups and groups[-1][-1] == i - 1:
            groups[-1].append(i)
        else:
            groups.append([i - 1, i])
    grouped = {i for group in groups for i in group}
    kept = {(starts[i], ends[i], labels[i]) for i in range(len(starts)) if i not in grouped}
    for group in groups:
        kept.update(_resolved(edges, starts, ends, labels, tokens, group))
    return kept


def _resolved(
    edges: TokenEdges, starts: list[int], ends: list[int], labels: list[str], tokens: list[int | None], group: list[int]
) -> list[SpanChunk]:
    """Of pieces that overlap, those to_iob2 keeps: the longer in tokens first, then the earlier, then by type."""
    ranked = sorted(
        (
            -(count if (count := tokens[i]) is not None else _token_count(edges, starts[i], ends[i])),
            starts[i],
            labels[i],
            ends[i],
        )
        for i in group
    )
    kept: list[SpanChunk] = []
    for _, start, label, end in ranked:
        if all(end <= other_start or other_end <= start for other_start, other_end, _ in kept):
            kept.append((start, end, label))
    return kept


def _token_count(edges: TokenEdges, start: int, end: int) -> int:
    """How many tokens ``[start, end)``, which starts and ends on token edges, holds.

    A run of letters between token edges is one token (the tokenizer splits
    letters from letters only before n't, whose apostrophe is no letter).
    """
    words = edges.text[start:end].split()
    if all(map(str.isalpha, words)):
        return len(words)
    return len(edges.tokens(start, end))


class IOBTally:
    """Chunk counts of the IOB2 view, document by document."""

    def __init__(self) -> None:
        self.gold_labels: list[str] = []
        self.pred_labels: list[str] = []
        self.correct_labels: list[str] = []
        # Chunks counted at once (iob_bulk): gold, predicted and correct, by type.
        self.counted: tuple[Counter, Counter, Counter] = (Counter(), Counter(), Counter())

    def add(
        self,
        text: str,
        sentence_starts: list[int],
        gold: EntityLists,
        pred: EntityLists,
    ) -> None:
        """One document's gold and predicted entities, as columns (starts, ends, types)."""
        edges = TokenEdges(text)  # one per document, shared: predictions mostly reuse the gold's spans
        known: dict[tuple[int, int], bool] = {}
        gold_chunks = column_chunks(edges, sentence_starts, *gold, known=known)
        pred_chunks = column_chunks(edges, sentence_starts, *pred, known=known)
        self.gold_labels.extend(map(_LABEL, gold_chunks))
        self.pred_labels.extend(map(_LABEL, pred_chunks))
        self.correct_labels.extend(map(_LABEL, gold_chunks & pred_chunks))

    def add_matched(
        self,
        text: str,
        sentence_starts: list[int],
        gold: EntityLists,
        pred: EntityLists,
        equal: tuple[list[int], list[int]],
    ) -> None:
        """As :meth:`add`, for flat gold sorted by start and the (gold, predicted) index pairs
        of equal spans (``equal``, each index in one pair at most)."""
        if not self._add_plain(text, sentence_starts, gold, pred, equal):
            self.add(text, sentence_starts, gold, pred)

    def _add_plain(
        self,
        text: str,
        sentence_starts: list[int],
        gold: EntityLists,
        pred: EntityLists,
        equal: tuple[list[int], list[int]],
    ) -> bool:
        """The common case read off the spans: every gold span its own chunk, predictions sorted
        and their chunks (their spans, or pieces of those that are not simple) not overlapping.
        A prediction equal to a gold span is then simple as that is, and a chunk if and only if
        that gold span's type is its own. False, having added nothing, when the case is not this."""
        (gold_starts, gold_ends, _), (starts, ends, _) = gold, pred
        if any(map(gt, sentence_starts, islice(sentence_starts, 1, None))) or any(
            map(gt, starts, islice(starts, 1, None))
        ):
            return False
        edges, splits = TokenEdges(text), sentence_starts[1:]
        if gold_starts and (
            not all(edges.on_edges(gold_starts, gold_ends)) or _crossing(gold_starts, gold_ends, splits)
        ):
            return False
        paired = set(equal[1])
        others = [p for p in range(len(starts)) if p not in paired]
        simple = [True] * len(starts)
        if others:
            other_starts, other_ends = [starts[p] for p in others], [ends[p] for p in others]
            for p, answer in zip(others, edges.on_edges(other_starts, other_ends)):
                simple[p] = answer
            for i in _crossing(other_starts, other_ends, splits):
                simple[others[i]] = False
        return self.add_simple(edges, splits, gold, pred, equal, simple)

    def add_simple(
        self,
        edges: TokenEdges,
        splits: list[int],
        gold: EntityLists,
        pred: EntityLists,
        equal: tuple[list[int], list[int]],
        simple: list[bool],
    ) -> bool:
        """The rest of :meth:`_add_plain`, every gold span being simple and ``simple`` saying
        which predictions are (sorted by start; ``splits``: the sorted sentence starts but the first)."""
        (gold_starts, gold_ends, gold_types), (starts, ends, types) = gold, pred
        equal_gold, equal_pred = equal
        pieces: list[tuple[int, int, str, int]] = []
        if not all(simple):
            pieces = [
                piece
                for p in compress(range(len(simple)), map(not_, simple))
                for piece in _pieces(edges, splits, starts[p], ends[p], types[p])
            ]
            starts, ends, types, _ = _inserted(starts, ends, types, simple, pieces)
        if not all(map(le, ends, islice(starts, 1, None))):  # chunks that overlap: to_iob2 chooses
            return False
        self.gold_labels.extend(gold_types)
        self.pred_labels.extend(types)
        paired_types = list(map(gold_types.__getitem__, equal_gold))
        self.correct_labels.extend(compress(paired_types, map(eq, paired_types, map(pred[2].__getitem__, equal_pred))))
        for start, end, label, _ in pieces:
            at = bisect_left(gold_starts, start)
            if at < len(gold_starts) and gold_starts[at] == start and gold_ends[at] == end and gold_types[at] == label:
                self.correct_labels.append(label)
        return True

    def as_dict(self) -> dict[str, dict[str, dict[str, float]]]:
        """Both modes, which read the same chunks back from tags that to_iob2 writes."""
        gold, pred, correct = self.counted
        score = _score(
            Counter(self.gold_labels) + gold, Counter(self.pred_labels) + pred, Counter(self.correct_labels) + correct
        )
        return {mode: score.as_dict() for mode in MODES}


def iob2_view(gold: Sequence[DocRecords], pred: Sequence[DocRecords]) -> dict[str, dict[str, dict[str, float]]]:
    """The entity layer read as IOB2 tags per gold sentence and scored in both modes.

    The same as tagging every sentence with to_iob2 and scoring the tags with
    score_iob2, without tagging them.
    """
    tally = IOBTally()
    for gold_doc, pred_doc in zip(gold, pred):
        gold_columns, pred_columns = Columns.of(gold_doc.entities).columns(), Columns.of(pred_doc.entities).columns()
        tally.add(gold_doc.text, list(gold_doc.sentence_starts), gold_columns, pred_columns)
    return tally.as_dict()


_LABEL = itemgetter(2)
