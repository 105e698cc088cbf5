"""What a system declares: its layers (those it returns keys for, when nobody says),
its name (never a built-in's), and a configuration checked before anything runs."""

from __future__ import annotations

import json
import shlex
import sys
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from benchmark.evaluation import NO_LAYER_KEY
from benchmark.model import LAYERS
from benchmark.systems import registry
from benchmark.systems.base import SystemSpec

from .conftest import DOC_ID, run_cli
from .conftest import evaluate_to_file as evaluate

PYTHON = shlex.quote(sys.executable)


def evaluate_in_process(folder: Path, monkeypatch, capsys, *args: str) -> tuple[int, str]:
    """`benchmark evaluate` run in this process: for what must stop before anything runs."""
    from benchmark.cli import main

    monkeypatch.chdir(folder)
    try:
        status = main(["evaluate", *args, "--bootstrap", "0", "--output", str(folder / "out.json")])
    except SystemExit as exit:  # argparse
        status = exit.code
    assert not (folder / "out.json").exists()
    return status, capsys.readouterr().err


def attempted(record: dict) -> list[str]:
    return [layer for layer, block in record["layers"].items() if block.get("status") == "scored"]


# --- declared layers -------------------------------------------------------------


def test_an_ad_hoc_python_system_declares_the_layers_it_returned(tmp_path):
    (tmp_path / "ner.py").write_text(
        "def predict(doc):\n    return {'id': doc['id'], 'entities': [{'start': 0, 'end': 2, 'type': 'GPE'}]}\n",
        encoding="utf-8",
    )
    result, record = evaluate(tmp_path, "--system", "python:ner.py:predict")
    assert result.returncode == 0, result.stderr
    assert record["system"]["layers"] == ["entities"] and attempted(record) == ["entities"]
    assert record["layers"]["quotes"] == {"status": "not attempted"}  # not 0.000
    assert "layers those it returns keys for" in record["system"]["spec"]


def test_a_command_system_declares_the_layers_over_all_its_documents(tmp_path, three_doc_gold):
    (tmp_path / "serve.py").write_text(
        textwrap.dedent("""
        import json, sys
        for line in sys.stdin:
            doc = json.loads(line)
            key = {"doc1": "quotes", "doc2": "timexes", "doc3": "quotes"}[doc["id"]]
            print(json.dumps({"id": doc["id"], key: []}), flush=True)
    """),
        encoding="utf-8",
    )
    result, record = evaluate(tmp_path, "--system", f"cmd:{PYTHON} serve.py", "--gold", str(three_doc_gold))
    assert result.returncode == 0, result.stderr
    assert record["system"]["layers"] == ["quotes", "timexes"] == attempted(record)


class TimexHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        doc = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        body = json.dumps({"id": doc["id"], "timexes": []}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_an_http_system_declares_the_layers_it_returned(tmp_path):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), TimexHandler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        result, record = evaluate(tmp_path, "--system", f"http://127.0.0.1:{httpd.server_address[1]}/")
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert result.returncode == 0, result.stderr
    assert record["system"]["layers"] == ["timexes"]


def test_a_benchmark_yaml_entry_without_layers_declares_what_it_returned(tmp_path):
    (tmp_path / "ner.py").write_text(
        "def predict(doc):\n    return {'id': doc['id'], 'clusters': []}\n", encoding="utf-8"
    )
    (tmp_path / "benchmark.yaml").write_text(
        "systems:\n  plain: {python: 'ner.py:predict'}\n"
        "  declared: {python: 'ner.py:predict', layers: [entities, coref]}\n",
        encoding="utf-8",
    )
    result, record = evaluate(tmp_path, "--system", "plain")
    assert result.returncode == 0 and record["system"]["layers"] == ["coref"]
    result, record = evaluate(tmp_path, "--system", "declared")  # declared layers are scored even if empty
    assert result.returncode == 0 and record["system"]["layers"] == ["entities", "coref"]
    assert record["layers"]["entities"]["metrics"]["strict"]["recall"] == 0.0


def test_a_system_that_returns_no_layer_key_fails_every_document(tmp_path, three_doc_gold):
    (tmp_path / "nothing.py").write_text("def predict(doc):\n    return {'id': doc['id']}\n", encoding="utf-8")
    result, record = evaluate(tmp_path, "--system", "python:nothing.py:predict", "--gold", str(three_doc_gold))
    assert result.returncode == 3
    assert record["failures"] == [{"document": f"doc{i}", "error": NO_LAYER_KEY} for i in (1, 2, 3)]
    assert record["system"]["layers"] == [] and attempted(record) == []
    assert NO_LAYER_KEY == "returned no layer key (entities, clusters, quotes, events, timexes)"


def test_a_misspelt_layer_key_is_named_not_taken_for_no_layer(tmp_path, three_doc_gold):
    (tmp_path / "typo.py").write_text(
        "def predict(doc):\n    return {'id': doc['id'], 'entites': []}\n", encoding="utf-8"
    )
    result, record = evaluate(tmp_path, "--system", "python:typo.py:predict", "--gold", str(three_doc_gold))
    assert result.returncode == 3
    assert [f["document"] for f in record["failures"]] == ["doc1", "doc2", "doc3"]
    assert all("unknown key 'entites'; did you mean 'entities'?" in f["error"] for f in record["failures"])


