"""HTTP systems: one POST of the JSON document per document, a JSON prediction back.

Connection errors and 5xx answers are retried with exponential backoff; a 4xx
answer, a timeout or a body that is not a JSON object fails the document at once.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from typing import Callable

from .base import DEFAULT_TIMEOUT, SystemFailure, as_prediction

BODY_SHOWN = 2000  # characters of an error response kept with the failure


class _Retryable(Exception):
    def __init__(self, message: str, body: str = ""):
        super().__init__(message)
        self.body = body


class HttpSystem:
    thread_safe = True
    cacheable = True

    def __init__(self, name: str, url: str, layers: tuple[str, ...], *,
                 timeout: float | None = DEFAULT_TIMEOUT, tries: int = 3, backoff: float = 0.2,
                 sleep: Callable[[float], None] = time.sleep):
        self.name = name
        self.layers = layers
        self.url = url
        self.timeout = timeout
        self.tries = max(1, tries)
        self.backoff = backoff
        self.requests = 0  # requests sent, retries included
        self._sleep = sleep
        self._lock = threading.Lock()

    def predict(self, document: dict) -> dict:
        body = json.dumps(document, ensure_ascii=False).encode("utf-8")
        for attempt in range(1, self.tries + 1):
            try:
                answer = self._post(body)
                break
            except _Retryable as error:
                if attempt == self.tries:
                    raise SystemFailure(f"POST {self.url}: {error} (tried {self.tries} times)",
                                        stderr=error.body) from None
                self._sleep(self.backoff * 2 ** (attempt - 1))
        return as_prediction(_parse(answer, self.url), document)

    def _post(self, body: bytes) -> bytes:
        request = urllib.request.Request(
            self.url, data=body, method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"},
        )
        with self._lock:
            self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            shown = _error_body(error)
            message = f"HTTP {error.code} {error.reason}"
            if error.code >= 500:
                raise _Retryable(message, shown) from None
            raise SystemFailure(f"POST {self.url}: {message}", stderr=shown) from None
        except (TimeoutError, socket.timeout):
            raise self._timed_out() from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, (TimeoutError, socket.timeout)):
                raise self._timed_out() from None
            raise _Retryable(f"cannot connect: {error.reason}") from None
        except (OSError, http.client.HTTPException) as error:  # reset or closed mid-answer
            raise _Retryable(f"connection failed: {type(error).__name__}: {error}") from None

    def _timed_out(self) -> SystemFailure:
        limit = f" of {self.timeout:g} s" if self.timeout is not None else ""
        return SystemFailure(f"POST {self.url}: no answer within the timeout{limit}")

    def close(self) -> None:
        pass


def _error_body(error: urllib.error.HTTPError) -> str:
    try:
        return error.read().decode("utf-8", "replace")[:BODY_SHOWN]
    except OSError:
        return ""


def _parse(answer: bytes, url: str) -> object:
    try:
        return json.loads(answer.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        text = answer[:80].decode("utf-8", "replace")
        raise SystemFailure(f"POST {url}: the answer is not JSON ({error}): {text}",
                            stderr=answer[:BODY_SHOWN].decode("utf-8", "replace")) from None
