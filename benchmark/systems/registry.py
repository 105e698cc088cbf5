"""Resolve `--system NAME` to a SystemSpec, and a SystemSpec to a loaded System.

Order (DESIGN section 6): the built-ins, then the `systems:` of benchmark.yaml in
the working directory (or `--config FILE`), then the entry-point group
`benchmark.systems`, then a spec written out in full on the command line.
"""

from __future__ import annotations

import difflib
import json
import math
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import InputError
from ..model import LAYERS
from .base import DEFAULT_TIMEOUT, System, SystemSpec, normalize_layers
from .builtin import BUILTIN_NAMES
from .python_system import ENTRY_POINT_GROUP, is_file_target

CONFIG_NAME = "benchmark.yaml"
CONFIG_KINDS = {"python": "python", "command": "command", "http": "http", "predictions": "file", "openai": "openai"}
ENTRY_KEYS = (*CONFIG_KINDS, "layers", "timeout")
AD_HOC_FORMS = (
    "python:MODULE:ATTR, python:FILE.py:ATTR, cmd:COMMAND, http://URL "
    "(or https://), file:PREDICTIONS.jsonl (or file:FOLDER of BRAT .ann files) "
    "and spacy:PIPELINE (a spaCy package name or folder)"
)
# What `benchmark systems` prints under the named systems.
AD_HOC_LISTING = (
    ("python:MODULE:ATTR, python:FILE.py:ATTR", "a Python function or class, run in a worker process"),
    ("cmd:COMMAND", "a command reading JSON Lines on stdin and answering on stdout"),
    ("http://URL, https://URL", "a server answering one POST per document"),
    ("file:PREDICTIONS.jsonl, file:FOLDER", "predictions made elsewhere (JSON Lines, or BRAT .ann files)"),
    ("spacy:PIPELINE", "a spaCy pipeline (package name or folder), scored on entities"),
)


@dataclass(frozen=True)
class Listed:
    """One line of `benchmark systems`: a spec and, if another wins its name, which."""

    spec: SystemSpec
    shadowed_by: str = ""

    def describe(self) -> str:
        shadowed = (
            f" (shadowed by {self.shadowed_by}: --system {self.spec.name} runs that one)" if self.shadowed_by else ""
        )
        return self.spec.describe() + shadowed


def resolve(name: str, config: Path | None = None, cwd: Path | None = None) -> SystemSpec:
    cwd = Path.cwd() if cwd is None else cwd
    config_file = find_config(config, cwd)
    configured = read_config(config_file) if config_file else {}  # refuses an entry named like a built-in
    if name in BUILTIN_NAMES:
        return builtin_spec(name)
    if name in configured:
        return configured[name]
    installed = entry_point_specs()
    if name in installed:
        return installed[name]
    ad_hoc = ad_hoc_spec(name, cwd)
    if ad_hoc is not None:
        return ad_hoc
    known = _winners([builtin_spec(n) for n in BUILTIN_NAMES], configured.values(), installed.values())
    raise InputError(_unknown_message(name, known, config_file, cwd))


def list_systems(config: Path | None = None, cwd: Path | None = None) -> list[SystemSpec]:
    """Every system a name resolves to, in resolution order (shadowed entries left out)."""
    return [listed.spec for listed in listing(config, cwd) if not listed.shadowed_by]


def listing(config: Path | None = None, cwd: Path | None = None) -> list[Listed]:
    """Every named system in resolution order, the shadowed ones included and marked."""
    cwd = Path.cwd() if cwd is None else cwd
    config_file = find_config(config, cwd)
    configured = read_config(config_file) if config_file else {}
    listed: list[Listed] = []
    winners: dict[str, SystemSpec] = {}
    for spec in [*(builtin_spec(n) for n in BUILTIN_NAMES), *configured.values(), *entry_point_specs().values()]:
        winner = winners.setdefault(spec.name, spec)
        listed.append(Listed(spec, "" if winner is spec else _short_origin(winner)))
    return listed


