"""What a system is to the harness: a spec saying where it comes from, and an
object that turns one document into one prediction (DESIGN sections 4 and 6).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from ..model import LAYERS

KINDS = ("builtin", "python", "command", "http", "file", "entrypoint", "spacy", "openai")

# Seconds a command or HTTP system may take on one document when its spec sets no
# timeout: a hung process must not hang the benchmark.
DEFAULT_TIMEOUT = 120.0

# Spellings of a layer name accepted in a spec or a `layers` attribute.
LAYER_ALIASES = {"coreference": "coref", "clusters": "coref", "entity": "entities",
                 "quote": "quotes", "event": "events", "timex": "timexes"}


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

    def describe(self) -> str:
        timeout = f"; timeout {self.timeout:g} s" if self.timeout is not None else ""
        origin = f"; from {self.origin}" if self.origin else ""
        return f"{self.name}: {self.kind} {self.target}; layers {','.join(self.layers)}{timeout}{origin}"

    def cache_key(self) -> str:
        """Identifies this system's output for the prediction cache.

        A Python file's content is part of the key, so editing the file invalidates
        the cache; for an installed module, pass `--no-cache` after changing it.
        """
        parts = [self.kind, self.target, ",".join(self.layers)]
        if self.root is not None:
            parts.append(str(self.root))
        source = _python_file_of(self) if self.kind == "python" else None
        if source is not None and source.is_file():
            parts.append(hashlib.sha256(source.read_bytes()).hexdigest())
        return "|".join(parts)


def _python_file_of(spec: SystemSpec) -> Path | None:
    path, _, _ = spec.target.rpartition(":")
    return Path(path) if path.endswith(".py") else None


@runtime_checkable
class System(Protocol):
    """A loaded system.

    Optional attributes the run loop reads with getattr: ``cacheable`` (default
    True; built-ins and predictions files are never cached) and ``thread_safe``
    (default True; when False, documents are run one at a time).
    """

    name: str
    layers: tuple[str, ...]

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
    """Check that a system's answer is a JSON object for `document` and return it as
    plain JSON data (tuples become lists). A missing "id" is filled in."""
    if not isinstance(value, dict):
        raise SystemFailure(f"returned {type(value).__name__}, not a JSON object")
    try:
        prediction = json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as error:
        raise SystemFailure(f"returned an object that is not valid JSON: {error}") from None
    returned_id = prediction.setdefault("id", document["id"])
    if returned_id != document["id"]:
        raise SystemFailure(f"returned a prediction for document {returned_id!r} "
                            f"instead of {document['id']!r}")
    return prediction
