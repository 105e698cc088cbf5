"""SIGINT and SIGTERM stop a run within 2 s, whatever the number of jobs: the
harness ends the processes it started and writes nothing."""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from .conftest import ROOT

SLOW_COMMAND = """
    import json, os, pathlib, sys, time
    pathlib.Path("pids", str(os.getpid())).touch()
    for line in sys.stdin:
        time.sleep(600)
"""

SLOW_PYTHON = """
    import os, pathlib, time

    class Slow:
        thread_safe = True

        def predict(self, document):
            pathlib.Path("pids", str(os.getpid())).touch()
            time.sleep(600)
"""


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")  # dead, waiting for whoever adopted it to reap it


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@contextmanager
def evaluating(folder: Path, *args: str):
    """``benchmark evaluate ARGS --bootstrap 0 --output out.json`` started in ``folder``, killed
    on leaving if it is still running."""
    harness = subprocess.Popen(
        [sys.executable, "-m", "benchmark", "evaluate", *args, "--bootstrap", "0", "--output", "out.json"],
        cwd=folder,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield harness
    finally:
        if harness.poll() is None:
            harness.kill()
            harness.communicate()


def stop(harness: subprocess.Popen, signum: signal.Signals) -> tuple[str, str, float]:
    """Send ``signum`` and wait for the harness to end: its stdout, its stderr and the seconds it took."""
    sent = time.monotonic()
    harness.send_signal(signum)
    stdout, stderr = harness.communicate(timeout=10)
    return stdout, stderr, time.monotonic() - sent


@pytest.mark.parametrize("jobs", [1, 3])
@pytest.mark.parametrize("kind", ["command", "python"])
@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_run_promptly_ends_its_children_and_writes_nothing(
    tmp_path, three_doc_gold, private_prediction_cache, kind, jobs, signum, status
):
    (tmp_path / "pids").mkdir()
    if kind == "command":
        (tmp_path / "slow.py").write_text(textwrap.dedent(SLOW_COMMAND), encoding="utf-8")
        system = f"cmd:{shlex.quote(sys.executable)} slow.py"
    else:
        (tmp_path / "slow.py").write_text(textwrap.dedent(SLOW_PYTHON), encoding="utf-8")
        system = "python:slow.py:Slow"
    system_args = ("--system", system, "--gold", str(three_doc_gold), "--jobs", str(jobs), "--cache")
    with evaluating(tmp_path, *system_args) as harness:
        assert wait_for(lambda: len(list((tmp_path / "pids").iterdir())) == jobs, 30), "the system never started"
        time.sleep(0.2)  # every child is now inside a document
        children = [int(path.name) for path in (tmp_path / "pids").iterdir()]
        assert not any(gone(pid) for pid in children)
        stdout, stderr, elapsed = stop(harness, signum)
    assert elapsed < 2.0, f"took {elapsed:.2f} s to stop"
    assert harness.returncode == status, stderr
    assert f"stopped by {signum.name}; nothing written" in stderr and "Traceback" not in stderr
    assert stdout == "" and not (tmp_path / "out.json").exists()
    assert wait_for(lambda: all(gone(pid) for pid in children), 1.0), "a child outlived the harness"
    assert not list(private_prediction_cache.rglob("*.tmp")) and not list(private_prediction_cache.rglob("*.json"))


class SilentServer:
    """Accepts connections, reads the request, and never answers."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.connections: list[socket.socket] = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(connection)

    def close(self) -> None:
        self.sock.close()
        for connection in self.connections:
            connection.close()


@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_http_requests_in_flight(tmp_path, three_doc_gold, signum, status):
    server = SilentServer()
    url = f"http://127.0.0.1:{server.sock.getsockname()[1]}/"
    try:
        with evaluating(tmp_path, "--system", url, "--gold", str(three_doc_gold), "--jobs", "3") as harness:
            assert wait_for(lambda: len(server.connections) == 3, 30)
            _, stderr, elapsed = stop(harness, signum)
    finally:
        server.close()
    assert elapsed < 2.0 and harness.returncode == status and not (tmp_path / "out.json").exists(), stderr
