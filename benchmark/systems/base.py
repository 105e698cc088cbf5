"""What a system is to the harness: a spec saying where it comes from, and an
object that turns one document into one prediction (DESIGN sections 4 and 6).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from ..model import LAYERS

KINDS = ("builtin", "python", "command", "http", "file", "entrypoint", "spacy", "openai")

# Seconds a user's system (Python, command or HTTP) may take on one document when
# neither --timeout nor its spec sets one: a hung system must not hang the benchmark.
DEFAULT_TIMEOUT = 120.0

# The largest answer read for one document: an HTTP body, a command's output line,
# a Python worker's reply or a cache entry. Bigger fails that document.
MAX_REPLY_BYTES = 64 * 1024 * 1024

# Spellings of a layer name accepted in a spec or a `layers` attribute.
LAYER_ALIASES = {
    "coreference": "coref",
    "clusters": "coref",
    "entity": "entities",
    "quote": "quotes",
    "event": "events",
    "timex": "timexes",
}


@dataclass(frozen=True)
class SystemSpec:
    """Where a system comes from and what it claims to do; nothing is loaded yet."""

    name: str
    kind: str  # builtin | python | command | http | file | entrypoint
    target: str  # the module:attr, file.py:attr, shell command, URL or predictions path
    layers: tuple[str, ...] = LAYERS
    timeout: float | None = None
    origin: str = ""  # "built-in", "benchmark.yaml (/abs/path)", "entry point (dist 1.0)", "ad hoc"
    root: Path | None = None  # folder a command runs in and a module is imported from
    # False: nobody declared the layers (no `layers:`), so the system declares those it
    # returns keys for; a Python object's `layers` attribute may still declare them.
    layers_declared: bool = False
    entry: str = ""  # the benchmark.yaml entry as canonical JSON, part of the cache key

    def describe(self) -> str:
        layers = ",".join(self.layers) if self.layers_declared else "those it returns keys for"
        timeout = f"; timeout {self.timeout:g} s" if self.timeout is not None else ""
        origin = f"; from {self.origin}" if self.origin else ""
        return f"{self.name}: {self.kind} {self.target}; layers {layers}{timeout}{origin}"

    def declared_layers(self) -> tuple[str, ...] | None:
        return self.layers if self.layers_declared else None


@runtime_checkable
class System(Protocol):
    """A loaded system.

    ``layers`` is None when the system declares the layers it returns keys for.
    Optional attributes the run loop reads with getattr: ``cacheable`` (default
    True; built-ins and predictions files are never cached) and ``thread_safe``
    (default True; when False, documents are run one at a time).
    """

    name: str

    # Read-only, so that a system whose `layers` is a narrower type (``tuple[str]``,
    # never None) is a System too.
    @property
    def layers(self) -> tuple[str, ...] | None: ...

    def predict(self, document: dict) -> dict:
        """`document` is {"id", "text", "date": "YYYY-MM-DD" | None, "language"}."""
        ...

    def close(self) -> None: ...


class SystemFailure(Exception):
    """A system failed on one document: it raised, exited, hung past its timeout or
    returned something that is not a JSON object for that document."""

    def __init__(self, message: str, stderr: str = ""):
        self.message = one_line(message)
        self.stderr = stderr
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


def one_line(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def normalize_layers(layers: object) -> tuple[str, ...]:
    """Layer names in canonical spelling and order; ValueError names a bad one."""
    if isinstance(layers, str) or not isinstance(layers, (list, tuple, set, frozenset)):
        raise ValueError(f"expected a list of layer names from {', '.join(LAYERS)}, got {layers!r}")
    names = set()
    for layer in layers:
        name = LAYER_ALIASES.get(layer, layer) if isinstance(layer, str) else layer
        if name not in LAYERS:
            raise ValueError(f"unknown layer {layer!r}; the layers are {', '.join(LAYERS)}")
        names.add(name)
    if not names:
        raise ValueError("the list of layers is empty")
    return tuple(layer for layer in LAYERS if layer in names)


def as_prediction(value: object, document: dict) -> dict:
    """Check that a system's answer is a JSON object carrying the id of `document`, and
    return it as plain JSON data (tuples become lists). An answer without the id, or
    with another document's id, fails: it is never taken as this document's answer."""
    if not isinstance(value, dict):
        raise SystemFailure(f"returned {type(value).__name__}, not a JSON object")
    try:
        prediction = json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError, RecursionError) as error:
        reason = "it is nested too deeply" if isinstance(error, RecursionError) else error
        raise SystemFailure(f"returned an object that is not valid JSON: {reason}") from None
    check_reply_id(prediction, document)
    return prediction


def check_reply_id(reply: dict, document: dict) -> None:
    """Raise SystemFailure unless `reply` carries the id of `document`."""
    if "id" not in reply:
        raise SystemFailure(
            f'answered without an "id" (keys: {_keys(reply)}); every answer must '
            f"carry the id of the document it answers, here {document['id']!r}"
        )
    if reply["id"] != document["id"]:
        raise SystemFailure(
            f"answered for document {_shown(reply['id'])} instead of {document['id']!r}; "
            "every answer must carry the id of the document it answers"
        )


def _keys(reply: dict) -> str:
    keys = [str(key)[:40] for key in list(reply)[:8]]
    return ", ".join(keys) + (", ..." if len(reply) > 8 else "") if keys else "none"


def _shown(value: object) -> str:
    try:
        text = repr(value)
    except ValueError:  # an integer too long to print
        return f"a {type(value).__name__} too long to show"
    return text if len(text) <= 80 else text[:77] + "..."
