"""HTTP systems: one POST of the JSON document per document, a JSON prediction back.

Connection errors and 5xx answers are retried with exponential backoff; a 4xx
answer, a body over MAX_REPLY_BYTES or one that is not a JSON object for the
document fails it at once. The timeout bounds the whole document, retries and
pauses included: a watchdog shuts the connection at the deadline, so a server that
drips its answer byte by byte cannot hold the run. A 307 or 308 redirect (which
keeps the POST) is followed; 301, 302 and 303, which clients answer with a GET
that drops the document, fail the document and name the URL to use instead.
Proxy settings in the environment are not used.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

from ..errors import InputError
from ..reading import parse_json
from .base import DEFAULT_TIMEOUT, MAX_REPLY_BYTES, SystemFailure, as_prediction
from .processes import register, unregister

BODY_SHOWN = 2000  # characters of an error response kept with the failure
MAX_REDIRECTS = 5
CHUNK = 64 * 1024


class _Retryable(Exception):
    def __init__(self, message: str, body: str = ""):
        super().__init__(message)
        self.body = body


class _TimedOut(Exception):
    pass


class HttpSystem:
    thread_safe = True
    cacheable = True

    def __init__(
        self,
        name: str,
        url: str,
        layers: tuple[str, ...] | None,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        tries: int = 3,
        backoff: float = 0.2,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.name = name
        self.layers = layers
        self.url = url
        self.timeout = timeout
        self.tries = max(1, tries)
        self.backoff = backoff
        self.requests = 0  # requests sent, retries and redirects included
        self._sleep = sleep
        self._lock = threading.Lock()

    def predict(self, document: dict) -> dict:
        body = json.dumps(document, ensure_ascii=False).encode("utf-8")
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        try:
            answer = self._post_with_retries(body, deadline)
        except _TimedOut:
            raise SystemFailure(
                f"POST {self.url}: no answer within the timeout of {self.timeout:g} s "
                "(the timeout bounds the whole document)"
            ) from None
        return as_prediction(_parse(answer, self.url), document)

    def _post_with_retries(self, body: bytes, deadline: float | None) -> bytes:
        for attempt in range(1, self.tries + 1):
            try:
                return self._post(body, deadline)
            except _Retryable as error:
                if attempt == self.tries:
                    raise SystemFailure(
                        f"POST {self.url}: {error} (tried {self.tries} times)", stderr=error.body
                    ) from None
                pause = self.backoff * 2 ** (attempt - 1)
                if deadline is not None and time.monotonic() + pause >= deadline:
                    raise _TimedOut() from None
                self._sleep(pause)
        raise AssertionError("unreachable")

    def _post(self, body: bytes, deadline: float | None) -> bytes:
        url = self.url
        for _ in range(MAX_REDIRECTS + 1):
            status, reason, location, data = self._exchange(url, body, deadline)
            if status in (307, 308) and location:
                url = urljoin(url, location)
                if urlsplit(url).scheme not in ("http", "https"):
                    raise SystemFailure(f"POST {self.url}: redirected to {url}, which is not an HTTP URL")
                continue
            if 300 <= status < 400:
                raise SystemFailure(
                    f"POST {self.url}: HTTP {status} {reason}, a redirect to {location or 'nowhere'}; "
                    "following it would turn the POST into a GET that drops the document: "
                    "give the system the URL that answers the POST"
                )
            shown = data[:BODY_SHOWN].decode("utf-8", "replace")
            if status >= 500:
                raise _Retryable(f"HTTP {status} {reason}", shown)
            if not 200 <= status < 300:
                raise SystemFailure(f"POST {self.url}: HTTP {status} {reason}", stderr=shown)
            return data
        raise SystemFailure(f"POST {self.url}: more than {MAX_REDIRECTS} redirects")

    def _exchange(self, url: str, body: bytes, deadline: float | None) -> tuple[int, str, str | None, bytes]:
        parts = urlsplit(url)
        if not parts.hostname:  # the system's own URL names one (its spec is checked); a redirect's may not
            raise SystemFailure(f"POST {self.url}: redirected to {url}, which names no host")
        connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        connection = connection_class(parts.hostname, parts.port, timeout=_remaining(deadline))
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        watchdog = _Watchdog(connection, _remaining(deadline))
        with self._lock:
            self.requests += 1
        try:
            try:
                connection.connect()
            except TimeoutError:
                raise _TimedOut() from None
            except OSError as error:
                raise _Retryable(f"cannot connect: {error}") from None
            connection.request(
                "POST",
                path,
                body=body,
                headers={
                    "Content-Type": "application/json; charset=utf-8",
                    "Accept": "application/json",
                    "Connection": "close",
                },
            )
            response = connection.getresponse()
            success = 200 <= response.status < 300
            data = _read_body(response, MAX_REPLY_BYTES if success else BODY_SHOWN, must_fit=success)
            if watchdog.fired:  # what was read may be cut short
                raise _TimedOut()
            return response.status, response.reason, response.getheader("Location"), data
        except TimeoutError:
            raise _TimedOut() from None
        except (OSError, http.client.HTTPException) as error:  # reset or closed mid-answer
            if watchdog.fired:
                raise _TimedOut() from None
            raise _Retryable(f"connection failed: {type(error).__name__}: {error}") from None
        finally:
            watchdog.cancel()
            connection.close()

    def close(self) -> None:
        pass


class _Watchdog:
    """Shuts a connection down at the deadline, or when the run is stopped."""

    def __init__(self, connection: http.client.HTTPConnection, seconds: float | None):
        self.connection = connection
        self.fired = False
        self._timer = None
        if seconds is not None:
            self._timer = threading.Timer(seconds, self.fire)
            self._timer.daemon = True
            self._timer.start()
        self._token = register(self.fire)

    def fire(self) -> None:
        self.fired = True
        sock = self.connection.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        unregister(self._token)


def _remaining(deadline: float | None) -> float | None:
    if deadline is None:
        return None
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _TimedOut()
    return remaining


def _read_body(response: http.client.HTTPResponse, limit: int, must_fit: bool) -> bytes:
    """At most `limit` bytes of the body; with `must_fit`, a longer body fails the document."""
    too_large = SystemFailure(f"the answer is larger than the cap of {MAX_REPLY_BYTES // 2**20} MiB")
    declared = response.getheader("Content-Length")
    if must_fit and declared is not None and declared.strip().isdigit() and int(declared) > limit:
        raise too_large
    data = bytearray()
    while len(data) <= limit:
        chunk = response.read(CHUNK)
        if not chunk:
            return bytes(data)
        data += chunk
    if must_fit:
        raise too_large
    return bytes(data[:limit])


def _parse(answer: bytes, url: str) -> object:
    try:
        return parse_json(answer.decode("utf-8"), "answer")
    except (UnicodeDecodeError, InputError) as error:
        reason = str(error).removeprefix("answer: ")
        text = answer[:80].decode("utf-8", "replace")
        raise SystemFailure(
            f"POST {url}: the answer is not JSON ({reason}): {text}",
            stderr=answer[:BODY_SHOWN].decode("utf-8", "replace"),
        ) from None
