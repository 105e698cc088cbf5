"""The result file (DESIGN section 5.1): signature, JSON, and readable tables."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .errors import InputError
from .model import LAYERS


@dataclass(frozen=True)
class Signature:
    """A one-line fingerprint of everything that decides the numbers, as sacrebleu's."""

    dataset_version: str
    dataset_sha256: str
    layers: tuple[str, ...]
    bootstrap: int
    seed: int
    harness: str = __version__
    # Further settings that change the numbers, as (name, value) pairs in a fixed order,
    # each only when it is not the default: ("gold", "hf"), ("limit", "3"), ("lenient", "yes"),
    # ("quote_overlap", ...), ("map", "conll2003"), ("align", "fuzzy"), ("shard", "2/7").
    options: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        options = "".join(f"|{name}:{value}" for name, value in self.options)
        return (
            f"diplomacy-ie:{self.dataset_version}|sha:{self.dataset_sha256[:8]}"
            f"|layers:{','.join(self.layers)}|boot:{self.bootstrap}|seed:{self.seed}{options}"
            f"|harness:{self.harness}"
        )


class OutputFile:
    """A file the CLI writes (``--output``), checked and opened before any work is done.

    - It is written whole or not at all: into a temporary file beside the
      target, then renamed over it (``commit``); ``discard``, or leaving the
      ``with`` block without committing, removes the temporary file.
    - The target must be a regular file or not exist yet; a symlink is written
      through (the file it points to is replaced, the link stays). A folder,
      device or FIFO is refused, and so is any path in ``inputs`` (a file the
      same run reads).
    - A new file gets the usual mode (0666 less the umask: 0644 under umask
      022); an existing file keeps its mode.
    Every problem is an :class:`InputError` naming the path.
    """

    def __init__(self, path: Path | str, inputs: Iterable[Path | str | None] = ()):
        self.path = Path(path)
        self.inputs = [Path(p) for p in inputs if p is not None]
        self.target = Path(os.path.realpath(self.path))
        self._temporary: Path | None = None

    def __enter__(self) -> OutputFile:
        self.prepare()
        return self

    def __exit__(self, *exc_info) -> None:
        self.discard()

    def _refuse(self, reason: str) -> InputError:
        return InputError(f"{self.path}: cannot write the output here: {reason}")

    def prepare(self) -> Path:
        """Check the target and create the temporary file (its path is returned), so nothing runs
        when it cannot be written."""
        try:
            return self._prepare()
        except OSError as err:  # a name too long, a loop of symlinks, a folder we may not read
            raise self._refuse(err.strerror or str(err)) from None

    def _prepare(self) -> Path:
        if not self.path.name or self.path.name in (".", ".."):
            raise self._refuse("the path names no file")
        if self.target.exists() and not self.target.is_file():
            raise self._refuse(f"it is {_kind_of(self.target)}, not a regular file")
        for source in self.inputs:
            if _same_file(self.target, source):
                raise self._refuse(f"it is also an input of this run ({source}); choose another name")
        folder = self.target.parent
        if not folder.is_dir():
            raise self._refuse(
                f"{folder} is not an existing folder"
                if not folder.exists()
                else f"{folder} is {_kind_of(folder)}, not a folder"
            )
        handle = tempfile.NamedTemporaryFile(
            dir=folder, prefix=f".{self.target.name[:200]}.", suffix=".tmp", delete=False
        )
        handle.close()
        self._temporary = Path(handle.name)
        os.chmod(self._temporary, _mode_for(self.target))
        return self._temporary

    def commit(self, text: str) -> None:
        """Write ``text`` (UTF-8) and put it in place atomically."""
        temporary = self._temporary if self._temporary is not None else self.prepare()
        try:
            with open(temporary, "wb") as handle:
                handle.write(text.encode("utf-8", "backslashreplace"))
            os.replace(temporary, self.target)
        except OSError as err:
            self.discard()
            raise self._refuse(err.strerror or str(err)) from None
        self._temporary = None

    def discard(self) -> None:
        if self._temporary is not None:
            try:
                os.unlink(self._temporary)
            except OSError:
                pass
            self._temporary = None


