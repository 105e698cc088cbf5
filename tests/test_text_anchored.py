"""Systems as people have them: spans given by their text, token tags, other label sets (issue 10)."""

from __future__ import annotations

import copy
import json

import pytest

from benchmark.align import DocumentIndex

from .conftest import DOC_ID, ROOT, evaluate_to_file, run_cli

GOLD_EXPORT = ROOT / "annotations" / "export" / "jsonl" / "gold.jsonl"
NER_ROWS = ROOT / "annotations" / "export" / "hf" / "ner" / "test.jsonl"
LAYERS = ("entities", "clusters", "quotes", "events", "timexes")


@pytest.fixture(scope="module")
def gold() -> dict:
    return json.loads(GOLD_EXPORT.read_text(encoding="utf-8"))


def text_only(gold: dict) -> dict:
    """The gold's layers with every span given by its text, and its occurrence where the text repeats."""
    index = DocumentIndex(gold["text"])

    def anchor(span: dict) -> dict:
        rest = {k: v for k, v in span.items() if k not in ("start", "end", "id")}
        found = index.occurrences(span["text"], "exact")
        assert (span["start"], span["end"]) in found, span
        if len(found) > 1:
            rest["occurrence"] = found.index((span["start"], span["end"])) + 1
        return rest

    def quote(q: dict) -> dict:
        spans = {key: anchor(q[key]) for key in ("cue", "source", "addressee") if q.get(key)}
        return {
            "kind": q["kind"],
            "content": [anchor(s) for s in q["content"]],
            **spans,
            **({"source_name": q["source_name"]} if "source_name" in q else {}),
        }

    return {
        "id": gold["id"],
        "entities": [anchor(e) for e in gold["entities"]],
        "clusters": [[anchor(m) for m in c["mentions"]] for c in gold["clusters"]],
        "quotes": [quote(q) for q in gold["quotes"]],
        "events": [
            {
                **{k: v for k, v in e.items() if k not in ("id", "trigger", "arguments")},
                "trigger": anchor(e["trigger"]),
                "arguments": [anchor(a) for a in e["arguments"]],
            }
            for e in gold["events"]
        ],
        "timexes": [anchor(t) for t in gold["timexes"]],
    }


def evaluate(tmp_path, record_or_lines, *args):
    lines = record_or_lines if isinstance(record_or_lines, list) else [record_or_lines]
    preds = tmp_path / "preds.jsonl"
    preds.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), encoding="utf-8")
    return evaluate_to_file(tmp_path, "--predictions", str(preds), *args)


def f1s(record: dict, layer: str) -> dict[str, float]:
    return {name: values["f1"] for name, values in record["layers"][layer]["metrics"].items()}


def test_a_text_only_copy_of_the_gold_scores_one_everywhere(tmp_path, gold):
    prediction = text_only(gold)
    assert '"start":' not in json.dumps(prediction) and '"end":' not in json.dumps(prediction)
    result, record = evaluate(tmp_path, prediction)
    assert result.returncode == 0, result.stderr
    for layer in ("entities", "coref", "quotes", "events", "timexes"):
        assert set(f1s(record, layer).values()) == {1.0}, (layer, f1s(record, layer))
        alignment = record["layers"][layer]["alignment"]
        assert alignment["unaligned"] == 0 and alignment["unaligned_items"] == []
        assert alignment["exact"] > 0 and alignment["normalized"] == alignment["casefold"] == 0
    assert (
        f"aligned by text: entities: exact {len(gold['entities'])}, normalized 0"
        in run_cli("evaluate", "--predictions", str(tmp_path / "preds.jsonl"), "--bootstrap", "0").stdout
    )


def test_an_invented_entity_is_one_spurious_item_listed_as_unaligned(tmp_path, gold):
    prediction = text_only(gold)
    prediction["entities"].append({"text": "Angela Merkel", "type": "PERSON"})
    result, record = evaluate(tmp_path, prediction, "--layers", "entities")
    assert result.returncode == 0, result.stderr
    strict = record["layers"]["entities"]["metrics"]["strict"]
    n = len(gold["entities"])
    assert (strict["correct"], strict["spurious"], strict["missed"]) == (n, 1, 0)
    assert strict["precision"] == n / (n + 1) and strict["recall"] == 1.0
    alignment = record["layers"]["entities"]["alignment"]
    assert alignment["unaligned"] == 1
    assert alignment["unaligned_items"] == [{"document": DOC_ID, "item": f"entities[{n}]", "text": "Angela Merkel"}]
    assert record["warnings"] == []  # an unaligned item is not a span off token boundaries


