"""A user's Python system (python:, a benchmark.yaml `python:` entry, an entry point),
run in worker processes so that it cannot harm the run.

Design: one worker process per document running at once (one for a system that is
not declared thread-safe, up to --jobs for one that is), started with the harness's
own interpreter, the spec's root as working directory and the harness's sys.path.
The worker imports the system and answers a handshake (declared layers,
thread_safe, whether it has close(), or an import error that becomes exit 2, as
an in-process import would). Documents and answers go over two pipes of their own
(benchmark.systems.worker), never over the worker's stdout, which goes with its
stderr to a bounded tail shown with a failure. A document past its timeout, or a
worker that dies (os._exit, a crash), fails that document only: the worker's
process group is killed and the next document starts a fresh worker.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from ..errors import InputError
from .base import DEFAULT_TIMEOUT, MAX_REPLY_BYTES, SystemFailure, SystemSpec, as_prediction
from .processes import Channel, ChannelError, Child, Stopping
from .worker import BOOTSTRAP, spec_to_json

# Seconds a worker may take to import and create the system before its first
# document; loading a large model can take minutes.
STARTUP_TIMEOUT = 600.0
PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])  # the folder holding `benchmark`


class WorkerLost(SystemFailure):
    """The worker timed out, died or answered out of step: it is ended, never reused."""


class WorkerStartError(Exception):
    """The worker could not load the system. `complete`: the message is the whole
    paragraph (an import error the worker reported), else it needs the system's name."""

    def __init__(self, message: str, log: str = "", complete: bool = False):
        super().__init__(message)
        self.message = message
        self.log = log
        self.complete = complete


class Worker:
    """One worker process and the pipes to it."""

    def __init__(self, spec: SystemSpec, startup_timeout: float):
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        log_read, log_write = os.pipe()
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        env.setdefault("PYTHONIOENCODING", "utf-8")
        try:
            self.child = Child(
                [sys.executable, "-c", BOOTSTRAP, PACKAGE_PARENT, str(request_read), str(reply_write)],
                cwd=spec.root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log_write,
                stderr=log_write,
                pass_fds=(request_read, reply_write),
            )
        except BaseException:
            for fd in (request_read, request_write, reply_read, reply_write, log_read, log_write):
                os.close(fd)
            raise
        for fd in (request_read, reply_write, log_write):
            os.close(fd)
        self._fds: tuple[int, ...] = (request_write, reply_read, log_read)  # () once ended
        self._ending = threading.Lock()
        self.channel = Channel(request_write, reply_read, log_read, self.child.alive)
        self.ready = self._handshake(spec, startup_timeout)

    @property
    def pid(self) -> int:
        return self.child.pid

    def _handshake(self, spec: SystemSpec, timeout: float) -> dict:
        path = [os.getcwd() if entry == "" else entry for entry in sys.path]
        try:
            reply = self._call({"start": {"spec": spec_to_json(spec), "path": path}}, timeout)
        except WorkerLost as lost:
            self.end()
            raise WorkerStartError(f"while loading it, {lost.message}", self.log()) from None
        if "error" in reply:
            self.end()
            raise WorkerStartError(str(reply["error"]), self.log(), complete=True)
        return reply["ready"]

    def predict(self, document: dict, timeout: float) -> dict:
        reply = self._call({"document": document}, timeout)
        if reply.get("id") != document["id"]:
            raise WorkerLost("its worker process answered out of step")  # a harness bug, never the system
        if "failure" in reply:
            raise SystemFailure(str(reply["failure"]), stderr=str(reply.get("stderr") or ""))
        return reply["prediction"]

    def _call(self, message: dict, timeout: float) -> dict:
        request = json.dumps(message, ensure_ascii=True).encode("ascii") + b"\n"
        try:
            line = self.channel.exchange(request, time.monotonic() + timeout)
        except ChannelError as error:
            raise WorkerLost(self._problem(error, timeout)) from None
        try:
            reply = json.loads(line)
        except (ValueError, RecursionError):
            raise WorkerLost("its worker process answered out of step") from None
        if not isinstance(reply, dict):
            raise WorkerLost("its worker process answered out of step")
        return reply

    def _problem(self, error: ChannelError, timeout: float) -> str:
        if error.reason == "timeout":
            return f"did not answer within the timeout of {timeout:g} s"
        if error.reason == "too long":
            return f"answered with more than {MAX_REPLY_BYTES // 2**20} MiB"
        status = self.child.exit_status()
        ended = "ended" if status is None else f"exited with status {status}"
        return f"its worker process {ended} before answering (a crash, os._exit or a kill)"

    def log(self) -> str:
        return self.channel.tail.text()

    def close(self, timeout: float) -> str | None:
        """Ask the system to close() and the worker to exit; an error close() raised, if any."""
        try:
            reply = self._call({"close": True}, timeout)
        except WorkerLost as lost:
            return lost.message
        finally:
            self.end()
        return None if reply.get("closed") else str(reply.get("error"))

    def end(self) -> None:
        """Kill the worker's process group and close the pipes, once (any thread may call it)."""
        with self._ending:
            fds, self._fds = self._fds, ()
        self.child.end()
        for fd in fds:
            try:
                os.close(fd)
            except OSError:
                pass


