"""Timex scoring: TempEval-3 strict and relaxed matching, type and value."""

from __future__ import annotations

import random

import pytest

from benchmark.metrics.matching import overlapping_pairs
from benchmark.metrics.timexes import score_timexes
from benchmark.records import DocRecords, TimexRecord

from .layer_checks import assert_every_metric_perfect, assert_unit_stats_sum_to_headline, offsets_of, prf

TEXT = "Officials met on Wednesday morning and had talked for almost a month last year. The talks resume now."


def at(piece: str) -> tuple[int, int]:
    return offsets_of(TEXT, piece)


def timex(piece: str, type_: str, value: str) -> TimexRecord:
    return TimexRecord(*at(piece), type=type_, value=value)


def doc(*timexes: TimexRecord, sentence_starts: list[int] | None = None) -> DocRecords:
    return DocRecords(id="d", timexes=list(timexes), sentence_starts=sentence_starts or [])


T1 = timex("Wednesday", "DATE", "2022-01-26")
T2 = timex("almost a month", "DURATION", "P1M")
T3 = timex("last year", "DATE", "2021")
T4 = timex("now", "DATE", "PRESENT_REF")
GOLD = doc(T1, T2, T3, T4, sentence_starts=[0, at("The talks")[0]])


def score(*pred: TimexRecord, gold: DocRecords = GOLD):
    return score_timexes([gold], [doc(*pred)])


# Worked example: 4 gold, 4 predicted.
#   P1 "Wednesday morning" TIME: overlaps T1 (relaxed only); type and value wrong.
#   P2 "almost a month" DURATION P1M: exact; type and value right.
#   P3 "year" DATE 2022: overlaps T3 "last year" (relaxed only); type right, value wrong.
#   P4 "talks" (second sentence): spurious. T4 "now" is missed.
P1 = timex("Wednesday morning", "TIME", "2022-01-26TMO")
P2 = timex("almost a month", "DURATION", "P1M")
P3 = TimexRecord(*at("year"), type="DATE", value="2022")
P4 = TimexRecord(TEXT.index("talks resume"), TEXT.index("talks resume") + 5, type="DATE", value="XXXX")


@pytest.fixture(scope="module")
def worked():
    return score(P1, P2, P3, P4)


@pytest.mark.parametrize(
    "metric, correct",
    [
        ("strict", 1),  # P2
        ("relaxed", 3),  # P1-T1, P2-T2, P3-T3
        ("type", 2),  # relaxed pairs with equal type: P2, P3
        ("value", 1),  # relaxed pairs with equal value: P2
    ],
)
def test_worked_metrics(worked, metric, correct):
    # 4 gold, 4 predicted: P = R = F1 = correct / 4
    assert prf(worked.metrics[metric]) == pytest.approx((correct / 4,) * 3)


def test_worked_accuracies(worked):
    # over the 3 relaxed pairs: type right for P2, P3 (2/3); value right for P2 (1/3)
    assert worked.accuracies == pytest.approx({"type": 2 / 3, "value": 1 / 3})


def test_worked_per_type(worked):
    # relaxed, DATE: gold T1, T3, T4 of which T1, T3 found (R 2/3); predicted DATE P3, P4, P3 correct (P 1/2).
    # TIME: no gold (R 0), P1 correct (P 1/1). DURATION: 1/1 both ways.
    relaxed = {label: prf(metrics["relaxed"])[:2] for label, metrics in worked.per_label.items()}
    expected = {"DATE": (1 / 2, 2 / 3), "TIME": (1.0, 0.0), "DURATION": (1.0, 1.0)}
    assert relaxed.keys() == expected.keys()
    for label, values in expected.items():
        assert relaxed[label] == pytest.approx(values), label
    # type (spaCy-style, the type must agree): DATE found T3 only (R 1/3), P3 correct of P3, P4 (P 1/2)
    assert prf(worked.per_label["DATE"]["type"])[:2] == pytest.approx((1 / 2, 1 / 3))
    assert prf(worked.per_label["TIME"]["type"])[:2] == (0.0, 0.0)


def test_worked_unit_stats(worked):
    # headline relaxed; num_p, den_p, num_r, den_r: S0: three correct pairs; S1: T4 missed, P4 spurious
    assert worked.headline == "relaxed"
    assert worked.unit_stats == [[3, 3, 3, 3], [0, 1, 0, 1]]


@pytest.mark.parametrize("pred", [(P1, P2, P3, P4), (T1, T2, T3, T4), (), (P4,), (P1, P1)])
def test_unit_stats_sum_to_micro(pred):
    assert_unit_stats_sum_to_headline(score(*pred))


def test_gold_against_itself_is_perfect():
    result = score_timexes([GOLD], [GOLD])
    assert_every_metric_perfect(result)
    for label, metrics in result.per_label.items():
        for name, metric in metrics.items():
            assert prf(metric) == (1.0, 1.0, 1.0), (label, name)
    assert result.accuracies == {"type": 1.0, "value": 1.0}


def test_empty_prediction_has_zero_recall():
    result = score()
    for metric in result.metrics.values():
        assert metric["recall"] == 0.0 and metric["f1"] == 0.0
    assert result.accuracies == {"type": None, "value": None}