def test_each_tier_on_the_article(tmp_path, gold):
    text = gold["text"]
    curly, spaced, upper = "Russia's", "the crisis over Ukraine", "WASHINGTON"
    assert curly not in text and "Russia’s" in text  # curly apostrophe in the text
    assert spaced not in text and "the\u00a0crisis over Ukraine" in text  # a no-break space in the text
    assert upper not in text and "Washington" in text
    entities = [
        {"text": "Antony Blinken", "type": "PERSON"},
        {"text": curly, "type": "GPE"},
        {"text": spaced, "type": "EVENT"},
        {"text": upper, "type": "GPE"},
    ]
    result, record = evaluate(tmp_path, {"id": DOC_ID, "entities": entities}, "--layers", "entities")
    assert result.returncode == 0, result.stderr
    alignment = record["layers"]["entities"]["alignment"]
    assert (alignment["exact"], alignment["normalized"], alignment["casefold"], alignment["unaligned"]) == (1, 2, 1, 0)


def test_a_bad_occurrence_is_refused_with_its_reason(tmp_path):
    cases = [
        ({"text": "NATO", "type": "ORG", "occurrence": 0}, "'occurrence' must be a whole number from 1"),
        ({"text": "", "type": "ORG"}, "needs a non-empty 'text'"),
        ({"start": 7, "end": 11, "text": "NATO", "type": "ORG", "occurrence": 1}, "takes none"),
    ]
    for entity, needle in cases:
        result, record = evaluate(tmp_path, {"id": DOC_ID, "entities": [entity]})
        assert result.returncode == 2 and needle in result.stderr, result.stderr
        assert record is None and "Traceback" not in result.stderr


def test_fuzzy_alignment_is_asked_for_and_signed(tmp_path):
    prediction = {"id": DOC_ID, "entities": [{"text": "Antony Blinkenn", "type": "PERSON"}]}
    _, standard = evaluate(tmp_path, prediction, "--layers", "entities")
    assert standard["layers"]["entities"]["alignment"]["unaligned"] == 1
    assert "|align:" not in standard["signature"] and standard["config"]["align"] == "standard"
    _, fuzzy = evaluate(tmp_path, prediction, "--layers", "entities", "--align", "fuzzy")
    assert fuzzy["layers"]["entities"]["alignment"]["fuzzy"] == 1
    assert "|align:fuzzy|" in fuzzy["signature"]
    assert fuzzy["layers"]["entities"]["metrics"]["strict"]["correct"] == 1


# --- token tags -------------------------------------------------------------------------


def ner_rows() -> list[dict]:
    return [json.loads(line) for line in NER_ROWS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_ner_config_given_back_scores_one(tmp_path):
    result, record = evaluate(tmp_path, ner_rows())
    assert result.returncode == 0, result.stderr
    assert record["system"]["layers"] == ["entities"]
    assert set(f1s(record, "entities").values()) == {1.0}


def test_string_iobes_tags_in_a_document_line_score_one(tmp_path):
    from benchmark.formats.hf import NER_LABELS

    def iobes(tags: list[str]) -> list[str]:
        out = []
        for i, tag in enumerate(tags):
            following = tags[i + 1] if i + 1 < len(tags) else "O"
            continues = following.startswith("I-")
            if tag.startswith("B-"):
                out.append(tag if continues else "S-" + tag[2:])
            elif tag.startswith("I-"):
                out.append(tag if continues else "E-" + tag[2:])
            else:
                out.append(tag)
        return out

    sentences = [{"id": row["id"], "ner_tags": iobes([NER_LABELS[t] for t in row["ner_tags"]])} for row in ner_rows()]
    assert any(t.startswith("S-") for s in sentences for t in s["ner_tags"])
    result, record = evaluate(tmp_path, {"id": DOC_ID, "sentences": sentences})
    assert result.returncode == 0, result.stderr
    assert set(f1s(record, "entities").values()) == {1.0}


def test_tags_over_other_tokens_are_refused(tmp_path):
    rows = ner_rows()
    rows[0] = {**rows[0], "tokens": rows[0]["tokens"][:-1], "ner_tags": rows[0]["ner_tags"][:-1]}
    result, _ = evaluate(tmp_path, rows)
    assert result.returncode == 2
    assert f"for the {len(ner_rows()[0]['tokens'])} tokens of sentence {rows[0]['id']}" in result.stderr


@pytest.mark.parametrize("row_id", [["S1"], {"id": "S1"}, 1])
def test_a_tagged_sentence_whose_id_is_no_string_is_refused(tmp_path, row_id):
    row = {**ner_rows()[0], "id": row_id}
    result, _ = evaluate(tmp_path, {"id": DOC_ID, "sentences": [row]})
    assert result.returncode == 2, result.stderr
    assert "sentences[0]: names no sentence of the ner config" in result.stderr


# --- label maps -----------------------------------------------------------------------------

CONLL = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "LAW": "MISC",
    "WORK_OF_ART": "MISC",
    "LANGUAGE": "MISC",
}