class IsolatedPythonSystem:
    """A Python system behind worker processes; idle workers are reused."""

    cacheable = True

    def __init__(self, spec: SystemSpec, timeout: float | None = None, startup_timeout: float = STARTUP_TIMEOUT):
        self.spec = spec
        self.name = spec.name
        self.timeout = DEFAULT_TIMEOUT if timeout is None else timeout
        self.startup_timeout = max(startup_timeout, self.timeout)
        self.started: list[Worker] = []  # every worker started, for close() and tests
        self._idle: list[Worker] = []
        self._lock = threading.Lock()
        try:
            first = self._start()
        except WorkerStartError as error:
            message = error.message if error.complete else f"cannot load {_label(spec)}: {error.message}"
            log = f" Its output ended with: {' | '.join(error.log.splitlines()[-5:])}" if error.log else ""
            raise InputError(_with_period(message) + log) from None
        layers = first.ready["layers"]
        self.layers = None if layers is None else tuple(layers)
        self.thread_safe = first.ready["thread_safe"] is True
        self._idle.append(first)

    def predict(self, document: dict) -> dict:
        worker = self._acquire()
        try:
            prediction = worker.predict(document, self.timeout)
        except WorkerLost as lost:
            worker.end()
            raise SystemFailure(lost.message, stderr=worker.log()) from None
        except SystemFailure:  # the system raised or returned junk: its worker goes on
            self._release(worker)
            raise
        self._release(worker)
        return as_prediction(prediction, document)

    def _release(self, worker: Worker) -> None:
        with self._lock:
            self._idle.append(worker)

    def _acquire(self) -> Worker:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        try:
            return self._start()
        except WorkerStartError as error:
            raise SystemFailure(f"cannot restart its worker: {error.message}", stderr=error.log) from None
        except Stopping:
            raise SystemFailure("the run is stopping") from None

    def _start(self) -> Worker:
        worker = Worker(self.spec, self.startup_timeout)
        with self._lock:
            self.started.append(worker)
        return worker

    def close(self) -> None:
        with self._lock:
            workers, self._idle = self._idle, []
            started, self.started = self.started, []
        for worker in workers:
            error = worker.close(self.timeout)
            if error:
                print(f"note: system {self.name!r}: close() failed: {error}", file=sys.stderr)
        for worker in started:
            worker.end()  # any still running, e.g. after an interruption


def _label(spec: SystemSpec) -> str:
    return f"system {spec.name!r} ({spec.kind} {spec.target})"


def _with_period(text: str) -> str:
    return text if text.endswith(".") else text + "."
