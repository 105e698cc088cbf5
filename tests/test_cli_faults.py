"""Bad input exits 2 naming file, line and item; a failing system exits 3 and the run goes on."""

import json

import pytest

from benchmark.corpus import load_shipped

from .conftest import DOC_ID, run_cli
from .conftest import evaluate_to_file as evaluate
from .conftest import write_python_system as write_system


def test_a_system_that_raises_on_one_document(tmp_path, three_doc_gold):
    spec = write_system(
        tmp_path,
        "def predict(doc):\n"
        "    if doc['id'] == 'doc2':\n        raise RuntimeError('model exploded')\n"
        "    return {'id': doc['id'], 'entities': [{'start': 0, 'end': 2, 'type': 'GPE'}]}\n",
    )
    result, record = evaluate(tmp_path, "--system", spec, "--gold", str(three_doc_gold), "--layers", "entities")
    assert result.returncode == 3
    assert "Traceback" not in result.stderr.splitlines()[0]
    assert "doc2" in result.stderr and "model exploded" in result.stderr
    assert [f["document"] for f in record["failures"]] == ["doc2"]
    strict = record["layers"]["entities"]["metrics"]["strict"]
    assert strict["correct"] == 2  # doc1 and doc3 were still scored


def test_fail_fast_stops_at_the_first_failure(tmp_path, three_doc_gold):
    spec = write_system(tmp_path, "def predict(doc):\n    raise ValueError('no')\n")
    result, record = evaluate(tmp_path, "--system", spec, "--gold", str(three_doc_gold), "--fail-fast")
    assert result.returncode == 3
    assert record["failures"][0]["document"] == "doc1"


def test_a_system_that_returns_garbage(tmp_path, three_doc_gold):
    spec = write_system(
        tmp_path,
        "def predict(doc):\n    return {'id': doc['id'], 'entities': [{'start': 5, 'end': 2, 'type': 'GPE'}]}\n",
    )
    result, record = evaluate(tmp_path, "--system", spec, "--gold", str(three_doc_gold), "--layers", "entities")
    assert result.returncode == 3
    assert {f["document"] for f in record["failures"]} == {"doc1", "doc2", "doc3"}
    assert "start must be >= 0 and before end" in record["failures"][0]["error"]


BAD_ITEMS = [
    ({"start": 0, "end": 5000, "type": "GPE"}, "run past the end of the text"),
    ({"start": 7, "end": 2, "type": "GPE"}, "start must be >= 0 and before end"),
    ({"start": 0, "end": 2, "type": "GPE", "text": "UK"}, "does not equal the document slice"),
    ({"start": 0, "end": 2, "type": "COUNTRY"}, "unknown entity type 'COUNTRY'"),
]


@pytest.mark.parametrize("item,message", BAD_ITEMS)
def test_invalid_prediction_items_exit_2(tmp_path, item, message):
    preds = tmp_path / "p.jsonl"
    preds.write_text(json.dumps({"id": DOC_ID, "entities": [item]}) + "\n", encoding="utf-8")
    result, record = evaluate(tmp_path, "--predictions", str(preds))
    assert result.returncode == 2 and record is None
    assert f"{preds}:1: entities[0]: " in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr


def test_byte_offsets_are_named(tmp_path, article_text):
    start = article_text.index("Antony Blinken")
    byte_start = len(article_text[:start].encode("utf-8"))
    assert byte_start != start  # curly quotes and no-break spaces take several bytes
    preds = tmp_path / "p.jsonl"
    span = {"start": byte_start, "end": byte_start + 14, "type": "PERSON", "text": "Antony Blinken"}
    preds.write_text(json.dumps({"id": DOC_ID, "entities": [span]}) + "\n", encoding="utf-8")
    result, _ = evaluate(tmp_path, "--predictions", str(preds))
    assert result.returncode == 2 and "fit UTF-8 bytes" in result.stderr


