"""The worker process a user's Python system runs in (the harness side is
benchmark.systems.isolated).

The harness starts `python -c BOOTSTRAP REQUEST_FD REPLY_FD` with the spec's root as
working directory, stdin from /dev/null, and stdout and stderr both going to a log
pipe it keeps the tail of. Requests and replies are JSON lines on two dedicated
pipes, so nothing the system prints can be taken for an answer:

    harness -> worker  {"start": {"spec": {...}, "path": [sys.path of the harness]}}
    worker -> harness  {"ready": {"layers": [...] | null, "thread_safe": bool, "close": bool}}
                       or {"error": "one paragraph"}  (then the worker exits)
    harness -> worker  {"document": {"id", "text", "date", "language"}}
    worker -> harness  {"id": ..., "prediction": {...}} or {"id": ..., "failure": "...", "stderr": "..."}
    harness -> worker  {"close": true}
    worker -> harness  {"closed": true} or {"closed": false, "error": "..."}

The worker leaves with os._exit, so a thread the system left running cannot keep
it alive; a system that calls sys.exit fails that document only, and one that
calls os._exit ends this worker, which fails that document only (the harness
starts another).
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from .base import SystemFailure, SystemSpec

BOOTSTRAP = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from benchmark.systems.worker import main; main(int(sys.argv[2]), int(sys.argv[3]))"
)


def spec_to_json(spec: SystemSpec) -> dict:
    return {
        "name": spec.name,
        "kind": spec.kind,
        "target": spec.target,
        "layers": list(spec.layers),
        "layers_declared": spec.layers_declared,
        "origin": spec.origin,
        "root": None if spec.root is None else str(spec.root),
    }


def spec_from_json(data: dict) -> SystemSpec:
    return SystemSpec(
        name=data["name"],
        kind=data["kind"],
        target=data["target"],
        layers=tuple(data["layers"]),
        origin=data["origin"],
        root=None if data["root"] is None else Path(data["root"]),
        layers_declared=data["layers_declared"],
    )


def main(request_fd: int, reply_fd: int) -> None:
    requests = os.fdopen(request_fd, "rb")
    replies = os.fdopen(reply_fd, "wb")
    try:
        serve(requests, replies)
    finally:
        _leave()


def serve(requests: BinaryIO, replies: BinaryIO) -> None:
    from .python_system import load_python_system

    start = json.loads(requests.readline())["start"]
    sys.path[:] = start["path"]
    try:
        system = load_python_system(spec_from_json(start["spec"]))
    except InputError as error:
        _send(replies, {"error": str(error)})
        return
    except BaseException as error:  # anything else the import did, e.g. os.abort aside
        _send(replies, {"error": f"cannot load the system: {type(error).__name__}: {error}"})
        return
    _send(
        replies,
        {
            "ready": {
                "layers": None if system.layers is None else list(system.layers),
                "thread_safe": system.thread_safe,
                "close": system.has_close,
            }
        },
    )
    for line in requests:
        message = json.loads(line)
        if "close" in message:
            _send(replies, _close(system))
            return
        _send(replies, _predict(system, message["document"]))


def _predict(system, document: dict) -> dict:
    try:
        return {"id": document["id"], "prediction": system.predict(document)}
    except SystemFailure as failure:
        return {"id": document["id"], "failure": failure.message, "stderr": failure.stderr}
    except BaseException as error:  # KeyboardInterrupt raised by the system itself, and the like
        return {
            "id": document["id"],
            "failure": f"raised {type(error).__name__}: {error}",
            "stderr": traceback.format_exc(),
        }


def _close(system) -> dict:
    try:
        system.close()
    except BaseException as error:
        return {"closed": False, "error": f"{type(error).__name__}: {error}"}
    return {"closed": True}


def _send(replies: BinaryIO, message: dict) -> None:
    replies.write(json.dumps(message, ensure_ascii=True).encode("ascii") + b"\n")
    replies.flush()


def _leave() -> None:
    """Exit now: neither a leftover thread nor an atexit handler of the system may hold the worker."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(0)
