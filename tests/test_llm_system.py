"""The LLM adapter (`openai:` systems) against a local OpenAI-compatible stub server:
request bodies, replies in every shape, retries, timeouts, the request cache, usage."""

from __future__ import annotations

import json
import time

import pytest

from benchmark.prompts import builtin_template
from benchmark.run import run_system
from benchmark.systems.base import SystemFailure
from benchmark.systems.openai_chat import OpenAIChatSystem
from benchmark.systems.openai_config import OpenAIOptions

from .llm_stub import ChatStub, Reply, chat

DOC = {"id": "d0", "text": "Peru and Ghana met in Lima on Friday.", "date": "2024-03-08", "language": "en"}
ENTITIES = [
    {"text": "Peru", "type": "GPE"},
    {"text": "Ghana", "type": "GPE"},
    {"text": "Lima", "type": "GPE"},
    {"text": "Friday", "type": "DATE"},
]
QUOTES = [
    {
        "kind": "indirect",
        "cue": {"text": "said"},
        "content": [{"text": "talks went well"}],
        "source": {"text": "she"},
        "source_name": "Ana Ruiz",
    }
]
ANSWERS = {"entities": ENTITIES, "quotes": QUOTES, "clusters": [[{"text": "Peru"}]], "events": [], "timexes": []}


def answer_each_layer(request) -> Reply:
    """A correct reply to a built-in template's request, plus a key nobody asked for."""
    key = request.layer_key()
    return chat(
        json.dumps(
            {
                key: ANSWERS[key],
                "timexes": [{"text": "Friday", "type": "DATE", "value": "X"}] if key != "timexes" else [],
            }
        )
    )


def make_system(
    stub: ChatStub, layers=("entities", "quotes"), *, timeout=10.0, environ=None, pauses=None, cache_dir=None, **options
) -> OpenAIChatSystem:
    config = OpenAIOptions(base_url=stub.base_url, model="stub-model", **options)
    return OpenAIChatSystem(
        "mygpt",
        config,
        tuple(layers),
        timeout=timeout,
        backoff=0.01,
        cache_dir=cache_dir,
        environ={} if environ is None else environ,
        sleep=pauses.append if pauses is not None else time.sleep,
    )


@pytest.fixture
def stub():
    with ChatStub(answer_each_layer) as server:
        yield server


# --- requests -----------------------------------------------------------------


def test_one_request_per_layer_and_the_reply_becomes_a_text_anchored_prediction(stub):
    system = make_system(stub)
    prediction = system.predict(DOC)
    # Keys of layers not asked in a request (timexes here) are ignored.
    assert prediction == {"id": "d0", "entities": ENTITIES, "quotes": QUOTES}
    assert [r.layer_key() for r in stub.requests] == ["entities", "quotes"]
    assert all(r.path == "/v1/chat/completions" for r in stub.requests)
    assert system.prompts == {"entities": "entities-v1", "quotes": "quotes-v1"}


def test_the_request_body_is_what_the_options_say(stub):
    system = make_system(stub, layers=("timexes",), seed=7, max_tokens=900, temperature=0.3)
    system.predict(DOC)
    (request,) = stub.requests
    assert request.body == {
        "model": "stub-model",
        "temperature": 0.3,
        "max_tokens": 900,
        "seed": 7,
        "messages": builtin_template("timexes").render(DOC, ("timexes",)),
        "response_format": {"type": "json_object"},
    }
    system_message, user_message = request.body["messages"]
    assert system_message["role"] == "system" and "one JSON object" in system_message["content"]
    assert DOC["text"] in user_message["content"] and "Document date: 2024-03-08" in user_message["content"]


def test_defaults_are_temperature_zero_and_no_seed_or_max_tokens(stub):
    make_system(stub, layers=("entities",)).predict(DOC)
    body = stub.requests[0].body
    assert body["temperature"] == 0 and "seed" not in body and "max_tokens" not in body