def test_utf16_offsets_are_named(tmp_path):
    # The article has no character outside the Basic Multilingual Plane, so its UTF-16
    # offsets equal code points; a text with an emoji tells them apart.
    text = "\U0001f600 Talks: NATO met Russia."
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps({"id": "emoji", "text": text, "entities": [{"start": 9, "end": 13, "type": "ORG"}]}) + "\n",
        encoding="utf-8",
    )
    preds = tmp_path / "p.jsonl"
    preds.write_text(
        json.dumps({"id": "emoji", "entities": [{"start": 10, "end": 14, "type": "ORG", "text": "NATO"}]}) + "\n",
        encoding="utf-8",
    )
    result, _ = evaluate(tmp_path, "--predictions", str(preds), "--gold", str(gold))
    assert result.returncode == 2 and "fit UTF-16 code units" in result.stderr


def test_unknown_and_duplicate_documents_exit_2(tmp_path):
    preds = tmp_path / "p.jsonl"
    preds.write_text(
        json.dumps({"id": "nope"}) + "\n" + json.dumps({"id": DOC_ID}) + "\n" + json.dumps({"id": DOC_ID}) + "\n",
        encoding="utf-8",
    )
    result, _ = evaluate(tmp_path, "--predictions", str(preds))
    assert result.returncode == 2
    assert f"{preds}:1: nope: unknown document id" in result.stderr
    assert f"{preds}:3: {DOC_ID}: duplicate document (first on line 2)" in result.stderr


def test_malformed_json_names_the_line(tmp_path):
    preds = tmp_path / "p.jsonl"
    preds.write_text(json.dumps({"id": DOC_ID}) + "\n{oops\n", encoding="utf-8")
    result, _ = evaluate(tmp_path, "--predictions", str(preds))
    assert result.returncode == 2 and f"{preds}:2: not valid JSON" in result.stderr


def test_lenient_drops_bad_items_and_counts_them(tmp_path):
    preds = tmp_path / "p.jsonl"
    good = {"start": 0, "end": 2, "type": "GPE"}
    preds.write_text(
        json.dumps({"id": DOC_ID, "entities": [good, BAD_ITEMS[0][0], BAD_ITEMS[3][0]]}) + "\n", encoding="utf-8"
    )
    result, record = evaluate(tmp_path, "--predictions", str(preds), "--lenient")
    assert result.returncode == 0, result.stderr
    assert record["dropped_items"] == 2
    assert record["layers"]["entities"]["metrics"]["strict"]["correct"] == 1


def test_unknown_system_gets_a_did_you_mean(tmp_path):
    result = run_cli("evaluate", "--system", "orcale")
    assert result.returncode == 2 and "oracle" in result.stderr and "Traceback" not in result.stderr


def test_nothing_is_written_on_bad_input(tmp_path):
    preds = tmp_path / "p.jsonl"
    preds.write_text("{oops\n", encoding="utf-8")
    out = tmp_path / "out.json"
    run_cli("evaluate", "--predictions", str(preds), "--output", str(out))
    assert not out.exists()


def test_brat_folder_as_predictions(tmp_path):
    from benchmark.formats.brat import write_brat

    folder = tmp_path / "brat"
    write_brat(load_shipped()[0], folder)
    result, record = evaluate(tmp_path, "--predictions", str(folder))
    assert result.returncode == 0, result.stderr
    assert all(block["headline"]["value"] == pytest.approx(1.0) for block in record["layers"].values())

    (folder / "stray.ann").write_text("", encoding="utf-8")
    result, _ = evaluate(tmp_path, "--predictions", str(folder))
    assert result.returncode == 2 and "stray.ann: document: unknown document id" in result.stderr


def test_a_predictions_file_declares_the_layers_it_has(tmp_path):
    preds = tmp_path / "p.jsonl"
    preds.write_text(
        json.dumps({"id": DOC_ID, "entities": [{"start": 0, "end": 2, "type": "GPE"}]}) + "\n", encoding="utf-8"
    )
    result, record = evaluate(tmp_path, "--predictions", str(preds))
    assert result.returncode == 0, result.stderr
    assert record["system"]["layers"] == ["entities"]
    assert record["layers"]["quotes"] == {"status": "not attempted"}


def test_a_file_system_is_input_like_predictions(tmp_path):
    preds = tmp_path / "p.jsonl"
    preds.write_text(json.dumps({"id": DOC_ID, "entities": [BAD_ITEMS[3][0]]}) + "\n", encoding="utf-8")
    result, _ = evaluate(tmp_path, "--system", f"file:{preds}")
    assert result.returncode == 2 and "unknown entity type 'COUNTRY'" in result.stderr
