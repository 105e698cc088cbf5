"""Python systems: a callable `f(document) -> dict` or a class (or object) with
`predict(document) -> dict`, named as `pkg.mod:attr`, `path/to/file.py:attr` or by
an entry point of the group `benchmark.systems`.

An optional `layers` attribute declares what the system does (a spec's explicit
`layers:` wins; with neither, the system declares the layers it returns keys for);
an optional `thread_safe = True` lets `--jobs` run several documents at once; an
optional `close()` is called at the end of the run.

This module loads such an object and calls it in the current process. A user's
system is loaded here only inside a worker process (benchmark.systems.worker); the
harness talks to it through benchmark.systems.isolated. The built-in `rules`
system is the one Python system called in the harness's own process.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import os
import sys
import traceback
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path

from ..errors import InputError
from .base import SystemFailure, SystemSpec, as_prediction, normalize_layers

ENTRY_POINT_GROUP = "benchmark.systems"
TRACEBACK_LINES = 20


class PythonSystem:
    """Calls a Python predict function in this process and checks what it returns."""

    def __init__(
        self,
        name: str,
        predict: Callable[[dict], object],
        layers: tuple[str, ...] | None,
        *,
        close: Callable[[], object] | None = None,
        thread_safe: bool = False,
        cacheable: bool = True,
    ):
        self.name = name
        self.layers = layers
        self.thread_safe = thread_safe
        self.cacheable = cacheable
        self._predict = predict
        self._close = close

    @property
    def has_close(self) -> bool:
        return self._close is not None

    def predict(self, document: dict) -> dict:
        return as_prediction(_guarded(self._predict, dict(document)), document)

    def close(self) -> None:
        if self._close is not None:
            self._close()


def _guarded(function: Callable[[dict], object], document: dict) -> object:
    try:
        return function(document)
    except (Exception, SystemExit) as error:
        lines = traceback.format_exc().rstrip("\n").splitlines()[-TRACEBACK_LINES:]
        detail = f": {error}" if str(error) else ""
        raise SystemFailure(f"raised {type(error).__name__}{detail}", stderr="\n".join(lines)) from None


def label(spec: SystemSpec) -> str:
    return f"system {spec.name!r} ({spec.kind} {spec.target})"


def load_python_system(spec: SystemSpec) -> PythonSystem:
    """Import and wrap the system a `python` or `entrypoint` spec names (InputError if it cannot)."""
    if spec.kind == "entrypoint":
        return load_entry_point_system(spec)
    return system_from_object(import_target(spec), spec)


def load_entry_point_system(spec: SystemSpec) -> PythonSystem:
    matches = entry_points(group=ENTRY_POINT_GROUP, name=spec.name)
    if not matches:
        raise InputError(
            f"{label(spec)}: no entry point {spec.name!r} in the group {ENTRY_POINT_GROUP!r} is installed any more."
        )
    entry_point = next(iter(matches))
    try:
        loaded = entry_point.load()
    except (Exception, SystemExit) as error:
        raise InputError(f"cannot load {label(spec)} from {spec.origin}: {type(error).__name__}: {error}") from None
    return system_from_object(loaded, spec)


def system_from_object(loaded: object, spec: SystemSpec, *, cacheable: bool = True) -> PythonSystem:
    """Wrap a callable, a class (instantiated with no arguments) or an object with predict()."""
    if inspect.isclass(loaded):
        try:
            loaded = loaded()
        except (Exception, SystemExit) as error:
            raise InputError(
                f"cannot create {label(spec)}: {spec.target}() raised "
                f"{type(error).__name__}: {error}. A system class is created "
                "with no arguments."
            ) from None
    predict = getattr(loaded, "predict", None)
    close = getattr(loaded, "close", None)
    if not callable(predict):
        if not callable(loaded):
            raise InputError(
                f"{label(spec)} is a {type(loaded).__name__}: expected a function "
                "f(document) -> dict, or a class or object with a predict(document) method."
            )
        predict, close = loaded, None
    return PythonSystem(
        spec.name,
        predict,
        declared_layers(loaded, spec),
        close=close if callable(close) else None,
        thread_safe=bool(getattr(loaded, "thread_safe", False)),
        cacheable=cacheable,
    )


def declared_layers(loaded: object, spec: SystemSpec) -> tuple[str, ...] | None:
    """The spec's explicit layers, else the object's `layers` attribute, else None:
    the layers it returns keys for."""
    if spec.layers_declared:
        return spec.layers
    declared = getattr(loaded, "layers", None)
    if declared is None:
        return None
    try:
        return normalize_layers(declared)
    except ValueError as error:
        raise InputError(f"{label(spec)} has a bad `layers` attribute: {error}.") from None


def import_target(spec: SystemSpec) -> object:
    """Import `pkg.mod:attr` or `path/to/file.py:attr` and return the attribute."""
    where, _, attribute = spec.target.rpartition(":")
    if not where or not attribute:
        raise InputError(
            f"{label(spec)}: expected MODULE:ATTRIBUTE or FILE.py:ATTRIBUTE, "
            f"e.g. python:mypkg.mod:extract or python:mysystem.py:MySystem."
        )
    if is_file_target(where):
        module = _import_file(Path(where), spec)
    else:
        module = _import_module(where, spec)
    found: object = module
    for part in attribute.split("."):
        if not hasattr(found, part):
            raise InputError(f"{label(spec)}: {where} has no attribute {attribute!r}.")
        found = getattr(found, part)
    return found


def is_file_target(where: str) -> bool:
    return where.endswith(".py") or "/" in where or os.sep in where


def _import_module(module_name: str, spec: SystemSpec):
    if spec.root is not None and str(spec.root) not in sys.path:
        sys.path.insert(0, str(spec.root))
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and module_name.startswith(error.name):
            folder = f" or in {spec.root}" if spec.root is not None else ""
            raise InputError(
                f"cannot import {label(spec)}: no module named {error.name!r} is installed{folder}."
            ) from None
        raise _import_failure(spec, error) from None
    except (Exception, SystemExit) as error:
        raise _import_failure(spec, error) from None


def _import_file(path: Path, spec: SystemSpec):
    if spec.root is not None and not path.is_absolute():
        path = spec.root / path
    path = path.resolve()
    if not path.is_file():
        raise InputError(f"cannot load {label(spec)}: no such file {path}.")
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:10]
    module_name = f"_benchmark_system_{path.stem}_{digest}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    # The file's folder goes on sys.path so that it can import its neighbours, as a script would.
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))
    module_spec = importlib.util.spec_from_file_location(module_name, path)
    if module_spec is None or module_spec.loader is None:  # a name Python does not import, e.g. no .py
        raise InputError(f"cannot load {label(spec)}: Python cannot import {path}; name the file *.py.")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[module_name] = module
    try:
        module_spec.loader.exec_module(module)
    except (Exception, SystemExit) as error:
        del sys.modules[module_name]
        raise _import_failure(spec, error) from None
    return module


def _import_failure(spec: SystemSpec, error: BaseException) -> InputError:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if not f.filename.startswith("<")]
    where = ""
    if frames and not isinstance(error, SyntaxError):  # a SyntaxError names its own line
        where = f" (at {frames[-1].filename}:{frames[-1].lineno})"
    return InputError(f"cannot import {label(spec)}: {type(error).__name__}: {error}{where}.")
