"""A small OpenAI-compatible Chat Completions server for tests, on 127.0.0.1.

Each test gives it a `respond(request)` function that returns a `Reply`; every
request (path, headers, JSON body) is recorded in order.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Request:
    path: str
    headers: dict
    body: dict

    def user_message(self) -> str:
        return next(m["content"] for m in self.body["messages"] if m["role"] == "user")

    def layer_key(self) -> str:
        """The prediction key a built-in template asks for ('entities', 'clusters', ...)."""
        return re.search(r'Answer format: \{"(\w+)"', self.user_message()).group(1)


@dataclass
class Reply:
    status: int = 200
    body: bytes | dict = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    trickle: float = 0.0  # seconds between the body's bytes, sent in chunks of ten


def chat(
    content: str, prompt_tokens: int | None = 100, completion_tokens: int | None = 20, finish_reason: str = "stop"
) -> Reply:
    """A 200 answer whose first choice's message is `content`."""
    body = {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "model": "stub",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish_reason}],
    }
    if prompt_tokens is not None:
        body["usage"] = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
    return Reply(200, body)


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        stub: ChatStub = self.server.stub
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        request = Request(self.path, {k.lower(): v for k, v in self.headers.items()}, json.loads(raw))
        with stub.lock:
            stub.requests.append(request)
        reply = stub.respond(request)
        if reply.delay:
            stub.released.wait(reply.delay)
        body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            for start in range(0, len(body), 10 if reply.trickle else len(body) or 1):
                if reply.trickle and stub.released.wait(reply.trickle):
                    return
                self.wfile.write(body[start : start + 10] if reply.trickle else body)
                self.wfile.flush()
        except OSError:  # the client gave up (the timeout tests)
            pass

    def log_message(self, *args):
        pass


class ChatStub:
    def __init__(self, respond: Callable[[Request], Reply]):
        self.respond = respond
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.released = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.stub = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __enter__(self) -> ChatStub:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.released.set()
        self._httpd.shutdown()
        self._httpd.server_close()