def _winners(*groups) -> list[SystemSpec]:
    specs: dict[str, SystemSpec] = {}
    for group in groups:
        for spec in group:
            specs.setdefault(spec.name, spec)
    return list(specs.values())


def builtin_spec(name: str) -> SystemSpec:
    return SystemSpec(name, "builtin", name, LAYERS, None, "built-in", layers_declared=True)


def find_config(config: Path | None, cwd: Path) -> Path | None:
    if config is not None:
        path = config if config.is_absolute() else cwd / config
        if not path.is_file():
            raise InputError(f"no such configuration file: {path}.")
        return path
    default = cwd / CONFIG_NAME
    return default if default.is_file() else None


# --- benchmark.yaml ---------------------------------------------------------


def read_config(path: Path) -> dict[str, SystemSpec]:
    data = _load_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping with a `systems:` key, got {type(data).__name__}.")
    if "systems" not in data:
        near = difflib.get_close_matches("systems", [str(key) for key in data], n=1)
        if near:
            raise InputError(f"{path}: unknown key {near[0]!r}; did you mean 'systems'?")
        return {}
    systems = data["systems"]
    if systems is None:
        return {}
    if not isinstance(systems, dict):
        raise InputError(
            f"{path}: systems: expected a mapping of system names to entries such as "
            f'`mymodel: {{python: "mypkg.mod:extract"}}`, got {type(systems).__name__}.'
        )
    for name in systems:
        if name in BUILTIN_NAMES:
            raise InputError(
                f"{path}: systems.{name}: {name!r} is the name of a built-in system, which "
                f"would be run instead; rename the entry (e.g. to 'my-{name}')."
            )
    return {name: _config_entry(path, name, entry) for name, entry in systems.items()}


def _load_yaml(path: Path) -> object:
    # Bounded and strict: no aliases (an alias bomb fails at once), no duplicate keys.
    from ..reading import read_yaml_file

    return read_yaml_file(path)


def _config_entry(path: Path, name: object, entry: object) -> SystemSpec:
    if not isinstance(name, str) or not name or ":" in name:
        raise InputError(f"{path}: systems: {name!r} is not a usable system name (a non-empty string without ':').")
    key = f"systems.{name}"
    if not isinstance(entry, dict):
        raise InputError(
            f"{path}: {key}: expected a mapping with one of python, command, http, "
            f"predictions or openai, got {type(entry).__name__}."
        )
    for unknown in (k for k in entry if k not in ENTRY_KEYS):
        near = difflib.get_close_matches(str(unknown), ENTRY_KEYS, n=1)
        hint = f"; did you mean {near[0]!r}?" if near else f"; the keys are {', '.join(ENTRY_KEYS)}."
        raise InputError(f"{path}: {key}.{unknown}: unknown key{hint}")
    kinds = [k for k in CONFIG_KINDS if k in entry]
    if len(kinds) != 1:
        found = f" (found {', '.join(kinds)})" if kinds else ""
        raise InputError(f"{path}: {key}: needs exactly one of python, command, http, predictions or openai{found}.")
    kind_key = kinds[0]
    target = entry[kind_key]
    if kind_key == "openai":  # a mapping of options, checked by its own module
        from .openai_config import openai_target

        target = openai_target(target, path, f"{key}.openai")
    if not isinstance(target, str) or not target.strip():
        raise InputError(f"{path}: {key}.{kind_key}: expected a non-empty string, got {target!r}.")
    folder = path.parent.resolve()
    return SystemSpec(
        name=name,
        kind=CONFIG_KINDS[kind_key],
        target=_config_target(path, f"{key}.{kind_key}", CONFIG_KINDS[kind_key], target.strip(), folder),
        layers=_config_layers(path, key, entry),
        timeout=_config_timeout(path, key, entry),
        origin=str(path),
        root=folder,
        layers_declared="layers" in entry,
        entry=_canonical(entry),
    )


