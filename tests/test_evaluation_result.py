"""The result object of the typed API: still the plain result dict, shown as the HTML report in a
notebook, with its tables as pandas DataFrames (pinned on the rules output)."""

import copy
import html
import json
import os
import pickle
import subprocess
import sys
from html.parser import HTMLParser

import pandas as pd
import pytest

from benchmark.errors import InputError
from benchmark.evaluation import EvaluationConfig, evaluate
from benchmark.evaluation_result import EvaluationResult
from benchmark.model import LAYERS
from benchmark.results import to_json

from .conftest import ROOT, run_cli
from .test_report import hostile_gold
from .test_rules_system import RULES_HEADLINES

SETTINGS = {"bootstrap": 1000, "seed": 13, "progress": False}


@pytest.fixture(scope="module")
def rules() -> EvaluationResult:
    return evaluate(system="rules", **SETTINGS)


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    """The same run through the CLI, and ``benchmark report`` on its result file."""
    folder = tmp_path_factory.mktemp("cli")
    env = {**os.environ, "DIPLOMACY_IE_CACHE": str(folder / "cache")}
    result, report = folder / "rules.json", folder / "report.html"
    done = run_cli("evaluate", "--system", "rules", "--quiet", "--output", str(result), env=env)
    assert done.returncode == 0, done.stderr
    assert run_cli("report", str(result), "-o", str(report), env=env).returncode == 0
    return result, report.read_text(encoding="utf-8")


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def framed_page(fragment: str) -> str:
    """The page inside the notebook fragment, which must be one sandboxed iframe and nothing else."""
    parser = _Tags()
    parser.feed(fragment)
    ((tag, attrs),) = parser.tags
    assert tag == "iframe" and attrs["sandbox"] == "allow-scripts"
    assert fragment.endswith("></iframe>") and fragment.count("<") == 2
    return attrs["srcdoc"]


# --- still the plain result dict ------------------------------------------------------------------


def test_it_is_the_result_dict_of_the_cli_and_round_trips_through_json(rules, cli_run):
    assert isinstance(rules, dict) and type(rules) is EvaluationResult
    as_json = json.dumps(rules)
    assert json.loads(as_json) == rules and type(json.loads(as_json)) is dict
    assert json.loads(to_json(rules)) == json.loads(cli_run[0].read_text(encoding="utf-8"))
    assert EvaluationResult(json.loads(as_json)) == rules
    assert pickle.loads(pickle.dumps(rules)) == rules and copy.deepcopy(rules) == rules


def test_a_config_keywords_or_both_give_the_same_run(rules):
    config = EvaluationConfig(system="rules", **SETTINGS)
    assert evaluate(config) == rules
    assert evaluate(EvaluationConfig(system="empty", **SETTINGS), system="rules") == rules
    assert config.system == "rules"  # the caller's config is not changed
    only = evaluate(system="rules", layers="entities, quotes", bootstrap=0, progress=False)
    assert only["system"]["layers"] == ["entities", "quotes"]
    assert only == evaluate(system="rules", layers=["entities", "quotes"], bootstrap=0, progress=False)
    assert evaluate(system="empty", shard="1/2", bootstrap=0, progress=False)["config"]["shard"]["index"] == 1
    with pytest.raises(TypeError, match="sytem"):
        evaluate(sytem="rules")
    with pytest.raises(InputError, match="is not I/N"):
        evaluate(system="rules", shard="2-7")


def test_its_repr_is_a_one_line_summary(rules):
    assert repr(rules) == (
        "<EvaluationResult of 'rules': entities strict 0.986, coref conll 0.618, "
        "quotes attribution 0.968, events trigger_c 0.857, timexes relaxed 1.000>"
    )


# --- the HTML report -------------------------------------------------------------------------------


def test_in_a_notebook_it_shows_the_page_benchmark_report_writes(rules, cli_run):
    page = cli_run[1]
    assert rules.report_html() == page
    assert framed_page(rules._repr_html_()) == page
    assert html.unescape(rules._repr_html_().split('srcdoc="', 1)[1].rsplit('"></iframe>', 1)[0]) == page
    # Read back from the result file, it draws the same page from the shipped gold.
    assert EvaluationResult.read(cli_run[0]).report_html() == page


def test_it_keeps_the_gold_it_was_scored_on(tmp_path):
    gold, predictions = hostile_gold(tmp_path)
    result = evaluate(gold=str(gold), predictions=str(predictions), bootstrap=0, progress=False)
    assert result.gold == gold and result.gold_streaming is False
    path = tmp_path / "result.json"
    path.write_text(to_json(result), encoding="utf-8")
    report = tmp_path / "report.html"
    assert run_cli("report", str(path), "--gold", str(gold), "-o", str(report)).returncode == 0
    page = report.read_text(encoding="utf-8")
    assert EvaluationResult.read(path, gold=gold).report_html() == page
    with pytest.raises(InputError, match="--gold FILE"):
        EvaluationResult.read(path).report_html()  # not the shipped gold
    gold.unlink()  # the object kept the texts of its run
    assert framed_page(result._repr_html_()) == page


# --- pandas DataFrames, pinned on the rules output -------------------------------------------------


