"""System adapters, resolution and the run loop, each against the real thing: files
imported from disk, real subprocesses, a real local HTTP server, a package
installed with pip that registers an entry point."""

from __future__ import annotations

import base64
import hashlib
import importlib
import importlib.metadata
import importlib.util
import json
import os
import shlex
import socket
import subprocess
import sys
import textwrap
import threading
import uuid
import zipfile
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from benchmark.cache import default_cache_dir, system_key
from benchmark.errors import InputError
from benchmark.model import LAYERS
from benchmark.run import Failure, run_system
from benchmark.systems.base import SystemFailure, SystemSpec
from benchmark.systems.builtin import EmptySystem, OracleSystem
from benchmark.systems.command import CommandSystem
from benchmark.systems.http import HttpSystem
from benchmark.systems.python_system import PythonSystem
from benchmark.systems.registry import list_systems, load_system, resolve

PYTHON = shlex.quote(sys.executable)


def make_docs(*texts: str) -> list[dict]:
    return [{"id": f"d{i}", "text": text, "date": "2022-01-26", "language": "en"} for i, text in enumerate(texts)]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def write_config(folder: Path, systems: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "benchmark.yaml"
    path.write_text(yaml.safe_dump({"systems": systems}), encoding="utf-8")
    return path


# --- Python systems -------------------------------------------------------------

CALLABLE_SOURCE = """
    def extract(document):
        return {"id": document["id"], "entities": [{"start": 0, "end": 2, "type": "GPE"}]}

    extract.layers = ["entities"]
"""

CLASS_SOURCE = """
    from pathlib import Path

    class Tagger:
        layers = ("entities", "timexes")

        def __init__(self):
            self.calls = 0

        def predict(self, document):
            self.calls += 1
            return {"id": document["id"], "timexes": [], "calls": self.calls}

        def close(self):
            (Path(__file__).parent / "closed.flag").write_text("closed")
"""


@pytest.fixture
def loaded(request):
    """load_system, closing every system loaded when the test ends."""
    systems = []

    def load(spec, **kwargs):
        system = load_system(spec, **kwargs)
        systems.append(system)
        return system

    yield load
    for system in systems:
        system.close()


def test_python_callable_from_a_file(tmp_path, loaded):
    write(tmp_path / "sysfile.py", CALLABLE_SOURCE)
    spec = resolve("python:sysfile.py:extract", cwd=tmp_path)
    assert (spec.kind, spec.origin) == ("python", "ad hoc")
    system = loaded(spec)
    assert system.layers == ("entities",)
    assert system.predict(make_docs("US troops")[0]) == {
        "id": "d0",
        "entities": [{"start": 0, "end": 2, "type": "GPE"}],
    }


def test_python_class_from_a_file_is_instantiated_once_and_closed(tmp_path):
    write(tmp_path / "sub" / "tagger.py", CLASS_SOURCE)
    system = load_system(resolve("python:sub/tagger.py:Tagger", cwd=tmp_path))
    assert system.layers == ("entities", "timexes")
    result = run_system(system, make_docs("a", "b"), cache_dir=None, spec_key="t", progress=False)
    assert [p["calls"] for p in result.predictions.values()] == [1, 2]
    system.close()
    assert (tmp_path / "sub" / "closed.flag").exists()


def test_python_systems_from_benchmark_yaml(tmp_path, loaded):
    module = f"confmod_{uuid.uuid4().hex}"
    conf = tmp_path / "conf"
    write(conf / "tagger.py", CLASS_SOURCE)
    write(conf / f"{module}.py", CALLABLE_SOURCE)
    config = write_config(
        conf,
        {
            "byfile": {"python": "tagger.py:Tagger", "layers": ["entities"]},
            "bymodule": {"python": f"{module}:extract", "timeout": 5},
        },
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    byfile = resolve("byfile", config=config, cwd=elsewhere)
    assert byfile.kind == "python" and byfile.origin == str(config)
    assert byfile.target == f"{conf.resolve() / 'tagger.py'}:Tagger"
    system = loaded(byfile)
    assert system.layers == ("entities",)  # the config's layers win over the class attribute
    assert system.predict(make_docs("x")[0])["calls"] == 1

    bymodule = loaded(resolve("bymodule", config=config, cwd=elsewhere))
    assert (bymodule.layers, bymodule.timeout) == (("entities",), 5.0)
    assert bymodule.predict(make_docs("US")[0])["entities"][0]["type"] == "GPE"


def test_python_system_that_cannot_be_imported_is_an_input_error(tmp_path):
    write(tmp_path / "broken.py", "import nonexistent_module_for_this_test\n")
    with pytest.raises(InputError, match="python:broken.py:f.*nonexistent_module_for_this_test"):
        load_system(resolve("python:broken.py:f", cwd=tmp_path))
    write(tmp_path / "fine.py", "x = 1\n")
    with pytest.raises(InputError, match="no attribute 'missing'"):
        load_system(resolve("python:fine.py:missing", cwd=tmp_path))
    with pytest.raises(InputError, match="no module named 'no_such_pkg_xyz'"):
        load_system(resolve("python:no_such_pkg_xyz.mod:f", cwd=tmp_path))
    write(tmp_path / "sub" / "system.txt", "def f(document):\n    return {}\n")
    with pytest.raises(InputError, match=r"system.txt:f.*Python cannot import .*system.txt; name the file \*.py"):
        load_system(resolve("python:sub/system.txt:f", cwd=tmp_path))


def test_python_system_that_raises_or_returns_junk_fails_only_that_document(tmp_path, loaded):
    write(
        tmp_path / "flaky.py",
        """
        def extract(document):
            if document["text"] == "raise":
                raise ValueError("cannot parse this one")
            if document["text"] == "list":
                return ["not", "an", "object"]
            if document["text"] == "exit":
                raise SystemExit(4)
            if document["text"] == "no id":
                return {"entities": []}
            return {"id": document["id"], "entities": []}
    """,
    )
    system = loaded(resolve("python:flaky.py:extract", cwd=tmp_path))
    result = run_system(
        system, make_docs("ok", "raise", "list", "exit", "no id", "ok"), cache_dir=None, spec_key="k", progress=False
    )
    assert sorted(result.predictions) == ["d0", "d5"]
    assert result.predictions["d0"] == {"id": "d0", "entities": []}
    errors = {f.document: f for f in result.failures}
    assert errors["d1"].error == "raised ValueError: cannot parse this one"
    assert "flaky.py" in errors["d1"].stderr and "Traceback" in errors["d1"].stderr
    assert errors["d2"].error == "returned list, not a JSON object"
    assert errors["d3"].error == "raised SystemExit: 4"
    assert errors["d4"].error.startswith('answered without an "id" (keys: entities)')  # never filled in
    assert len(system.started) == 1  # a failing document does not cost the worker


# --- command systems ------------------------------------------------------------

SERVER_SCRIPT = """
    import json, os, pathlib, sys, time

    for line in sys.stdin:
        doc = json.loads(line)
        text = doc["text"]
        print("serving " + doc["id"], file=sys.stderr)
        if text == "hang":
            time.sleep(60)
        elif text == "crash":
            print("boom: crashing on purpose", file=sys.stderr)
            sys.exit(3)
        elif text == "garbage":
            print("this is not json")
            continue
        elif text == "peer":
            # A barrier between processes: both must be serving a document at once.
            pathlib.Path(f"arrived-{os.getpid()}").touch()
            deadline = time.time() + 10
            while len(list(pathlib.Path().glob("arrived-*"))) < 2 and time.time() < deadline:
                time.sleep(0.01)
        # print() without flush: the harness sets PYTHONUNBUFFERED for its children
        print(json.dumps({"id": doc["id"], "pid": os.getpid(),
                          "peers": len(list(pathlib.Path().glob("arrived-*")))}))
"""


def test_one_command_process_serves_every_document(tmp_path):
    write(tmp_path / "serve.py", SERVER_SCRIPT)
    spec = resolve(f"cmd:{PYTHON} serve.py", cwd=tmp_path)
    assert spec.kind == "command" and spec.root == tmp_path.resolve()
    system = load_system(spec)
    try:
        result = run_system(system, make_docs("a", "b", "c", "d"), cache_dir=None, spec_key="k", progress=False)
    finally:
        system.close()
    assert result.failures == []
    pids = {p["pid"] for p in result.predictions.values()}
    assert len(pids) == 1 and pids != {os.getpid()}
    assert len(result.predictions) == 4


def test_command_hang_crash_and_garbage_are_failures_and_the_process_restarts(tmp_path):
    conf = tmp_path / "conf"
    write(conf / "serve.py", SERVER_SCRIPT)
    config = write_config(conf, {"served": {"command": f"{PYTHON} serve.py", "timeout": 1}})
    spec = resolve("served", config=config, cwd=tmp_path)
    assert (spec.kind, spec.timeout) == ("command", 1.0)
    system = load_system(spec)
    docs = make_docs("a", "hang", "b", "crash", "c", "garbage", "d")
    try:
        result = run_system(system, docs, cache_dir=None, spec_key="k", progress=False)
    finally:
        started = list(system.started)
        system.close()
    failures = {f.document: f for f in result.failures}
    assert sorted(failures) == ["d1", "d3", "d5"]
    assert "no answer within the timeout of 1 s" in failures["d1"].error
    assert "serving d1" in failures["d1"].stderr
    assert "exited with status 3" in failures["d3"].error
    assert "boom: crashing on purpose" in failures["d3"].stderr
    assert "not JSON" in failures["d5"].error and "this is not json" in failures["d5"].error
    pid = {doc_id: p["pid"] for doc_id, p in result.predictions.items()}
    assert sorted(pid) == ["d0", "d2", "d4", "d6"]
    assert len(set(pid.values())) == 4  # a fresh process after each failure
    assert len(started) == 4
    assert all(process.process.poll() is not None for process in started)


def test_command_with_two_jobs_runs_two_processes_at_once(tmp_path):
    write(tmp_path / "serve.py", SERVER_SCRIPT)
    system = CommandSystem("pair", f"{PYTHON} serve.py", LAYERS, timeout=20, cwd=tmp_path)
    try:
        result = run_system(system, make_docs("peer", "peer"), jobs=2, cache_dir=None, spec_key="k", progress=False)
    finally:
        system.close()
    assert result.failures == []
    assert len({p["pid"] for p in result.predictions.values()}) == 2
    assert all(p["peers"] == 2 for p in result.predictions.values())


# --- HTTP systems ---------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        state = self.server.state
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with state["lock"]:
            state["hits"][self.path] += 1
            hits = state["hits"][self.path]
            state["bodies"].append(json.loads(body))
        doc_id = json.loads(body)["id"]
        if self.path == "/down" or (self.path == "/flaky" and hits <= 2):
            return self.answer(503, b'{"error": "busy"}')
        if self.path == "/missing":
            return self.answer(404, b'{"error": "no such route"}')
        if self.path == "/slow":
            state["release"].wait(10)
        if self.path == "/garbage":
            return self.answer(200, b"<html>oops</html>")
        self.answer(200, json.dumps({"id": doc_id, "entities": []}).encode())

    def answer(self, status: int, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (the timeout test)
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.state = {"lock": threading.Lock(), "hits": Counter(), "bodies": [], "release": threading.Event()}
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.state["release"].set()
    httpd.shutdown()
    httpd.server_close()


def url(httpd, path: str) -> str:
    return f"http://127.0.0.1:{httpd.server_address[1]}{path}"


def test_http_system_posts_each_document(server):
    spec = resolve(url(server, "/ok"))
    assert spec.kind == "http"
    system = load_system(spec)
    doc = make_docs("Blinken said")[0]
    assert system.predict(doc) == {"id": "d0", "entities": []}
    assert server.state["bodies"] == [doc]


def test_http_retries_5xx_with_exponential_backoff(server):
    pauses: list[float] = []
    system = HttpSystem("h", url(server, "/flaky"), LAYERS, timeout=5, backoff=0.01, sleep=pauses.append)
    assert system.predict(make_docs("x")[0])["id"] == "d0"
    assert server.state["hits"]["/flaky"] == 3 and system.requests == 3
    assert pauses == [0.01, 0.02]

    down = HttpSystem("h", url(server, "/down"), LAYERS, timeout=5, backoff=0.01, sleep=pauses.append)
    with pytest.raises(SystemFailure, match=r"HTTP 503.*tried 3 times") as caught:
        down.predict(make_docs("x")[0])
    assert "busy" in caught.value.stderr
    assert server.state["hits"]["/down"] == 3


def test_http_4xx_fails_without_retry(server):
    system = HttpSystem("h", url(server, "/missing"), LAYERS, timeout=5, backoff=0.01)
    with pytest.raises(SystemFailure, match="HTTP 404"):
        system.predict(make_docs("x")[0])
    assert server.state["hits"]["/missing"] == 1 and system.requests == 1


def test_http_slow_answer_times_out_and_junk_is_a_failure(server):
    slow = HttpSystem("h", url(server, "/slow"), LAYERS, timeout=0.3, backoff=0.01)
    garbage = HttpSystem("h", url(server, "/garbage"), LAYERS, timeout=5)
    result = run_system(slow, make_docs("x"), cache_dir=None, spec_key="k", progress=False)
    assert result.predictions == {}
    assert "timeout of 0.3 s" in result.failures[0].error
    assert server.state["hits"]["/slow"] == 1
    with pytest.raises(SystemFailure, match="not JSON"):
        garbage.predict(make_docs("x")[0])


def test_http_connection_refused_is_retried_then_fails():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    system = HttpSystem("h", f"http://127.0.0.1:{port}/", LAYERS, timeout=2, backoff=0.01)
    with pytest.raises(SystemFailure, match="cannot connect.*tried 3 times"):
        system.predict(make_docs("x")[0])
    assert system.requests == 3


# --- entry points ---------------------------------------------------------------

TINY_DIST = "diplomacy-ie-test-tinysys"
TINY_SOURCE = """\
def predict(document):
    return {"id": document["id"], "entities": [], "from": "tinysys"}

predict.layers = ["entities"]
"""


def setuptools_can_build() -> bool:
    """setuptools before 70.1 needs the `wheel` package to build one."""
    # Not imported here: importing setuptools in the test process replaces distutils.
    if importlib.util.find_spec("setuptools") is None:
        return False
    version = tuple(int(part) for part in importlib.metadata.version("setuptools").split(".")[:2])
    return version >= (70, 1) or importlib.util.find_spec("wheel") is not None


def tiny_source_package(folder: Path) -> Path:
    write(folder / "tinysys.py", TINY_SOURCE)
    write(
        folder / "pyproject.toml",
        f"""
        [build-system]
        requires = ["setuptools"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "{TINY_DIST}"
        version = "0.1"

        [project.entry-points."benchmark.systems"]
        tiny = "tinysys:predict"

        [tool.setuptools]
        py-modules = ["tinysys"]
    """,
    )
    return folder


def tiny_wheel(folder: Path) -> Path:
    """The same package as a wheel written by hand: pip installs it without any build tool."""
    dist_info = f"{TINY_DIST.replace('-', '_')}-0.1.dist-info"
    files = {
        "tinysys.py": TINY_SOURCE,
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {TINY_DIST}\nVersion: 0.1\n",
        f"{dist_info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{dist_info}/entry_points.txt": "[benchmark.systems]\ntiny = tinysys:predict\n",
    }
    record = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(text.encode())}")
    files[f"{dist_info}/RECORD"] = "\n".join(record + [f"{dist_info}/RECORD,,"]) + "\n"
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / f"{TINY_DIST.replace('-', '_')}-0.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return wheel


def pip(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args], capture_output=True, text=True
    )


@pytest.fixture
def tiny_installed(tmp_path):
    if importlib.util.find_spec("pip") is None:
        pytest.skip("pip is not available to install the test package")
    if setuptools_can_build():
        target = tiny_source_package(tmp_path / "tinypkg")
        installed = pip("install", "--no-deps", "--no-build-isolation", "--no-index", str(target))
    else:
        installed = pip("install", "--no-deps", "--no-index", str(tiny_wheel(tmp_path / "dist")))
    assert installed.returncode == 0, installed.stdout + installed.stderr
    importlib.invalidate_caches()
    try:
        yield
    finally:
        pip("uninstall", "-y", TINY_DIST)
        sys.modules.pop("tinysys", None)
        importlib.invalidate_caches()


@pytest.mark.slow
def test_an_installed_entry_point_is_a_system(tiny_installed, tmp_path, loaded):
    spec = resolve("tiny", cwd=tmp_path)
    assert spec.kind == "entrypoint" and spec.target == "tinysys:predict"
    assert TINY_DIST in spec.origin
    assert "tiny" in [s.name for s in list_systems(cwd=tmp_path)]
    system = loaded(spec)
    assert system.layers == ("entities",)
    assert system.predict(make_docs("x")[0]) == {"id": "d0", "entities": [], "from": "tinysys"}


# --- resolution -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["oracle", "rules", "empty"])
def test_a_benchmark_yaml_entry_named_like_a_builtin_is_refused(tmp_path, name):
    config = write_config(tmp_path, {name: {"command": "cat"}, "mymodel": {"http": "http://localhost:9/x"}})
    for wanted in (name, "mymodel"):
        with pytest.raises(InputError) as caught:
            resolve(wanted, cwd=tmp_path)
        assert str(caught.value) == (
            f"{config}: systems.{name}: {name!r} is the name of a built-in system, "
            f"which would be run instead; rename the entry (e.g. to 'my-{name}')."
        )
    with pytest.raises(InputError, match="rename the entry"):
        list_systems(cwd=tmp_path)


def test_listing_shows_the_builtins_then_user_entries(tmp_path):
    write_config(tmp_path, {"mymodel": {"http": "http://localhost:9/x"}})
    listed = {spec.name: spec for spec in list_systems(cwd=tmp_path)}
    assert [name for name in listed][:3] == ["oracle", "empty", "rules"]
    assert listed["empty"].kind == "builtin"
    assert listed["mymodel"].kind == "http"
    assert "mymodel: http http://localhost:9/x; layers those it returns keys for" in listed["mymodel"].describe()


def test_unknown_name_lists_known_systems_with_a_suggestion(tmp_path):
    write_config(tmp_path, {"mymodel": {"python": "m:f"}})
    with pytest.raises(InputError) as caught:
        resolve("mymodle", cwd=tmp_path)
    message = str(caught.value)
    assert "unknown system 'mymodle'" in message and "Did you mean 'mymodel'?" in message
    assert "oracle" in message and "rules" in message and "benchmark.yaml" in message
    assert "\n" not in message
    with pytest.raises(InputError, match="Did you mean 'oracle'"):
        resolve("orcale", cwd=tmp_path)


@pytest.mark.parametrize(
    "content, expected",
    [
        ("systems:\n  x: {pyton: 'a:b'}\n", "systems.x.pyton: unknown key; did you mean 'python'"),
        ("systems:\n  x: {python: 'a:b', layers: [entitiez]}\n", "systems.x.layers: unknown layer 'entitiez'"),
        ("systems:\n  x: {python: 'a:b', timeout: -1}\n", "systems.x.timeout"),
        ("systems:\n  x: {python: 'a:b', command: c}\n", "systems.x: needs exactly one of"),
        ("systems:\n  x: {python: nocolon}\n", "systems.x.python: expected MODULE:ATTRIBUTE"),
        ("systems:\n  x: {http: 'ftp://a'}\n", "systems.x.http: expected a URL"),
        ("systems:\n  x: [1, 2]\n", "systems.x: expected a mapping"),
        ("sytems:\n  x: {python: 'a:b'}\n", "did you mean 'systems'"),
        ("systems:\n  x: {python: 'a:b'\n  y: 1\n", "benchmark.yaml:3: not valid YAML"),
        ("systems: !!python/object/apply:os.system ['echo unsafe']\n", "not valid YAML"),
    ],
)
def test_malformed_benchmark_yaml_names_the_file_and_the_key(tmp_path, content, expected):
    (tmp_path / "benchmark.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        resolve("x", cwd=tmp_path)
    assert str(tmp_path / "benchmark.yaml") in str(caught.value)
    assert expected in str(caught.value)


def test_bad_ad_hoc_specs_and_missing_config(tmp_path):
    with pytest.raises(InputError, match="no such predictions file"):
        resolve("file:missing.jsonl", cwd=tmp_path)
    with pytest.raises(InputError, match="expected MODULE:ATTRIBUTE"):
        resolve("python:nocolon", cwd=tmp_path)
    with pytest.raises(InputError, match="nothing follows 'cmd:'"):
        resolve("cmd:", cwd=tmp_path)
    with pytest.raises(InputError, match="no such configuration file"):
        resolve("x", config=Path("nope.yaml"), cwd=tmp_path)
    (tmp_path / "preds.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="write file:preds.jsonl"):
        resolve("preds.jsonl", cwd=tmp_path)


# --- predictions files ----------------------------------------------------------


def test_predictions_file_serves_its_documents(tmp_path):
    lines = [
        {"id": "d0", "entities": [{"start": 0, "end": 2, "type": "GPE"}]},
        {"id": "d1", "entities": []},
        {"id": "stranger"},
    ]
    write(tmp_path / "out" / "preds.jsonl", "\n".join(json.dumps(line) for line in lines) + "\n")
    config = write_config(tmp_path, {"offline": {"predictions": "out/preds.jsonl"}})
    system = load_system(resolve("offline", config=config, cwd=tmp_path / "out"))
    assert system.layers == ("entities",)  # only the layers the file has
    assert system.unknown_ids({"d0", "d1", "d2"}) == [("stranger", 3)]
    result = run_system(system, make_docs("US", "x", "y"), cache_dir=tmp_path / "cache", spec_key="k", progress=False)
    assert result.predictions == {"d0": lines[0], "d1": lines[1]}
    assert result.failures[0].document == "d2" and "no prediction for document 'd2'" in result.failures[0].error
    assert not (tmp_path / "cache").exists()  # a file is never cached


@pytest.mark.parametrize(
    "content, expected",
    [
        ('{"id": "d0"}\n\n{"id": "d1",\n', ":3: not valid JSON"),
        ('{"id": "d0"}\n[1, 2]\n', ":2: expected a JSON object, got list"),
        ('{"entities": []}\n', ':1: the prediction has no "id"'),
        ('{"id": "d0"}\n{"id": "d1"}\n{"id": "d0"}\n', ":3: document 'd0' already has a prediction on line 1"),
    ],
)
def test_malformed_predictions_file_names_the_line(tmp_path, content, expected):
    (tmp_path / "preds.jsonl").write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_system(resolve("file:preds.jsonl", cwd=tmp_path))
    assert f"{tmp_path / 'preds.jsonl'}{expected}" in str(caught.value)


def test_brat_folder_is_read_as_predictions(tmp_path):
    from benchmark.corpus import load_shipped
    from benchmark.formats.brat import write_brat

    (gold,) = load_shipped()
    write_brat(gold, tmp_path / "brat")
    system = load_system(resolve("file:brat", cwd=tmp_path))
    document = {"id": gold.id, "text": gold.text, "date": gold.date, "language": "en"}
    prediction = system.predict(document)
    assert len(prediction["entities"]) == len(gold.entities)
    with pytest.raises(SystemFailure, match="no BRAT annotations"):
        system.predict({**document, "id": "elsewhere"})


# --- built-ins ------------------------------------------------------------------


def test_empty_and_oracle(tmp_path):
    gold = {"d0": {"id": "d0", "entities": [{"start": 0, "end": 2, "type": "GPE"}]}}
    oracle = load_system(resolve("oracle", cwd=tmp_path), gold_by_id=gold)
    assert isinstance(oracle, OracleSystem)  # built-ins run in the harness's process
    assert isinstance(oracle, OracleSystem)
    result = run_system(
        oracle, make_docs("US", "other"), cache_dir=tmp_path / "cache", spec_key="oracle", progress=False
    )
    assert result.predictions == {"d0": gold["d0"]}
    assert result.predictions["d0"] is not gold["d0"]
    assert result.failures[0].document == "d1" and "no gold" in result.failures[0].error
    empty = load_system(resolve("empty", cwd=tmp_path))
    assert isinstance(empty, EmptySystem) and empty.layers == LAYERS
    assert run_system(
        empty, make_docs("a"), cache_dir=tmp_path / "cache", spec_key="empty", progress=False
    ).predictions == {"d0": {"id": "d0"}}
    assert not (tmp_path / "cache").exists()  # built-ins are never cached


def test_rules_is_loaded_lazily(tmp_path):
    spec = resolve("rules", cwd=tmp_path)
    assert (spec.kind, spec.origin) == ("builtin", "built-in")
    system = load_system(spec)
    assert system.name == "rules" and set(system.layers) <= set(LAYERS)


# --- the run loop ---------------------------------------------------------------


class Counting:
    def __init__(self):
        self.calls = 0

    def predict(self, document):
        self.calls += 1
        return {"id": document["id"], "entities": []}


def test_cache_skips_the_system_on_a_second_run(tmp_path):
    system = Counting()
    docs = make_docs("a", "b")
    cache = tmp_path / "cache"
    first = run_system(system, docs, cache_dir=cache, spec_key="python:x.py:f", progress=False)
    assert system.calls == 2 and (first.cache_enabled, first.from_cache) == (True, 0)
    second = run_system(system, docs, cache_dir=cache, spec_key="python:x.py:f", progress=False)
    assert system.calls == 2 and second.predictions == first.predictions
    assert second.from_cache == 2
    renamed = [dict(doc, id=f"new-{doc['id']}") for doc in docs]  # same text, other id: other input
    assert run_system(system, renamed, cache_dir=cache, spec_key="python:x.py:f", progress=False).predictions[
        "new-d0"
    ] == {"id": "new-d0", "entities": []}
    assert system.calls == 4
    uncached = run_system(system, docs, cache_dir=None, spec_key="python:x.py:f", progress=False)
    assert system.calls == 6 and (uncached.cache_enabled, uncached.from_cache) == (False, 0)
    run_system(system, docs, cache_dir=cache, spec_key="another spec", progress=False)
    assert system.calls == 8
    assert not list(cache.rglob("*.tmp"))


def test_failures_are_not_cached(tmp_path):
    attempts = Counter()

    def extract(document):
        attempts[document["id"]] += 1
        if attempts[document["id"]] == 1:
            raise RuntimeError("first time unlucky")
        return {"id": document["id"]}

    system = PythonSystem("f", extract, LAYERS)
    first = run_system(system, make_docs("a"), cache_dir=tmp_path, spec_key="k", progress=False)
    second = run_system(system, make_docs("a"), cache_dir=tmp_path, spec_key="k", progress=False)
    assert (len(first.failures), list(second.predictions)) == (1, ["d0"])


def test_default_cache_dir_follows_the_environment(monkeypatch, tmp_path, private_prediction_cache):
    assert default_cache_dir() == private_prediction_cache  # the autouse fixture of conftest.py
    monkeypatch.setenv("DIPLOMACY_IE_CACHE", str(tmp_path / "elsewhere"))
    assert default_cache_dir() == tmp_path / "elsewhere"
    monkeypatch.delenv("DIPLOMACY_IE_CACHE")
    assert default_cache_dir() == Path.home() / ".cache" / "diplomacy-ie" / "predictions"


def test_two_jobs_run_two_documents_at_once():
    barrier = threading.Barrier(2, timeout=10)

    class Rendezvous:
        name, layers = "rendezvous", LAYERS

        def predict(self, document):
            barrier.wait()  # raises BrokenBarrierError unless both documents are in flight
            return {"id": document["id"]}

    result = run_system(Rendezvous(), make_docs("a", "b"), jobs=2, cache_dir=None, spec_key="k", progress=False)
    assert (sorted(result.predictions), result.failures) == (["d0", "d1"], [])


class OverlapProbe:
    """Each call stays inside until a second call joins it, or for 0.5 s: so two calls
    that are allowed to overlap certainly do, and `peak` says whether they did."""

    name, layers = "probe", LAYERS

    def __init__(self, thread_safe: bool):
        self.thread_safe = thread_safe
        self.inside = self.peak = 0
        self.joined = threading.Condition()

    def predict(self, document):
        with self.joined:
            self.inside += 1
            self.peak = max(self.peak, self.inside)
            self.joined.notify_all()
            self.joined.wait_for(lambda: self.inside >= 2, timeout=0.5)
            self.inside -= 1
        return {"id": document["id"]}


@pytest.mark.parametrize("thread_safe, peak", [(True, 2), (False, 1)])
def test_thread_safe_decides_whether_two_documents_overlap(capsys, thread_safe, peak):
    probe = OverlapProbe(thread_safe)
    result = run_system(probe, make_docs(*"abcd"), jobs=2, cache_dir=None, spec_key="k", progress=False)
    assert (len(result.predictions), probe.peak) == (4, peak)
    assert ("not declared thread-safe" in capsys.readouterr().err) is (not thread_safe)


OVERLAP_SOURCE = """
    import os, pathlib, time

    class Probe:
        thread_safe = {thread_safe}

        def predict(self, document):
            mark = pathlib.Path(f"inside-{{os.getpid()}}")
            mark.touch()
            deadline = time.time() + 1.0  # stay inside until another worker joins, or 1 s
            while len(list(pathlib.Path().glob("inside-*"))) < 2 and time.time() < deadline:
                time.sleep(0.01)
            peers = len(list(pathlib.Path().glob("inside-*")))
            time.sleep(0.05)  # so that a joining worker still finds this one inside
            mark.unlink()
            return {{"id": document["id"], "peers": peers, "pid": os.getpid()}}
"""


@pytest.mark.parametrize("thread_safe", [True, False])
def test_python_workers_overlap_only_when_the_system_is_thread_safe(tmp_path, loaded, thread_safe):
    write(tmp_path / "probe.py", OVERLAP_SOURCE.format(thread_safe=thread_safe))
    system = loaded(resolve("python:probe.py:Probe", cwd=tmp_path))
    assert system.thread_safe is thread_safe
    result = run_system(system, make_docs("a", "b"), jobs=2, cache_dir=None, spec_key="k", progress=False)
    assert result.failures == []
    answers = result.predictions.values()
    assert {a["peers"] for a in answers} == ({2} if thread_safe else {1})
    assert len({a["pid"] for a in answers}) == (2 if thread_safe else 1)  # one worker per running document


def test_fail_fast_stops_at_the_first_failure():
    def extract(document):
        if document["text"] == "bad":
            raise RuntimeError("broken")
        return {"id": document["id"]}

    system = PythonSystem("ff", extract, LAYERS)
    result = run_system(
        system, make_docs("ok", "bad", "never"), cache_dir=None, spec_key="k", fail_fast=True, progress=False
    )
    assert list(result.predictions) == ["d0"]
    assert result.failures == [Failure("d1", "raised RuntimeError: broken", result.failures[0].stderr)]
    assert result.skipped == ["d2"]


def test_progress_bar_and_one_line_per_failure(capsys):
    def extract(document):
        if document["text"] == "bad":
            raise RuntimeError("broken\nover two lines")
        return {"id": document["id"]}

    system = PythonSystem("bar", extract, LAYERS)
    run_system(system, make_docs("a", "bad", "c"), cache_dir=None, spec_key="k", progress="always")
    err = capsys.readouterr().err
    assert "\r[####################] 3/3 docs" in err and "1/3 docs" in err
    assert "system 'bar' failed on document 'd1': raised RuntimeError: broken over two lines\n" in err

    run_system(system, make_docs("a", "bad"), cache_dir=None, spec_key="k")  # stderr is no TTY here
    err = capsys.readouterr().err
    assert "docs" not in err and err.count("\n") == 1 and "failed on document 'd1'" in err
    run_system(system, make_docs("a"), cache_dir=None, spec_key="k", progress="always")
    assert capsys.readouterr().err == ""  # one document: no bar


def test_limit_runs_only_the_first_documents():
    system = Counting()
    result = run_system(system, make_docs("a", "b", "c"), cache_dir=None, spec_key="k", limit=2, progress=False)
    assert list(result.predictions) == ["d0", "d1"] and system.calls == 2


def test_spec_describe_and_cache_key(tmp_path):
    source = write(tmp_path / "m.py", "def f(d):\n    return {}\n")
    spec = SystemSpec("m", "python", f"{source}:f", ("entities",), 3.0, "ad hoc", layers_declared=True)
    assert spec.describe() == f"m: python {source}:f; layers entities; timeout 3 s; from ad hoc"
    before = system_key(spec)
    source.write_text("def f(d):\n    return {'entities': []}\n", encoding="utf-8")
    assert system_key(spec) != before  # editing the system's file invalidates its cache
