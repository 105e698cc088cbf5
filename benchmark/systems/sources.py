"""The files a system's output depends on, as far as the harness can find them
without running anything: they are part of the prediction cache key, so editing
one invalidates the cache.

- `python:FILE.py:ATTR`: that file.
- `python:MODULE:ATTR` and entry points: the module's file, found the way the
  worker's import will find it (the spec's root first, then the harness's
  sys.path) but without importing it; when the module is in a package of at most
  MAX_PACKAGE_FILES .py files, every .py file of its top-level package.
- `cmd:COMMAND`: every word of the command line (and the value of a
  `--option=VALUE` word) that names an existing file, relative to the spec's root
  or absolute, e.g. the script in `python my_tagger.py` (and the interpreter
  itself when named by its path); the module after `-m`, as above.

What a system reads at run time (model weights, a data folder, other modules it
imports from elsewhere) is not seen: the cache is opt-in for that reason.
"""

from __future__ import annotations

import hashlib
import shlex
import sys
from importlib.machinery import PathFinder
from pathlib import Path

from .base import SystemSpec

MAX_PACKAGE_FILES = 500
HASHED_BYTES = 256 * 1024 * 1024  # a larger file is keyed on its size and modification time


def source_files(spec: SystemSpec) -> list[Path]:
    if spec.kind == "python":
        where = spec.target.rpartition(":")[0]
        from .python_system import is_file_target

        if is_file_target(where):
            path = Path(where) if Path(where).is_absolute() or spec.root is None else spec.root / where
            return [path] if path.is_file() else []
        return module_files(where, _search_path(spec.root))
    if spec.kind == "entrypoint":
        return module_files(spec.target.partition(":")[0].strip(), _search_path(spec.root))
    if spec.kind == "command":
        return command_files(spec.target, spec.root or Path.cwd())
    return []


def fingerprint(paths: list[Path]) -> list[list[str]]:
    """[path, sha256 of its content] for each file, sorted and without duplicates."""
    unique = sorted({str(path.resolve()) for path in paths})
    return [[path, _digest(Path(path))] for path in unique]


def _digest(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > HASHED_BYTES:
            return f"size:{size}:mtime:{path.stat().st_mtime_ns}"
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:
        return f"unreadable:{error.errno}"


def _search_path(root: Path | None) -> list[str]:
    path = [entry or str(Path.cwd()) for entry in sys.path]
    return ([str(root)] if root is not None else []) + path


def module_files(name: str, search_path: list[str]) -> list[Path]:
    """The file of module `name` and, when cheap, the .py files of its package."""
    parts = name.split(".")
    if not all(part.isidentifier() for part in parts):
        return []
    try:
        found = PathFinder.find_spec(parts[0], search_path)
        top = found
        for depth in range(1, len(parts)):
            if found is None or not found.submodule_search_locations:
                return []
            found = PathFinder.find_spec(".".join(parts[: depth + 1]), list(found.submodule_search_locations))
    except (ImportError, ValueError, OSError):
        return []
    if found is None:
        return []
    own = [Path(found.origin)] if found.origin and Path(found.origin).is_file() else []
    if top is not None and top.submodule_search_locations:
        package = _package_files([Path(folder) for folder in top.submodule_search_locations])
        if package is not None:
            return package + own
    return own


def _package_files(folders: list[Path]) -> list[Path] | None:
    files: list[Path] = []
    for folder in folders:
        for path in folder.rglob("*.py"):
            files.append(path)
            if len(files) > MAX_PACKAGE_FILES:
                return None
    return files


def command_files(command: str, root: Path) -> list[Path]:
    try:
        words = shlex.split(command)
    except ValueError:
        return []
    files: list[Path] = []
    for index, word in enumerate(words):
        if index > 0 and words[index - 1] == "-m":
            files += module_files(word, [str(root)])
            continue
        for candidate in (word, word.partition("=")[2]):
            if candidate and not candidate.startswith("-"):
                path = Path(candidate).expanduser()
                path = path if path.is_absolute() else root / path
                if path.is_file():
                    files.append(path)
    return files
