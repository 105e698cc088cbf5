"""Bounded, strict reading of every file the harness takes as input.

Whatever a file holds, reading it ends in bounded time and memory with either
the parsed value or an :class:`InputError` naming the file and line:

- a device (``/dev/zero``) is refused; a file or pipe is read up to
  ``MAX_FILE_BYTES`` and a JSON Lines line up to ``MAX_LINE_BYTES``, so an
  endless stream is refused too, not read forever;
- JSON is strict: duplicate keys, ``NaN``/``Infinity``, integers of more than
  ``MAX_INT_DIGITS`` digits and nesting deeper than the parser's recursion
  bound are refused (the shapes of :mod:`benchmark.schema` then refuse any
  container where a value is expected);
- YAML is read with a safe loader that refuses aliases (``*name``, so an
  alias bomb cannot expand), duplicate keys, integers of more than
  ``MAX_INT_DIGITS`` digits and nesting deeper than ``MAX_DEPTH``.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import InputError

MAX_FILE_BYTES = 256 * 2**20  # 256 MiB: a predictions file, gold corpus or result file
MAX_LINE_BYTES = 32 * 2**20  # 32 MiB: one JSON Lines record (one document and its annotations)
MAX_YAML_BYTES = 16 * 2**20  # 16 MiB: a gold YAML file, metadata or benchmark.yaml
MAX_DEPTH = 64  # nesting of YAML mappings and lists; the formats need fewer than 10 levels
MAX_INT_DIGITS = 30  # offsets and counts need far fewer; Python refuses over 4,300


def _open(path: Path):
    """``path`` opened for reading in binary; a device (``/dev/zero``, a terminal) is refused."""
    try:
        handle = open(path, "rb")
    except OSError as err:
        raise InputError(f"{path}: cannot be read: {err.strerror or err}") from None
    mode = os.fstat(handle.fileno()).st_mode
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        handle.close()
        raise InputError(f"{path}: is a device, not a file")
    return handle


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path``, refusing what is not a readable file of at most ``limit`` bytes."""
    with _open(path) as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as err:
            raise InputError(f"{path}: cannot be read: {err.strerror or err}") from None
    if len(data) > limit:
        raise InputError(f"{path}: is larger than {limit // 2**20} MiB, the most this harness reads from one file")
    return data


def decode(data: bytes, where: str, codec: str = "utf-8-sig") -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as err:
        raise InputError(f"{where}: is not UTF-8 text (byte {err.start}: {err.reason})") from None


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    return decode(read_bytes(path, limit), str(path))


def read_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of every line, each at most ``MAX_LINE_BYTES``, the file at most
    ``MAX_FILE_BYTES``."""
    for number, raw in read_raw_lines(path):
        yield number, decode_line(raw, path, number)


def decode_line(raw: bytes, path: Path, number: int) -> str:
    """A line of ``read_raw_lines`` as text (the first may start with a byte order mark)."""
    return decode(raw, f"{path}:{number}", "utf-8-sig" if number == 1 else "utf-8")


def read_raw_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes) of every line, bounded as :func:`read_lines` reads them."""
    total = 0
    with _open(path) as handle:
        for number in range(1, 2**62):
            try:
                raw = handle.readline(MAX_LINE_BYTES + 1)
            except OSError as err:
                raise InputError(f"{path}: cannot be read: {err.strerror or err}") from None
            if not raw:
                return
            total += len(raw)
            if len(raw) > MAX_LINE_BYTES:
                raise InputError(
                    f"{path}:{number}: the line is longer than {MAX_LINE_BYTES // 2**20} MiB, "
                    "the most this harness reads as one record"
                )
            if total > MAX_FILE_BYTES:
                raise InputError(
                    f"{path}: is larger than {MAX_FILE_BYTES // 2**20} MiB, the most this harness reads from one file"
                )
            yield number, raw


# ---------------------------------------------------------------- JSON


class _Refused(ValueError):
    pass