def test_headlines_frame(rules):
    frame = rules.headlines_frame()
    assert list(frame.index) == list(LAYERS) and frame.index.name == "layer"
    assert list(frame.columns) == ["status", "metric", "value", "ci95_low", "ci95_high"]
    assert {
        layer: (row.metric, row.value, (row.ci95_low, row.ci95_high)) for layer, row in frame.iterrows()
    } == RULES_HEADLINES
    partial = evaluate(system="rules", layers="quotes", bootstrap=0, progress=False).headlines_frame()
    assert partial["status"].to_dict() == {
        layer: "scored" if layer == "quotes" else "not attempted" for layer in LAYERS
    }
    assert partial.loc["quotes", "ci95_low"] is None and partial["value"].isna().sum() == 4


def test_metrics_frame(rules):
    frame = rules.metrics_frame()
    assert frame.index.names == ["layer", "metric"] and len(frame) == 4 + 5 + 4 + 8 + 4
    assert list(frame.columns[:3]) == ["precision", "recall", "f1"]
    assert frame.loc[("coref", "conll"), "f1"] == RULES_HEADLINES["coref"][1]
    entities = rules.metrics_frame("entities")
    assert list(entities.index) == ["strict", "exact", "partial", "ent_type"] and entities.index.name == "metric"
    assert entities.loc[
        "strict", ["correct", "incorrect", "partial", "missed", "spurious", "possible", "actual"]
    ].tolist() == [71, 1, 0, 0, 0, 72, 72]
    quotes = rules.metrics_frame("quotes")
    assert list(quotes.columns) == ["precision", "recall", "f1", "correct", "predicted", "found", "gold"]
    assert quotes.loc["attribution"].tolist() == [1.0, 0.9375, RULES_HEADLINES["quotes"][1], 15, 15, 15, 16]
    with pytest.raises(ValueError, match="not scored"):
        evaluate(system="rules", layers="quotes", bootstrap=0, progress=False).metrics_frame("entities")
    with pytest.raises(ValueError, match="unknown layer 'entity'"):
        rules.metrics_frame("entity")


def test_per_label_frame(rules):
    entities = rules.per_label_frame("entities")
    assert entities.index.names == ["label", "metric"] and len(entities) == 8 * 4
    assert sorted(set(entities.index.get_level_values("label"))) == [
        "CARDINAL",
        "DATE",
        "GPE",
        "LOC",
        "NORP",
        "ORG",
        "PERSON",
        "PRODUCT",
    ]
    assert entities.loc[("GPE", "strict"), ["correct", "incorrect", "possible"]].tolist() == [32, 1, 33]
    every = rules.per_label_frame()
    assert every.index.names == ["layer", "label", "metric"]
    assert len(every) == sum(
        len(by_metric) for block in rules["layers"].values() for by_metric in block["per_label"].values()
    )
    pd.testing.assert_frame_equal(every.loc["entities"][entities.columns], entities, check_dtype=False)


def test_errors_frame(rules):
    counts = {layer: len(rules["layers"][layer]["errors"]) for layer in LAYERS}
    assert counts == {"entities": 1, "coref": 23, "quotes": 1, "events": 59, "timexes": 0}
    (entity,) = rules.errors_frame("entities").to_dict("records")
    assert entity == {
        "document": "us-nato-responses-2022-01-26",
        "sentence": "S16",
        "category": "boundary",
        "outcome": "boundary",
        "also": "",
        "gold": '"The US" GPE',
        "pred": '"US" GPE',
        "start": 2333,
        "end": 2339,
        "context": rules["layers"]["entities"]["errors"][0]["context"],
    }
    (quote,) = rules.errors_frame("quotes").itertuples()
    assert (quote.category, quote.pred, quote.start, quote.end) == ("missed", "-", 2033, 2073)
    events = rules.errors_frame("events")
    assert events["category"].value_counts().to_dict() == {
        "missing_argument": 34,
        "spurious_argument": 11,
        "missed_trigger": 6,
        "wrong_fine_code": 5,
        "wrong_root": 1,
        "wrong_realis": 1,
        "wrong_role": 1,
    }
    assert events["also"].tolist().count("wrong_realis") == 1
    assert list(rules.errors_frame("timexes").columns) == list(rules.errors_frame("entities").columns)
    every = rules.errors_frame()
    assert every["layer"].value_counts().to_dict() == {layer: n for layer, n in counts.items() if n}
    with_correct = rules.errors_frame("entities", correct=True)
    assert len(with_correct) == 72 and with_correct["category"].value_counts().to_dict() == {
        "correct": 71,
        "boundary": 1,
    }


def test_the_readme_notebook_example_runs(tmp_path):
    """In a fresh interpreter, as a new notebook kernel runs it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("## In a notebook\n", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    check = (
        "\nimport json\nfrom benchmark.evaluation_result import EvaluationResult\n"
        "print(json.dumps([type(result) is EvaluationResult, result.headlines_frame()['metric'].tolist()]))\n"
    )
    env = {**os.environ, "DIPLOMACY_IE_CACHE": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", example + check], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [True, [metric for metric, _, _ in RULES_HEADLINES.values()]]