def _canonical(entry: dict) -> str:
    """The entry as it determines the output (its timeout never changes an answer)."""
    kept = {str(key): value for key, value in entry.items() if key != "timeout"}
    return json.dumps(kept, sort_keys=True, ensure_ascii=False, default=str)


def _config_target(path: Path, key: str, kind: str, target: str, folder: Path) -> str:
    if kind == "python":
        return _python_target(target, folder, f"{path}: {key}")
    if kind == "file":
        return str(folder / target)  # an absolute target stays as it is
    if kind == "http":
        problem = url_problem(target)
        if problem:
            raise InputError(f"{path}: {key}: {problem}.")
    return target


def url_problem(url: str) -> str | None:
    """What makes `url` unusable for an HTTP system, or None."""
    if not url.startswith(("http://", "https://")):
        return f"expected a URL starting with http:// or https://, got {url!r}"
    if any(ord(c) <= 32 or ord(c) == 127 for c in url):
        return f"the URL {url!r} contains white space or a control character"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        return f"{url!r} is not a valid URL: {error}"
    if not parts.hostname:
        return f"the URL {url!r} names no host"
    if port == 0:
        return f"the URL {url!r} names port 0"
    return None


def _config_layers(path: Path, key: str, entry: dict) -> tuple[str, ...]:
    if "layers" not in entry:
        return LAYERS
    try:
        return normalize_layers(entry["layers"])
    except ValueError as error:
        raise InputError(f"{path}: {key}.layers: {error}.") from None


def _config_timeout(path: Path, key: str, entry: dict) -> float | None:
    if "timeout" not in entry:
        return None
    problem = timeout_problem(entry["timeout"])
    if problem:
        raise InputError(f"{path}: {key}.timeout: {problem}.")
    return float(entry["timeout"])


