"""Quotes: PARC-style scoring of reported speech (DESIGN sections 3.4 and 5).

Predicted quotes are matched to gold quotes one-to-one by their content:

- exact: the same set of content spans;
- partial: overlap Dice of the content tokens >= 0.5 (``PARTIAL_DICE``),
  Dice = 2 |G & P| / (|G| + |P|). A token is a maximal run of non-space code
  points (as ``str.split`` sees white space, U+00A0 included) inside a content
  span, identified by its character offsets, so a span cut mid-word yields a
  token that matches nothing. Every matched pair earns 1: the threshold alone
  decides. Pairs are taken by decreasing Dice, ties in document order.

Metrics (precision over predicted quotes, recall over gold quotes):
``content_exact``, ``content_partial``; ``cue``: exact cue offsets, one-to-one,
over every quote that has a cue, matched or not; ``attribution`` (headline):
a partial match whose source is right, which is any of

- the predicted source span is a span of the gold speaker's cluster;
- the predicted ``source_name`` equals the gold speaker's name, ignoring case
  and runs of white space, or equals its last token (the surname);
- the gold quote has no source and the prediction names none.

Accuracies over partially matched pairs: ``source`` (right as above) and
``kind``. Per label (quote kind: a pair counts under the gold kind for recall,
the predicted kind for precision): ``content_partial`` and ``attribution``.

Tokens need the document text: it is taken from the ``texts`` argument or a
non-empty ``text`` of the gold records. Without either, the overlap is
measured in code points instead and ``extra["overlap_unit"]`` says so.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from ..records import DocRecords, Offsets, QuoteRecord
from . import METRICS as LAYER_METRICS
from .base import LayerScore
from .matching import Candidate, Matching, Scoreboard, match_by_key, match_greedy, normalized, score_documents
from .outcomes import OutcomeLog
from .outcomes.quotes import log_quotes

PARTIAL_DICE = 0.5
ACCURACIES = LAYER_METRICS["quotes"].accuracies
METRICS = LAYER_METRICS["quotes"].names
HEADLINE = LAYER_METRICS["quotes"].headline

_NON_SPACE = re.compile(r"\S+")


def score_quotes(
    gold: Sequence[DocRecords], pred: Sequence[DocRecords], texts: Sequence[str] | None = None, outcomes: bool = False
) -> LayerScore:
    """Score predicted quotes against the gold, documents aligned by index (partial content
    overlap in white-space tokens of ``texts``, default the gold's ``text``); with ``outcomes``,
    also record every item's outcome (``metrics/outcomes``).

    The headline, ``attribution``, asks for the content and the speaker; a speaker may be
    named (``source_name``) instead of pointed at. Right content, wrong speaker:

    >>> from benchmark import DocRecords, QuoteRecord, score_quotes
    >>> text = "Blinken said the talks were useful."
    >>> said = QuoteRecord("indirect", cue=(8, 12), content=((13, 34),), source=(0, 7),
    ...                    source_cluster=frozenset({(0, 7)}))
    >>> gold = [DocRecords("d", quotes=[said], text=text)]
    >>> pred = [DocRecords("d", quotes=[QuoteRecord("indirect", (8, 12), ((13, 34),), source_name="Lavrov")])]
    >>> score = score_quotes(gold, pred)
    >>> score.metrics["content_exact"]["f1"], score.metrics["attribution"]["f1"], score.accuracies["source"]
    (1.0, 0.0, 0.0)
    """
    doc_texts = list(texts) if texts is not None else [doc.text or None for doc in gold]
    overlap_unit = "token" if all(t is not None for t in doc_texts) else "character"
    return score_documents(
        gold,
        pred,
        lambda doc: doc.quotes,
        lambda board, g, p, index: _score_document(board, g, p, doc_texts[index]),
        _position,
        HEADLINE,
        METRICS,
        ACCURACIES,
        extra={"overlap_unit": overlap_unit},
        outcomes=OutcomeLog("quotes") if outcomes else None,
    )


def _score_document(
    board: Scoreboard, gold: Sequence[QuoteRecord], pred: Sequence[QuoteRecord], text: str | None
) -> Matching:
    """Adds one document's quotes to ``board``; returns the headline matching."""
    n_gold, n_pred = len(gold), len(pred)
    exact = Matching.of(match_by_key([_content_key(q) for q in gold], [_content_key(q) for q in pred]), n_gold, n_pred)
    partial = Matching.of(
        _partial_pairs([_tokens(q, text) for q in gold], [_tokens(q, text) for q in pred]), n_gold, n_pred
    )
    cue = Matching.of(
        match_by_key([q.cue for q in gold], [q.cue for q in pred]),
        sum(q.cue is not None for q in gold),
        sum(q.cue is not None for q in pred),
    )
    attribution = partial.where(lambda g, p: source_is_right(gold[g], pred[p]))

    gold_kinds = [normalized(q.kind) for q in gold]
    pred_kinds = [normalized(q.kind) for q in pred]
    for metric, matching in (
        ("content_exact", exact),
        ("content_partial", partial),
        ("cue", cue),
        ("attribution", attribution),
    ):
        board.add(metric, matching)
    for metric, matching in (("content_partial", partial), ("attribution", attribution)):
        board.add_by_label(metric, matching, gold_kinds, pred_kinds)
    for g, p in partial.pairs:
        board.accuracies["source"].add(source_is_right(gold[g], pred[p]))
        board.accuracies["kind"].add(gold_kinds[g] is not None and gold_kinds[g] == pred_kinds[p])
    if board.outcomes is not None:
        log_quotes(board.outcomes, gold, pred, partial.pairs, source_is_right)
    return attribution


def _content_key(quote: QuoteRecord) -> frozenset[Offsets] | None:
    return frozenset(quote.content) or None


def _tokens(quote: QuoteRecord, text: str | None) -> frozenset[Offsets]:
    """The content's tokens by offsets (its code points when the text is unknown)."""
    if text is None:
        return frozenset((i, i + 1) for start, end in quote.content for i in range(start, end))
    return frozenset(match.span() for start, end in quote.content for match in _NON_SPACE.finditer(text, start, end))


def _partial_pairs(
    gold_tokens: Sequence[frozenset[Offsets]], pred_tokens: Sequence[frozenset[Offsets]]
) -> list[tuple[int, int]]:
    holders: dict[Offsets, list[int]] = defaultdict(list)
    for gold_index, tokens in enumerate(gold_tokens):
        for token in tokens:
            holders[token].append(gold_index)
    candidates = []
    for pred_index, tokens in enumerate(pred_tokens):
        sharing = {gold_index for token in tokens for gold_index in holders.get(token, ())}
        for gold_index in sharing:
            shared = len(gold_tokens[gold_index] & tokens)
            total = len(gold_tokens[gold_index]) + len(tokens)
            # Dice = 2 * shared / total >= PARTIAL_DICE, compared without rounding.
            if 2 * shared >= PARTIAL_DICE * total:
                candidates.append(Candidate(gold_index, pred_index, (2 * shared / total,)))
    return match_greedy(candidates)


def source_is_right(gold: QuoteRecord, pred: QuoteRecord) -> bool:
    gold_spans = set(gold.source_cluster) | ({gold.source} if gold.source is not None else set())
    if not gold_spans and not gold.source_name:
        return pred.source is None and not pred.source_name
    if pred.source is not None and pred.source in gold_spans:
        return True
    return _name_matches(pred.source_name, gold.source_name)


def _name_matches(predicted: str | None, gold: str | None) -> bool:
    predicted_name, gold_name = _normal_name(predicted), _normal_name(gold)
    if not predicted_name or not gold_name:
        return False
    return predicted_name in (gold_name, gold_name.split()[-1])


def _normal_name(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def _position(quote: QuoteRecord) -> int:
    """Where a quote sits, for its bootstrap unit: its content's first offset, else its cue's."""
    if quote.content:
        return min(start for start, _ in quote.content)
    return quote.cue[0] if quote.cue is not None else 0
