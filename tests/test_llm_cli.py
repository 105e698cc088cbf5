"""`openai:` systems through the real CLI and benchmark.yaml: resolution checks the
options before anything runs, and a run against the local stub server is scored."""

from __future__ import annotations

import json
import os
import re
import textwrap

import pytest
import yaml

from benchmark.corpus import load_shipped
from benchmark.errors import InputError
from benchmark.jsonl import document_to_json
from benchmark.model import LAYERS
from benchmark.systems.openai_config import OpenAIOptions
from benchmark.systems.registry import list_systems, load_system, resolve

from .conftest import DOC_ID, ROOT, evaluate_to_file, run_cli
from .llm_stub import ChatStub, chat

GOOD = {"base_url": "http://127.0.0.1:8000/v1", "model": "qwen2.5-7b-instruct"}


def write_config(folder, entry: dict):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "benchmark.yaml"
    path.write_text(yaml.safe_dump({"systems": {"mygpt": entry}}), encoding="utf-8")
    return path


def cli_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    return {**env, "DIPLOMACY_IE_CACHE": str(tmp_path / "cache"), **extra}


# --- resolution ---------------------------------------------------------------


def test_an_openai_entry_resolves_with_all_five_layers_by_default(tmp_path):
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "mine.txt").write_text("[user]\n$text\n", encoding="utf-8")
    config = write_config(tmp_path, {"openai": {**GOOD, "seed": 3, "prompt": "prompts/mine.txt"}, "timeout": 300})
    spec = resolve("mygpt", cwd=tmp_path)
    assert (spec.kind, spec.layers, spec.timeout, spec.origin) == ("openai", LAYERS, 300.0, str(config))
    options = OpenAIOptions.from_target(spec.target)
    assert options == OpenAIOptions(
        GOOD["base_url"], GOOD["model"], seed=3, prompt=str(tmp_path.resolve() / "prompts" / "mine.txt")
    )
    assert "mygpt: openai" in spec.describe() and "qwen2.5-7b-instruct" in spec.describe()
    system = load_system(spec)
    assert (system.timeout, system.layers, system.thread_safe) == (300.0, LAYERS, True)


def test_the_default_timeout_applies_when_the_entry_sets_none(tmp_path):
    write_config(tmp_path, {"openai": GOOD, "layers": ["entities"]})
    from benchmark.systems.base import DEFAULT_TIMEOUT

    assert load_system(resolve("mygpt", cwd=tmp_path)).timeout == DEFAULT_TIMEOUT


@pytest.mark.parametrize(
    "options, message",
    [
        ({**GOOD, "modle": "x"}, "systems.mygpt.openai.modle: unknown key; did you mean 'model'?"),
        ({**GOOD, "temprature": 0}, "did you mean 'temperature'?"),
        ({"base_url": GOOD["base_url"]}, "the key 'model' is missing"),
        ({**GOOD, "base_url": "127.0.0.1:8000/v1"}, "openai.base_url: expected an http:// or https:// URL"),
        ({**GOOD, "base_url": "http://127.0.0.1:80x0/v1"}, "has a port that is not a number"),
        (
            {**GOOD, "base_url": "http://127.0.0.1:8000/v1/chat/completions"},
            "give the API root ('http://127.0.0.1:8000/v1')",
        ),
        ({**GOOD, "base_url": "http:///v1"}, "with a host"),
        ({**GOOD, "base_url": "https://api.example.com/v1?key=abc"}, "openai.base_url: the URL has a query"),
        ({**GOOD, "model": ""}, "openai.model: expected a non-empty string"),
        ({**GOOD, "temperature": "0"}, "openai.temperature: expected a number from 0 to 2, got '0'"),
        ({**GOOD, "temperature": 3}, "openai.temperature: expected a number from 0 to 2, got 3"),
        ({**GOOD, "max_tokens": 0}, "openai.max_tokens: expected a whole number of at least 1, got 0"),
        ({**GOOD, "max_tokens": True}, "openai.max_tokens: expected a whole number"),
        ({**GOOD, "seed": 1.5}, "openai.seed: expected a whole number, got 1.5"),
        ({**GOOD, "prompt": "missing.txt"}, "openai.prompt: no such prompt template file"),
        ("http://127.0.0.1:8000/v1", "systems.mygpt.openai: expected a mapping"),
    ],
)
def test_bad_openai_options_are_input_errors_naming_the_key(tmp_path, options, message):
    config = write_config(tmp_path, {"openai": options})
    with pytest.raises(InputError) as caught:
        resolve("mygpt", cwd=tmp_path)
    assert message in str(caught.value) and str(config) in str(caught.value)


def test_a_key_pasted_into_api_key_env_is_refused_and_not_repeated(tmp_path):
    write_config(tmp_path, {"openai": {**GOOD, "api_key_env": "sk-proj-abc123-secret"}})
    with pytest.raises(InputError, match="NAME of an environment variable") as caught:
        resolve("mygpt", cwd=tmp_path)
    assert "secret" not in str(caught.value)


