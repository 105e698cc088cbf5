"""CoNLL-2003 IOB2 export: layout, round trip of the tags, seqeval agreement."""

import warnings

import pytest
from seqeval.metrics import classification_report, f1_score

from benchmark.corpus import load_shipped
from benchmark.errors import InputError
from benchmark.formats.conll import DOCSTART, read_conll, sentence_tokens, tag_spans, to_conll
from benchmark.model import Document
from tests.test_formats_brat import synthetic_document


def gold_tags(doc: Document) -> list[list[str]]:
    """IOB2 tags computed here from the entity offsets, independently of the exporter."""
    result = []
    for tokens in sentence_tokens(doc):
        tags = []
        for token in tokens:
            entity = next((e for e in doc.entities if e.span.start <= token.start and token.end <= e.span.end), None)
            if entity is None:
                tags.append("O")
            else:
                tags.append(("B-" if token.start == entity.span.start else "I-") + entity.type)
        result.append(tags)
    return result


def entity_offsets(doc: Document, sentences: list[tuple[list[str], list[str]]]) -> set[tuple[int, int, str]]:
    found = set()
    for tokens, (_, tags) in zip(sentence_tokens(doc), sentences):
        for label, first, last in tag_spans(tags):
            found.add((tokens[first].start, tokens[last - 1].end, label))
    return found


@pytest.mark.parametrize("doc", [synthetic_document(), *load_shipped()], ids=lambda d: d.id)
def test_tags_read_back_are_the_gold_entities(doc):
    exported = to_conll(doc)
    sentences = read_conll(exported)
    assert [tags for _, tags in sentences] == gold_tags(doc)
    assert [tokens for tokens, _ in sentences] == [[t.text for t in s] for s in sentence_tokens(doc)]
    inside_sentences = {
        (e.span.start, e.span.end, e.type)
        for e in doc.entities
        if any(s.span.start <= e.span.start and e.span.end <= s.span.end for s in doc.sentences)
    }
    assert entity_offsets(doc, sentences) == inside_sentences
    if doc.entities:
        assert f1_score(gold_tags(doc), [tags for _, tags in sentences]) == 1.0
        report = classification_report(gold_tags(doc), [tags for _, tags in sentences], output_dict=True)
        assert report["micro avg"]["support"] == len(inside_sentences)


def test_layout_is_conll_2003():
    doc = synthetic_document()
    exported = to_conll(doc)
    lines = exported.split("\n")
    assert lines[0] == DOCSTART == "-DOCSTART- -X- O O" and lines[1] == ""
    assert lines[2] == "Antony _ _ B-PERSON" and lines[3] == "Blinken _ _ I-PERSON"
    assert "US _ _ B-GPE" in lines and "ambassador _ _ O" in lines  # the no-break space separates tokens
    assert exported.endswith("_ _ O\n\n")
    assert all(len(line.split(" ")) == 4 for line in lines if line and not line.startswith("-DOCSTART-"))
    assert sum(1 for line in exported.splitlines() if line == "") == len(doc.sentences) + 1
    assert len(read_conll(exported + to_conll(doc))) == 2 * len(doc.sentences)


def test_seqeval_on_the_synthetic_oracle_counts_every_entity():
    doc = synthetic_document()
    predicted = [tags for _, tags in read_conll(to_conll(doc))]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = classification_report(gold_tags(doc), predicted, output_dict=True)
    assert report["micro avg"]["f1-score"] == 1.0
    assert report["micro avg"]["support"] == len(doc.entities)


def test_a_line_without_a_tag_is_an_input_error():
    with pytest.raises(InputError, match="CoNLL line 3"):
        read_conll("-DOCSTART- -X- O O\n\nlonely\n")
