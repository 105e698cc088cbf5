"""The `openai:` mapping of a benchmark.yaml entry: checked when the system name is
resolved, so a typo exits 2 before anything runs.

    systems:
      mygpt:
        openai: {base_url: "http://127.0.0.1:8000/v1", model: "qwen2.5-7b-instruct"}
        layers: [entities, quotes]

The checked options travel inside the SystemSpec as its `target`, a JSON object
(no secret is ever in it: only the name of the variable that holds the key).
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import InputError

DEFAULT_API_KEY_ENV = "OPENAI_API_KEY"
REQUIRED = ("base_url", "model")
OPTIONAL = ("api_key_env", "temperature", "max_tokens", "seed", "prompt")
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MAX_TEMPERATURE = 2.0  # the Chat Completions range


@dataclass(frozen=True)
class OpenAIOptions:
    base_url: str  # the API root, e.g. http://127.0.0.1:8000/v1 (no trailing slash)
    model: str
    api_key_env: str = DEFAULT_API_KEY_ENV
    temperature: float = 0.0
    max_tokens: int | None = None
    seed: int | None = None
    prompt: str | None = None  # absolute path of a user template file

    def to_target(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v is not None}, ensure_ascii=False)

    @classmethod
    def from_target(cls, target: str) -> OpenAIOptions:
        return cls(**json.loads(target))


def openai_target(mapping: object, config: Path, key: str) -> str:
    """Check an `openai:` mapping from `config` (entry `key`) and return the spec target."""
    return check_options(mapping, config.parent.resolve(), f"{config}: {key}").to_target()


def check_options(mapping: object, folder: Path, where: str) -> OpenAIOptions:
    if not isinstance(mapping, dict):
        raise InputError(
            f'{where}: expected a mapping such as {{base_url: "http://127.0.0.1:8000/v1", '
            f'model: "qwen2.5-7b-instruct"}}, got {type(mapping).__name__}.'
        )
    known = (*REQUIRED, *OPTIONAL)
    for unknown in (k for k in mapping if k not in known):
        near = difflib.get_close_matches(str(unknown), known, n=1)
        hint = f"; did you mean {near[0]!r}?" if near else f"; the keys are {', '.join(known)}."
        raise InputError(f"{where}.{unknown}: unknown key{hint}")
    for required in REQUIRED:
        if required not in mapping:
            raise InputError(f"{where}: the key {required!r} is missing; {' and '.join(REQUIRED)} are required.")
    return OpenAIOptions(
        base_url=_base_url(mapping["base_url"], f"{where}.base_url"),
        model=_text(mapping["model"], f"{where}.model"),
        api_key_env=_env_name(mapping.get("api_key_env", DEFAULT_API_KEY_ENV), f"{where}.api_key_env"),
        temperature=_temperature(mapping.get("temperature", 0.0), f"{where}.temperature"),
        max_tokens=_integer(mapping.get("max_tokens"), f"{where}.max_tokens", minimum=1),
        seed=_integer(mapping.get("seed"), f"{where}.seed"),
        prompt=_prompt(mapping.get("prompt"), folder, f"{where}.prompt"),
    )


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}: expected a non-empty string, got {value!r}.")
    return value.strip()


def _base_url(value: object, where: str) -> str:
    url = _text(value, where).rstrip("/")
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        raise InputError(f"{where}: {value!r} has a port that is not a number.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            f"{where}: expected an http:// or https:// URL with a host, such as "
            f'"http://127.0.0.1:8000/v1", got {value!r}.'
        )
    if parts.query or parts.fragment:
        raise InputError(
            f"{where}: the URL has a query or fragment; give the API root only, and the key "
            "in the environment variable that api_key_env names."
        )
    if parts.path.endswith("/chat/completions"):
        raise InputError(
            f"{where}: give the API root ({url[: -len('/chat/completions')]!r}); "
            "the harness adds /chat/completions itself."
        )
    return url


def _env_name(value: object, where: str) -> str:
    if not isinstance(value, str) or not ENV_NAME.fullmatch(value):
        # The value is not repeated: it may be the key itself, pasted in by mistake.
        raise InputError(
            f"{where}: expected the NAME of an environment variable (letters, digits and "
            "underscores, such as OPENAI_API_KEY) that holds the key; never put the key "
            "itself in benchmark.yaml."
        )
    return value


def _temperature(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_TEMPERATURE:
        raise InputError(f"{where}: expected a number from 0 to {MAX_TEMPERATURE:g}, got {value!r}.")
    return float(value)


def _integer(value: object, where: str, minimum: int | None = None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or (minimum is not None and value < minimum):
        bound = f" of at least {minimum}" if minimum is not None else ""
        raise InputError(f"{where}: expected a whole number{bound}, got {value!r}.")
    return value


def _prompt(value: object, folder: Path, where: str) -> str | None:
    if value is None:
        return None
    path = folder / _text(value, where)  # an absolute path stays as it is
    if not path.is_file():
        raise InputError(f"{where}: no such prompt template file: {path}.")
    from ..prompts import load_template_file

    load_template_file(path)  # a malformed template exits 2 now, not on the first document
    return str(path)
