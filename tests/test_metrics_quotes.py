"""Quote scoring: PARC-style exact and partial content matching, cue, attribution."""

from __future__ import annotations

import pytest

from benchmark.metrics.quotes import score_quotes
from benchmark.records import DocRecords, QuoteRecord

from .layer_checks import assert_every_metric_perfect, assert_unit_stats_sum_to_headline, offsets_of, prf

TEXT = (
    "Blinken said the door to diplomacy remains open. "
    "\u201cWe are ready to talk,\u201d he told reporters, \u201cbut we will not yield.\u201d "
    "Stoltenberg stressed that the allies were united."
)


def at(piece: str, nth: int = 0) -> tuple[int, int]:
    return offsets_of(TEXT, piece, nth)


HE = (at("he told")[0], at("he told")[0] + 2)
BLINKEN = frozenset({at("Blinken"), HE})
STOLTENBERG = frozenset({at("Stoltenberg")})

Q1 = QuoteRecord(
    kind="indirect",
    cue=at("said"),
    content=(at("the door to diplomacy remains open"),),
    source=at("Blinken"),
    source_name="Antony Blinken",
    source_cluster=BLINKEN,
)
Q2 = QuoteRecord(
    kind="direct",
    cue=at("told"),
    content=(at("We are ready to talk"), at("but we will not yield")),
    source=HE,
    source_name="Antony Blinken",
    source_cluster=BLINKEN,
)
Q3 = QuoteRecord(
    kind="indirect",
    cue=at("stressed"),
    content=(at("the allies were united"),),
    source=at("Stoltenberg"),
    source_name="Jens Stoltenberg",
    source_cluster=STOLTENBERG,
)
SENTENCE_STARTS = [0, at("\u201cWe")[0], at("Stoltenberg")[0]]


def doc(*quotes: QuoteRecord, sentence_starts: list[int] | None = None) -> DocRecords:
    return DocRecords(id="d", quotes=list(quotes), sentence_starts=sentence_starts or [])


GOLD = doc(Q1, Q2, Q3, sentence_starts=SENTENCE_STARTS)


def score(*pred: QuoteRecord, gold: DocRecords = GOLD):
    return score_quotes([gold], [doc(*pred)], texts=[TEXT])


def pred_quote(content, kind="indirect", cue=None, source=None, source_name=None) -> QuoteRecord:
    return QuoteRecord(kind=kind, cue=cue, content=tuple(content), source=source, source_name=source_name)


# Worked example. Tokens are runs of non-space characters, by offsets.
#   P1 "the door to diplomacy remains open." vs Q1 "the door ... open": 6 tokens each,
#      "open." != "open", so 5 shared: Dice 2*5/12 = 0.83 -> partial, not exact;
#      source_name "blinken" = surname of "Antony Blinken" -> source right.
#   P2 only the first half of the split Q2: 5 of Q2's 10 tokens: Dice 2*5/15 = 0.67 -> partial;
#      source span "he" is in Blinken's cluster -> right.
#   P3 content identical to Q3 -> exact (and partial); kind direct (gold indirect);
#      source span "Blinken" is not in Stoltenberg's cluster -> wrong.
#   P4 "diplomacy" vs Q1: Dice 2*1/7 = 0.29 -> no match (Q1 is taken by P1 anyway); cue "remains" wrong.
P1 = pred_quote([at("the door to diplomacy remains open.")], cue=at("said"), source_name="blinken")
P2 = pred_quote([at("We are ready to talk")], kind="direct", cue=at("told"), source=HE)
P3 = pred_quote([at("the allies were united")], kind="direct", cue=at("stressed"), source=at("Blinken"))
P4 = pred_quote([at("diplomacy")], cue=at("remains"), source_name="Antony Blinken")


@pytest.fixture(scope="module")
def worked():
    return score(P1, P2, P3, P4)


def test_worked_content_exact(worked):
    # 1 exact (P3-Q3): P = 1/4, R = 1/3, F1 = 2*1/(4+3) = 2/7
    assert prf(worked.metrics["content_exact"]) == pytest.approx((1 / 4, 1 / 3, 2 / 7))


