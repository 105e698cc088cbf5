"""The prediction cache: opt-in, keyed on everything that determines the output,
checked like fresh output, and reported as "k of n documents from cache"."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from benchmark.cache import ENTRY_FORMAT, PredictionCache, document_key, system_key
from benchmark.run import run_system
from benchmark.systems.registry import resolve

from .conftest import DOC_ID, ROOT, run_cli

PYTHON = shlex.quote(sys.executable)


def evaluate(cwd: Path, *args: str) -> tuple[int, dict | None, str]:
    out = cwd / "result.json"
    out.unlink(missing_ok=True)
    result = run_cli("evaluate", *args, "--bootstrap", "0", "--output", str(out), cwd=cwd)
    record = json.loads(out.read_text()) if out.exists() else None
    return result.returncode, record, result.stdout + result.stderr


def strict_f1(record: dict) -> float:
    return record["layers"]["entities"]["metrics"]["strict"]["f1"]


def entries(cache: Path) -> list[Path]:
    return sorted(cache.rglob("*.json"))


# --- the README's walkthrough and a command script, edited between two runs -----------


def test_editing_the_walkthrough_system_changes_the_score_of_a_cached_run(tmp_path, private_prediction_cache):
    folder = tmp_path / "mymodel"
    shutil.copytree(ROOT / "examples" / "mymodel", folder)
    status, first, _ = evaluate(folder, "--system", "mymodel", "--cache")
    assert status == 0 and first["cache"] == {"enabled": True, "hits": 0, "documents": 1}
    status, second, _ = evaluate(folder, "--system", "mymodel", "--cache")
    assert status == 0 and second["cache"] == {"enabled": True, "hits": 1, "documents": 1}
    assert strict_f1(second) == strict_f1(first)

    source = folder / "mymodel.py"
    edited_source = re.sub(r'"NATO": "ORG",\s*', "", source.read_text())
    assert edited_source != source.read_text()
    source.write_text(edited_source, encoding="utf-8")
    status, edited, _ = evaluate(folder, "--system", "mymodel", "--cache")
    assert status == 0 and edited["cache"]["hits"] == 0
    assert strict_f1(edited) < strict_f1(first)  # NATO is no longer found

    table = run_cli("evaluate", "--system", "mymodel", "--cache", "--bootstrap", "0", cwd=folder)
    assert "1 of 1 documents from cache" in table.stdout.splitlines()
    assert len(entries(private_prediction_cache)) == 2  # one per version of the system


TAGGER = """
    import json, sys

    NAMES = {names!r}
    for line in sys.stdin:
        document = json.loads(line)
        text = document["text"]
        entities = []
        for name, label in NAMES.items():
            start = text.find(name)
            if start >= 0:
                entities.append({{"start": start, "end": start + len(name), "type": label}})
        print(json.dumps({{"id": document["id"], "entities": entities}}), flush=True)
"""


def test_editing_a_command_script_changes_the_score_of_a_cached_run(tmp_path):
    script = tmp_path / "my_tagger.py"
    script.write_text(textwrap.dedent(TAGGER.format(names={"NATO": "ORG"})), encoding="utf-8")
    system = f"cmd:{PYTHON} my_tagger.py"
    status, first, _ = evaluate(tmp_path, "--system", system, "--cache")
    assert status == 0 and first["cache"]["hits"] == 0 and first["system"]["layers"] == ["entities"]
    assert evaluate(tmp_path, "--system", system, "--cache")[1]["cache"]["hits"] == 1

    script.write_text(
        textwrap.dedent(TAGGER.format(names={"NATO": "ORG", "Antony Blinken": "PERSON"})), encoding="utf-8"
    )
    status, edited, _ = evaluate(tmp_path, "--system", system, "--cache")
    assert status == 0 and edited["cache"]["hits"] == 0
    assert strict_f1(edited) > strict_f1(first)


def test_the_cache_is_off_unless_asked_for(tmp_path, private_prediction_cache):
    write_extract(tmp_path)
    status, record, output = evaluate(tmp_path, "--system", "python:extract.py:extract")
    assert status == 0 and record["cache"] == {"enabled": False, "hits": 0, "documents": 1}
    assert entries(private_prediction_cache) == [] and "from cache" not in output
    status, _, output = evaluate(tmp_path, "--system", "python:extract.py:extract", "--no-cache")
    assert status == 2 and "unrecognized arguments: --no-cache" in output


def test_the_benchmark_yaml_entry_is_part_of_the_key(tmp_path):
    write_extract(tmp_path)
    config = tmp_path / "benchmark.yaml"

    def configure(entry: dict) -> str:
        config.write_text(yaml.safe_dump({"systems": {"mine": entry}}), encoding="utf-8")
        return system_key(resolve("mine", cwd=tmp_path))

    plain = configure({"python": "extract.py:extract"})
    assert configure({"python": "extract.py:extract", "timeout": 9}) == plain  # never changes an answer
    assert configure({"python": "extract.py:extract", "layers": ["entities"]}) != plain
    assert configure({"command": f"{PYTHON} extract.py"}) != plain


def test_the_key_follows_a_module_and_its_package(tmp_path):
    package = tmp_path / "mypkg"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "model.py").write_text("from .helpers import NAMES\n", encoding="utf-8")
    (package / "helpers.py").write_text("NAMES = ['NATO']\n", encoding="utf-8")
    spec = resolve("python:mypkg.model:extract", cwd=tmp_path)
    before = system_key(spec)
    (package / "helpers.py").write_text("NAMES = ['NATO', 'Russia']\n", encoding="utf-8")
    assert system_key(spec) != before


# --- a cached entry is checked like fresh output ---------------------------------------


class Counting:
    name, layers, thread_safe = "counting", None, True

    def __init__(self):
        self.calls = 0

    def predict(self, document):
        self.calls += 1
        return {"id": document["id"], "entities": [{"start": 0, "end": 2, "type": "GPE"}]}


def span_problems(document: dict, prediction: dict) -> list[str]:
    """A stand-in for the evaluate layer's checks: offsets must fit the text."""
    return [
        f"entities[{i}]"
        for i, e in enumerate(prediction.get("entities") or [])
        if not (isinstance(e, dict) and 0 <= e.get("start", -1) < e.get("end", -1) <= len(document["text"]))
    ]