def test_overlapping_but_not_exact():
    # "Wednesday morning" against "Wednesday": relaxed, not strict; type and value still judged
    result = score(timex("Wednesday morning", "date", "2022-01-26"), gold=doc(T1))
    assert [result.metrics[m]["correct"] for m in ("strict", "relaxed", "type", "value")] == [0, 1, 1, 1]


def test_touching_spans_do_not_overlap():
    # "on " ends where "Wednesday" starts: half-open spans share no code point
    start = at("Wednesday")[0]
    result = score(TimexRecord(start - 3, start, "DATE", "2022-01-26"), gold=doc(T1))
    assert result.metrics["relaxed"]["correct"] == 0


def make(start: int, end: int) -> TimexRecord:
    return TimexRecord(start, end, "DATE", "X")


def test_relaxed_prefers_exact_then_largest_overlap():
    # gold G1 [0,10), G2 [10,20); predictions A [0,12) (overlaps G1 by 10, G2 by 2),
    # B [0,10) (exact on G1), C [5,20) (overlaps G1 by 5, G2 by 10).
    # Exact first: B-G1; then largest overlap left: C-G2 (10); A finds nothing free.
    gold = doc(make(0, 10), make(10, 20))
    result = score(make(0, 12), make(0, 10), make(5, 20), gold=gold)
    metric = result.metrics["relaxed"]
    assert (metric["correct"], metric["predicted"], metric["gold"]) == (2, 3, 2)
    assert result.metrics["strict"]["correct"] == 1


@pytest.mark.parametrize("pred_order", [1, -1])
def test_relaxed_takes_as_many_pairs_as_possible(pred_order):
    # gold [0,18), [19,21); predicted [0,2), [6,21). Largest overlap first would take
    # [0,18)-[6,21) (12) and leave [19,21) with nothing; two pairs exist.
    gold = doc(make(0, 18), make(19, 21))
    result = score(*[make(0, 2), make(6, 21)][::pred_order], gold=gold)
    assert prf(result.metrics["relaxed"]) == (1.0, 1.0, 1.0)


def test_relaxed_prefers_exact_pairs_only_among_maximum_matchings():
    # gold [0,6), [4,10) (a --gold corpus may nest or overlap timexes); predicted [0,6), [0,2).
    # Taking the exact [0,6)-[0,6) first would leave [4,10) with nothing; two pairs exist.
    result = score(make(0, 6), make(0, 2), gold=doc(make(0, 6), make(4, 10)))
    assert result.metrics["relaxed"]["correct"] == 2
    assert result.metrics["strict"]["correct"] == 1


def test_relaxed_prefers_the_larger_total_overlap():
    # gold A [0,10), B [10,19); predicted [0,19) (overlaps A by 10, B by 9) and [1,11)
    # (A by 9, B by 1). Largest overlap first pairs [0,19)-A, then [1,11)-B: 11 in all;
    # the other way round overlaps 18. The values show which pairing was taken.
    result = score(
        TimexRecord(0, 19, "DATE", "B"),
        TimexRecord(1, 11, "DATE", "A"),
        gold=doc(TimexRecord(0, 10, "DATE", "A"), TimexRecord(10, 19, "DATE", "B")),
    )
    assert result.metrics["relaxed"]["correct"] == 2
    assert result.metrics["value"]["correct"] == 2


def test_values_ignore_case_and_surrounding_space():
    result = score(timex("now", "date", " present_ref "), gold=doc(T4))
    assert [result.metrics[m]["correct"] for m in ("strict", "relaxed", "type", "value")] == [1, 1, 1, 1]


def test_relaxed_is_one_to_one():
    # two predictions inside one gold timex: one match, one spurious
    result = score(
        TimexRecord(*at("almost"), "DURATION", "P1M"), TimexRecord(*at("month"), "DURATION", "P1M"), gold=doc(T2)
    )
    metric = result.metrics["relaxed"]
    assert (metric["correct"], metric["predicted"], metric["gold"]) == (1, 2, 1)


def test_sweep_finds_exactly_the_overlapping_pairs():
    rng = random.Random(7)
    for _ in range(200):
        spans = [
            [(s, s + rng.randint(0, 6)) for s in (rng.randint(0, 30) for _ in range(rng.randint(0, 8)))]
            for _side in range(2)
        ]
        gold_spans, pred_spans = spans
        # Half-open spans share a code point when the later start is before the earlier end
        # (an empty span shares none).
        expected = {
            (g, p)
            for g, a in enumerate(gold_spans)
            for p, b in enumerate(pred_spans)
            if max(a[0], b[0]) < min(a[1], b[1])
        }
        found = list(overlapping_pairs(gold_spans, pred_spans))
        assert sorted(found) == sorted(expected)
        assert len(found) == len(set(found))


def test_documents_are_scored_micro():
    result = score_timexes([GOLD, GOLD], [GOLD, doc()])
    assert prf(result.metrics["relaxed"]) == pytest.approx((1.0, 1 / 2, 2 / 3))
