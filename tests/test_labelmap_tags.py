"""Label maps and token-tag predictions, the pieces on their own."""

import random

import pytest
from seqeval.metrics.sequence_labeling import get_entities

from benchmark.errors import InputError
from benchmark.formats.tags import entities_from_tags, tag_chunks, tags_as_strings
from benchmark.labelmap import load_label_map
from benchmark.records import EntityRecord
from benchmark.tokenize import tokenize


def test_conll2003_maps_as_the_issue_specifies():
    mapping = load_label_map("conll2003").mapping
    assert {t for t, target in mapping.items() if target == "LOC"} == {"GPE", "LOC", "FAC"}
    assert {t for t, target in mapping.items() if target == "MISC"} == {
        "NORP",
        "EVENT",
        "PRODUCT",
        "LAW",
        "WORK_OF_ART",
        "LANGUAGE",
    }
    assert (mapping["PERSON"], mapping["ORG"]) == ("PER", "ORG")
    assert {t for t, target in mapping.items() if target is None} == {
        "DATE",
        "TIME",
        "PERCENT",
        "MONEY",
        "QUANTITY",
        "ORDINAL",
        "CARDINAL",
    }


def test_a_map_applies_to_ontonotes_types_and_keeps_target_types():
    conll = load_label_map("conll2003")
    entities = [EntityRecord(0, 2, "GPE"), EntityRecord(3, 7, "DATE"), EntityRecord(8, 9, "PER")]
    assert conll.apply(entities) == [EntityRecord(0, 2, "LOC"), EntityRecord(8, 9, "PER")]
    assert conll.signature_value() == "conll2003"


def test_a_map_file_must_map_every_type(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("PERSON: PER\nGPE: LOC\n")
    with pytest.raises(InputError, match="missing: NORP, FAC"):
        load_label_map(str(path))
    path.write_text("PERSONS: PER\n")
    with pytest.raises(InputError, match="'PERSONS' is not an OntoNotes entity type"):
        load_label_map(str(path))


def test_a_map_file_is_named_by_stem_and_digest(tmp_path):
    path = tmp_path / "coarse.yaml"
    path.write_text("".join(f"{t}: {'X' if t == 'PERSON' else 'null'}\n" for t in load_label_map("conll2003").mapping))
    loaded = load_label_map(str(path))
    assert loaded.signature_value() == f"coarse@{loaded.digest[:8]}"
    assert loaded.targets == {"X"}


def test_tag_chunks_read_ill_formed_sequences_as_seqeval_does():
    rng = random.Random(7)
    tags = ["O"] + [f"{p}-{t}" for p in "BIES" for t in ("PER", "LOC")]
    for _ in range(5000):
        sequence = [rng.choice(tags) for _ in range(rng.randint(0, 9))]
        expected = sorted((label, start, end + 1) for label, start, end in get_entities(sequence))
        assert sorted(tag_chunks(sequence)) == expected, sequence


@pytest.mark.parametrize(
    "tags, chunks",
    [
        (["B-PER", "I-PER", "O", "B-LOC"], [("PER", 0, 2), ("LOC", 3, 4)]),  # IOB2
        (["B-PER", "E-PER", "O", "S-LOC"], [("PER", 0, 2), ("LOC", 3, 4)]),  # IOBES
        (["I-PER", "I-PER", "O", "I-LOC"], [("PER", 0, 2), ("LOC", 3, 4)]),  # IO
        (["I-PER", "I-LOC", "B-LOC", "E-PER"], [("PER", 0, 1), ("LOC", 1, 2), ("LOC", 2, 3), ("PER", 3, 4)]),
    ],
)
def test_every_scheme_reads_to_the_same_chunks(tags, chunks):
    assert tag_chunks(tags) == chunks


def test_chunks_become_spans_over_the_tokens():
    text = "Antony Blinken met\u00a0NATO’s chief."
    tokens = tokenize(text)
    assert [t.text for t in tokens] == ["Antony", "Blinken", "met", "NATO", "’s", "chief", "."]
    entities = entities_from_tags(tokens, ["B-PER", "I-PER", "O", "S-ORG", "O", "O", "O"])
    assert [(text[e["start"] : e["end"]], e["type"]) for e in entities] == [("Antony Blinken", "PER"), ("NATO", "ORG")]


def test_class_label_ids_and_bad_tags():
    assert tags_as_strings([0, 2, 1], ["O", "B-X", "I-X"]) == ["O", "I-X", "B-X"]
    with pytest.raises(ValueError, match="outside 0..2"):
        tags_as_strings([3], ["O", "B-X", "I-X"])
    with pytest.raises(ValueError, match="neither a tag nor a label id"):
        tags_as_strings([True], ["O"])
