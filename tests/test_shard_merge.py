"""Sharded runs (`evaluate --shard I/N`) merged by `benchmark merge` equal the unsharded run exactly:
every metric, per-label and macro figure, accuracy, IOB2 view and CI."""

import json

import pytest

from benchmark.errors import InputError
from benchmark.evaluation import EvaluationConfig, evaluate
from benchmark.merge import merge_results, read_shard
from benchmark.model import LAYERS
from benchmark.results import to_json
from benchmark.shard import Shard

from .conftest import run_cli
from .synthetic_corpus import generate_gold, write_corpus, write_jsonl

BOOTSTRAP, SEED = 200, 7


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("corpus"), n_documents=53)


def run(corpus, shard=None, **overrides):
    gold, predictions = corpus
    settings = dict(
        predictions=predictions,
        gold=gold,
        bootstrap=BOOTSTRAP,
        seed=SEED,
        lenient=True,
        progress=False,
        cache=False,
        shard=shard,
    )
    return evaluate(EvaluationConfig(**{**settings, **overrides}))


def write_shards(corpus, folder, count, **overrides):
    paths = []
    for index in range(1, count + 1):
        path = folder / f"shard-{index}-of-{count}.json"
        path.write_text(to_json(run(corpus, Shard(index, count), **overrides)), encoding="utf-8")
        paths.append(path)
    return paths


def merged(paths):
    return merge_results([read_shard(p) for p in paths])


@pytest.fixture(scope="module")
def unsharded(corpus):
    return run(corpus)


def test_the_corpus_exercises_every_layer_with_errors(unsharded):
    assert len(unsharded["dataset"]["documents"]) >= 50
    for layer in LAYERS:
        block = unsharded["layers"][layer]
        assert block["status"] == "scored", layer
        assert 0.3 < block["headline"]["value"] < 0.99, layer
        low, high = block["headline"]["ci95"]
        assert low < high, layer
    entities = unsharded["layers"]["entities"]
    assert len(entities["per_label"]) >= 5
    # every kind of entity pair occurs: same span or overlap, same type or not
    strict, exact, partial = (entities["metrics"][s] for s in ("strict", "exact", "partial"))
    assert strict["correct"] < exact["correct"] and exact["incorrect"] > 0 and partial["partial"] > 0
    assert entities["metrics"]["ent_type"]["incorrect"] > strict["incorrect"] - exact["incorrect"] > 0
    assert unsharded["failures"] and unsharded["dropped_items"] > 0
    assert all(v is not None and v < 1 for v in unsharded["layers"]["quotes"]["accuracies"].values())


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_merged_shards_equal_the_unsharded_run(corpus, unsharded, tmp_path, count):
    paths = write_shards(corpus, tmp_path, count)
    result = merged(paths)
    for key, value in unsharded.items():
        assert result[key] == value, key  # exact: floats included
    assert result["merged"] == {"shards": count}
    shards = [json.loads(p.read_text()) for p in paths]
    assert sum(len(s["dataset"]["documents"]) for s in shards) == len(unsharded["dataset"]["documents"])
    if count > 1:  # each shard alone scores differently from the whole
        assert shards[0]["layers"]["entities"]["metrics"] != unsharded["layers"]["entities"]["metrics"]


def test_a_shard_is_round_robin_and_recorded(corpus, unsharded):
    shard = run(corpus, Shard(2, 3))
    assert shard["dataset"]["documents"] == unsharded["dataset"]["documents"][1::3]
    assert shard["config"]["shard"] == {"index": 2, "count": 3, "total_documents": 53}
    assert "|seed:7|lenient:yes|shard:2/3|harness:" in shard["signature"]
    for layer in LAYERS:
        tallies = shard["layers"][layer]["tallies"]
        assert len(tallies) == len(shard["dataset"]["documents"])
        assert sum(t["units"] for t in tallies) == len(shard["layers"][layer]["units"]["stats"])
    assert "tallies" not in unsharded["layers"]["entities"]


def test_shards_with_limit_merge_to_the_limited_run(corpus, tmp_path):
    assert merged(write_shards(corpus, tmp_path, 3, limit=20))["layers"] == run(corpus, limit=20)["layers"]


def test_more_shards_than_documents_merge(corpus, tmp_path):
    assert merged(write_shards(corpus, tmp_path, 7, limit=4))["layers"] == run(corpus, limit=4)["layers"]