@pytest.mark.parametrize(
    "template, message",
    [
        ("[user]\nAnnotate $document\n", "mine.txt:2: unknown placeholder $document"),
        ("[user]\n$text costs $5\n", "mine.txt:2: a '$' that starts no placeholder"),
        ("[system]\nYou annotate.\n[user]\nNo document here.\n", "never uses $text"),
        ("[system]\n$text\n", "has no user message"),
        ("[user]\n$text\n[user]\nagain\n", "mine.txt:3: a second [user] line"),
        ("preamble\n[user]\n$text\n", "mine.txt:1: text before the first [system] or [user] line"),
    ],
)
def test_a_malformed_user_template_is_refused_at_resolution(tmp_path, template, message):
    (tmp_path / "mine.txt").write_text(template, encoding="utf-8")
    write_config(tmp_path, {"openai": {**GOOD, "prompt": "mine.txt"}})
    with pytest.raises(InputError, match=message.replace("$", r"\$").replace("[", r"\[")):
        resolve("mygpt", cwd=tmp_path)


def test_a_bad_entry_exits_2_through_the_cli_and_writes_nothing(tmp_path):
    write_config(tmp_path, {"openai": {**GOOD, "modle": "x"}})
    out = tmp_path / "out.json"
    result = run_cli("evaluate", "--system", "mygpt", "--output", str(out), cwd=tmp_path, env=cli_env(tmp_path))
    assert result.returncode == 2, result.stderr
    assert "did you mean 'model'?" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


# --- end to end ----------------------------------------------------------------


@pytest.fixture(scope="module")
def gold():
    return document_to_json(load_shipped()[0])


def answer_with_offsets(gold: dict):
    """The stub answers each layer with the gold items (offsets included), since
    text-anchored spans are aligned by another part of the harness."""

    def respond(request):
        key = request.layer_key()
        assert DOC_ID not in request.user_message()  # the model sees the text, not our ids
        return chat(json.dumps({key: gold[key]}, ensure_ascii=False), prompt_tokens=1000, completion_tokens=300)

    return respond


def evaluate(tmp_path, stub, *args, layers=("entities", "quotes")):
    write_config(tmp_path, {"openai": {"base_url": stub.base_url, "model": "stub-model"}, "layers": list(layers)})
    return evaluate_to_file(tmp_path, "--system", "mygpt", *args, env=cli_env(tmp_path))


def test_an_llm_system_is_scored_end_to_end(tmp_path, gold):
    with ChatStub(answer_with_offsets(gold)) as stub:
        result, record = evaluate(tmp_path, stub)
    assert result.returncode == 0, result.stderr
    assert record["system"]["kind"] == "openai"
    assert record["system"]["layers"] == ["entities", "quotes"]
    assert record["system"]["prompts"] == {"entities": "entities-v1", "quotes": "quotes-v1"}
    assert record["system"]["usage"] == {"requests": 2, "prompt_tokens": 2000, "completion_tokens": 600, "cached": 0}
    assert record["layers"]["entities"]["headline"]["value"] == 1.0
    assert record["layers"]["quotes"]["headline"]["value"] == 1.0
    assert record["layers"]["coref"] == {"status": "not attempted"}
    assert [r.layer_key() for r in stub.requests] == ["entities", "quotes"]
    assert all("authorization" not in r.headers for r in stub.requests)


def test_a_malformed_reply_fails_the_document_and_the_run_exits_3(tmp_path, gold):
    def respond(request):
        if request.layer_key() == "quotes":
            return chat('{"quotes": [{"kind": "direct", "cue": ')
        return answer_with_offsets(gold)(request)

    with ChatStub(respond) as stub:
        result, record = evaluate(tmp_path, stub)
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert f"failed on document '{DOC_ID}'" in result.stderr and "quotes request holds no JSON object" in result.stderr
    (failure,) = record["failures"]
    assert failure["document"] == DOC_ID and '"cue": ' in failure["stderr"]
    assert record["system"]["usage"]["requests"] == 2


# --- the docs -------------------------------------------------------------------


def test_every_system_of_the_llm_example_resolves_and_loads():
    folder = ROOT / "examples" / "llm"
    specs = [spec for spec in list_systems(cwd=folder) if spec.kind == "openai"]
    assert {spec.name for spec in specs} == {"qwen-local", "qwen-ollama", "qwen-own-prompt"}
    for spec in specs:
        system = load_system(spec)
        assert system.timeout == 900 and system.prompts
    own = load_system(resolve("qwen-own-prompt", cwd=folder))
    assert own.prompts["entities"].startswith("entities-prompt.txt@sha256:")


def test_the_readme_walkthrough_config_resolves(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Scoring an LLM\n")[1].split("\n## ")[0]
    snippet = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    (tmp_path / "benchmark.yaml").write_text(textwrap.dedent(snippet), encoding="utf-8")
    system = load_system(resolve("mygpt", cwd=tmp_path))
    assert (system.layers, system.timeout) == (("entities", "quotes"), 600.0)
    assert system.prompts == {"entities": "entities-v1", "quotes": "quotes-v1"}
    assert "benchmark prompts" in section and "system.usage" in section and "--jobs" in section


def test_the_request_cache_follows_cache(tmp_path, gold):
    with ChatStub(answer_with_offsets(gold)) as stub:
        _, first = evaluate(tmp_path, stub, "--cache")
        sent = len(stub.requests)
        _, second = evaluate(tmp_path, stub, "--cache")
        assert len(stub.requests) == sent == 2
        _, third = evaluate(tmp_path, stub)
        assert len(stub.requests) == 4
    assert first["system"]["usage"]["cached"] == 0
    assert second["system"]["usage"] == {"requests": 0, "prompt_tokens": 0, "completion_tokens": 0, "cached": 2}
    assert third["system"]["usage"]["cached"] == 0
    assert second["layers"]["entities"]["headline"] == first["layers"]["entities"]["headline"]