def test_the_api_key_header_is_sent_only_when_its_variable_is_set(stub):
    make_system(stub, layers=("entities",), environ={}).predict(DOC)
    make_system(stub, layers=("entities",), environ={"OPENAI_API_KEY": ""}).predict(DOC)
    make_system(stub, layers=("entities",), environ={"MY_KEY": "sk-test-123"}, api_key_env="MY_KEY").predict(DOC)
    make_system(stub, layers=("entities",), environ={"OPENAI_API_KEY": "sk-default"}).predict(DOC)
    assert [r.headers.get("authorization") for r in stub.requests] == [
        None,
        None,
        "Bearer sk-test-123",
        "Bearer sk-default",
    ]


def test_a_user_template_asks_for_every_declared_layer_at_once(tmp_path):
    template = tmp_path / "mine.txt"
    template.write_text("[user]\nExtract $layers from this $date text; it costs $$0.\n$text\n", encoding="utf-8")
    reply = {"entities": ENTITIES, "timexes": [], "events": [{"trigger": {"text": "met"}}]}
    with ChatStub(lambda request: chat(json.dumps(reply))) as server:
        system = make_system(server, layers=("entities", "timexes"), prompt=str(template))
        assert system.predict(DOC) == {"id": "d0", "entities": ENTITIES, "timexes": []}
    (request,) = server.requests
    assert request.body["messages"] == [
        {"role": "user", "content": f"Extract entities, timexes from this 2024-03-08 text; it costs $0.\n{DOC['text']}"}
    ]
    assert system.prompts["entities"].startswith("mine.txt@sha256:")
    assert system.prompts["entities"] == system.prompts["timexes"]


# --- replies ------------------------------------------------------------------

REPLY_SHAPES = {
    "fenced": 'Here is the annotation:\n```json\n{"entities": %s}\n```\nLet me know if you need more.',
    "bare fence": '```\n{"entities": %s}\n```',
    "prose around": 'Sure. {"entities": %s} These are all the entities.',
    "braces in prose first": 'Note {the format}: {"entities": %s}',
    "thinking first": '<think>The user wants {"entities": []}? Let me check.</think>\n{"entities": %s}',
}


@pytest.mark.parametrize("shape", REPLY_SHAPES)
def test_json_is_found_in_fences_and_prose(shape):
    content = REPLY_SHAPES[shape] % json.dumps(ENTITIES)
    with ChatStub(lambda request: chat(content)) as server:
        assert make_system(server, layers=("entities",)).predict(DOC) == {"id": "d0", "entities": ENTITIES}


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"entities": [{"text": "Peru", "type": "GPE"}', "holds no JSON object"),
        ("I cannot help with that.", "holds no JSON object: 'I cannot help with that.'"),
        ('{"people": []}', "has no 'entities' list (its keys are 'people')"),
        ('{"entities": {"text": "Peru"}}', "has no 'entities' list (it is dict)"),
    ],
)
def test_a_reply_without_the_asked_json_fails_the_document_clearly(content, message):
    with ChatStub(lambda request: chat(content)) as server:
        with pytest.raises(SystemFailure) as caught:
            make_system(server, layers=("entities",)).predict(DOC)
    assert "entities request" in caught.value.message and message in caught.value.message
    assert content[:40] in caught.value.stderr or content[:40] in caught.value.message


def test_a_reply_cut_off_at_max_tokens_says_so():
    with ChatStub(lambda request: chat('{"entities": [{"text": "Pe', finish_reason="length")) as server:
        with pytest.raises(SystemFailure, match="cut off at max_tokens"):
            make_system(server, layers=("entities",), max_tokens=5).predict(DOC)


