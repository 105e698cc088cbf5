"""The spans of a whole file in flat typed columns, as a large file is read as columns.

A large corpus holds millions of spans. Kept as Python lists, one per
document and column, every later pass over them (the corpus-wide matching,
the IOB2 view, the count of spans on token boundaries) reads millions of
objects scattered in memory. Here each document's columns are appended, while
its line is read and its objects are still at hand, to flat typed arrays
(:mod:`array`): the starts, the ends and, for entities, a code for each type.
numpy reads them without a copy (:meth:`SpanStore.arrays`); a document's own
lists are made from its slice only when something asks for them.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .records import EntityLists


class SpanStore:
    """The spans of many documents: document ``row``'s are ``bounds[row]`` to ``bounds[row + 1]``."""

    def __init__(self, labels: Iterable[str] = ()):
        self.labels: list[str] = sorted(labels)  # type codes index this
        self._code = {label: code for code, label in enumerate(self.labels)}
        self._starts, self._ends, self._types = array("q"), array("q"), array("i")
        self._bounds = array("q", [0])

    def __len__(self) -> int:
        """How many documents."""
        return len(self._bounds) - 1

    def append(self, starts: list[int], ends: list[int], types: list[str] | None = None) -> int:
        """Add one document's spans (types among the labels, for a store that has labels); its row."""
        self._starts.fromlist(starts)  # twice as fast as extend, which takes any iterable
        self._ends.fromlist(ends)
        if types is not None:
            self._types.fromlist(list(map(self._code.__getitem__, types)))
        self._bounds.append(len(self._starts))
        return len(self._bounds) - 2

    def count(self, row: int) -> int:
        return self._bounds[row + 1] - self._bounds[row]

    def columns(self, row: int) -> EntityLists:
        """Document ``row``'s starts, ends and types (empty for a store without labels), as lists."""
        low, high = self._bounds[row], self._bounds[row + 1]
        types = list(map(self.labels.__getitem__, self._types[low:high])) if self._types else []
        return self._starts[low:high].tolist(), self._ends[low:high].tolist(), types

    def arrays(self) -> FlatSpans:
        """Every document's spans as numpy arrays (views of the columns, which stop growing)."""
        import numpy as np

        return FlatSpans(
            np.frombuffer(self._bounds, dtype=np.int64),
            np.frombuffer(self._starts, dtype=np.int64),
            np.frombuffer(self._ends, dtype=np.int64),
            np.frombuffer(self._types, dtype=np.int32),
            self.labels,
        )


@dataclass
class FlatSpans:
    """Spans of many documents as numpy arrays: document ``d``'s are ``bounds[d]`` to ``bounds[d + 1]``;
    ``types`` index ``labels`` (and are empty where spans have no type)."""

    bounds: Any
    starts: Any
    ends: Any
    types: Any
    labels: Sequence[str]

    def rows(self, rows: Any) -> FlatSpans:
        """The spans of documents ``rows`` (numpy integers; -1: a document without spans), in that order."""
        import numpy as np

        if len(rows) == len(self.bounds) - 1 and (rows == np.arange(len(rows))).all():
            return self
        known = rows >= 0
        low = np.where(known, self.bounds[:-1][rows], 0)
        counts = np.where(known, self.bounds[1:][rows] - low, 0)
        bounds = np.concatenate(([0], np.cumsum(counts)))
        index = np.repeat(low - bounds[:-1], counts) + np.arange(bounds[-1])
        types = self.types[index] if len(self.types) else self.types
        return FlatSpans(bounds, self.starts[index], self.ends[index], types, self.labels)

    def document_of_each(self) -> Any:
        """Each span's document."""
        import numpy as np

        return np.repeat(np.arange(len(self.bounds) - 1), np.diff(self.bounds))
