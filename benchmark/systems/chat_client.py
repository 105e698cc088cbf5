"""POST to an OpenAI-compatible Chat Completions endpoint, standard library only.

Every request runs against a deadline (the document's timeout, retries included):
each blocking socket operation waits at most the time left. 429 and 5xx answers
and dropped connections are retried with exponential backoff (a 429's Retry-After
is honoured), up to a bounded number of attempts; any other answer fails at once.
A server that refuses `response_format` (400 or 422 naming it) is asked again
without it, and is not offered it again for the rest of the run.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import os
import random
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from .. import __version__
from .base import SystemFailure

DEFAULT_ATTEMPTS = 4
DEFAULT_BACKOFF = 1.0  # seconds before the first retry; doubled for each further one
JITTER = 0.25  # up to this fraction is added to a backoff, drawn from a seeded RNG
MAX_REPLY_BYTES = 8 * 1024 * 1024
BODY_SHOWN = 2000  # characters of an answer kept with a failure
READ_CHUNK = 65536
FORMAT_REFUSALS = (400, 422)  # statuses with which servers refuse an unknown request field


@dataclass(frozen=True)
class Deadline:
    seconds: float
    at: float  # time.monotonic() value

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(seconds, time.monotonic() + seconds)

    def remaining(self) -> float:
        return self.at - time.monotonic()


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    retry_after: str | None
    body: bytes

    def shown(self) -> str:
        return self.body[:BODY_SHOWN].decode("utf-8", "replace")


class _ConnectionFailed(Exception):
    pass


class ChatClient:
    """Thread-safe: counters and the response_format switch are guarded by a lock."""

    def __init__(
        self,
        base_url: str,
        api_key_env: str,
        *,
        attempts: int = DEFAULT_ATTEMPTS,
        backoff: float = DEFAULT_BACKOFF,
        sleep: Callable[[float], None] = time.sleep,
        seed: int = 0,
        max_reply_bytes: int = MAX_REPLY_BYTES,
        environ: Mapping[str, str] | None = None,
    ):
        parts = urlsplit(base_url)
        if not parts.hostname:  # openai_config refuses such a base_url before a client is made
            raise ValueError(f"the base URL {base_url!r} names no host")
        self.url = f"{base_url}/chat/completions"
        self.api_key_env = api_key_env
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.max_reply_bytes = max_reply_bytes
        self.json_mode = True  # offer response_format until the server refuses it
        self.requests = self.prompt_tokens = self.completion_tokens = 0
        self._https = parts.scheme == "https"
        self._host, self._port, self._path = parts.hostname, parts.port, f"{parts.path}/chat/completions"
        self._headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "User-Agent": f"diplomacy-ie/{__version__}",
        }
        key = (os.environ if environ is None else environ).get(api_key_env, "").strip()
        if key:  # a local server needs none: then no Authorization header at all
            self._headers["Authorization"] = f"Bearer {key}"
        self._sleep = sleep
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def usage(self) -> dict:
        with self._lock:
            return {
                "requests": self.requests,
                "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens,
            }

    def complete(self, body: dict, deadline: Deadline) -> dict:
        """The server's JSON reply to one request, or SystemFailure."""
        if "response_format" in body and not self.json_mode:
            body = _without_response_format(body)
        attempt = 0
        while True:
            attempt += 1
            answer, problem = self._try(body, deadline)
            if answer is not None and answer.status == 200:
                return self._reply(answer)
            if answer is not None and _refuses_response_format(answer, body):
                with self._lock:
                    self.json_mode = False
                body, attempt = _without_response_format(body), attempt - 1  # a fallback, not a retry
                continue
            if answer is not None and not _retryable(answer.status):
                raise SystemFailure(f"POST {self.url}: {problem}{self._hint(answer.status)}", stderr=answer.shown())
            shown = answer.shown() if answer is not None else ""
            if attempt >= self.attempts:
                raise SystemFailure(f"POST {self.url}: {problem} (tried {attempt} times)", stderr=shown)
            self._pause(attempt, answer, f"{problem} (try {attempt})", deadline, shown)

    def _try(self, body: dict, deadline: Deadline) -> tuple[Answer | None, str]:
        try:
            answer = self._post(json.dumps(body, ensure_ascii=False).encode("utf-8"), deadline)
        except _ConnectionFailed as error:
            return None, str(error)
        return answer, f"HTTP {answer.status} {answer.reason}".rstrip()

    def _pause(self, attempt: int, answer: Answer | None, problem: str, deadline: Deadline, shown: str) -> None:
        wait = _retry_after(answer.retry_after) if answer is not None else None
        if wait is None:
            with self._lock:
                draw = self._rng.random()
            wait = self.backoff * 2 ** (attempt - 1) * (1 + JITTER * draw)
        if wait >= deadline.remaining():
            raise SystemFailure(
                f"POST {self.url}: {problem}; the next try, in {wait:.3g} s, would pass "
                f"the document's timeout of {deadline.seconds:g} s",
                stderr=shown,
            )
        self._sleep(wait)

    def _post(self, payload: bytes, deadline: Deadline) -> Answer:
        connection = self._connect(deadline)
        sock = connection.sock
        try:
            with self._lock:
                self.requests += 1
            connection.request("POST", self._path, payload, self._headers)
            sock.settimeout(_left(deadline))
            response = connection.getresponse()
            body = self._read(response, sock, deadline)
            return Answer(response.status, response.reason, response.getheader("Retry-After"), body)
        except TimeoutError:
            raise self._timed_out(deadline) from None
        except (OSError, http.client.HTTPException) as error:  # reset or closed mid-answer
            raise _ConnectionFailed(f"connection failed: {type(error).__name__}: {error}") from None
        finally:
            connection.close()

    def _connect(self, deadline: Deadline) -> http.client.HTTPConnection:
        remaining = deadline.remaining()
        if remaining <= 0:
            raise self._timed_out(deadline)
        connection: http.client.HTTPConnection
        if self._https:
            connection = http.client.HTTPSConnection(
                self._host, self._port, timeout=remaining, context=ssl.create_default_context()
            )
        else:
            connection = http.client.HTTPConnection(self._host, self._port, timeout=remaining)
        try:
            connection.connect()
        except TimeoutError:
            raise self._timed_out(deadline) from None
        except ssl.SSLCertVerificationError as error:
            raise SystemFailure(f"POST {self.url}: the server's certificate is not trusted: {error}") from None
        except OSError as error:
            connection.close()
            raise _ConnectionFailed(f"cannot connect: {error.strerror or error}") from None
        return connection

    def _read(self, response: http.client.HTTPResponse, sock, deadline: Deadline) -> bytes:
        declared = response.getheader("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_reply_bytes:
            raise self._too_large()
        chunks: list[bytes] = []
        size = 0
        while True:
            sock.settimeout(_left(deadline))  # a server that trickles bytes still meets the deadline
            chunk = response.read1(READ_CHUNK)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > self.max_reply_bytes:
                raise self._too_large()
            chunks.append(chunk)

    def _reply(self, answer: Answer) -> dict:
        try:
            reply = json.loads(answer.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise SystemFailure(f"POST {self.url}: the answer is not JSON ({error})", stderr=answer.shown()) from None
        if not isinstance(reply, dict):
            raise SystemFailure(f"POST {self.url}: the answer is JSON but not an object", stderr=answer.shown())
        usage = reply.get("usage")
        if not isinstance(usage, dict):
            usage = {}
        with self._lock:
            self.prompt_tokens += _count(usage.get("prompt_tokens"))
            self.completion_tokens += _count(usage.get("completion_tokens"))
        return reply

    def _timed_out(self, deadline: Deadline) -> SystemFailure:
        return SystemFailure(
            f"POST {self.url}: no complete answer within the document's timeout of {deadline.seconds:g} s"
        )

    def _too_large(self) -> SystemFailure:
        return SystemFailure(f"POST {self.url}: the answer is larger than {self.max_reply_bytes} bytes")

    def _hint(self, status: int) -> str:
        if status in (401, 403):
            have = "is set" if "Authorization" in self._headers else "is not set"
            return f" (the API key comes from the environment variable {self.api_key_env}, which {have})"
        if status == 404:
            return " (is base_url the API root, such as http://127.0.0.1:8000/v1, and is the model name right?)"
        return ""


def _left(deadline: Deadline) -> float:
    remaining = deadline.remaining()
    if remaining <= 0:
        raise TimeoutError
    return remaining


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500


def _refuses_response_format(answer: Answer, body: dict) -> bool:
    return (
        answer.status in FORMAT_REFUSALS
        and "response_format" in body
        and "response_format" in answer.body.decode("utf-8", "replace").lower()
    )


def _without_response_format(body: dict) -> dict:
    return {key: value for key, value in body.items() if key != "response_format"}


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), or None."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    return max(0.0, seconds) if seconds == seconds else None  # NaN is no answer


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0