@pytest.fixture(scope="module")
def three_shards(corpus, tmp_path_factory):
    return write_shards(corpus, tmp_path_factory.mktemp("three"), 3)


def test_missing_shards_are_named(three_shards):
    with pytest.raises(InputError, match=r"shard\(s\) 2 of 3 missing"):
        merged([three_shards[0], three_shards[2]])


def test_overlapping_shards_are_refused(three_shards):
    with pytest.raises(InputError, match="shard 2/3 is given twice"):
        merged([three_shards[0], three_shards[1], three_shards[1], three_shards[2]])


def test_shards_of_another_gold_are_refused(corpus, three_shards, tmp_path):
    records = [json.loads(line) for line in corpus[0].read_text().splitlines()]
    records[-1]["date"] = "2020-01-01"
    other_gold = write_jsonl(records, tmp_path / "other-gold.jsonl")
    other = tmp_path / "other.json"
    other.write_text(to_json(run((other_gold, corpus[1]), Shard(2, 3))))
    with pytest.raises(InputError, match="different runs: their signature"):
        merged([three_shards[0], other, three_shards[2]])


@pytest.mark.parametrize(
    "overrides, what",
    [
        ({"seed": 8}, "signature"),
        ({"lenient": False, "predictions": None, "system": "empty"}, "signature|system"),
    ],
)
def test_shards_of_another_system_or_settings_are_refused(corpus, three_shards, tmp_path, overrides, what):
    other = tmp_path / "other.json"
    other.write_text(to_json(run(corpus, Shard(3, 3), **overrides)))
    with pytest.raises(InputError, match=f"different runs: their ({what})"):
        merged([three_shards[0], three_shards[1], other])


def test_a_result_without_shard_or_not_a_result_is_refused(unsharded, tmp_path):
    path = tmp_path / "whole.json"
    path.write_text(to_json(unsharded))
    with pytest.raises(InputError, match="no config.shard"):
        read_shard(path)
    for text in ('{"config": {"shard": {"index": 1, "count": 1, "total_documents": 1}}}', "[1]", "not json"):
        path.write_text(text)
        with pytest.raises(InputError, match="is not a result file|not valid JSON"):
            read_shard(path)


def test_a_shard_whose_tallies_were_cut_is_refused(three_shards, tmp_path):
    record = json.loads(three_shards[1].read_text())
    record["layers"]["coref"]["tallies"].pop()
    cut = tmp_path / "cut.json"
    cut.write_text(json.dumps(record))
    with pytest.raises(InputError, match="layers.coref lacks one tally per document"):
        merged([three_shards[0], cut, three_shards[2]])


def test_merge_cli_writes_the_result_and_refuses_bad_input_with_exit_2(corpus, three_shards, unsharded, tmp_path):
    out = tmp_path / "merged.json"
    result = run_cli("merge", *map(str, three_shards), "-o", str(out))
    assert result.returncode == 3, result.stderr  # the run has a failure: as evaluate, exit 3
    assert "entities" in result.stdout and "FAILED" in result.stdout
    assert json.loads(out.read_text())["layers"] == unsharded["layers"]
    refused = tmp_path / "refused.json"
    result = run_cli("merge", str(three_shards[0]), str(three_shards[1]), "-o", str(refused))
    assert result.returncode == 2 and "shard(s) 3 of 3 missing" in result.stderr
    assert "Traceback" not in result.stderr and not refused.exists()


def test_evaluate_cli_shard_option(corpus, tmp_path):
    gold, predictions = corpus
    out = tmp_path / "s.json"
    result = run_cli(
        "evaluate",
        "--predictions",
        str(predictions),
        "--gold",
        str(gold),
        "--lenient",
        "--shard",
        "2/4",
        "--bootstrap",
        "50",
        "--output",
        str(out),
        "--format",
        "json",
    )
    record = json.loads(out.read_text())
    assert result.returncode == (3 if record["failures"] else 0), result.stderr
    assert record["config"]["shard"]["index"] == 2
    for bad in ("0/3", "4/3", "2", "a/b"):
        result = run_cli("evaluate", "--system", "empty", "--shard", bad)
        assert result.returncode == 2 and "--shard" in result.stderr and "Traceback" not in result.stderr


def test_generated_gold_is_valid():
    from benchmark.validate import check_document

    for doc in generate_gold(53):
        assert check_document(doc, doc.id, gold=False) == [], doc.id
