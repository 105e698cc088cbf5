"""The entity scorer against nervaluate 1.2.1 on one-to-one inputs, and by hand."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nervaluate import Evaluator

from benchmark.metrics.entities import score_entities
from benchmark.records import DocRecords, EntityRecord

TYPES = ["PER", "LOC", "ORG"]
SCHEMES = ("strict", "exact", "partial", "ent_type")


@st.composite
def one_to_one_document(draw):
    """Gold and predicted spans where each prediction overlaps at most one gold span and vice versa."""
    gold, pred, cursor = [], [], 0
    for _ in range(draw(st.integers(0, 8))):
        start = cursor + draw(st.integers(1, 4))
        length = draw(st.integers(2, 6))
        case = draw(st.sampled_from(["both", "gold", "pred"]))
        if case in ("both", "gold"):
            gold.append(EntityRecord(start, start + length, draw(st.sampled_from(TYPES))))
        if case in ("both", "pred"):
            shift = draw(st.integers(-1, 1)) if case == "both" else 0
            p_start = max(start + shift, cursor + 1)
            p_end = max(p_start + 1, start + length + draw(st.integers(-1, 1)))
            pred.append(EntityRecord(p_start, p_end, draw(st.sampled_from(TYPES))))
        cursor = max([start + length] + [p.end for p in pred[-1:]]) + 1
    return gold, pred


def nervaluate_scores(docs):
    def as_dicts(spans):
        # nervaluate's end offsets are inclusive.
        return [{"label": s.type, "start": s.start, "end": s.end - 1} for s in spans]
    evaluator = Evaluator([as_dicts(g) for g, _ in docs], [as_dicts(p) for _, p in docs], tags=TYPES, loader="dict")
    return evaluator.evaluate()


@settings(max_examples=200, deadline=None)
@given(st.lists(one_to_one_document(), min_size=1, max_size=3))
def test_agrees_with_nervaluate_on_one_to_one_inputs(docs):
    ours = score_entities([DocRecords("d", entities=g) for g, _ in docs],
                          [DocRecords("d", entities=p) for _, p in docs])
    theirs = nervaluate_scores(docs)
    for scheme in SCHEMES:
        reference = theirs["overall"][scheme]
        for field in ("precision", "recall", "f1"):
            assert ours.metrics[scheme][field] == pytest.approx(getattr(reference, field), abs=1e-9), (scheme, field)
        for label in TYPES:
            if label in ours.per_label:
                per_type = theirs["entities"][label][scheme]
                assert ours.per_label[label][scheme]["f1"] == pytest.approx(per_type.f1, abs=1e-9), (label, scheme)


def test_nervaluate_greedy_order_differs_by_design():
    # One prediction overlaps a gold span that another prediction matches exactly.
    # nervaluate, greedy in input order, lets the overlapping one claim the gold span
    # first; we pair the exact match first, whatever the order.
    gold = [EntityRecord(0, 10, "PER")]
    pred = [EntityRecord(2, 8, "PER"), EntityRecord(0, 10, "PER")]
    ours = score_entities([DocRecords("d", entities=gold)], [DocRecords("d", entities=pred)])
    theirs = nervaluate_scores([(gold, pred)])
    assert ours.metrics["strict"]["correct"] == 1
    assert theirs["overall"]["strict"].correct == 0


def test_semeval_worked_example():
    # gold: PER[0,5) LOC[10,15) ORG[20,25); pred: PER[0,5) exact, ORG[10,15) wrong type,
    # ORG[21,25) overlapping same type, MISC-like spurious LOC[30,33).
    gold = [EntityRecord(0, 5, "PER"), EntityRecord(10, 15, "LOC"), EntityRecord(20, 25, "ORG")]
    pred = [EntityRecord(0, 5, "PER"), EntityRecord(10, 15, "ORG"), EntityRecord(21, 25, "ORG"),
            EntityRecord(30, 33, "LOC")]
    score = score_entities([DocRecords("d", entities=gold)], [DocRecords("d", entities=pred)])
    # strict: COR 1 (PER), INC 2, SPU 1 -> P 1/4, R 1/3
    assert score.metrics["strict"]["precision"] == pytest.approx(1 / 4)
    assert score.metrics["strict"]["recall"] == pytest.approx(1 / 3)
    # exact: COR 2 (same boundaries), INC 1 -> P 2/4, R 2/3
    assert score.metrics["exact"]["precision"] == pytest.approx(2 / 4)
    # partial: COR 2, PAR 1 -> (2 + 0.5) / 4 and / 3
    assert score.metrics["partial"]["precision"] == pytest.approx(2.5 / 4)
    assert score.metrics["partial"]["recall"] == pytest.approx(2.5 / 3)
    # ent_type: PER and the overlapping ORG right, LOC->ORG wrong -> 2/4, 2/3
    assert score.metrics["ent_type"]["recall"] == pytest.approx(2 / 3)


def test_gold_against_itself_and_nothing():
    gold = [EntityRecord(0, 5, "PER"), EntityRecord(10, 15, "LOC")]
    perfect = score_entities([DocRecords("d", entities=gold)], [DocRecords("d", entities=gold)])
    empty = score_entities([DocRecords("d", entities=gold)], [DocRecords("d")])
    for scheme in SCHEMES:
        assert perfect.metrics[scheme]["f1"] == 1.0
        assert empty.metrics[scheme]["recall"] == 0.0
