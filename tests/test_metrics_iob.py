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
    pred = type(gold)(
        id=doc.id, entities=[EntityRecord(e["start"], e["end"], e["type"]) for e in prediction["entities"]]
    )
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


# --- the view of span records, read without tagging, against seqeval on the tags ---------------

from benchmark.metrics.entities import score_entities  # noqa: E402
from benchmark.metrics.iob import iob2_view, sentence_token_offsets  # noqa: E402
from benchmark.records import DocRecords  # noqa: E402
from benchmark.tokenize import tokenize  # noqa: E402

from .test_tokenize import PIECES  # noqa: E402


@st.composite
def entity_spans(draw, text: str, label_pool=("PER", "LOC", "ORG")):
    """Spans on token edges (the common case), and any offsets: cutting tokens, on white space,
    crossing sentences, empty, reversed, overlapping, duplicated."""
    tokens = tokenize(text)
    spans = []
    for _ in range(draw(st.integers(0, 8))):
        if tokens and draw(st.booleans()):
            first = draw(st.integers(0, len(tokens) - 1))
            last = min(len(tokens) - 1, first + draw(st.integers(0, 3)))
            start, end = tokens[first].start, tokens[last].end
        else:
            start, end = draw(st.integers(0, len(text))), draw(st.integers(0, len(text)))
        spans.append(EntityRecord(start, end, draw(st.sampled_from(label_pool))))
    if draw(st.booleans()):
        spans.sort(key=lambda e: (e.start, e.end))
    return spans


@st.composite
def gold_and_predicted_documents(draw):
    gold, pred = [], []
    for index in range(draw(st.integers(1, 3))):
        text = draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=25).map("".join))
        starts = draw(st.lists(st.integers(0, len(text)), max_size=4))
        if draw(st.integers(0, 9)):  # mostly in order, as gold sentences are
            starts.sort()
        gold.append(DocRecords(id=f"d{index}", text=text, sentence_starts=starts, entities=draw(entity_spans(text))))
        pred.append(DocRecords(id=f"d{index}", entities=draw(entity_spans(text))))
    return gold, pred


def seqeval_on_the_tags(gold: list[DocRecords], pred: list[DocRecords]) -> dict[str, dict]:
    """Tag every gold sentence's tokens with to_iob2 and let seqeval score them, in both modes."""
    gold_tags, pred_tags = [], []
    for gold_doc, pred_doc in zip(gold, pred):
        for tokens in sentence_token_offsets(gold_doc.text, gold_doc.sentence_starts):
            gold_tags.append(to_iob2(tokens, gold_doc.entities))
            pred_tags.append(to_iob2(tokens, pred_doc.entities))
    if not gold_tags:  # seqeval takes no empty input: nothing to tag, so no chunks
        gold_tags, pred_tags = [["O"]], [["O"]]
    return {
        "default": classification_report(gold_tags, pred_tags, output_dict=True, zero_division=0),
        "strict": classification_report(
            gold_tags, pred_tags, output_dict=True, zero_division=0, mode="strict", scheme=IOB2
        ),
    }


def assert_view_is_seqeval(view: dict, theirs: dict) -> None:
    for mode in ("default", "strict"):
        labels = {key for key in theirs[mode] if not key.endswith(" avg")}
        assert set(view[mode]) - {"micro", "macro"} == labels
        for label in labels:
            for name, their_name in (("precision", "precision"), ("recall", "recall"), ("f1", "f1-score")):
                assert view[mode][label][name] == pytest.approx(float(theirs[mode][label][their_name]), abs=1e-9)
            assert view[mode][label]["support"] == int(theirs[mode][label]["support"])
        for name, their_name in (("precision", "precision"), ("recall", "recall"), ("f1", "f1-score")):
            assert view[mode]["micro"][name] == pytest.approx(float(theirs[mode]["micro avg"][their_name]), abs=1e-9)
            if labels:
                assert view[mode]["macro"][name] == pytest.approx(
                    float(theirs[mode]["macro avg"][their_name]), abs=1e-9
                )


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@settings(max_examples=400, deadline=None)
@given(gold_and_predicted_documents())
def test_the_view_of_any_spans_equals_seqeval_on_their_tags(documents):
    gold, pred = documents
    assert_view_is_seqeval(iob2_view(gold, pred), seqeval_on_the_tags(gold, pred))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@settings(max_examples=300, deadline=None)
@given(gold_and_predicted_documents())
def test_the_entity_scorer_reports_the_same_view(documents):
    gold, pred = documents
    assert score_entities(gold, pred).extra["iob2"] == iob2_view(gold, pred)


def test_a_view_that_differs_from_strict_where_it_should():
    # "The US envoy met Antony Blinken." A prediction cutting "Blinken" is rounded out to the token.
    gold = [DocRecords(id="d", text=TEXT, sentence_starts=[0], entities=[EntityRecord(17, 31, "PERSON")])]
    pred = [DocRecords(id="d", entities=[EntityRecord(17, 27, "PERSON")])]
    score = score_entities(gold, pred)
    assert score.metrics["strict"]["f1"] == 0.0
    assert score.extra["iob2"]["default"]["micro"]["f1"] == 1.0 == score.extra["iob2"]["strict"]["micro"]["f1"]