@pytest.mark.parametrize(
    "reply, message",
    [
        (Reply(200, b"<html>oops</html>"), "the answer is not JSON"),
        (
            Reply(200, {"error": {"message": "model overloaded"}}),
            r"no choices\[0\]\.message\.content text: model overloaded",
        ),
        (Reply(404, {"error": "no such model"}), "HTTP 404.*is base_url the API root"),
        (Reply(401, {"error": "bad key"}), "HTTP 401.*OPENAI_API_KEY, which is not set"),
    ],
)
def test_bad_answers_fail_without_retry(reply, message):
    with ChatStub(lambda request: reply) as server:
        with pytest.raises(SystemFailure, match=message):
            make_system(server, layers=("entities",)).predict(DOC)
        assert len(server.requests) == 1


# --- retries and timeouts -----------------------------------------------------


def scripted(*replies: Reply):
    """Answer with `replies` in order, then with correct answers."""
    queue = list(replies)
    return lambda request: queue.pop(0) if queue else answer_each_layer(request)


def test_429_is_retried_after_the_time_retry_after_gives():
    pauses: list[float] = []
    with ChatStub(scripted(Reply(429, {"error": "slow down"}, {"Retry-After": "0.05"}))) as server:
        system = make_system(server, layers=("entities",), pauses=pauses)
        assert system.predict(DOC)["entities"] == ENTITIES
    assert pauses == [0.05] and len(server.requests) == 2
    assert system.usage["requests"] == 2


def test_5xx_is_retried_with_exponential_backoff():
    pauses: list[float] = []
    with ChatStub(scripted(Reply(500, b"boom"), Reply(503, b"busy"))) as server:
        system = make_system(server, layers=("entities",), pauses=pauses)
        assert system.predict(DOC)["entities"] == ENTITIES
    assert len(server.requests) == 3
    first, second = pauses
    assert 0.01 <= first <= 0.0125 and 0.02 <= second <= 0.025  # backoff 0.01 s doubled, jitter up to 25%


def test_persistent_5xx_fails_after_the_last_attempt():
    with ChatStub(lambda request: Reply(500, b"internal error")) as server:
        config = OpenAIOptions(base_url=server.base_url, model="m")
        system = OpenAIChatSystem("g", config, ("entities",), attempts=3, backoff=0.01, environ={})
        with pytest.raises(SystemFailure, match=r"HTTP 500 .*\(tried 3 times\)") as caught:
            system.predict(DOC)
        assert len(server.requests) == 3
    assert "internal error" in caught.value.stderr


def test_a_slow_reply_fails_within_the_timeout():
    with ChatStub(lambda request: Reply(200, {}, delay=10)) as server:
        system = make_system(server, layers=("entities",), timeout=0.5)
        started = time.monotonic()
        result = run_system(system, [DOC], cache_dir=None, spec_key="k", progress=False)
        elapsed = time.monotonic() - started
    assert result.predictions == {}
    assert "timeout of 0.5 s" in result.failures[0].error
    assert 0.45 <= elapsed < 1.5


def test_a_reply_that_trickles_in_fails_within_the_timeout():
    with ChatStub(lambda request: Reply(200, chat("{}").body, trickle=0.05)) as server:
        system = make_system(server, layers=("entities",), timeout=0.5)
        started = time.monotonic()
        with pytest.raises(SystemFailure, match="timeout of 0.5 s"):
            system.predict(DOC)
        assert time.monotonic() - started < 1.5


def test_the_timeout_bounds_the_whole_document_retries_included():
    with ChatStub(lambda request: Reply(503, b"busy")) as server:
        config = OpenAIOptions(base_url=server.base_url, model="m")
        system = OpenAIChatSystem("g", config, ("entities", "quotes"), timeout=1.0, backoff=30, environ={})
        started = time.monotonic()
        with pytest.raises(SystemFailure, match="would pass the document's timeout of 1 s"):
            system.predict(DOC)
        assert time.monotonic() - started < 1.0
        assert len(server.requests) == 1


