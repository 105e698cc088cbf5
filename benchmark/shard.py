"""Shards: ``benchmark evaluate --shard I/N`` scores a deterministic slice of the gold.

Shards are round-robin over the gold's document order (after ``--limit``):
document ``k`` (counting from 0) belongs to shard ``k mod N + 1``. Round-robin
spreads long and short documents over the shards when a corpus is sorted by
size or source, and ``benchmark merge`` puts the documents back in gold order
from the shard index alone.

Light on imports: the CLI parses ``--shard`` with :meth:`Shard.parse` at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

SIGNATURE_KEY = "shard"

T = TypeVar("T")


@dataclass(frozen=True)
class Shard:
    index: int  # from 1 to count
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"I/N"`` with 1 <= I <= N; ValueError says what is wrong."""
        index, slash, count = text.strip().partition("/")
        if not slash or not index.strip().isdigit() or not count.strip().isdigit():
            raise ValueError(f"{text!r} is not I/N (shard I of N, e.g. 2/7)")
        shard = cls(int(index), int(count))
        if shard.count < 1 or not 1 <= shard.index <= shard.count:
            raise ValueError(f"{text!r}: I must run from 1 to N, and N be at least 1")
        return shard

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def select(self, documents: Sequence[T]) -> list[T]:
        """This shard's documents, in gold order."""
        return list(documents[self.index - 1 :: self.count])

    def positions(self, total: int) -> range:
        """The gold positions (from 0) of this shard's documents in a corpus of ``total``."""
        return range(self.index - 1, total, self.count)

    def signature_option(self) -> tuple[str, str]:
        return (SIGNATURE_KEY, str(self))

    def record(self, total: int) -> dict:
        """What the result's ``config.shard`` holds: enough for ``merge`` to check coverage."""
        return {"index": self.index, "count": self.count, "total_documents": total}


def signature_without_shard(signature: str) -> str:
    """The signature a run over every shard would have: the ``|shard:I/N`` part removed."""
    return "|".join(part for part in signature.split("|") if not part.startswith(f"{SIGNATURE_KEY}:"))