# --- names ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["oracle", "rules", "empty"])
def test_a_benchmark_yaml_entry_named_like_a_builtin_is_exit_2(tmp_path, name):
    (tmp_path / "benchmark.yaml").write_text(f"systems:\n  {name}: {{command: 'touch ran'}}\n", encoding="utf-8")
    result, record = evaluate(tmp_path, "--system", name)
    assert result.returncode == 2 and record is None and not (tmp_path / "ran").exists()
    assert f"'{name}' is the name of a built-in system" in result.stderr
    assert f"rename the entry (e.g. to 'my-{name}')" in result.stderr
    assert run_cli("systems", cwd=tmp_path).returncode == 2


def test_benchmark_systems_lists_every_entry_and_every_form(tmp_path):
    (tmp_path / "benchmark.yaml").write_text(
        "systems:\n  mine: {command: 'cat', layers: [entities]}\n  served: {http: 'http://127.0.0.1:8000/x'}\n",
        encoding="utf-8",
    )
    result = run_cli("systems", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        f"{name}: builtin {name}; layers {','.join(LAYERS)}; from built-in" for name in ("oracle", "empty", "rules")
    ]
    assert f"mine: command cat; layers entities; from {tmp_path / 'benchmark.yaml'}" in lines
    assert any(
        line.startswith("served: http http://127.0.0.1:8000/x; layers those it returns keys for") for line in lines
    )
    assert "written out in full:" in lines
    for form in ("python:MODULE:ATTR", "cmd:COMMAND", "http://URL", "file:PREDICTIONS.jsonl", "spacy:PIPELINE"):
        assert any(line.startswith(f"  {form}") for line in lines), form


def test_an_entry_point_shadowed_by_an_entry_is_listed_as_such(tmp_path, monkeypatch):
    (tmp_path / "benchmark.yaml").write_text("systems:\n  tagger: {command: 'cat'}\n", encoding="utf-8")
    installed = {
        name: SystemSpec(name, "entrypoint", f"{name}pkg:predict", origin="entry point of pkg 1.0")
        for name in ("tagger", "other", "rules")
    }
    monkeypatch.setattr(registry, "entry_point_specs", lambda: installed)
    described = [listed.describe() for listed in registry.listing(cwd=tmp_path)]
    assert (
        "tagger: entrypoint taggerpkg:predict; layers those it returns keys for; from entry point of pkg "
        "1.0 (shadowed by benchmark.yaml: --system tagger runs that one)" in described
    )
    assert (
        "rules: entrypoint rulespkg:predict; layers those it returns keys for; from entry point of pkg "
        "1.0 (shadowed by built-in: --system rules runs that one)" in described
    )
    assert (
        "other: entrypoint otherpkg:predict; layers those it returns keys for; from entry point of pkg 1.0" in described
    )
    assert [spec.name for spec in registry.list_systems(cwd=tmp_path)] == [
        "oracle",
        "empty",
        "rules",
        "tagger",
        "other",
    ]


# --- bad configuration is exit 2 before anything runs ---------------------------------


@pytest.mark.parametrize("timeout", [".inf", "-.inf", ".nan", "-1", "0", "true", "'10'", "[1]"])
def test_a_bad_timeout_in_benchmark_yaml_is_exit_2_before_anything_runs(tmp_path, monkeypatch, capsys, timeout):
    (tmp_path / "benchmark.yaml").write_text(
        f"systems:\n  mine: {{command: 'touch ran', timeout: {timeout}}}\n", encoding="utf-8"
    )
    status, stderr = evaluate_in_process(tmp_path, monkeypatch, capsys, "--system", "mine")
    assert status == 2 and not (tmp_path / "ran").exists()
    assert "systems.mine.timeout: expected a finite number of seconds above 0" in stderr


@pytest.mark.parametrize(
    "url, problem",
    [
        ("http://[::1", "is not a valid URL"),
        ("http://localhost:99999/x", "Port out of range"),
        ("http://localhost:http/x", "is not a valid URL"),
        ("http://", "names no host"),
        ("http:///extract", "names no host"),
        ("http://localhost:0/x", "names port 0"),
        ("http://local host/x", "white space or a control character"),
    ],
)
def test_a_malformed_url_is_exit_2_at_resolution(tmp_path, monkeypatch, capsys, url, problem):
    status, stderr = evaluate_in_process(tmp_path, monkeypatch, capsys, "--system", url)
    assert status == 2 and problem in stderr and f"system {url!r}" in stderr
    (tmp_path / "benchmark.yaml").write_text(f"systems:\n  served: {{http: '{url}'}}\n", encoding="utf-8")
    status, stderr = evaluate_in_process(tmp_path, monkeypatch, capsys, "--system", "served")
    assert status == 2 and problem in stderr and "systems.served.http" in stderr


@pytest.mark.parametrize("value", ["0", "-1", "inf", "nan", "ten"])
def test_a_bad_timeout_option_is_a_usage_error(tmp_path, monkeypatch, capsys, value):
    status, stderr = evaluate_in_process(tmp_path, monkeypatch, capsys, "--system", "cmd:touch ran", "--timeout", value)
    assert status == 2 and not (tmp_path / "ran").exists()
    assert "argument --timeout: expected a" in stderr


def test_a_predictions_file_path_is_untouched(tmp_path):
    preds = tmp_path / "p.jsonl"
    preds.write_text(json.dumps({"id": DOC_ID, "entities": []}) + "\n", encoding="utf-8")
    result, record = evaluate(tmp_path, "--predictions", str(preds))
    assert result.returncode == 0 and record["cache"] == {"enabled": False, "hits": 0, "documents": 1}
