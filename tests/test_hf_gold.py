"""`--gold hf:PATH_OR_REPO`: the `documents` config read through `datasets`, offline.

On the checkout itself it must score exactly as the shipped gold; only the
dataset block and the signature's gold fields may differ."""

import json
import os
import subprocess
import sys

import pytest

from benchmark.corpus import DATASET_VERSION

from .conftest import ROOT, run_cli


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    home = tmp_path_factory.mktemp("hf-home")
    return {
        **os.environ,
        "HF_HOME": str(home),
        "HF_DATASETS_OFFLINE": "1",
        "HF_HUB_OFFLINE": "1",
        "DIPLOMACY_IE_CACHE": str(home / "predictions"),
    }


def evaluate_json(env, out, *args):
    result = run_cli(
        "evaluate", "--system", "rules", "--bootstrap", "200", "--output", str(out), "--format", "json", *args, env=env
    )
    assert result.returncode == 0, result.stderr
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def shipped(env, tmp_path_factory):
    return evaluate_json(env, tmp_path_factory.mktemp("shipped") / "r.json")


@pytest.fixture(scope="module")
def from_hf(env, tmp_path_factory):
    return evaluate_json(env, tmp_path_factory.mktemp("hf") / "r.json", "--gold", "hf:.")


def test_hf_checkout_scores_exactly_as_the_shipped_gold(shipped, from_hf):
    for key in shipped:
        if key not in ("signature", "dataset"):
            assert from_hf[key] == shipped[key], key
    assert from_hf["dataset"]["documents"] == shipped["dataset"]["documents"]
    assert from_hf["dataset"]["name"] == "hf:." and len(from_hf["dataset"]["sha256"]) == 64
    assert from_hf["dataset"]["hf"] == {
        "path": ".",
        "config": "documents",
        "split": "test",
        "streaming": False,
        "fingerprint": "sha256 over the rows as canonical JSON",
    }
    # the signature differs only in the gold's version and fingerprint, and says the gold came from datasets
    expected = (
        shipped["signature"]
        .replace(f"diplomacy-ie:{DATASET_VERSION}|", "diplomacy-ie:custom|")
        .replace(f"sha:{shipped['dataset']['sha256'][:8]}", f"sha:{from_hf['dataset']['sha256'][:8]}")
        .replace("|harness:", "|gold:hf|harness:")
    )
    assert from_hf["signature"] == expected


def test_streaming_an_absolute_path_gives_the_same_result_and_fingerprint(env, from_hf, tmp_path):
    streamed = evaluate_json(env, tmp_path / "r.json", "--gold", f"hf:{ROOT}", "--gold-streaming")
    assert streamed["layers"] == from_hf["layers"] and streamed["signature"] == from_hf["signature"]
    assert streamed["dataset"]["sha256"] == from_hf["dataset"]["sha256"]
    assert streamed["dataset"]["hf"]["streaming"] is True


def test_hf_gold_shards_and_merges(env, from_hf, tmp_path):
    out = tmp_path / "s.json"
    result = run_cli(
        "evaluate",
        "--system",
        "rules",
        "--bootstrap",
        "200",
        "--gold",
        "hf:.",
        "--shard",
        "1/1",
        "--output",
        str(out),
        "--format",
        "json",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "|gold:hf|shard:1/1|" in json.loads(out.read_text())["signature"]
    merged = tmp_path / "m.json"
    assert run_cli("merge", str(out), "-o", str(merged), env=env).returncode == 0
    record = json.loads(merged.read_text())
    assert record["layers"] == from_hf["layers"] and record["signature"] == from_hf["signature"]


def write_dataset(folder, config, rows):
    folder.mkdir()
    (folder / "README.md").write_text(
        f"---\nconfigs:\n- config_name: {config}\n  data_files:\n  - split: test\n    path: rows.jsonl\n---\n",
        encoding="utf-8",
    )
    (folder / "rows.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda tmp: tmp / "absent", "no dataset could be loaded from"),
        (lambda tmp: write_dataset(tmp / "other", "ner", [{"id": "a", "text": "A b."}]), "has no 'documents' config"),
        (
            lambda tmp: write_dataset(tmp / "textless", "documents", [{"id": "a", "text": "A b."}, {"id": "b"}]),
            "row 2: b: a documents row needs string 'text'",
        ),
    ],
)
def test_bad_hf_gold_exits_2_with_a_clear_message(env, tmp_path, make, message):
    out = tmp_path / "r.json"
    result = run_cli("evaluate", "--system", "empty", "--gold", f"hf:{make(tmp_path)}", "--output", str(out), env=env)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_datasets_is_imported_only_for_hf_gold(env):
    code = (
        "import sys; from benchmark.cli import main\n"
        "main(['evaluate', '--system', 'empty', '--bootstrap', '0', '--quiet'])\n"
        "print('datasets' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
    assert out.stdout.strip().splitlines()[-1] == "False", out.stderr