DOCUMENT = {"id": "d0", "text": "US troops", "date": "2022-01-26", "language": "en"}
OTHER = {**DOCUMENT, "id": "d1"}
FRESH = {"id": "d0", "entities": [{"start": 0, "end": 2, "type": "GPE"}]}


def entry(prediction: object, document: dict = DOCUMENT) -> str:
    return json.dumps({"format": ENTRY_FORMAT, "document": document_key(document), "prediction": prediction})


BAD_ENTRIES = {
    "empty file": "",
    "not JSON": "{oops",
    "not UTF-8": b"\xff\xfe{}",
    "a list": "[]",
    "no prediction": json.dumps({"format": ENTRY_FORMAT, "document": document_key(DOCUMENT)}),
    "an old format": json.dumps({"format": 1, "document": document_key(DOCUMENT), "prediction": FRESH}),
    "another document's entry": entry({**FRESH, "id": "d1"}, OTHER),
    "an entry for another text under the same id": entry(FRESH, {**DOCUMENT, "text": "US troops left"}),
    "a prediction without id": entry({"entities": []}),
    "a prediction for another id": entry({**FRESH, "id": "d1"}),
    "a prediction that is a list": entry([FRESH]),
    "an item that fails the checks": entry({"id": "d0", "entities": [{"start": 5, "end": 2, "type": "GPE"}]}),
    "JSON nested 100,000 deep": entry({"id": "d0", "x": 0}).replace("0}}", "[" * 100_000 + "]" * 100_000 + "}}"),
    "an integer of 5,000 digits": entry({"id": "d0", "x": 0}).replace('"x": 0', '"x": ' + "9" * 5000),
    "NaN": entry({"id": "d0", "x": 0}).replace('"x": 0', '"x": NaN'),
}


@pytest.mark.parametrize("content", BAD_ENTRIES.values(), ids=BAD_ENTRIES.keys())
def test_a_bad_cache_entry_is_evicted_and_the_system_run(tmp_path, content):
    cache = PredictionCache(tmp_path, "key", span_problems)
    cache.folder.mkdir(parents=True)
    path = cache.path(DOCUMENT)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    system = Counting()
    result = run_system(system, [DOCUMENT], cache_dir=tmp_path, spec_key="key", check=span_problems, progress=False)
    assert (system.calls, result.from_cache, result.predictions) == (1, 0, {"d0": FRESH})
    assert json.loads(path.read_text())["prediction"] == FRESH  # replaced by the fresh answer
    again = run_system(system, [DOCUMENT], cache_dir=tmp_path, spec_key="key", check=span_problems, progress=False)
    assert (system.calls, again.from_cache, again.predictions) == (1, 1, {"d0": FRESH})


def test_a_valid_entry_is_used_and_an_invalid_answer_is_never_stored(tmp_path):
    class Invalid(Counting):
        def predict(self, document):
            self.calls += 1
            return {"id": document["id"], "entities": [{"start": 5, "end": 2, "type": "GPE"}]}

    system = Invalid()
    for _ in range(2):
        result = run_system(system, [DOCUMENT], cache_dir=tmp_path, spec_key="key", check=span_problems, progress=False)
        assert result.from_cache == 0
    assert system.calls == 2 and entries(tmp_path) == []


def test_an_interrupted_write_leaves_no_entry(tmp_path, monkeypatch):
    cache = PredictionCache(tmp_path, "key")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("benchmark.cache.os.replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cache.put(DOCUMENT, FRESH)
    assert list(tmp_path.rglob("*")) == [cache.folder]


def write_extract(folder: Path) -> None:
    (folder / "extract.py").write_text(
        "def extract(document):\n"
        "    return {'id': document['id'], 'entities': [{'start': 0, 'end': 2, 'type': 'GPE'}]}\n",
        encoding="utf-8",
    )


def test_cli_evicts_a_forged_entry_and_reports_the_fresh_score(tmp_path, private_prediction_cache):
    write_extract(tmp_path)
    status, fresh, _ = evaluate(tmp_path, "--system", "python:extract.py:extract", "--cache")
    assert status == 0
    (path,) = entries(private_prediction_cache)
    forged = json.loads(path.read_text())
    forged["prediction"]["entities"] = [{"start": 0, "end": 5000, "type": "GPE"}]  # past the text
    path.write_text(json.dumps(forged), encoding="utf-8")
    status, record, _ = evaluate(tmp_path, "--system", "python:extract.py:extract", "--cache")
    assert status == 0 and record["cache"]["hits"] == 0 and record["failures"] == []
    assert record["layers"]["entities"] == fresh["layers"]["entities"]
    assert json.loads(path.read_text())["prediction"]["entities"] == [{"start": 0, "end": 2, "type": "GPE"}]
    assert fresh["dataset"]["documents"] == [DOC_ID]