def _object(pairs: list[tuple[str, Any]]) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        twice = next(key for index, (key, _) in enumerate(pairs) if key in dict(pairs[:index]))
        raise _Refused(f"the key {twice!r} appears twice in one object")
    return result


def _integer(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise _Refused(f"an integer of {len(digits.lstrip('-'))} digits (at most {MAX_INT_DIGITS} are accepted)")
    return int(digits)


def _constant(name: str) -> Any:
    raise _Refused(f"{name} is not a JSON number")


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Is ``value`` nested more than ``limit`` levels deep? Level by level: no recursion limit."""
    level, depth = [value], 0
    while level:
        depth += 1
        if depth > limit:
            return True
        level = [
            child
            for item in level
            for child in (item.values() if isinstance(item, dict) else item if isinstance(item, list) else ())
            if isinstance(child, (dict, list))
        ]
    return False


def parse_json(text: str, where: str) -> Any:
    """One JSON value, strictly; an :class:`InputError` naming ``where`` otherwise."""
    try:
        value = json.loads(text, object_pairs_hook=_object, parse_int=_integer, parse_constant=_constant)
    except json.JSONDecodeError as err:
        raise InputError(f"{where}: not valid JSON: {err.msg} at column {err.colno}") from None
    except _Refused as err:
        raise InputError(f"{where}: refused JSON: {err}") from None
    except RecursionError:
        # The parser's own bound (Python's recursion limit, about 1,000 levels). Shallower
        # nesting than that is refused where a value's shape is checked (benchmark.schema).
        raise InputError(f"{where}: refused JSON: nested too deeply") from None
    return value


# ---------------------------------------------------------------- YAML


@lru_cache(maxsize=2)
def _strict_loader(fast: bool = False):
    """A safe loader without aliases (no expansion bombs) and without duplicate keys.

    ``fast`` builds it on libyaml's parser (about seven times faster), whose composer
    runs in C and so cannot refuse aliases itself: it is used only on text without
    a ``*``, which no alias can be written without."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader) if fast else yaml.SafeLoader

    class StrictLoader(base):  # type: ignore[valid-type,misc]
        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, f"aliases (*{event.anchor}) are not accepted", event.start_mark
                )
            return super().compose_node(parent, index)

        def construct_mapping(self, node, deep=False):
            seen = set()
            for key_node, _ in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"the key {key!r} appears twice in one mapping", key_node.start_mark
                    )
                seen.add(key)
            return super().construct_mapping(node, deep)

    def integer(loader, node):
        if len(node.value.replace("_", "").lstrip("+-")) > MAX_INT_DIGITS:
            raise yaml.constructor.ConstructorError(
                None, None, f"an integer of more than {MAX_INT_DIGITS} digits", node.start_mark
            )
        return yaml.SafeLoader.construct_yaml_int(loader, node)

    StrictLoader.add_constructor("tag:yaml.org,2002:int", integer)
    return StrictLoader


def load_yaml(text: str, where: str) -> Any:
    """One YAML document, read safely and strictly; an :class:`InputError` naming ``where`` otherwise."""
    import yaml

    if "*" not in text:
        try:
            value = yaml.load(text, Loader=_strict_loader(fast=True))  # noqa: S506 - a SafeLoader subclass
        except (yaml.YAMLError, RecursionError):
            pass  # read again below: the pure-Python parser's messages name the offending character
        else:
            if too_deep(value):
                raise InputError(f"{where}: refused YAML: nested deeper than {MAX_DEPTH} levels")
            return value
    try:
        value = yaml.load(text, Loader=_strict_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise InputError(f"{where}{line}: not valid YAML: {getattr(err, 'problem', None) or err}") from None
    except RecursionError:
        raise InputError(f"{where}: refused YAML: nested deeper than {MAX_DEPTH} levels") from None
    if too_deep(value):
        raise InputError(f"{where}: refused YAML: nested deeper than {MAX_DEPTH} levels")
    return value


def read_yaml_file(path: Path) -> Any:
    return load_yaml(read_text(path, MAX_YAML_BYTES), str(path))
