"""Error records (``layers.<layer>.errors`` / ``correct`` / ``error_counts``): they come from
the matchings the metrics use, so their counts add up to the metrics' counts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from nervaluate import Evaluator

from benchmark.evaluation import EvaluationConfig, evaluate
from benchmark.metrics.entities import SCHEMES, score_entities
from benchmark.metrics.outcomes import CATEGORIES, OUTCOMES, coarse_outcome
from benchmark.metrics.outcomes.entities import scheme_counts
from benchmark.metrics.timexes import score_timexes
from benchmark.records import DocRecords, EntityRecord, TimexRecord
from benchmark.systems.rules import RulesSystem
from tests.outcome_cases import EXPECTED, gold_record, write_one_error_of_each_kind

RECORD_KEYS = {"category", "outcome", "also", "gold", "pred", "document", "sentence", "context", "context_start"}


def score_file(path) -> dict:
    return evaluate(EvaluationConfig(predictions=path, bootstrap=0, progress=False))


@pytest.fixture(scope="module")
def rules_prediction() -> dict:
    gold = gold_record()
    return {
        "id": gold["id"],
        **RulesSystem().predict({"id": gold["id"], "text": gold["text"], "date": gold["date"], "language": "en"}),
    }


@pytest.fixture(scope="module")
def rules_result(rules_prediction, tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("rules") / "rules.jsonl"
    path.write_text(json.dumps(rules_prediction) + "\n", encoding="utf-8")
    return score_file(path)


@pytest.fixture(scope="module")
def one_of_each_result(tmp_path_factory) -> dict:
    return score_file(write_one_error_of_each_kind(tmp_path_factory.mktemp("one") / "one.jsonl"))


def records(block: dict) -> list[dict]:
    return block["errors"] + block["correct"]


def anywhere(block: dict, category: str) -> int:
    """Records whose category, or one of whose further errors, is ``category``."""
    return sum(category == r["category"] or category in r["also"] for r in records(block))


def assert_entities_add_up(block: dict) -> None:
    for scheme in SCHEMES:
        metrics = block["metrics"][scheme]
        assert scheme_counts(block["error_counts"], scheme) == {
            k: metrics[k] for k in ("correct", "incorrect", "partial", "missed", "spurious")
        }, scheme


def assert_quotes_add_up(block: dict) -> None:
    counts, metrics = block["error_counts"], block["metrics"]
    pairs = sum(counts.values()) - counts["missed"] - counts["spurious"]
    partial = metrics["content_partial"]
    assert (partial["correct"], partial["gold"], partial["predicted"]) == (
        pairs,
        pairs + counts["missed"],
        pairs + counts["spurious"],
    )
    assert metrics["attribution"]["correct"] == pairs - counts["wrong_speaker"]
    assert metrics["content_exact"]["correct"] == pairs - anywhere(block, "content_boundary")
    if pairs:
        assert block["accuracies"]["source"] == pytest.approx(1 - counts["wrong_speaker"] / pairs)
        assert block["accuracies"]["kind"] == pytest.approx(1 - anywhere(block, "wrong_kind") / pairs)


EVENT_PAIR_CATEGORIES = ("correct", "wrong_quad", "wrong_root", "wrong_fine_code", "wrong_realis", "wrong_polarity")


def assert_events_add_up(block: dict) -> None:
    counts, metrics = block["error_counts"], block["metrics"]
    pairs = sum(counts[c] for c in EVENT_PAIR_CATEGORIES)
    trigger_i = metrics["trigger_i"]
    assert (trigger_i["correct"], trigger_i["gold"], trigger_i["predicted"]) == (
        pairs,
        pairs + counts["missed_trigger"],
        pairs + counts["spurious_trigger"],
    )
    assert metrics["trigger_c"]["correct"] == pairs - counts["wrong_root"] - counts["wrong_quad"]
    assert metrics["quad"]["correct"] == pairs - counts["wrong_quad"]
    assert (
        metrics["trigger_c_fine"]["correct"]
        == pairs - counts["wrong_root"] - counts["wrong_quad"] - counts["wrong_fine_code"]
    )
    found = counts["correct_argument"] + counts["wrong_role"]
    assert metrics["arg_c"]["correct"] == counts["correct_argument"]
    for metric in ("arg_i", "arg_c"):
        assert metrics[metric]["gold"] == found + counts["missing_argument"]
        assert metrics[metric]["predicted"] == found + counts["spurious_argument"]
    assert metrics["arg_i"]["correct"] == found
    if pairs:
        for attribute in ("realis", "polarity"):
            assert block["accuracies"][attribute] == pytest.approx(1 - anywhere(block, f"wrong_{attribute}") / pairs)


def assert_timexes_add_up(block: dict) -> None:
    counts, metrics = block["error_counts"], block["metrics"]
    pairs = sum(counts.values()) - counts["missed"] - counts["spurious"]
    relaxed = metrics["relaxed"]
    assert (relaxed["correct"], relaxed["gold"], relaxed["predicted"]) == (
        pairs,
        pairs + counts["missed"],
        pairs + counts["spurious"],
    )
    assert metrics["strict"]["correct"] == pairs - anywhere(block, "boundary")
    assert metrics["type"]["correct"] == pairs - anywhere(block, "wrong_type")
    assert metrics["value"]["correct"] == pairs - anywhere(block, "wrong_value")


def assert_coref_adds_up(block: dict) -> None:
    """Every twinless mention is listed once, as unmatched in the record of its own cluster."""
    mentions = block["extra"]["mentions"]
    gold_side = [r for r in block["errors"] if r["category"] in ("missed", "split", "missed_mentions")]
    pred_side = [r for r in block["errors"] if r["category"] in ("spurious", "merged", "spurious_mentions")]
    assert sum(len(r["gold"][0]["unmatched"]) for r in gold_side) == mentions["gold"] - mentions["correct"]
    assert sum(len(r["pred"][0]["unmatched"]) for r in pred_side) == mentions["predicted"] - mentions["correct"]
    for record in block["correct"]:
        assert [m for m in record["gold"][0]["mentions"]] == record["pred"][0]["mentions"]
    assert all(len(r["pred"]) > 1 for r in block["errors"] if r["category"] == "split")
    assert all(len(r["gold"]) > 1 for r in block["errors"] if r["category"] == "merged")


ADD_UP = {
    "entities": assert_entities_add_up,
    "quotes": assert_quotes_add_up,
    "events": assert_events_add_up,
    "timexes": assert_timexes_add_up,
    "coref": assert_coref_adds_up,
}


def assert_well_formed(layer: str, block: dict) -> None:
    assert set(block["error_counts"]) == set(CATEGORIES[layer])
    assert len(block["errors"]) + len(block["correct"]) == sum(block["error_counts"].values())
    assert set(block["outcome_counts"]) == set(OUTCOMES)
    assert sum(block["outcome_counts"].values()) == sum(block["error_counts"].values())
    for record in records(block):
        assert set(record) == RECORD_KEYS
        assert record["outcome"] == coarse_outcome(layer, [record["category"], *record["also"]])
        assert (record["outcome"] == "correct") == (record in block["correct"])


@pytest.mark.parametrize("layer", list(ADD_UP))
def test_counts_add_up_on_the_rules_output(rules_result, layer):
    block = rules_result["layers"][layer]
    assert_well_formed(layer, block)
    ADD_UP[layer](block)


@pytest.mark.parametrize("layer", list(ADD_UP))
def test_one_error_of_each_kind_is_counted_in_its_category(one_of_each_result, layer):
    block = one_of_each_result["layers"][layer]
    assert block["error_counts"] == EXPECTED[layer]
    assert_well_formed(layer, block)
    ADD_UP[layer](block)


def test_entity_categories_match_nervaluate_on_the_rules_output(rules_result, rules_prediction):
    """nervaluate 1.2.1 on the same spans (inclusive ends) gives each scheme's counts."""
    gold = gold_record()["entities"]
    as_dicts = [
        [{"label": e["type"], "start": e["start"], "end": e["end"] - 1} for e in entities]
        for entities in (gold, rules_prediction["entities"])
    ]
    labels = sorted({e["label"] for entities in as_dicts for e in entities})
    theirs = Evaluator([as_dicts[0]], [as_dicts[1]], tags=labels, loader="dict").evaluate()["overall"]
    counts = rules_result["layers"]["entities"]["error_counts"]
    for scheme in SCHEMES:
        assert scheme_counts(counts, scheme) == {
            k: getattr(theirs[scheme], k) for k in ("correct", "incorrect", "partial", "missed", "spurious")
        }


