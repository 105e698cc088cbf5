"""The processes the harness starts for command and Python systems, and how a run stops.

Every child runs in a session of its own and is registered here; a stop (SIGINT or
SIGTERM while `stop_on_signals` is active) kills each registered process group,
aborts registered HTTP requests, and makes the main thread raise `Interrupted`, so
the run ends with nothing written. If unwinding takes longer than STOP_GRACE
seconds, the process exits anyway.

`Channel` is how the harness talks to a child: it writes a request and reads one
reply line with `select`, draining the child's log pipe into a bounded `Tail` at
the same time, so neither a silent child, a child that never reads, nor one that
floods a pipe can block the harness past its deadline or grow its memory. POSIX
only (select on pipes, process groups).
"""

from __future__ import annotations

import os
import re
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .base import MAX_REPLY_BYTES

STOP_GRACE = 1.5  # seconds between a stop signal and a forced exit
TAIL_BYTES = 64 * 1024  # the end of a child's stderr kept for a failure record
TAIL_LINES = 20
POLL_SLICE = 0.25  # seconds between checks that a silent child is still alive
CHUNK = 64 * 1024


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal; `exit_status` is 128 + its number."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.exit_status = 128 + signum


class Stopping(Exception):
    """Raised instead of starting a process once the run is stopping."""


class _Registry:
    """What to end when the run stops: process groups and open HTTP requests."""

    def __init__(self) -> None:
        self._lock = threading.RLock()  # the signal handler may run while the main thread holds it
        self._aborts: dict[int, Callable[[], None]] = {}
        self._next = 0
        self.stopping = threading.Event()

    def register(self, abort: Callable[[], None]) -> int:
        with self._lock:
            self._next += 1
            self._aborts[self._next] = abort
            token = self._next
        if self.stopping.is_set():
            abort()
        return token

    def unregister(self, token: int) -> None:
        with self._lock:
            self._aborts.pop(token, None)

    def stop(self) -> None:
        self.stopping.set()
        with self._lock:
            aborts = list(self._aborts.values())
        for abort in aborts:
            try:
                abort()
            except OSError:
                pass


REGISTRY = _Registry()


def register(abort: Callable[[], None]) -> int:
    return REGISTRY.register(abort)


def unregister(token: int) -> None:
    REGISTRY.unregister(token)


def stopping() -> bool:
    return REGISTRY.stopping.is_set()


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """While active, SIGINT and SIGTERM end every child and raise Interrupted in the
    main thread; a second signal exits at once. Outside the main thread: no effect."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.getsignal(signum) for signum in signals}

    def handle(signum: int, frame: object) -> None:
        status = 128 + signum
        if REGISTRY.stopping.is_set():
            os._exit(status)
        REGISTRY.stop()
        threading.Thread(target=_exit_later, args=(status,), name="benchmark-stop", daemon=True).start()
        raise Interrupted(signum)

    for signum in signals:
        signal.signal(signum, handle)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _exit_later(status: int) -> None:
    time.sleep(STOP_GRACE)
    try:
        sys.stderr.write("benchmark: stopped; nothing written\n")
        sys.stderr.flush()
    finally:
        os._exit(status)


class Child:
    """A process started in a session of its own, so that killing its group ends
    whatever it started too; registered so that a stop signal ends it."""

    def __init__(self, args: str | list[str], **popen: Any):
        if stopping():
            raise Stopping()
        self.process = subprocess.Popen(args, start_new_session=True, **popen)
        self.ended = False
        self._token = register(self.kill)

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole process group; safe from any thread and from a signal handler."""
        if self.ended:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def end(self) -> None:
        """Kill the group and reap the process, once."""
        if self.ended:
            return
        self.kill()
        try:
            self.process.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            pass
        self.ended = True
        unregister(self._token)

    def exit_status(self, wait: float = 1.0) -> int | None:
        try:
            return self.process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            return None


class Tail:
    """The last TAIL_BYTES written to a pipe. A line redrawn with \\r (a progress bar)
    shows only its latest state."""

    def __init__(self, limit: int = TAIL_BYTES):
        self.limit = limit
        self.data = bytearray()

    def feed(self, chunk: bytes) -> None:
        self.data += chunk
        if len(self.data) > 2 * self.limit:
            del self.data[: -self.limit]

    def text(self, lines: int = TAIL_LINES) -> str:
        """The last `lines` lines, each as a terminal would show it: after its last \\r."""
        decoded = bytes(self.data[-self.limit :]).decode("utf-8", "replace")
        shown = [line.rstrip("\r").rsplit("\r", 1)[-1].rstrip() for line in re.split(r"\r?\n", decoded)]
        return "\n".join([line for line in shown if line.strip()][-lines:])


