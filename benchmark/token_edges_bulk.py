"""Token edges of many spans at once (numpy), for large corpora.

:class:`~benchmark.tokenize.TokenEdges` answers offset by offset. Here the
texts are laid out on one axis (each at its base, NUL characters after it)
and every span edge is decided together from the characters around it: a
start is a token start when its character is not white space and the one
before is (or the text starts there); an end likewise. An edge between two
characters of one word is asked of :func:`benchmark.tokenize._surely_split`,
once per distinct window of characters, and, when that cannot tell, of the
word's own tokens (``TokenEdges._word_split``): the answers of TokenEdges.
"""

from __future__ import annotations

from collections.abc import Sequence

from .tokenize import TokenEdges
from .tokenize import _surely_split as surely_split

SPACE_BELOW = 0x3001  # str.isspace is False from here on: U+3000 is the last white space
_NONE = 2**21 - 1  # no character (code points end below 2**21)


class LaidOut:
    """Texts on one axis: text ``d`` at ``bases[d]``, followed by ``lengths[d] - len(text)`` NULs."""

    def __init__(self, texts: Sequence[str], lengths: Sequence[int]):
        import numpy as np

        self.np, self.texts = np, texts
        self.bases = (
            np.concatenate(([0], np.cumsum(lengths, dtype=np.int64)[:-1]))
            if len(lengths)
            else np.zeros(0, dtype=np.int64)
        )
        self.text_length = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        laid = "".join(t + "\0" * (n - len(t)) for t, n in zip(texts, lengths))
        self.chars = np.frombuffer(laid.encode("utf-32-le"), dtype=np.uint32)
        self.space = np.fromiter((chr(c).isspace() for c in range(SPACE_BELOW + 1)), dtype=bool, count=SPACE_BELOW + 1)
        self.edges: dict[int, TokenEdges] = {}

    def _space(self, positions):
        return self.space[self.np.minimum(self.chars[positions], SPACE_BELOW)]

    def token_edges(self, doc, start, end):
        """(starts a token, ends a token) for each span ``[start, end)`` of document ``doc``, given
        on the axis, inside its text and not empty."""
        np = self.np
        base, length = self.bases[doc], self.text_length[doc]
        before, first = self._space(np.maximum(start - 1, 0)), self._space(start)
        last, after = self._space(end - 1), self._space(end)
        at_start, at_end = start == base, end == base + length
        starts_ok, ends_ok = ~first & (at_start | before), ~last & (at_end | after)
        for ok, asked, offsets in (
            (starts_ok, ~first & ~at_start & ~before, start),
            (ends_ok, ~last & ~at_end & ~after, end),
        ):
            asked = np.flatnonzero(asked)  # between two characters of one word
            at = offsets[asked]
            sure = self._surely_split(at, at + 1 < (base + length)[asked])
            ok[asked] = sure
            for i in asked[~sure].tolist():  # the word's own tokens tell
                d = int(doc[i])
                ok[i] = self.edges_of(d)._word_split(int(offsets[i] - self.bases[d]))
        return starts_ok, ends_ok

    def edges_of(self, doc: int) -> TokenEdges:
        if doc not in self.edges:
            self.edges[doc] = TokenEdges(self.texts[doc])
        return self.edges[doc]

    def _surely_split(self, at, has_next):
        """tokenize._surely_split of the window around each offset ``at`` (the characters before
        it, at it and, where ``has_next``, after it), asked once per distinct window."""
        np, chars = self.np, self.chars
        after = np.where(has_next, chars[np.minimum(at + 1, len(chars) - 1)], _NONE)
        keys = (chars[at - 1].astype(np.int64) << 42) | (chars[at].astype(np.int64) << 21) | after
        windows, inverse = np.unique(keys, return_inverse=True)
        answers = [
            surely_split(chr(k >> 42) + chr((k >> 21) & _NONE) + (chr(k & _NONE) if k & _NONE != _NONE else ""))
            for k in windows.tolist()
        ]
        return np.array(answers, dtype=bool)[inverse]