def test_a_record_carries_its_items_sentence_and_context(one_of_each_result):
    record = next(r for r in one_of_each_result["layers"]["entities"]["errors"] if r["category"] == "boundary")
    assert record["gold"] == {"start": 63, "end": 80, "text": "The United States", "type": "GPE"}
    assert record["pred"] == {"start": 67, "end": 80, "text": "United States", "type": "GPE"}
    assert record["sentence"] == "S2"
    text = gold_record()["text"]
    start = record["context_start"]
    assert text[start : start + len(record["context"])] == record["context"]
    assert start <= 63 and start + len(record["context"]) >= 80


def test_secondary_errors_are_kept_in_also_and_decide_the_outcome():
    text = "On Wednesday we met."
    gold = [DocRecords("d", timexes=[TimexRecord(3, 12, "DATE", "2022-01-26")], text=text)]
    pred = [DocRecords("d", timexes=[TimexRecord(0, 12, "TIME", "2022-01-26")])]
    (record,) = score_timexes(gold, pred, outcomes=True).outcomes
    assert (record["category"], record["also"], record["outcome"]) == ("boundary", ["wrong_type"], "boundary-type")
    assert record["sentence"] is None and record["context"] == text


def test_entity_records_do_not_depend_on_list_order():
    gold = [DocRecords("d", entities=[EntityRecord(0, 10, "PERSON"), EntityRecord(20, 25, "ORG")])]
    orders = (
        [EntityRecord(0, 4, "PERSON"), EntityRecord(0, 10, "PERSON"), EntityRecord(21, 25, "GPE")],
        [EntityRecord(21, 25, "GPE"), EntityRecord(0, 10, "PERSON"), EntityRecord(0, 4, "PERSON")],
    )
    results = [score_entities(gold, [DocRecords("d", entities=pred)], outcomes=True).outcomes for pred in orders]
    assert results[0] == results[1]
    assert [r["category"] for r in results[0]] == ["spurious", "correct", "boundary-type"]


def test_outcomes_are_off_unless_asked():
    gold = [DocRecords("d", entities=[EntityRecord(0, 2, "GPE")])]
    assert score_entities(gold, gold).outcomes is None


def test_the_readme_example_record_is_what_the_rules_output_gives(rules_result):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(\{\"category\": \"boundary\".*?)```", readme, re.S).group(1))
    assert example == rules_result["layers"]["entities"]["errors"][0]
