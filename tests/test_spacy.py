"""spaCy: a saved pipeline scored as a system, and the gold as a DocBin. No downloads."""

import pytest
import spacy

from benchmark.corpus import load_shipped
from benchmark.formats.spacy_io import to_docbin
from benchmark.jsonl import parse_prediction
from benchmark.systems.spacy_system import SpacySystem, load_spacy_system
from tests.test_formats_brat import synthetic_document

NAMES = {"Antony Blinken": "PERSON", "Jens Stoltenberg": "PERSON", "Alexander Grushko": "PERSON",
         "NATO": "ORG", "Ukraine": "GPE", "Belarus": "GPE"}


@pytest.fixture(scope="module")
def pipeline_path(tmp_path_factory):
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": label, "pattern": name} for name, label in NAMES.items()])
    path = tmp_path_factory.mktemp("pipeline") / "ruler-en"
    nlp.to_disk(path)
    return path


def test_saved_pipeline_predicts_valid_entities_with_offsets(pipeline_path):
    document = load_shipped()[0]
    system = load_spacy_system(str(pipeline_path))
    assert isinstance(system, SpacySystem) and system.layers == ("entities",)
    assert system.name == f"spacy:{pipeline_path}"
    prediction = system.predict({"id": document.id, "text": document.text, "date": document.date,
                                 "language": "en"})
    system.close()
    records, problems = parse_prediction(prediction, document.text, system.name, 1)
    assert problems == []
    found = {(e["text"], e["type"]) for e in prediction["entities"]}
    assert found == set(NAMES.items())
    for entity in prediction["entities"]:
        assert document.text[entity["start"]:entity["end"]] == entity["text"]
    blinken = document.text.index("Antony Blinken")
    assert {(e.start, e.end, e.type) for e in records.entities} >= {(blinken, blinken + 14, "PERSON")}


def test_unknown_pipeline_is_an_input_error(tmp_path):
    from benchmark.errors import InputError

    with pytest.raises(InputError, match="cannot be loaded"):
        SpacySystem(str(tmp_path / "no-such-pipeline"))


@pytest.mark.parametrize("document", [synthetic_document(), *load_shipped()], ids=lambda d: d.id)
def test_docbin_round_trip_keeps_entities_and_sentences(document, tmp_path):
    path = tmp_path / "gold.spacy"
    to_docbin([document]).to_disk(path)
    nlp = spacy.blank("en")
    (doc,) = spacy.tokens.DocBin().from_disk(path).get_docs(nlp.vocab)
    assert doc.text == document.text
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == \
           sorted((e.span.start, e.span.end, e.type) for e in document.entities)
    starts = {s.start_char for s in doc.sents}
    assert {s.span.start for s in document.sentences} <= starts
    assert doc.user_data["doc_id"] == document.id


def test_spacy_pipeline_scores_through_the_cli(pipeline_path, tmp_path):
    import json

    from .conftest import run_cli

    out = tmp_path / "spacy.json"
    result = run_cli("evaluate", "--system", f"spacy:{pipeline_path}", "--bootstrap", "50",
                     "--output", str(out))
    assert result.returncode == 0, result.stderr
    record = json.loads(out.read_text())
    assert record["system"]["layers"] == ["entities"]
    # Each of the 20 occurrences of the six names in the article is a gold entity of the ruler's type.
    strict = record["layers"]["entities"]["metrics"]["strict"]
    assert (strict["correct"], strict["spurious"]) == (20, 0)
    assert record["layers"]["quotes"] == {"status": "not attempted"}
