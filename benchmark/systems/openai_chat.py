"""LLM systems: any OpenAI-compatible Chat Completions server (vLLM, llama.cpp
server, Ollama, hosted APIs) prompted to answer in the text-anchored prediction
format (spans as {"text", "occurrence"?}, aligned to offsets by the harness).

One request per document and layer, each with that layer's built-in template:
a short prompt about one task is followed more reliably by small models than one
that asks for five annotation schemes at once, and one layer's bad reply is
named on its own. With a user template (`prompt:`), one request per document asks
for every declared layer. Keys of the reply for layers not asked are ignored.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from ..jsonl import PREDICTION_KEYS
from ..prompts import PromptTemplate, builtin_template, load_template_file
from .base import DEFAULT_TIMEOUT, SystemFailure, SystemSpec
from .chat_client import BODY_SHOWN, DEFAULT_ATTEMPTS, DEFAULT_BACKOFF, ChatClient, Deadline
from .json_reply import extract_json_object
from .openai_config import OpenAIOptions
from .request_cache import RequestCache

SHOWN_IN_MESSAGE = 80  # characters of a bad reply quoted in the failure message


class OpenAIChatSystem:
    thread_safe = True
    # The run's prediction cache is keyed on the spec, which does not change when a
    # prompt file does; this system's own request cache is keyed on the full request.
    cacheable = False

    def __init__(
        self,
        name: str,
        options: OpenAIOptions,
        layers: tuple[str, ...],
        *,
        timeout: float = DEFAULT_TIMEOUT,
        cache_dir: Path | None = None,
        attempts: int = DEFAULT_ATTEMPTS,
        backoff: float = DEFAULT_BACKOFF,
        sleep: Callable[[float], None] = time.sleep,
        environ: Mapping[str, str] | None = None,
    ):
        self.name = name
        self.layers = tuple(layers)
        self.options = options
        self.timeout = timeout
        self.groups = request_groups(options, self.layers)
        self.prompts = {layer: template.version for group, template in self.groups for layer in group}
        self._client = ChatClient(
            options.base_url, options.api_key_env, attempts=attempts, backoff=backoff, sleep=sleep, environ=environ
        )
        self._cache = RequestCache(cache_dir) if cache_dir is not None else None
        self._cached = 0
        self._lock = threading.Lock()

    @classmethod
    def from_spec(
        cls, spec: SystemSpec, *, timeout: float | None = None, cache_dir: Path | None = None
    ) -> OpenAIChatSystem:
        return cls(
            spec.name,
            OpenAIOptions.from_target(spec.target),
            spec.layers,
            timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
            cache_dir=cache_dir,
        )

    @property
    def usage(self) -> dict:
        """Requests sent in this run (retries included), the tokens the server
        reported for its replies, and the replies taken from the cache instead."""
        with self._lock:
            cached = self._cached
        return {**self._client.usage(), "cached": cached}

    def predict(self, document: dict) -> dict:
        deadline = Deadline.after(self.timeout)
        prediction: dict = {"id": document["id"]}
        for layers, template in self.groups:
            prediction.update(self._ask(template.render(document, layers), layers, deadline))
        return prediction

    def request_body(self, messages: list[dict]) -> dict:
        body = {"model": self.options.model, "messages": messages, "temperature": self.options.temperature}
        if self.options.max_tokens is not None:
            body["max_tokens"] = self.options.max_tokens
        if self.options.seed is not None:
            body["seed"] = self.options.seed
        body["response_format"] = {"type": "json_object"}
        return body

    def _ask(self, messages: list[dict], layers: tuple[str, ...], deadline: Deadline) -> dict:
        """The asked layers' lists, from the cache or the server."""
        body, asked = self.request_body(messages), _asked(layers)
        key = RequestCache.key(self.options.base_url, body) if self._cache is not None else ""
        cached = self._cache.get(key) if self._cache is not None else None
        if cached is not None:
            try:
                values = layer_values(reply_object(cached, asked), layers, asked)
            except SystemFailure:
                pass  # an entry this version cannot use: ask the server again
            else:
                with self._lock:
                    self._cached += 1
                return values
        reply = self._client.complete(body, deadline)
        values = layer_values(reply_object(reply, asked, self._client.url), layers, asked)
        if self._cache is not None:
            self._cache.put(key, self.options.base_url, body, reply)  # only replies that were usable
        return values

    def close(self) -> None:
        pass


def request_groups(options: OpenAIOptions, layers: tuple[str, ...]) -> list[tuple[tuple[str, ...], PromptTemplate]]:
    """(layers asked together, template) for each request made per document."""
    if options.prompt is not None:
        return [(layers, load_template_file(Path(options.prompt)))]
    return [((layer,), builtin_template(layer)) for layer in layers]


def reply_object(reply: dict, asked: str, url: str = "") -> dict:
    """The JSON object in a chat completion's first choice, or SystemFailure."""
    where = f"POST {url}: " if url else ""
    content, finish = _message_content(reply, where, asked)
    found = extract_json_object(content)
    if found is None:
        cut = ' (it was cut off at max_tokens: finish_reason "length")' if finish == "length" else ""
        raise SystemFailure(
            f"{where}the reply to the {asked} holds no JSON object{cut}: {content[:SHOWN_IN_MESSAGE]!r}",
            stderr=content[:BODY_SHOWN],
        )
    return found


def _message_content(reply: dict, where: str, asked: str) -> tuple[str, object]:
    choices = reply.get("choices")
    choice = choices[0] if isinstance(choices, list) and choices and isinstance(choices[0], dict) else {}
    message = choice.get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(content, str):
        error = reply.get("error")
        detail = f": {error.get('message', error) if isinstance(error, dict) else error}" if error else ""
        raise SystemFailure(
            f"{where}the reply to the {asked} has no choices[0].message.content text{detail}",
            stderr=json.dumps(reply, ensure_ascii=False)[:BODY_SHOWN],
        )
    return content, choice.get("finish_reason")


def layer_values(answer: dict, layers: tuple[str, ...], asked: str) -> dict:
    """The asked layers' lists from a reply object; other keys are ignored."""
    values = {}
    for layer in layers:
        key = PREDICTION_KEYS[layer]
        value = answer.get(key)
        if not isinstance(value, list):
            found = (
                f"its keys are {', '.join(map(repr, answer)) or 'none'}"
                if key not in answer
                else f"it is {type(value).__name__}"
            )
            raise SystemFailure(
                f"the reply to the {asked} has no {key!r} list ({found})",
                stderr=json.dumps(answer, ensure_ascii=False)[:BODY_SHOWN],
            )
        values[key] = value
    return values


def _asked(layers: tuple[str, ...]) -> str:
    return f"{layers[0]} request" if len(layers) == 1 else f"request for {', '.join(layers)}"
