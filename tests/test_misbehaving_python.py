"""Python systems run in worker processes: whatever one does (print, sys.exit,
os._exit, hang, leave a thread running) it fails at most its own document, and
cannot corrupt the harness's output or its exit."""

from __future__ import annotations

import json
import os
import textwrap

import pytest

from benchmark.errors import InputError
from benchmark.run import run_system
from benchmark.systems.registry import load_system, resolve

from .conftest import evaluate_to_file as evaluate
from .conftest import run_cli
from .conftest import write_python_system as write_system

GOOD_ANSWER = "{'id': doc['id'], 'entities': [{'start': 0, 'end': 2, 'type': 'GPE'}]}"


def test_print_cannot_corrupt_the_harness_output(tmp_path, three_doc_gold):
    spec = write_system(
        tmp_path,
        f"""
        import sys
        print("importing: hello from the system")

        def predict(doc):
            print("predicting", doc["id"])
            sys.stdout.write("{{not json\\n")
            return {GOOD_ANSWER}
    """,
    )
    result = run_cli(
        "evaluate",
        "--system",
        spec,
        "--gold",
        str(three_doc_gold),
        "--bootstrap",
        "0",
        "--format",
        "json",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)  # stdout holds the result and nothing else
    assert record["layers"]["entities"]["metrics"]["strict"]["correct"] == 3
    assert "predicting" not in result.stdout and "hello" not in result.stdout


@pytest.mark.parametrize(
    "how, reason",
    [
        ("sys.exit(0)", "raised SystemExit: 0"),
        ("raise SystemExit", "raised SystemExit"),
        ("os._exit(0)", "its worker process exited with status 0 before answering"),
        ("os.kill(os.getpid(), 9)", "its worker process exited with status -9 before answering"),
    ],
)
def test_ending_the_process_fails_only_that_document(tmp_path, three_doc_gold, how, reason):
    spec = write_system(
        tmp_path,
        f"""
        import os, sys

        def predict(doc):
            if doc["id"] == "doc2":
                print("about to leave", file=sys.stderr, flush=True)
                {how}
            return {GOOD_ANSWER}
    """,
    )
    result, record = evaluate(tmp_path, "--system", spec, "--gold", str(three_doc_gold))
    assert result.returncode == 3, result.stderr
    assert [f["document"] for f in record["failures"]] == ["doc2"]
    assert record["failures"][0]["error"].startswith(reason)
    assert record["layers"]["entities"]["metrics"]["strict"]["correct"] == 2  # doc1 and doc3


