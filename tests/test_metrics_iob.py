"""The IOB2 view: tagging spans, and chunk scoring checked against seqeval."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.metrics import classification_report
from seqeval.scheme import IOB2

from benchmark.metrics.iob import chunks, score_iob2, to_iob2
from benchmark.records import EntityRecord

# "The US envoy met Antony Blinken." tokenized: The US envoy met Antony Blinken .
TEXT = "The US envoy met Antony Blinken."
TOKENS = [(0, 3), (4, 6), (7, 12), (13, 16), (17, 23), (24, 31), (31, 32)]


def test_entities_on_token_edges_tag_the_tokens_inside():
    entities = [EntityRecord(4, 6, "GPE"), EntityRecord(17, 31, "PERSON")]
    assert to_iob2(TOKENS, entities) == ["O", "B-GPE", "O", "O", "B-PERSON", "I-PERSON", "O"]


def test_an_entity_cutting_through_tokens_marks_every_token_it_overlaps():
    # "S envoy m": starts inside "US", ends inside "met".
    assert to_iob2(TOKENS, [EntityRecord(5, 14, "ORG")]) == ["O", "B-ORG", "I-ORG", "I-ORG", "O", "O", "O"]


def test_entities_sharing_a_token_keep_the_longer_then_the_earlier():
    longer = [EntityRecord(17, 23, "PERSON"), EntityRecord(13, 31, "EVENT")]
    assert to_iob2(TOKENS, longer) == ["O", "O", "O", "B-EVENT", "I-EVENT", "I-EVENT", "O"]
    same_length = [EntityRecord(17, 31, "PERSON"), EntityRecord(13, 23, "EVENT")]
    assert to_iob2(TOKENS, same_length) == ["O", "O", "O", "B-EVENT", "I-EVENT", "O", "O"]


def test_entities_touching_no_token_leave_no_tag():
    # Only the space between "The" and "US"; an empty span.
    assert to_iob2(TOKENS, [EntityRecord(3, 4, "GPE"), EntityRecord(5, 5, "GPE")]) == ["O"] * 7


def test_adjacent_entities_each_begin_with_b():
    tags = to_iob2(TOKENS, [EntityRecord(17, 23, "PERSON"), EntityRecord(24, 31, "PERSON")])
    assert tags == ["O", "O", "O", "O", "B-PERSON", "B-PERSON", "O"]


@st.composite
def flat_entities_on_tokens(draw):
    n_tokens = draw(st.integers(1, 15))
    tokens = [(3 * i, 3 * i + 2) for i in range(n_tokens)]
    entities, position = [], 0
    while position < n_tokens and draw(st.booleans()):
        first = position + draw(st.integers(0, 2))
        last = first + draw(st.integers(0, 3))
        if last >= n_tokens:
            break
        entities.append(EntityRecord(tokens[first][0], tokens[last][1], draw(st.sampled_from(["PER", "LOC"]))))
        position = last + 1
    return tokens, entities


@given(flat_entities_on_tokens())
def test_flat_entities_survive_the_round_trip(example):
    tokens, entities = example
    tags = to_iob2(tokens, entities)
    expected = set()
    for e in entities:
        first = next(i for i, (s, _) in enumerate(tokens) if s == e.start)
        last = next(i for i, (_, end) in enumerate(tokens) if end == e.end)
        expected.add((0, e.type, first, last + 1))
    for mode in ("default", "strict"):
        assert chunks([tags], mode) == expected


def test_default_and_strict_modes_read_ill_formed_chunks_differently():
    gold = [["B-PER", "I-PER", "O", "B-LOC"]]
    pred = [["I-PER", "I-PER", "O", "B-LOC"]]  # an I- after O
    assert score_iob2(gold, pred).micro.f1 == 1.0
    strict = score_iob2(gold, pred, mode="strict")
    assert (strict.micro.precision, strict.micro.recall) == (1.0, 0.5)
    assert strict.counts["PER"].predicted == 0


def test_type_change_inside_a_chunk():
    pred = [["B-PER", "I-LOC", "I-LOC"]]
    assert chunks(pred, "default") == {(0, "PER", 0, 1), (0, "LOC", 1, 3)}
    assert chunks(pred, "strict") == {(0, "PER", 0, 1)}


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="E-PER"):
        score_iob2([["E-PER"]], [["O"]])
    with pytest.raises(ValueError, match="aligned"):
        score_iob2([["O"]], [])
    with pytest.raises(ValueError, match="2 gold tags but 1 predicted"):
        score_iob2([["O", "O"]], [["O"]])
    with pytest.raises(ValueError, match="mode"):
        score_iob2([["O"]], [["O"]], mode="lenient")


def test_no_chunks_at_all_scores_zero():
    score = score_iob2([["O", "O"]], [["O", "O"]])
    assert score.per_type == {}
    assert score.micro.f1 == 0.0 and score.macro.f1 == 0.0


# --- differential tests against seqeval ------------------------------------------------------

TAGS = ["O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"]


@st.composite
def aligned_tag_sequences(draw):
    lengths = draw(st.lists(st.integers(0, 12), min_size=1, max_size=4))
    gold = [draw(st.lists(st.sampled_from(TAGS), min_size=n, max_size=n)) for n in lengths]
    pred = [draw(st.lists(st.sampled_from(TAGS), min_size=n, max_size=n)) for n in lengths]
    return gold, pred


def assert_same_as_seqeval(ours, theirs: dict) -> None:
    labels = {key for key in theirs if not key.endswith(" avg")}
    assert set(ours.per_type) == labels
    rows = [(ours.per_type[label], ours.counts[label].gold, theirs[label]) for label in labels]
    rows.append((ours.micro, sum(c.gold for c in ours.counts.values()), theirs["micro avg"]))
    if labels:  # seqeval's macro average of no type is NaN; ours is 0
        rows.append((ours.macro, None, theirs["macro avg"]))
    else:
        assert math.isnan(theirs["macro avg"]["f1-score"]) and ours.macro.f1 == 0.0
    for prf, support, reference in rows:
        assert prf.precision == pytest.approx(float(reference["precision"]), abs=1e-9)
        assert prf.recall == pytest.approx(float(reference["recall"]), abs=1e-9)
        assert prf.f1 == pytest.approx(float(reference["f1-score"]), abs=1e-9)
        if support is not None:
            assert support == int(reference["support"])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@settings(max_examples=400, deadline=None)
@given(aligned_tag_sequences())
def test_default_mode_agrees_with_seqeval_conlleval_chunking(sequences):
    gold, pred = sequences
    theirs = classification_report(gold, pred, output_dict=True, zero_division=0)
    assert_same_as_seqeval(score_iob2(gold, pred), theirs)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@settings(max_examples=400, deadline=None)
@given(aligned_tag_sequences())
def test_strict_mode_agrees_with_seqeval_iob2_scheme(sequences):
    gold, pred = sequences
    theirs = classification_report(gold, pred, output_dict=True, zero_division=0, mode="strict", scheme=IOB2)
    assert_same_as_seqeval(score_iob2(gold, pred, mode="strict"), theirs)


def tags_on_token_edges(tokens, entities: list[EntityRecord]) -> list[str]:
    """IOB2 tags made here, for flat entities whose edges are token edges: a token inside
    an entity is B- at the entity's start, I- after it."""
    tags = []
    for token in tokens:
        inside = [e for e in entities if e.start <= token.start and token.end <= e.end]
        assert len(inside) <= 1, inside
        tags.append("O" if not inside else ("B-" if token.start == inside[0].start else "I-") + inside[0].type)
    return tags


