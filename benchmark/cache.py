"""The prediction cache (`benchmark evaluate --cache`): opt-in, as lm-evaluation-harness's.

A system's folder is named by a hash of everything that determines its output
(`system_key`): the resolved spec, its benchmark.yaml entry, the content of the
files its output depends on (benchmark.systems.sources) and the harness version.
Inside, one JSON file per document, named by a hash of the system's whole input
(id, text, date, language). An entry is checked like a fresh answer before it is
used, and deleted when it fails a check; only answers that pass every check are
stored, written atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from . import __version__
from .errors import InputError
from .reading import parse_json
from .systems.base import MAX_REPLY_BYTES, SystemFailure, SystemSpec, as_prediction

CACHE_ENV = "DIPLOMACY_IE_CACHE"
ENTRY_FORMAT = 2  # bump when an entry's layout or meaning changes

# Returns the problems of a prediction for a document (the evaluate layer's checks).
Check = Callable[[dict, dict], list[str]]


def default_cache_dir() -> Path:
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "diplomacy-ie" / "predictions"


def system_key(spec: SystemSpec) -> str:
    """Everything that determines the system's output, as canonical JSON."""
    from .systems.sources import fingerprint, source_files

    return json.dumps(
        {
            "format": ENTRY_FORMAT,
            "harness": __version__,
            "kind": spec.kind,
            "target": spec.target,
            "root": None if spec.root is None else str(spec.root),
            "origin": spec.origin,
            "layers": list(spec.layers) if spec.layers_declared else None,
            "entry": spec.entry,
            "sources": fingerprint(source_files(spec)),
        },
        sort_keys=True,
        ensure_ascii=False,
    )


def document_key(document: dict) -> str:
    """A hash of what the system is given for a document."""
    given = {key: document.get(key) for key in ("id", "text", "date", "language")}
    return hashlib.sha256(json.dumps(given, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


class PredictionCache:
    """One JSON file per (system key, document input)."""

    def __init__(self, root: Path, key: str, check: Check | None = None):
        self.folder = Path(root) / hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        self.check = check

    def path(self, document: dict) -> Path:
        return self.folder / f"{document_key(document)}.json"

    def get(self, document: dict) -> dict | None:
        """The cached prediction if there is a valid one; an invalid one is evicted."""
        path = self.path(document)
        try:
            with open(path, "rb") as stream:
                raw = stream.read(MAX_REPLY_BYTES + 1)
        except OSError:
            return None
        prediction = self._valid(raw, document)
        if prediction is None:
            try:
                path.unlink()
            except OSError:
                pass
            return None
        return prediction

    def _valid(self, raw: bytes, document: dict) -> dict | None:
        if len(raw) > MAX_REPLY_BYTES:
            return None
        try:
            entry = parse_json(raw.decode("utf-8"), "cache entry")
        except (UnicodeDecodeError, InputError):
            return None
        if (
            not isinstance(entry, dict)
            or entry.get("format") != ENTRY_FORMAT
            or entry.get("document") != document_key(document)
        ):
            return None
        try:
            prediction = as_prediction(entry.get("prediction"), document)
        except SystemFailure:
            return None
        if self.check is not None and self.check(document, prediction):
            return None
        return prediction

    def put(self, document: dict, prediction: dict) -> None:
        """Store a prediction that passes every check; a cache that cannot be written only costs time."""
        if self.check is not None and self.check(document, prediction):
            return
        entry = {"format": ENTRY_FORMAT, "document": document_key(document), "prediction": prediction}
        temporary = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(entry, stream, ensure_ascii=False)
            os.replace(temporary, self.path(document))
            temporary = None
        except (OSError, ValueError, RecursionError):
            pass
        finally:
            if temporary is not None:  # failed, or interrupted: leave no partial entry behind
                try:
                    os.unlink(temporary)
                except OSError:
                    pass
