"""Errors the CLI turns into a clear message and an exit status, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass, field


class InputError(Exception):
    """Bad input or usage: the message is one paragraph naming what is wrong (exit 2)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, reported as ``file: item: reason``."""

    file: str
    item: str
    reason: str
    # True when the problem is not one item's (an unknown top-level key, a layer that is
    # not a list, offsets in another unit): ``--lenient`` cannot drop it and go on.
    document_level: bool = field(default=False, compare=False)

    def __str__(self) -> str:
        return f"{self.file}: {self.item}: {self.reason}" if self.item else f"{self.file}: {self.reason}"


class InvalidData(InputError):
    """A file (or several) failed validation; every problem is listed."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = [str(p) for p in problems]
        super().__init__(f"{len(problems)} problem(s) found:\n" + "\n".join(lines))