def test_an_unsupported_response_format_is_dropped_once_for_the_whole_run():
    def respond(request):
        if "response_format" in request.body:
            return Reply(400, {"error": {"message": "Unrecognized request argument supplied: response_format"}})
        return answer_each_layer(request)

    with ChatStub(respond) as server:
        system = make_system(server, layers=("entities", "quotes"))
        assert system.predict(DOC)["quotes"] == QUOTES
        assert system.predict({**DOC, "id": "d1"})["id"] == "d1"
    with_format = ["response_format" in r.body for r in server.requests]
    assert with_format == [True, False, False, False, False]


def test_any_other_400_fails_without_retry():
    with ChatStub(lambda request: Reply(400, {"error": {"message": "context length exceeded"}})) as server:
        with pytest.raises(SystemFailure, match="HTTP 400") as caught:
            make_system(server, layers=("entities",)).predict(DOC)
        assert len(server.requests) == 1
    assert "context length exceeded" in caught.value.stderr


def test_an_oversized_answer_fails():
    with ChatStub(lambda request: chat("x" * 5000)) as server:
        config = OpenAIOptions(base_url=server.base_url, model="m")
        system = OpenAIChatSystem("g", config, ("entities",), environ={})
        system._client.max_reply_bytes = 1000
        with pytest.raises(SystemFailure, match="larger than 1000 bytes"):
            system.predict(DOC)


# --- cache, usage, concurrency ------------------------------------------------


def test_the_request_cache_serves_a_second_run_without_any_request(stub, tmp_path):
    first = make_system(stub, cache_dir=tmp_path / "cache")
    expected = first.predict(DOC)
    assert len(stub.requests) == 2 and len(list((tmp_path / "cache").glob("*.json"))) == 2
    second = make_system(stub, cache_dir=tmp_path / "cache")
    assert second.predict(DOC) == expected
    assert len(stub.requests) == 2
    assert second.usage == {"requests": 0, "prompt_tokens": 0, "completion_tokens": 0, "cached": 2}
    # Another model is another request body, so another key.
    make_system(stub, layers=("entities",), cache_dir=tmp_path / "cache", seed=1).predict(DOC)
    assert len(stub.requests) == 3


def test_a_broken_cache_entry_is_ignored_and_overwritten(stub, tmp_path):
    folder = tmp_path / "cache"
    make_system(stub, layers=("entities",), cache_dir=folder).predict(DOC)
    (entry,) = folder.glob("*.json")
    for broken in ("{not json", '{"reply": 3}', json.dumps({"reply": chat("no json here").body})):
        entry.write_text(broken, encoding="utf-8")
        assert make_system(stub, layers=("entities",), cache_dir=folder).predict(DOC)["entities"] == ENTITIES
        assert json.loads(entry.read_text(encoding="utf-8"))["reply"]["choices"][0]["message"]["content"]
    assert len(stub.requests) == 4


def test_failed_replies_are_not_cached(tmp_path):
    with ChatStub(lambda request: chat("nothing")) as server:
        with pytest.raises(SystemFailure):
            make_system(server, layers=("entities",), cache_dir=tmp_path / "cache").predict(DOC)
    assert not list((tmp_path / "cache").glob("*.json"))


def test_usage_sums_every_request_across_concurrent_documents(stub):
    system = make_system(stub)
    documents = [{**DOC, "id": f"d{i}"} for i in range(8)]
    result = run_system(system, documents, jobs=4, cache_dir=None, spec_key="k", progress=False)
    assert result.failures == [] and sorted(result.predictions) == sorted(d["id"] for d in documents)
    assert all(p["id"] == doc_id for doc_id, p in result.predictions.items())
    assert system.usage == {"requests": 16, "prompt_tokens": 1600, "completion_tokens": 320, "cached": 0}


def test_replies_without_usage_count_requests_only():
    with ChatStub(lambda request: chat(json.dumps({"entities": []}), prompt_tokens=None)) as server:
        system = make_system(server, layers=("entities",))
        system.predict(DOC)
    assert system.usage == {"requests": 1, "prompt_tokens": 0, "completion_tokens": 0, "cached": 0}