def test_worked_content_partial(worked):
    # 3 partial (P1-Q1, P2-Q2, P3-Q3): P = 3/4, R = 3/3, F1 = 2*3/(4+3) = 6/7
    assert prf(worked.metrics["content_partial"]) == pytest.approx((3 / 4, 1.0, 6 / 7))


def test_worked_cue(worked):
    # cues said, told, stressed found; "remains" spurious: P = 3/4, R = 3/3
    assert prf(worked.metrics["cue"]) == pytest.approx((3 / 4, 1.0, 6 / 7))


def test_worked_attribution(worked):
    # partial and source right: P1-Q1 (surname), P2-Q2 (pronoun in cluster); P3-Q3 wrong speaker.
    # P = 2/4, R = 2/3, F1 = 2*2/(4+3) = 4/7
    assert worked.headline == "attribution"
    assert prf(worked.metrics["attribution"]) == pytest.approx((1 / 2, 2 / 3, 4 / 7))
    assert worked.metrics["attribution"]["correct"] == 2


def test_worked_accuracies(worked):
    # over the 3 partial pairs: source right 2 of 3; kind equal for P1-Q1, P2-Q2, not P3-Q3: 2 of 3
    assert worked.accuracies == pytest.approx({"source": 2 / 3, "kind": 2 / 3})


def test_worked_per_kind(worked):
    # content_partial, indirect: gold Q1, Q3 both found (2/2); predicted indirect P1, P4: P1 correct (1/2).
    # direct: gold Q2 found (1/1); predicted direct P2, P3 both correct (2/2).
    indirect, direct = worked.per_label["indirect"], worked.per_label["direct"]
    assert prf(indirect["content_partial"])[:2] == pytest.approx((1 / 2, 1.0))
    assert prf(direct["content_partial"])[:2] == pytest.approx((1.0, 1.0))
    # attribution, indirect: Q1 found of Q1, Q3 (1/2); P1 correct of P1, P4 (1/2).
    # direct: Q2 found (1/1); P2 correct of P2, P3 (1/2).
    assert prf(indirect["attribution"])[:2] == pytest.approx((1 / 2, 1 / 2))
    assert prf(direct["attribution"])[:2] == pytest.approx((1 / 2, 1.0))
    assert set(worked.per_label) == {"direct", "indirect"}


def test_worked_unit_stats(worked):
    # columns num_p, den_p, num_r, den_r per sentence:
    # S0: P1-Q1 correct, P4 spurious; S1: P2-Q2 correct; S2: Q3 missed, P3 wrong (in its own sentence)
    assert worked.stat_kind == "prf"
    assert worked.unit_stats == [[1, 2, 1, 1], [1, 1, 1, 1], [0, 1, 0, 1]]


@pytest.mark.parametrize("pred", [(P1, P2, P3, P4), (Q1, Q2, Q3), (), (P4,), (P3, P1)])
def test_unit_stats_sum_to_micro(pred):
    assert_unit_stats_sum_to_headline(score(*pred))


def test_gold_against_itself_is_perfect():
    result = score_quotes([GOLD], [GOLD], texts=[TEXT])
    assert_every_metric_perfect(result)
    for label, metrics in result.per_label.items():
        for name, metric in metrics.items():
            assert prf(metric) == (1.0, 1.0, 1.0), (label, name)
    assert result.accuracies == {"source": 1.0, "kind": 1.0}


def test_empty_prediction_has_zero_recall():
    result = score()
    for metric in result.metrics.values():
        assert metric["recall"] == 0.0 and metric["f1"] == 0.0
    assert result.accuracies == {"source": None, "kind": None}
    assert result.unit_stats == [[0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 1]]


def test_split_quote_matches_exactly_in_any_span_order():
    both_halves = pred_quote([at("but we will not yield"), at("We are ready to talk")], kind="direct")
    result = score(both_halves)
    assert result.metrics["content_exact"]["correct"] == 1


def test_split_quote_half_is_partial_only():
    # the second half has 5 of Q2's 10 tokens: Dice 2*5/(10+5) = 0.67
    result = score(pred_quote([at("but we will not yield")], kind="direct"))
    assert result.metrics["content_exact"]["correct"] == 0
    assert result.metrics["content_partial"]["correct"] == 1


