"""Bootstrap units at sentence boundaries: each item's sums go to the sentence of its start.

The rows are the per-sentence sums ``num_p, den_p, num_r, den_r`` (coreference: those of
MUC, then B3, then CEAF-e), worked out by hand. Every case puts an item exactly on a
boundary: starting at a sentence start, ending at one, or straddling one. A row off by one
sentence leaves the corpus totals unchanged, so only these cases see it.
"""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from benchmark.metrics.base import Units
from benchmark.metrics.coref import score_coref
from benchmark.metrics.entities import score_entities
from benchmark.metrics.events import score_events
from benchmark.metrics.quotes import score_quotes
from benchmark.metrics.timexes import score_timexes
from benchmark.records import DocRecords, EntityRecord, EventRecord, QuoteRecord, TimexRecord


def entity_doc(*spans: tuple[int, int, str], starts: list[int] | None = None) -> DocRecords:
    return DocRecords("d", entities=[EntityRecord(*s) for s in spans], sentence_starts=starts or [])


# --- entities: a pair counts in its gold span's sentence, a lone item in its own ---------------

# Sentences start at 0 and 10 (and 20).
ENTITY_CASES = {
    "spurious starting at a sentence start": (
        [(2, 6, "PER")],
        [(2, 6, "PER"), (10, 13, "ORG")],
        [0, 10],
        # S0: the correct pair; S1: the spurious ORG at 10 (den_p only).
        [[1, 1, 1, 1], [0, 1, 0, 0]],
    ),
    "spurious ending at a sentence start": (
        [(12, 16, "PER")],
        [(6, 10, "ORG")],
        [0, 10],
        # S0: the spurious ORG [6, 10) by its start; S1: the missed PER.
        [[0, 1, 0, 0], [0, 0, 0, 1]],
    ),
    "missed gold starting at a sentence start": (
        [(2, 6, "PER"), (10, 14, "ORG")],
        [(2, 6, "PER")],
        [0, 10],
        # S1: the missed ORG at 10 (den_r only).
        [[1, 1, 1, 1], [0, 0, 0, 1]],
    ),
    "correct pair starting at a sentence start": (
        [(10, 14, "ORG")],
        [(10, 14, "ORG")],
        [0, 10, 20],
        [[0, 0, 0, 0], [1, 1, 1, 1], [0, 0, 0, 0]],
    ),
    "pair straddling a boundary counts in the gold sentence": (
        # The prediction starts in S0, the gold at S1's start: a strict miss (incorrect),
        # counted wholly in S1 with the gold.
        [(10, 14, "ORG")],
        [(8, 14, "ORG")],
        [0, 10],
        [[0, 0, 0, 0], [0, 1, 0, 1]],
    ),
    "gold straddling a boundary counts in its start sentence": (
        [(8, 12, "ORG"), (20, 22, "PER")],
        [(8, 12, "ORG"), (20, 22, "LOC")],
        [0, 10, 20],
        # S0: the correct ORG [8, 12); S2: PER at 20 retyped: incorrect under strict.
        [[1, 1, 1, 1], [0, 0, 0, 0], [0, 1, 0, 1]],
    ),
    "before the first sentence counts in the first": (
        [(0, 3, "PER")],
        [(0, 3, "PER"), (4, 6, "ORG")],
        [5, 10],
        [[1, 2, 1, 1], [0, 0, 0, 0]],
    ),
}


@pytest.mark.parametrize("case", list(ENTITY_CASES))
def test_entity_unit_rows_at_boundaries(case):
    gold, pred, starts, rows = ENTITY_CASES[case]
    score = score_entities([entity_doc(*gold, starts=starts)], [entity_doc(*pred)])
    assert score.unit_stats == rows


def test_entity_unit_rows_number_sentences_across_documents():
    # Two documents with sentences at 0 and 10: units 0-1 and 2-3. The second document's
    # spurious span at 10 belongs to unit 3, its missed gold at 0 to unit 2.
    gold = [entity_doc((2, 6, "PER"), starts=[0, 10]), entity_doc((0, 4, "ORG"), starts=[0, 10])]
    pred = [entity_doc((2, 6, "PER")), entity_doc((10, 12, "LOC"))]
    assert score_entities(gold, pred).unit_stats == [[1, 1, 1, 1], [0, 0, 0, 0], [0, 0, 0, 1], [0, 1, 0, 0]]


# --- coreference: a mention (or a cluster, by its first mention) counts where it starts ---------


