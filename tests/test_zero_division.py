"""Undefined is reported as 0, and said so: every result records ``config.zero_division``, the
counts beside a figure tell an undefined 0 from a true one, and the tools that put results side by
side (leaderboard, compare, merge, report) refuse results that report undefined ratios differently."""

import json

import numpy as np
import pytest

from benchmark.errors import InputError
from benchmark.evaluation import EvaluationConfig, evaluate
from benchmark.merge import merge_results, read_shard
from benchmark.metrics import ZERO_DIVISION
from benchmark.metrics.bootstrap import headline_values
from benchmark.report.html import build_report
from benchmark.results import to_json
from benchmark.shard import Shard

from .conftest import ROOT, run_cli
from .test_leaderboard import made_result, refused, sentences, write

# For each layer, the counts that are the denominators of its metrics' precision and recall.
DENOMINATORS = {
    "entities": ("actual", "possible"),
    "coref": ("den_p", "den_r"),
    "quotes": ("predicted", "gold"),
    "events": ("predicted", "gold"),
    "timexes": ("predicted", "gold"),
}


@pytest.fixture(scope="module")
def empty_result() -> dict:
    return evaluate(EvaluationConfig(system="empty", bootstrap=50, progress=False))


def test_the_policy_is_zero_and_every_result_records_it(empty_result, tmp_path):
    assert ZERO_DIVISION == 0.0
    assert empty_result["config"]["zero_division"] == 0.0
    out = tmp_path / "r.json"
    assert run_cli("evaluate", "--system", "oracle", "--bootstrap", "0", "--output", str(out)).returncode == 0
    assert json.loads(out.read_text())["config"]["zero_division"] == 0.0
    for name in ("rules", "empty", "oracle"):
        assert json.loads((ROOT / "docs" / "results" / f"{name}.json").read_text())["config"]["zero_division"] == 0.0


def test_the_counts_tell_an_undefined_precision_from_a_true_zero_recall(empty_result):
    """The empty system predicts nothing: every precision is undefined (denominator 0) and reported
    as 0.0; every recall is a true 0 (gold items exist, none found); F1 is 0 with P + R = 0."""
    for layer, (den_p, den_r) in DENOMINATORS.items():
        for name, figures in empty_result["layers"][layer]["metrics"].items():
            if name == "conll":  # the mean of three F1s: no counts of its own
                continue
            assert figures[den_p] == 0 and figures["precision"] == ZERO_DIVISION, (layer, name)
            assert figures[den_r] > 0 and figures["recall"] == 0.0, (layer, name)
            assert figures["f1"] == ZERO_DIVISION, (layer, name)
    # Accuracies with no pair to judge are null, not 0.
    assert set(empty_result["layers"]["events"]["accuracies"].values()) == {None}


def test_the_bootstrap_resamples_follow_the_same_policy():
    # Rows of num_p, den_p, num_r, den_r: nothing predicted; nothing predicted nor in the gold.
    assert headline_values(np.array([[0.0, 0.0, 0.0, 3.0], [0.0] * 4]), "prf").tolist() == [ZERO_DIVISION] * 2
    assert headline_values(np.zeros((1, 12)), "conll").tolist() == [ZERO_DIVISION]


def with_zero_division(result: dict, value) -> dict:
    changed = json.loads(json.dumps(result))
    changed["config"]["zero_division"] = value
    return changed


def test_the_leaderboard_refuses_a_different_policy_and_reads_a_missing_one_as_zero(tmp_path):
    recorded = with_zero_division(made_result("a", sentences(4, 1)), 0.0)
    unrecorded = made_result("b", sentences(4, 1))  # written before the policy was recorded
    assert "zero_division" not in unrecorded["config"]
    done = run_cli("leaderboard", str(write(tmp_path, "a.json", recorded)), str(write(tmp_path, "b.json", unrecorded)))
    assert done.returncode == 0, done.stderr
    other = with_zero_division(made_result("c", sentences(4, 1)), None)
    message = refused(write(tmp_path, "a.json", recorded), write(tmp_path, "c.json", other))
    assert "config.zero_division 0.0 vs null" in message


def test_compare_and_the_report_refuse_a_different_policy(empty_result, tmp_path):
    other = with_zero_division(empty_result, 1.0)
    a, b = write(tmp_path, "a.json", to_json(empty_result)), write(tmp_path, "b.json", other)
    done = run_cli("compare", str(a), str(b))
    assert done.returncode == 2 and "config.zero_division 0.0 vs 1.0" in done.stderr
    assert run_cli("compare", str(a), str(a)).returncode == 0
    with pytest.raises(InputError, match="zero_division 0.0 vs 1.0"):
        build_report([empty_result, other])


def test_merge_refuses_shards_with_different_policies(tmp_path):
    paths = []
    for index in (1, 2):
        result = evaluate(EvaluationConfig(system="empty", bootstrap=0, progress=False, shard=Shard(index, 2)))
        paths.append(write(tmp_path, f"shard-{index}.json", to_json(result)))
    assert merge_results([read_shard(p) for p in paths])["config"]["zero_division"] == 0.0
    changed = write(tmp_path, "changed.json", with_zero_division(json.loads(paths[1].read_text()), None))
    with pytest.raises(InputError, match=r"settings \(config\) differ"):
        merge_results([read_shard(paths[0]), read_shard(changed)])