def _kind_of(path: Path) -> str:
    mode = os.stat(path).st_mode
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def _mode_for(target: Path) -> int:
    """The mode of the file being replaced, else 0666 less the umask."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write_text(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, then rename over the target."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with OutputFile(path) as output:
        output.commit(text)


def to_json(result: dict) -> str:
    return json.dumps(result, indent=2, ensure_ascii=False) + "\n"


def format_figure(value: Any) -> str:
    """A figure as the tables show it: a float to three decimals, None as "-"."""
    return "-" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def _rows(result: dict) -> list[list[str]]:
    rows = []
    for layer in LAYERS:
        block = result["layers"].get(layer)
        if block is None:
            continue
        if block.get("status") != "scored":
            rows.append([layer, "-", "", "", "", block.get("status", ""), ""])
            continue
        headline = block["headline"]
        for name, values in block["metrics"].items():
            is_headline = name == headline["metric"]
            ci = headline.get("ci95") if is_headline else None
            rows.append(
                [
                    layer,
                    name + (" *" if is_headline else ""),
                    format_figure(values.get("precision")),
                    format_figure(values.get("recall")),
                    format_figure(values.get("f1")),
                    "",
                    f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "",
                ]
            )
        for mode, scores in block.get("extra", {}).get("iob2", {}).items():
            micro = scores["micro"]
            rows.append(
                [layer, f"iob2 {mode}", *(format_figure(micro[k]) for k in ("precision", "recall", "f1")), "", ""]
            )
        for name, value in block.get("accuracies", {}).items():
            rows.append([layer, f"{name} acc.", "", "", format_figure(value), "", ""])
    return rows


_HEADER = ["layer", "metric", "P", "R", "F1", "status", "95% CI"]


def format_table(result: dict) -> str:
    rows = [_HEADER] + _rows(result)
    widths = [max(len(r[i]) for r in rows) for i in range(len(_HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return (
        "\n".join(
            [
                f"system: {result['system']['name']}",
                *lines,
                "* headline metric",
                *_cache_lines(result),
                *_alignment_lines(result),
                *_warning_lines(result),
                *_dropped_lines(result),
                *_failure_lines(result),
                result["signature"],
            ]
        )
        + "\n"
    )


def format_markdown(result: dict) -> str:
    lines = [
        f"**system:** `{result['system']['name']}`",
        "",
        "| " + " | ".join(_HEADER) + " |",
        "|" + "---|" * len(_HEADER),
    ]
    lines += ["| " + " | ".join(row) + " |" for row in _rows(result)]
    lines += [
        "",
        *_cache_lines(result),
        *_alignment_lines(result),
        *_warning_lines(result),
        *_dropped_lines(result),
        *_failure_lines(result),
        f"`{result['signature']}`",
    ]
    return "\n".join(lines) + "\n"


def _cache_lines(result: dict) -> list[str]:
    cache = result.get("cache") or {}
    if not cache.get("enabled"):
        return []
    return [f"{cache['hits']} of {cache['documents']} documents from cache"]


def _alignment_lines(result: dict) -> list[str]:
    """One line per layer whose spans were given by their text alone: how each was found."""
    lines = []
    for layer in LAYERS:
        block = (result["layers"].get(layer) or {}).get("alignment")
        if block:
            tiers = ", ".join(
                f"{tier} {block[tier]}" for tier in ("exact", "normalized", "casefold", "fuzzy", "unaligned")
            )
            listed = f" (listed in layers.{layer}.alignment.unaligned_items)" if block["unaligned"] else ""
            lines.append(f"aligned by text: {layer}: {tiers}{listed}")
    return lines


def _warning_lines(result: dict) -> list[str]:
    return [f"warning: {w['layer']}: {w['message']}" for w in result.get("warnings", [])]


def _dropped_lines(result: dict) -> list[str]:
    dropped = result.get("dropped_items", 0)
    return [f"dropped {dropped} invalid predicted item(s) (--lenient); they are not scored"] if dropped else []


def _failure_lines(result: dict) -> list[str]:
    return [f"FAILED {f['document']}: {f['error']}" for f in result.get("failures", [])]
