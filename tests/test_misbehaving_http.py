"""HTTP systems that misbehave: the timeout bounds the whole document, answers are
capped, a redirect never turns the POST into a GET, and answers carry their id."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from benchmark.systems.base import MAX_REPLY_BYTES, SystemFailure
from benchmark.systems.http import HttpSystem

DOCUMENT = {"id": "d0", "text": "US troops", "date": "2022-01-26", "language": "en"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append(("POST", self.path, body))
        route = self.path.split("?")[0]
        if route.startswith("/redirect/"):
            status = int(route.rsplit("/", 1)[1])
            return self.answer(status, b"", {"Location": "/ok"})
        if route == "/loop":
            return self.answer(307, b"", {"Location": "/loop"})
        if route == "/hostless":
            return self.answer(307, b"", {"Location": "http://:80/ok"})
        if route == "/no-id":
            return self.answer(200, json.dumps({"entities": []}).encode())
        if route == "/other-id":
            return self.answer(200, json.dumps({"id": "d9", "entities": []}).encode())
        if route == "/huge-declared":
            return self.answer(200, b"{}", {"Content-Length-Override": str(MAX_REPLY_BYTES + 1)})
        if route == "/huge-streamed":
            return self.stream(MAX_REPLY_BYTES + 1024)
        doc = json.loads(body)
        self.answer(200, json.dumps({"id": doc["id"], "entities": [], "route": route}).encode())

    def do_GET(self):
        self.server.seen.append(("GET", self.path, b""))
        self.answer(200, json.dumps({"entities": [], "via": "GET"}).encode())

    def answer(self, status: int, body: bytes, headers: dict | None = None) -> None:
        headers = dict(headers or {})
        length = headers.pop("Content-Length-Override", str(len(body)))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", length)
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

    def stream(self, size: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Connection", "close")  # no length: the body ends when the connection does
        self.end_headers()
        chunk = b" " * (1024 * 1024)
        try:
            for _ in range(size // len(chunk) + 1):
                self.wfile.write(chunk)
        except OSError:  # the client stopped reading at the cap
            pass
        self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.seen = []
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def url(httpd, path: str) -> str:
    return f"http://127.0.0.1:{httpd.server_address[1]}{path}"


class Dripper:
    """A raw TCP server that answers one byte every `pause` seconds, forever."""

    def __init__(self, pause: float, head: bytes = b""):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.pause = pause
        self.head = head
        self.stop = threading.Event()
        threading.Thread(target=self.serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/"

    def serve(self) -> None:
        try:
            connection, _ = self.sock.accept()
        except OSError:
            return
        with connection:
            try:
                connection.recv(65536)
                connection.sendall(self.head)
                while not self.stop.wait(self.pause):
                    connection.sendall(b" ")
            except OSError:
                pass

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.mark.parametrize(
    "head",
    [
        b"",  # the status line itself drips
        b"HTTP/1.1 200 OK\r\n",  # the headers drip
        b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n",  # the body drips
    ],
    ids=["status line", "headers", "body"],
)
def test_a_server_dripping_one_byte_at_a_time_times_out_on_the_whole_document(head):
    dripper = Dripper(pause=0.1, head=head)
    try:
        system = HttpSystem("h", dripper.url, None, timeout=1.0)
        started = time.monotonic()
        with pytest.raises(SystemFailure, match=r"no answer within the timeout of 1 s"):
            system.predict(DOCUMENT)
        assert time.monotonic() - started < 2.0
    finally:
        dripper.close()


def test_the_timeout_bounds_retries_and_their_pauses():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    system = HttpSystem("h", f"http://127.0.0.1:{port}/", None, timeout=0.5, tries=50, backoff=0.2)
    started = time.monotonic()
    with pytest.raises(SystemFailure, match="timeout of 0.5 s"):
        system.predict(DOCUMENT)
    assert time.monotonic() - started < 1.5 and system.requests < 50


@pytest.mark.parametrize("status", [301, 302, 303])
def test_a_redirect_that_would_turn_the_post_into_a_get_fails(server, status):
    system = HttpSystem("h", url(server, f"/redirect/{status}"), None, timeout=5)
    with pytest.raises(SystemFailure) as caught:
        system.predict(DOCUMENT)
    assert f"HTTP {status}" in str(caught.value) and "a redirect to /ok" in str(caught.value)
    assert "would turn the POST into a GET" in str(caught.value)
    assert [method for method, _, _ in server.seen] == ["POST"]  # never followed with a GET


@pytest.mark.parametrize("status", [307, 308])
def test_a_redirect_that_keeps_the_post_is_followed(server, status):
    system = HttpSystem("h", url(server, f"/redirect/{status}"), None, timeout=5)
    assert system.predict(DOCUMENT) == {"id": "d0", "entities": [], "route": "/ok"}
    (_, _, first), (method, path, second) = server.seen
    assert (method, path, second) == ("POST", "/ok", first) and json.loads(second) == DOCUMENT


def test_a_redirect_loop_ends(server):
    system = HttpSystem("h", url(server, "/loop"), None, timeout=5)
    with pytest.raises(SystemFailure, match="more than 5 redirects"):
        system.predict(DOCUMENT)


def test_a_redirect_to_a_url_without_a_host_fails_clearly(server):
    system = HttpSystem("h", url(server, "/hostless"), None, timeout=5)
    with pytest.raises(SystemFailure, match="redirected to http://:80/ok, which names no host"):
        system.predict(DOCUMENT)


@pytest.mark.parametrize("route", ["/huge-declared", "/huge-streamed"])
def test_an_answer_over_the_cap_fails(server, route):
    system = HttpSystem("h", url(server, route), None, timeout=30)
    with pytest.raises(SystemFailure, match="larger than the cap of 64 MiB"):
        system.predict(DOCUMENT)


@pytest.mark.parametrize(
    "route, reason",
    [
        ("/no-id", 'answered without an "id" (keys: entities)'),
        ("/other-id", "answered for document 'd9' instead of 'd0'"),
    ],
)
def test_an_answer_must_carry_the_id_of_its_document(server, route, reason):
    system = HttpSystem("h", url(server, route), None, timeout=5)
    with pytest.raises(SystemFailure) as caught:
        system.predict(DOCUMENT)
    assert reason in str(caught.value)