class ChannelError(Exception):
    """`reason` is "closed", "timeout" or "too long"."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


class Channel:
    """Request and reply pipes of one child, plus its log pipe drained into `tail`."""

    def __init__(
        self,
        request_fd: int | None,
        reply_fd: int,
        log_fd: int | None,
        alive: Callable[[], bool],
        limit: int = MAX_REPLY_BYTES,
    ):
        self.request_fd = request_fd
        self.reply_fd = reply_fd
        self.log_fd = log_fd
        self.alive = alive
        self.limit = limit
        self.tail = Tail()
        self.buffer = bytearray()
        self.scanned = 0
        self.reply_closed = False
        if request_fd is not None:
            os.set_blocking(request_fd, False)

    def exchange(self, request: bytes, deadline: float | None) -> bytes:
        """Write `request` in full and return the next line of reply (without its newline)."""
        pending = memoryview(request)
        selector = selectors.DefaultSelector()
        try:
            if pending:
                if self.request_fd is None:
                    raise ChannelError("closed", "no request pipe")
                selector.register(self.request_fd, selectors.EVENT_WRITE)
            if not self.reply_closed:
                selector.register(self.reply_fd, selectors.EVENT_READ)
            if self.log_fd is not None:
                selector.register(self.log_fd, selectors.EVENT_READ)
            while True:
                if not pending:
                    line = self._next_line()
                    if line is not None:
                        return line
                    if self.reply_closed:
                        raise ChannelError("closed")
                elif len(self.buffer) > self.limit:  # it writes without reading the document
                    raise ChannelError("too long")
                wait = POLL_SLICE
                if deadline is not None:
                    wait = min(wait, deadline - time.monotonic())
                    if wait <= 0:
                        raise ChannelError("timeout")
                events = selector.select(wait)
                if not events and not self.alive():
                    self._drain_log()
                    raise ChannelError("closed")
                for key, _ in events:
                    pending = self._on_ready(selector, key.fd, pending)
        finally:
            selector.close()

    def _on_ready(self, selector: selectors.BaseSelector, fd: int, pending: memoryview) -> memoryview:
        if fd == self.request_fd:
            try:
                written = os.write(fd, pending[:CHUNK])
            except BlockingIOError:
                return pending
            except OSError:  # BrokenPipeError: the child is gone or closed its input
                raise ChannelError("closed", "before reading the document") from None
            pending = pending[written:]
            if not pending:
                selector.unregister(fd)
            return pending
        chunk = _read(fd)
        if fd == self.reply_fd:
            if chunk:
                self.buffer += chunk
            else:
                self.reply_closed = True
                selector.unregister(fd)
        elif chunk:
            self.tail.feed(chunk)
        else:
            selector.unregister(fd)
            self.log_fd = None
        return pending

    def _next_line(self) -> bytes | None:
        end = self.buffer.find(b"\n", self.scanned)
        if end < 0:
            self.scanned = len(self.buffer)
            if self.scanned > self.limit:
                raise ChannelError("too long")
            return None
        line = bytes(self.buffer[:end])
        del self.buffer[: end + 1]
        self.scanned = 0
        if len(line) > self.limit:
            raise ChannelError("too long")
        return line

    def _drain_log(self, seconds: float = 0.2) -> None:
        """Read what a child that has exited left in its log pipe."""
        if self.log_fd is None:
            return
        deadline = time.monotonic() + seconds
        with selectors.DefaultSelector() as selector:
            selector.register(self.log_fd, selectors.EVENT_READ)
            while time.monotonic() < deadline and selector.select(max(0.0, deadline - time.monotonic())):
                chunk = _read(self.log_fd)
                if not chunk:
                    break
                self.tail.feed(chunk)

    def wait_for_exit(self, child: Child, seconds: float) -> None:
        """Drain both pipes while the child exits by itself, for at most `seconds`."""
        deadline = time.monotonic() + seconds
        while child.alive() and time.monotonic() < deadline:
            try:
                self.exchange(b"", min(deadline, time.monotonic() + POLL_SLICE))
            except ChannelError as error:
                if error.reason == "closed":
                    child.exit_status(max(0.0, deadline - time.monotonic()))
                    return
                if error.reason == "too long":
                    self.buffer.clear()
                    self.scanned = 0
            # a reply line after the last document is ignored


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, CHUNK)  # select said it is readable: this does not block
    except OSError:
        return b""
