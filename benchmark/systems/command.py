"""Command systems: a long-lived process started with a shell command that reads one
JSON document per line on stdin and writes one prediction per line on stdout.

Each worker thread of the run gets its own process. When a process dies, hangs past
the timeout or writes something that is not a prediction for the document, it is
killed and the failure recorded; the next document starts a fresh process.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import threading
import time
from collections import deque
from pathlib import Path

from .base import DEFAULT_TIMEOUT, SystemFailure, as_prediction

STDERR_LINES = 20
SHUTDOWN_GRACE = 2.0  # seconds a process gets to exit after its stdin is closed


class CommandProcess:
    """One running process with reader threads for its stdout lines and stderr tail."""

    def __init__(self, command: str, cwd: Path | None):
        env = dict(os.environ)
        # A Python system that print()s without flushing would otherwise sit on its
        # answer in a pipe buffer until the timeout.
        env.setdefault("PYTHONUNBUFFERED", "1")
        env.setdefault("PYTHONIOENCODING", "utf-8")
        self.process = subprocess.Popen(
            command, shell=True, cwd=cwd, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=(os.name == "posix"),  # so a kill reaches the shell's children
        )
        self.lines: queue.Queue[bytes | None] = queue.Queue()
        self.stderr_tail: deque[str] = deque(maxlen=STDERR_LINES)
        self._stdout_reader = threading.Thread(target=self._read_stdout, daemon=True)
        self._stderr_reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._stdout_reader.start()
        self._stderr_reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _read_stdout(self) -> None:
        for line in self.process.stdout:  # type: ignore[union-attr]
            self.lines.put(line)
        self.lines.put(None)

    def _read_stderr(self) -> None:
        for line in self.process.stderr:  # type: ignore[union-attr]
            self.stderr_tail.append(line.decode("utf-8", "replace").rstrip("\r\n"))

    def ask(self, document: dict, timeout: float | None) -> bytes:
        """Send a document and return the next non-blank line of output."""
        payload = (json.dumps(document, ensure_ascii=True) + "\n").encode("ascii")
        try:
            self.process.stdin.write(payload)  # type: ignore[union-attr]
            self.process.stdin.flush()  # type: ignore[union-attr]
        except OSError:  # BrokenPipeError: it has already exited
            raise SystemFailure(self._exit_message("before reading the document")) from None
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                raise SystemFailure(f"no answer within the timeout of {timeout:g} s") from None
            if line is None:
                raise SystemFailure(self._exit_message("before answering"))
            if line.strip():
                return line

    def _exit_message(self, when: str) -> str:
        try:
            status = self.process.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            return f"the process closed its output {when}"
        return f"the process exited with status {status} {when}"

    def stderr_text(self) -> str:
        self._stderr_reader.join(timeout=1.0)
        return "\n".join(self.stderr_tail)

    def kill(self) -> None:
        if self.process.poll() is None:
            try:
                if os.name == "posix":
                    os.killpg(self.process.pid, signal.SIGKILL)
                else:
                    self.process.kill()
            except ProcessLookupError:
                pass
        self._reap()

    def stop(self) -> None:
        """Close stdin so the process can exit by itself; kill it if it does not."""
        try:
            self.process.stdin.close()  # type: ignore[union-attr]
        except OSError:
            pass
        try:
            self.process.wait(timeout=SHUTDOWN_GRACE)
        except subprocess.TimeoutExpired:
            pass
        self.kill()

    def _reap(self) -> None:
        try:
            self.process.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            try:
                stream.close()  # type: ignore[union-attr]
            except OSError:
                pass


class CommandSystem:
    """A shell command serving documents over JSON Lines, one process per worker thread."""

    thread_safe = True
    cacheable = True

    def __init__(self, name: str, command: str, layers: tuple[str, ...], *,
                 timeout: float | None = DEFAULT_TIMEOUT, cwd: Path | None = None):
        self.name = name
        self.layers = layers
        self.command = command
        self.timeout = timeout
        self.cwd = cwd
        self.started: list[CommandProcess] = []  # every process started, for close() and tests
        self._local = threading.local()
        self._lock = threading.Lock()

    def predict(self, document: dict) -> dict:
        process = self._process()
        try:
            line = process.ask(document, self.timeout)
            return as_prediction(_parse(line), document)
        except SystemFailure as failure:
            # Whatever went wrong, the process can no longer be trusted to answer in step.
            process.kill()
            self._local.process = None
            raise SystemFailure(f"command {self.command!r}: {failure.message}",
                                stderr=process.stderr_text()) from None

    def _process(self) -> CommandProcess:
        process = getattr(self._local, "process", None)
        if process is None or process.process.poll() is not None:
            process = self._start()
            self._local.process = process
        return process

    def _start(self) -> CommandProcess:
        try:
            process = CommandProcess(self.command, self.cwd)
        except OSError as error:
            raise SystemFailure(f"cannot start command {self.command!r}: {error}") from None
        with self._lock:
            self.started.append(process)
        return process

    def close(self) -> None:
        with self._lock:
            processes, self.started = self.started, []
        for process in processes:
            process.stop()


def _parse(line: bytes) -> object:
    text = line.decode("utf-8", "replace").strip()
    try:
        return json.loads(text)
    except ValueError as error:
        shown = text if len(text) <= 80 else text[:77] + "..."
        raise SystemFailure(f"wrote a line that is not JSON ({error}): {shown}") from None
