"""A cache of LLM replies, one JSON file per request, keyed on the endpoint and the
full request body (model, messages, temperature, seed, max_tokens, response_format).

A changed prompt, model or option is a different key, so nothing stale is reused.
An entry that cannot be read or is not what this module writes is ignored (and
overwritten by the next reply); files are written atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path


class RequestCache:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    @staticmethod
    def key(base_url: str, body: dict) -> str:
        canonical = json.dumps({"base_url": base_url, "body": body}, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def get(self, key: str) -> dict | None:
        try:
            entry = json.loads(self.path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        reply = entry.get("reply") if isinstance(entry, dict) else None
        return reply if isinstance(reply, dict) else None

    def put(self, key: str, base_url: str, body: dict, reply: dict) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump({"base_url": base_url, "request": body, "reply": reply}, stream, ensure_ascii=False)
            os.replace(temporary, self.path(key))
        except OSError:
            pass  # a cache that cannot be written only costs time
