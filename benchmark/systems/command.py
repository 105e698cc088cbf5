"""Command systems: a long-lived process started with a shell command that reads one
JSON document per line on stdin and writes one prediction per line on stdout.

Each worker thread of the run gets its own process. Every answer must carry the
id of the document it answers. When a process dies, hangs past the timeout, or
writes a line that is not the answer for the document it was sent (not JSON, no
id, another document's id: a start-up banner or an extra line), the document
fails, the process is killed, and the next document starts a fresh process, so a
stray line can never be taken for a later document's answer. Output is read with
bounded buffers: a stdout line over MAX_REPLY_BYTES fails the document, and only
the last 64 KiB of stderr are kept for the failure record.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path

from ..errors import InputError
from ..reading import parse_json
from .base import DEFAULT_TIMEOUT, MAX_REPLY_BYTES, SystemFailure, as_prediction
from .processes import Channel, ChannelError, Child, Stopping

SHUTDOWN_GRACE = 2.0  # seconds a process gets to exit after its stdin is closed
SHOWN = 80  # characters of a stray line quoted in a failure


class CommandProcess:
    """One running process in a session of its own, and the pipes to it."""

    def __init__(self, command: str, cwd: Path | None):
        env = dict(os.environ)
        # A Python system that print()s without flushing would otherwise sit on its
        # answer in a pipe buffer until the timeout.
        env.setdefault("PYTHONUNBUFFERED", "1")
        env.setdefault("PYTHONIOENCODING", "utf-8")
        self.child = Child(
            command,
            shell=True,
            cwd=cwd,
            env=env,
            bufsize=0,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        streams = self.child.process
        # The ignores here and below: Popen types its pipes Optional; these three are PIPEs, never None.
        self.channel = Channel(
            streams.stdin.fileno(),  # type: ignore[union-attr]
            streams.stdout.fileno(),  # type: ignore[union-attr]
            streams.stderr.fileno(),  # type: ignore[union-attr]
            self.child.alive,
        )

    @property
    def process(self) -> subprocess.Popen:
        return self.child.process

    @property
    def pid(self) -> int:
        return self.child.pid

    def ask(self, document: dict, timeout: float | None) -> bytes:
        """Send a document and return the next non-blank line of output."""
        request = (json.dumps(document, ensure_ascii=True) + "\n").encode("ascii")
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                line = self.channel.exchange(request, deadline)
            except ChannelError as error:
                raise SystemFailure(self._problem(error, timeout)) from None
            request = b""
            if line.strip():
                return line

    def _problem(self, error: ChannelError, timeout: float | None) -> str:
        if error.reason == "timeout":
            return f"no answer within the timeout of {timeout:g} s"
        if error.reason == "too long":
            return f"wrote an output line longer than {MAX_REPLY_BYTES // 2**20} MiB"
        when = error.detail or "before answering"
        status = self.child.exit_status()
        if status is None:
            return f"the process closed its output {when}"
        return f"the process exited with status {status} {when}"

    def stderr_text(self) -> str:
        return self.channel.tail.text()

    def kill(self) -> None:
        self.child.end()
        self._close_pipes()

    def stop(self) -> None:
        """Close stdin so the process can exit by itself; kill its group in any case."""
        try:
            self.process.stdin.close()  # type: ignore[union-attr]
        except OSError:
            pass
        self.channel.request_fd = None
        self.channel.wait_for_exit(self.child, SHUTDOWN_GRACE)
        self.kill()

    def _close_pipes(self) -> None:
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            try:
                stream.close()  # type: ignore[union-attr]
            except OSError:
                pass


class CommandSystem:
    """A shell command serving documents over JSON Lines, one process per worker thread."""

    thread_safe = True
    cacheable = True

    def __init__(
        self,
        name: str,
        command: str,
        layers: tuple[str, ...] | None,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        cwd: Path | None = None,
    ):
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
            raise SystemFailure(f"command {self.command!r}: {failure.message}", stderr=process.stderr_text()) from None

    def _process(self) -> CommandProcess:
        process = getattr(self._local, "process", None)
        if process is None or process.process.poll() is not None:
            if process is not None:
                process.kill()
            process = self._start()
            self._local.process = process
        return process

    def _start(self) -> CommandProcess:
        try:
            process = CommandProcess(self.command, self.cwd)
        except Stopping:
            raise SystemFailure("the run is stopping") from None
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
        return parse_json(text, "stdout")
    except InputError as error:
        reason = str(error).removeprefix("stdout: ")
        shown = text if len(text) <= SHOWN else text[: SHOWN - 3] + "..."
        raise SystemFailure(
            f"wrote a line that is not JSON ({reason}): {shown}; every line on stdout "
            "must be the answer to one document, with its id (write logs to stderr)"
        ) from None
