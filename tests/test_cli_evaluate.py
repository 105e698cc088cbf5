"""End-to-end runs of `benchmark evaluate`, as a user types them."""

import json
import subprocess
import sys

import pytest

from benchmark.corpus import DATASET_VERSION

from .conftest import DOC_ID, ROOT, expected_dataset_sha256, run_cli
from .test_bootstrap_ci import reference_ci

ORACLE_ACCURACIES = {
    "entities": {},
    "coref": {},
    "quotes": {"source": 1.0, "kind": 1.0},
    "events": {"realis": 1.0, "polarity": 1.0},
    "timexes": {"type": 1.0, "value": 1.0},
}
SCORED_METRICS = {
    "entities": ("strict", "exact", "partial", "ent_type"),
    "coref": ("muc", "b3", "ceafe", "lea", "conll"),
    "quotes": ("content_exact", "content_partial", "cue", "attribution"),
    "events": ("trigger_i", "trigger_c", "trigger_c_fine", "quad", "arg_i", "arg_c", "arg_i_coref", "arg_c_coref"),
    "timexes": ("strict", "relaxed", "type", "value"),
}


def evaluate_json(tmp_path, *args):
    out = tmp_path / "result.json"
    result = run_cli("evaluate", *args, "--bootstrap", "100", "--output", str(out), "--format", "json")
    return result, (json.loads(out.read_text()) if out.exists() else None)


def test_help_imports_nothing_heavy():
    code = (
        "import sys; from benchmark.cli import main\n"
        "try: main(['--help'])\nexcept SystemExit: pass\n"
        "heavy = [m for m in ('datasets', 'sklearn', 'numpy', 'scipy', 'jinja2') if m in sys.modules]\n"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_oracle_scores_one_on_every_metric(tmp_path):
    result, record = evaluate_json(tmp_path, "--system", "oracle")
    assert result.returncode == 0, result.stderr
    for layer, metrics in SCORED_METRICS.items():
        block = record["layers"][layer]
        assert block["status"] == "scored"
        for name in metrics:
            assert block["metrics"][name]["f1"] == pytest.approx(1.0), (layer, name)
        assert block["accuracies"] == ORACLE_ACCURACIES[layer], layer
        assert block["headline"]["ci95"] == [pytest.approx(1.0), pytest.approx(1.0)]


def test_empty_scores_zero_recall(tmp_path):
    result, record = evaluate_json(tmp_path, "--system", "empty")
    assert result.returncode == 0, result.stderr
    for layer, metrics in SCORED_METRICS.items():
        for name in metrics:
            assert record["layers"][layer]["metrics"][name]["recall"] == 0.0, (layer, name)


def test_result_file_carries_what_reproduces_it(tmp_path):
    result, record = evaluate_json(tmp_path, "--system", "rules", "--layers", "entities,quotes", "--seed", "7")
    assert result.returncode == 0, result.stderr
    sha256 = expected_dataset_sha256()
    assert record["signature"].startswith(f"diplomacy-ie:{DATASET_VERSION}|sha:{sha256[:8]}|")
    assert "|layers:entities,quotes|boot:100|seed:7|harness:" in record["signature"]
    assert record["dataset"]["documents"] == [DOC_ID] and record["dataset"]["sha256"] == sha256
    assert record["system"]["name"] == "rules" and record["system"]["layers"] == ["entities", "quotes"]
    assert record["layers"]["coref"] == {"status": "not attempted"}
    for layer in ("entities", "quotes"):
        block = record["layers"][layer]
        expected = reference_ci(block["units"]["stats"], block["units"]["stat_kind"], 100, 7)
        assert block["headline"]["ci95"] == [
            pytest.approx(expected[0], abs=1e-12),
            pytest.approx(expected[1], abs=1e-12),
        ], layer


def test_gold_export_as_predictions_scores_one(tmp_path):
    from benchmark.corpus import load_shipped
    from benchmark.jsonl import document_to_json

    preds = tmp_path / "gold.jsonl"
    preds.write_text(json.dumps(document_to_json(load_shipped()[0]), ensure_ascii=False) + "\n", encoding="utf-8")
    result, record = evaluate_json(tmp_path, "--predictions", str(preds))
    assert result.returncode == 0, result.stderr
    assert all(record["layers"][layer]["headline"]["value"] == pytest.approx(1.0) for layer in SCORED_METRICS)


def test_table_output_is_readable():
    result = run_cli("evaluate", "--system", "oracle", "--bootstrap", "50")
    assert result.returncode == 0
    assert "strict *" in result.stdout and "95% CI" in result.stdout
    assert f"diplomacy-ie:{DATASET_VERSION}|" in result.stdout


def test_compare_two_result_files(tmp_path):
    files = []
    for name in ("empty", "rules"):
        out = tmp_path / f"{name}.json"
        assert run_cli("evaluate", "--system", name, "--bootstrap", "100", "--output", str(out)).returncode == 0
        files.append(str(out))
    result = run_cli("compare", *files, "--samples", "200")
    assert result.returncode == 0, result.stderr
    assert "entities" in result.stdout and "p boot" in result.stdout


def test_the_readme_walkthrough_runs_as_written(tmp_path):
    folder = ROOT / "examples" / "mymodel"
    out = tmp_path / "mymodel.json"
    result = run_cli("evaluate", "--system", "mymodel", "--bootstrap", "100", "--output", str(out), cwd=folder)
    assert result.returncode == 0, result.stderr
    record = json.loads(out.read_text())
    assert record["system"]["layers"] == ["entities", "timexes"]
    assert record["layers"]["quotes"] == {"status": "not attempted"}
    assert record["layers"]["timexes"]["metrics"]["value"]["precision"] == 1.0