def timeout_problem(timeout: object) -> str | None:
    """Why `timeout` is not a usable number of seconds per document, or None."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not math.isfinite(timeout) or timeout <= 0:
        shown = repr(timeout) if not isinstance(timeout, int) or abs(timeout) < 10**100 else "a huge number"
        return f"expected a finite number of seconds above 0, got {shown}"
    return None


def _python_target(target: str, folder: Path, where: str) -> str:
    """Check MODULE:ATTR or FILE.py:ATTR and make a relative file path absolute."""
    module, _, attribute = target.rpartition(":")
    if not module or not attribute:
        raise InputError(
            f"{where}: expected MODULE:ATTRIBUTE or FILE.py:ATTRIBUTE "
            f"(e.g. mypkg.mod:extract or mysystem.py:MySystem), got {target!r}."
        )
    if is_file_target(module):
        module = str(folder / module)
    return f"{module}:{attribute}"


# --- entry points and ad-hoc specs ------------------------------------------


def entry_point_specs() -> dict[str, SystemSpec]:
    specs: dict[str, SystemSpec] = {}
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        dist = entry_point.dist
        origin = f"entry point of {dist.name} {dist.version}" if dist is not None else "entry point"
        specs.setdefault(
            entry_point.name, SystemSpec(entry_point.name, "entrypoint", entry_point.value, LAYERS, None, origin)
        )
    return specs


def ad_hoc_spec(name: str, cwd: Path) -> SystemSpec | None:
    prefix, _, rest = name.partition(":")
    rest = rest.strip()
    if prefix in ("python", "cmd", "file", "spacy") and not rest:
        raise InputError(f"system {name!r}: nothing follows {prefix + ':'!r}; the forms are {AD_HOC_FORMS}.")
    if prefix == "python":
        target = _python_target(rest, cwd.resolve(), f"system {name!r}")
        return SystemSpec(name, "python", target, origin="ad hoc", root=cwd.resolve())
    if prefix == "cmd":
        return SystemSpec(name, "command", rest, origin="ad hoc", root=cwd.resolve())
    if prefix in ("http", "https") and rest.startswith("//"):
        problem = url_problem(name)
        if problem:
            raise InputError(f"system {name!r}: {problem}.")
        return SystemSpec(name, "http", name, origin="ad hoc")
    if prefix == "file":
        path = (cwd / rest).resolve()
        if not path.exists():
            raise InputError(f"system {name!r}: no such predictions file or folder: {path}.")
        return SystemSpec(name, "file", str(path), origin="ad hoc")
    if prefix == "spacy":
        return SystemSpec(name, "spacy", rest, ("entities",), origin="ad hoc", layers_declared=True)
    return None


def _unknown_message(name: str, known: list[SystemSpec], config_file: Path | None, cwd: Path) -> str:
    names = [spec.name for spec in known]
    near = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    suggestion = " Did you mean " + " or ".join(repr(n) for n in near) + "?" if near else ""
    listed = "; ".join(f"{spec.name} ({_short_origin(spec)})" for spec in known)
    config = f" The configuration read was {config_file}." if config_file else f" There is no {CONFIG_NAME} in {cwd}."
    return (
        f"unknown system {name!r}.{suggestion}{_path_hint(name, cwd)} Known systems: {listed}."
        f"{config} A system can also be written out as {AD_HOC_FORMS}."
    )


def _short_origin(spec: SystemSpec) -> str:
    if spec.kind in ("builtin", "entrypoint"):
        return spec.origin
    return Path(spec.origin).name if spec.origin else spec.kind


def _path_hint(name: str, cwd: Path) -> str:
    if not (cwd / name).exists():
        return ""
    if name.endswith(".py"):
        return f" To run the Python file, write python:{name}:FUNCTION_OR_CLASS."
    return f" To score the predictions in it, write file:{name}."


# --- loading ------------------------------------------------------------------


def load_system(spec: SystemSpec, gold_by_id: dict[str, dict] | None = None, cache_dir: Path | None = None) -> System:
    """Load what `spec` names. A user's system gets its per-document timeout: the
    spec's (where --timeout has already been applied), else DEFAULT_TIMEOUT.
    `cache_dir` is the run's cache folder under --cache (an LLM system keeps its
    request cache there), None without it."""
    if spec.kind == "builtin":
        return _load_builtin(spec, gold_by_id)
    timeout = spec.timeout if spec.timeout is not None else DEFAULT_TIMEOUT
    if spec.kind in ("python", "entrypoint"):
        from .isolated import IsolatedPythonSystem

        return IsolatedPythonSystem(spec, timeout)
    if spec.kind == "spacy":
        from .spacy_system import load_spacy_system

        return load_spacy_system(spec.target)
    if spec.kind == "command":
        from .command import CommandSystem

        return CommandSystem(spec.name, spec.target, spec.declared_layers(), timeout=timeout, cwd=spec.root)
    if spec.kind == "http":
        from .http import HttpSystem

        return HttpSystem(spec.name, spec.target, spec.declared_layers(), timeout=timeout)
    if spec.kind == "openai":
        from .openai_chat import OpenAIChatSystem

        return OpenAIChatSystem.from_spec(
            spec, timeout=timeout, cache_dir=cache_dir / "requests" if cache_dir else None
        )
    if spec.kind == "file":
        from .files import load_predictions

        return load_predictions(spec.name, Path(spec.target), spec.declared_layers())
    raise ValueError(f"unknown system kind {spec.kind!r}")


def _load_builtin(spec: SystemSpec, gold_by_id: dict[str, dict] | None) -> System:
    from .builtin import EmptySystem, OracleSystem, rules_system
    from .python_system import system_from_object

    if spec.name == "empty":
        return EmptySystem()
    if spec.name == "oracle":
        if gold_by_id is None:
            raise ValueError("the oracle system needs gold_by_id")
        return OracleSystem(gold_by_id)
    if spec.name == "rules":
        return system_from_object(rules_system(), spec, cacheable=False)
    raise ValueError(f"unknown built-in system {spec.name!r}")