def test_coref_unit_rows_at_boundaries():
    # Sentences start at 0, 100 and 200.
    a, b, c, d = (90, 100), (100, 105), (195, 205), (150, 155)
    # a ends exactly at S1's start, b starts exactly there, c straddles S1 and S2; d is twinless.
    key = [[a, b], [c]]  # K1 = {a, b}, K2 = {c}
    response = [[a], [b, d], [c]]  # R1 = {a}, R2 = {b, d}, R3 = {c}
    score = score_coref(
        [DocRecords("d", clusters=key, sentence_starts=[0, 100, 200])], [DocRecords("d", clusters=response)]
    )
    # MUC, per cluster, at the sentence of its first mention:
    #   recall: K1 (a, S0) has 1 link, split by the response into 2 parts: 0 correct of 1;
    #           K2 has no link.
    #   precision: R2 (b, S1) has 1 link, b and twinless d are 2 parts: 0 correct of 1;
    #              the singletons R1, R3 have no link.
    # B3, per mention, at its own sentence:
    #   recall: a 1/2 (S0), b 1/2 (S1), c 1 (S1); precision: a 1 (S0), b 1/2, d 0, c 1 (S1).
    # CEAF-e, phi4 = 2|K n R| / (|K| + |R|): the best alignment is K1-R1 (2/3) and K2-R3 (1)
    #   (K1-R2 would be 1/2). Recall: K1 (S0) 2/3 of 1, K2 (S1) 1 of 1. Precision: R1 (S0)
    #   2/3 of 1; R2 (S1) 0 of 1 and R3 (S1) 1 of 1.
    two_thirds = float(F(2, 3))
    assert score.unit_stats == [
        [0, 0, 0, 1, 1, 1, 0.5, 1, two_thirds, 1, two_thirds, 1],
        [0, 1, 0, 0, 1.5, 3, 1.5, 2, 1, 2, 1, 1],
        [0] * 12,
    ]


def test_units_put_an_offset_in_the_sentence_it_starts():
    units = Units([DocRecords("d", sentence_starts=[5, 10]), DocRecords("e", sentence_starts=[0, 10])])
    assert [units.of(0, offset) for offset in (0, 5, 9, 10, 11)] == [0, 0, 0, 1, 1]
    assert [units.of(1, offset) for offset in (0, 9, 10)] == [2, 2, 3]


# --- quotes, events, timexes: an item's position is its start ---------------------------------


def quote(*content: tuple[int, int]) -> QuoteRecord:
    return QuoteRecord(kind="direct", cue=None, content=tuple(content))


def test_quote_unit_rows_at_boundaries():
    # Sentences start at 0, 50 and 100. Headline attribution (no sources: none wanted, none given).
    gold = [
        quote((50, 60)),  # G1 starts at S1's start: matched by P1
        quote((45, 50)),
    ]  # G2 ends at S1's start: missed, in S0
    pred = [
        quote((50, 60)),  # P1
        quote((100, 110), (90, 95)),  # P2 spurious: a quote sits at its first content offset, 90 (S1)
        quote((100, 105)),
    ]  # P3 spurious, starting at S2's start
    score = score_quotes([DocRecords("d", quotes=gold, sentence_starts=[0, 50, 100])], [DocRecords("d", quotes=pred)])
    assert score.headline == "attribution"
    assert score.unit_stats == [[0, 0, 0, 1], [1, 2, 1, 1], [0, 1, 0, 0]]


def test_event_unit_rows_at_boundaries():
    # Sentences start at 0 and 50. Headline trigger_c: offsets and CAMEO root.
    gold = [
        EventRecord((10, 15), "04"),  # matched, S0
        EventRecord((50, 55), "04"),
    ]  # starts at S1's start: missed
    pred = [
        EventRecord((10, 15), "04"),
        EventRecord((45, 50), "04"),  # spurious, ends at S1's start: S0
        EventRecord((48, 53), "04"),
    ]  # spurious, straddles the boundary: S0
    score = score_events([DocRecords("d", events=gold, sentence_starts=[0, 50])], [DocRecords("d", events=pred)])
    assert score.headline == "trigger_c"
    assert score.unit_stats == [[1, 3, 1, 1], [0, 0, 0, 1]]


def test_timex_unit_rows_at_boundaries():
    # Sentences start at 0, 50 and 100. Headline relaxed (any overlap).
    gold = [TimexRecord(50, 59, "DATE", "2022")]  # starts at S1's start
    pred = [
        TimexRecord(45, 55, "DATE", "2022"),  # overlaps it from S0: the pair counts in S1
        TimexRecord(40, 50, "DATE", "2022"),  # spurious, ends at S1's start: S0
        TimexRecord(100, 104, "DATE", "2022"),
    ]  # spurious, starts at S2's start
    score = score_timexes(
        [DocRecords("d", timexes=gold, sentence_starts=[0, 50, 100])], [DocRecords("d", timexes=pred)]
    )
    assert score.headline == "relaxed"
    assert score.unit_stats == [[0, 1, 0, 0], [1, 1, 1, 1], [0, 1, 0, 0]]