def test_conll2003_scores_the_gold_as_a_hand_mapped_copy(tmp_path, gold):
    mapped = [{**e, "type": CONLL[e["type"]]} for e in gold["entities"] if e["type"] in CONLL]
    result, record = evaluate(tmp_path, {"id": DOC_ID, "entities": mapped}, "--label-map", "conll2003")
    assert result.returncode == 0, result.stderr
    strict = record["layers"]["entities"]["metrics"]["strict"]
    assert strict["f1"] == 1.0 and strict["correct"] == len(mapped)
    assert set(record["layers"]["entities"]["per_label"]) == {"PER", "ORG", "LOC", "MISC"}
    assert "|map:conll2003|" in record["signature"] and record["config"]["label_map"]["name"] == "conll2003"
    # Without the map, the CoNLL types are not OntoNotes types: refused, not scored as zero.
    refused, _ = evaluate(tmp_path, {"id": DOC_ID, "entities": mapped})
    assert refused.returncode == 2 and "unknown entity type 'PER'" in refused.stderr


def test_a_wrong_type_under_the_map_is_still_wrong(tmp_path, gold):
    entities = copy.deepcopy(gold["entities"])
    person = next(e for e in entities if e["type"] == "PERSON")
    person["type"] = "GPE"  # LOC under the map: still not PER
    _, record = evaluate(tmp_path, {"id": DOC_ID, "entities": entities}, "--label-map", "conll2003")
    strict = record["layers"]["entities"]["metrics"]["strict"]
    assert (
        strict["incorrect"] == 1 and strict["correct"] == len([e for e in gold["entities"] if e["type"] in CONLL]) - 1
    )


def test_sharded_text_anchored_runs_merge_to_the_unsharded_result(tmp_path, gold):
    from benchmark.evaluation import EvaluationConfig
    from benchmark.evaluation import evaluate as run_evaluation
    from benchmark.merge import merge_results, read_shard
    from benchmark.results import to_json
    from benchmark.shard import Shard

    ids = [f"doc{i}" for i in range(1, 6)]
    corpus, predictions = tmp_path / "gold.jsonl", tmp_path / "preds.jsonl"
    corpus.write_text("".join(json.dumps({**gold, "id": i}) + "\n" for i in ids), encoding="utf-8")
    text_anchored = text_only(gold)
    text_anchored["entities"].append({"text": "Angela Merkel", "type": "PERSON"})
    predictions.write_text("".join(json.dumps({**text_anchored, "id": i}) + "\n" for i in ids), encoding="utf-8")

    def run(shard=None):
        return run_evaluation(
            EvaluationConfig(predictions=predictions, gold=corpus, bootstrap=200, seed=3, progress=False, shard=shard)
        )

    whole = run()
    assert whole["layers"]["entities"]["alignment"]["unaligned"] == 5
    paths = []
    for index in (1, 2):
        paths.append(tmp_path / f"s{index}.json")
        paths[-1].write_text(to_json(run(Shard(index, 2))), encoding="utf-8")
    merged = merge_results([read_shard(p) for p in paths])
    for layer in ("entities", "coref", "quotes", "events", "timexes"):
        assert merged["layers"][layer] == whole["layers"][layer], layer


def test_an_llm_answering_with_strings_is_scored(tmp_path, gold):
    from .llm_stub import ChatStub, chat

    anchored = text_only(gold)

    def respond(request):
        key = request.layer_key()
        return chat(json.dumps({key: anchored[key]}, ensure_ascii=False))

    (tmp_path / "benchmark.yaml").write_text(
        "systems:\n  mygpt:\n    openai: {base_url: URL, model: stub}\n    layers: [entities, quotes, events]\n",
        encoding="utf-8",
    )
    with ChatStub(respond) as stub:
        config = (tmp_path / "benchmark.yaml").read_text(encoding="utf-8").replace("URL", stub.base_url)
        (tmp_path / "benchmark.yaml").write_text(config, encoding="utf-8")
        out = tmp_path / "out.json"
        result = run_cli(
            "evaluate", "--system", "mygpt", "--bootstrap", "0", "--format", "json", "--output", str(out), cwd=tmp_path
        )
    assert result.returncode == 0, result.stderr
    record = json.loads(out.read_text(encoding="utf-8"))
    for layer in ("entities", "quotes", "events"):
        assert record["layers"][layer]["headline"]["value"] == 1.0, layer
        assert record["layers"][layer]["alignment"]["unaligned"] == 0


def test_the_readme_examples_align_and_score(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Spans given by their text, token tags, other label sets")[1].split("### ")[0]
    blocks = [block.split("```", 1)[0] for block in section.split("```json\n")[1:]]
    anchored, row = json.loads(blocks[0]), json.loads(blocks[1])
    result, record = evaluate(tmp_path, anchored, "--layers", "entities,quotes")
    assert result.returncode == 0, result.stderr
    for layer in ("entities", "quotes"):
        assert record["layers"][layer]["alignment"]["unaligned"] == 0
    assert record["layers"]["quotes"]["metrics"]["attribution"]["correct"] == 1
    assert record["layers"]["entities"]["metrics"]["strict"]["correct"] == 2
    published = ner_rows()[0]
    assert row["id"] == published["id"] and len(row["ner_tags"]) == len(published["tokens"])