def test_a_leftover_thread_cannot_hold_the_exit(tmp_path, three_doc_gold):
    spec = write_system(
        tmp_path,
        f"""
        import threading, time

        def predict(doc):
            threading.Thread(target=time.sleep, args=(600,)).start()  # not a daemon
            return {GOOD_ANSWER}
    """,
    )
    result, record = evaluate(tmp_path, "--system", spec, "--gold", str(three_doc_gold), timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.elapsed < 20
    assert record["layers"]["entities"]["metrics"]["strict"]["correct"] == 3


def test_a_worker_whose_harness_is_gone_exits_despite_a_leftover_thread(tmp_path):
    write_system(
        tmp_path,
        """
        import threading, time

        def predict(doc):
            threading.Thread(target=time.sleep, args=(600,)).start()  # not a daemon
            return {"id": doc["id"]}
    """,
    )
    system = load_system(resolve("python:faulty.py:predict", cwd=tmp_path))
    try:
        system.predict({"id": "d0", "text": "x", "date": None, "language": "en"})
        (worker,) = system.started
        request_fd, worker.channel.request_fd = worker.channel.request_fd, None
        worker._fds = tuple(fd for fd in worker._fds if fd != request_fd)
        os.close(request_fd)  # as if the harness had died: the worker reads end of file
        assert worker.child.process.wait(timeout=10) == 0
    finally:
        system.close()


def test_a_hung_system_times_out_its_worker_is_replaced_and_the_cli_timeout_wins(tmp_path, three_doc_gold):
    spec = write_system(
        tmp_path,
        f"""
        import time

        def predict(doc):
            if doc["id"] == "doc1":
                time.sleep(600)
            return {GOOD_ANSWER}
    """,
    )
    (tmp_path / "benchmark.yaml").write_text(
        f"systems:\n  slow: {{python: '{spec[7:]}', timeout: 300}}\n", encoding="utf-8"
    )
    result, record = evaluate(tmp_path, "--system", "slow", "--gold", str(three_doc_gold), "--timeout", "1")
    assert result.returncode == 3, result.stderr
    assert result.elapsed < 30
    assert record["failures"] == [{"document": "doc1", "error": "did not answer within the timeout of 1 s"}]
    assert record["system"]["spec"].endswith(f"timeout 1 s; from {tmp_path / 'benchmark.yaml'}")
    assert record["layers"]["entities"]["metrics"]["strict"]["correct"] == 2


def test_the_default_timeout_applies_to_an_ad_hoc_python_system(tmp_path):
    write_system(tmp_path, "def predict(doc):\n    return {'id': doc['id']}\n")
    system = load_system(resolve("python:faulty.py:predict", cwd=tmp_path))
    try:
        assert system.timeout == 120.0
    finally:
        system.close()


@pytest.mark.parametrize(
    "body, message",
    [
        ("import no_such_module_xyz\n", "No module named 'no_such_module_xyz'"),
        ("raise RuntimeError('broken at import')\n", "RuntimeError: broken at import"),
        ("import sys\nsys.exit(0)\n", "SystemExit: 0"),
        ("import os\nos._exit(0)\n", "while loading it, its worker process exited with status 0"),
        (
            "class predict:\n    def __init__(self):\n        raise ValueError('no model')\n",
            "predict() raised ValueError: no model. A system class is created with no arguments.",
        ),
        (
            "def predict(doc):\n    return {}\npredict.layers = ['entities', 'sentiment']\n",
            "has a bad `layers` attribute: unknown layer 'sentiment'",
        ),
        ("predict = 42\n", "is a int: expected a function"),
    ],
)
def test_a_system_that_cannot_be_loaded_is_exit_2_with_a_clear_message(tmp_path, body, message):
    spec = write_system(tmp_path, body)
    result, record = evaluate(tmp_path, "--system", spec)
    assert result.returncode == 2 and record is None
    assert message in result.stderr
    assert result.stderr.startswith("benchmark evaluate: error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_the_worker_imports_like_the_harness_did(tmp_path):
    """cwd is the spec's root; a module imports its neighbours; sys.path is the harness's."""
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "helper.py").write_text("LABEL = 'GPE'\n", encoding="utf-8")
    (conf / "model.py").write_text(
        textwrap.dedent("""
        import os, sys
        import benchmark  # on the harness's sys.path
        from helper import LABEL

        def predict(doc):
            return {"id": doc["id"], "entities": [{"start": 0, "end": 2, "type": LABEL}],
                    "cwd": os.getcwd(), "pid": os.getpid()}
    """),
        encoding="utf-8",
    )
    (conf / "benchmark.yaml").write_text("systems:\n  mine: {python: 'model:predict'}\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    system = load_system(resolve("mine", config=conf / "benchmark.yaml", cwd=elsewhere))
    try:
        answer = system.predict({"id": "d0", "text": "US", "date": None, "language": "en"})
    finally:
        system.close()
    assert answer["entities"][0]["type"] == "GPE"
    assert answer["cwd"] == str(conf.resolve()) and answer["pid"] != os.getpid()


def test_close_is_called_in_the_worker_and_a_failing_close_is_a_note(tmp_path, capfd):
    (tmp_path / "closing.py").write_text(
        textwrap.dedent("""
        from pathlib import Path

        class Tagger:
            thread_safe = True

            def predict(self, doc):
                return {"id": doc["id"]}

            def close(self):
                Path("closed.flag").write_text("closed")
                raise RuntimeError("could not save")
    """),
        encoding="utf-8",
    )
    system = load_system(resolve("python:closing.py:Tagger", cwd=tmp_path))
    documents = [{"id": f"d{i}", "text": "x", "date": None, "language": "en"} for i in range(4)]
    result = run_system(system, documents, jobs=2, cache_dir=None, spec_key="k", progress=False)
    workers = list(system.started)
    system.close()
    assert len(result.predictions) == 4 and (tmp_path / "closed.flag").exists()
    assert "close() failed: RuntimeError: could not save" in capfd.readouterr().err
    assert all(not worker.child.alive() for worker in workers)


def test_a_load_error_through_load_system_is_an_input_error(tmp_path):
    write_system(tmp_path, "import no_such_module_xyz\n")
    with pytest.raises(InputError, match="cannot import system 'python:faulty.py:predict'"):
        load_system(resolve("python:faulty.py:predict", cwd=tmp_path))