def test_entity_layer_iob2_view_equals_seqeval_on_the_article():
    from seqeval.metrics import f1_score, precision_score, recall_score
    from seqeval.scheme import IOB2

    from benchmark.corpus import load_shipped
    from benchmark.formats.conll import sentence_tokens
    from benchmark.metrics.entities import score_entities
    from benchmark.records import records_from_document
    from benchmark.systems.rules import RulesSystem

    (doc,) = load_shipped()
    gold = records_from_document(doc)
    prediction = RulesSystem().predict({"id": doc.id, "text": doc.text, "date": doc.date})
    pred = type(gold)(id=doc.id, entities=[EntityRecord(e["start"], e["end"], e["type"])
                                           for e in prediction["entities"]])
    view = score_entities([gold], [pred]).extra["iob2"]
    tokens = sentence_tokens(doc)
    edges = {t.start for s in tokens for t in s} | {t.end for s in tokens for t in s}
    assert all(e.start in edges and e.end in edges for e in gold.entities + pred.entities)
    gold_tags = [tags_on_token_edges(t, gold.entities) for t in tokens]
    pred_tags = [tags_on_token_edges(t, pred.entities) for t in tokens]
    for mode, kwargs in (("default", {}), ("strict", {"mode": "strict", "scheme": IOB2})):
        assert view[mode]["micro"]["precision"] == pytest.approx(precision_score(gold_tags, pred_tags, **kwargs))
        assert view[mode]["micro"]["recall"] == pytest.approx(recall_score(gold_tags, pred_tags, **kwargs))
        assert view[mode]["micro"]["f1"] == pytest.approx(f1_score(gold_tags, pred_tags, **kwargs))
    # The rules system gets 71 of its 72 chunks right, against 72 gold chunks (one GPE wrong).
    assert view["default"]["micro"]["f1"] == pytest.approx(71 / 72)