@pytest.mark.parametrize(
    "name, right",
    [
        ("Antony Blinken", True),
        ("  antony\u00a0 BLINKEN ", True),  # case and white space (U+00A0 too) do not matter
        ("Blinken", True),  # the surname
        ("Antony", False),
        ("Tony Blinken", False),
        ("Stoltenberg", False),
        (None, False),
    ],
)
def test_source_given_only_by_name(name, right):
    result = score(pred_quote([at("the door to diplomacy remains open")], source_name=name))
    assert result.metrics["content_partial"]["correct"] == 1
    assert result.metrics["attribution"]["correct"] == int(right)
    assert result.accuracies["source"] == float(right)


def test_source_span_anywhere_in_the_cluster():
    # Q1's speaker is "Blinken"; the later pronoun "he" is in the same cluster
    result = score(pred_quote([at("the door to diplomacy remains open")], source=HE))
    assert result.metrics["attribution"]["correct"] == 1


def test_source_span_outside_the_cluster_is_wrong_even_with_exact_content():
    result = score(pred_quote([at("the door to diplomacy remains open")], source=at("reporters")))
    assert result.metrics["content_exact"]["correct"] == 1
    assert result.metrics["attribution"]["correct"] == 0


def test_gold_quote_without_source_wants_none():
    gold = doc(QuoteRecord(kind="indirect", cue=at("said"), content=(at("the door to diplomacy remains open"),)))
    content = [at("the door to diplomacy remains open")]
    assert score(pred_quote(content), gold=gold).metrics["attribution"]["correct"] == 1
    assert score(pred_quote(content, source_name="Blinken"), gold=gold).metrics["attribution"]["correct"] == 0


@pytest.mark.parametrize(
    "piece, matches",
    [
        # Q3 "the allies were united" has 4 tokens
        ("stressed that the allies", True),  # 2 shared of 4 + 4: Dice 4/8 = 0.5, the threshold itself
        ("allies were", True),  # 2 shared of 4 + 2: Dice 4/6 = 0.67
        ("allies", False),  # 1 shared of 4 + 1: Dice 2/5 = 0.4
        ("e allies wer", False),  # "e", "wer" cut mid-word match no token: Dice 2*1/(4+3) = 0.29
    ],
)
def test_partial_threshold_is_token_dice_half(piece, matches):
    result = score(pred_quote([at(piece)]))
    assert result.metrics["content_partial"]["correct"] == int(matches)


def test_partial_matching_is_one_to_one_best_dice_first():
    # both overlap Q3; the exact one (Dice 1) wins, the other (Dice 0.67) is spurious
    result = score(pred_quote([at("allies were")]), pred_quote([at("the allies were united")]))
    metric = result.metrics["content_partial"]
    assert (metric["correct"], metric["predicted"], metric["gold"]) == (1, 2, 3)


def test_cue_counts_quotes_with_a_cue_one_to_one():
    # two predictions share the cue "said": only one matches; a quote without cue is not counted
    result = score(
        pred_quote([at("open")], cue=at("said")),
        pred_quote([at("door")], cue=at("said")),
        pred_quote([at("the allies")]),
    )
    metric = result.metrics["cue"]
    assert (metric["correct"], metric["predicted"], metric["gold"]) == (1, 2, 3)


def test_character_overlap_without_text():
    result = score_quotes([GOLD], [doc(P1)])
    assert result.extra["overlap_unit"] == "character"
    assert result.metrics["content_partial"]["correct"] == 1
    assert score(P1).extra["overlap_unit"] == "token"


def test_documents_are_scored_micro():
    # document 1: gold vs itself (3 of 3); document 2: nothing predicted (0 of 3)
    result = score_quotes([GOLD, GOLD], [GOLD, doc()], texts=[TEXT, TEXT])
    assert prf(result.metrics["attribution"]) == pytest.approx((1.0, 1 / 2, 2 / 3))
    assert len(result.unit_stats) == 6


def test_misaligned_documents_are_refused():
    with pytest.raises(ValueError):
        score_quotes([GOLD], [])
