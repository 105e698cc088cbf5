"""Token edges of many spans at once (numpy), for large corpora.

:class:`~benchmark.tokenize.TokenEdges` answers offset by offset. Here the
texts are laid out on one axis (each at its base, NUL characters after it)
and every span edge is decided together from the characters around it: a
start is a token start when its character is not white space and the one
before is (or the text starts there); an end likewise. An edge between two
characters of one word is asked of :func:`benchmark.tokenize._surely_split`
and :func:`benchmark.tokenize._surely_joined`, once per distinct window of
characters, and, when neither can tell, of the word's own tokens
(``TokenEdges._word_split``): the answers of TokenEdges.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .tokenize import TokenEdges
from .tokenize import _surely_joined as surely_joined
from .tokenize import _surely_split as surely_split

SPACE_BELOW = 0x3001  # str.isspace is False from here on: U+3000 is the last white space
_NONE = 2**21 - 1  # no character (code points end below 2**21)
_ASK = -1  # a window neither rule decides: the word's tokens tell


class LaidOut:
    """Texts on one axis: text ``d`` at ``bases[d]``, followed by ``lengths[d] - len(text)`` NULs
    (one when no lengths are given)."""

    def __init__(self, texts: Sequence[str], lengths: Sequence[int] | None = None):
        import numpy as np

        self.np, self.texts = np, texts
        self.text_length = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        if lengths is None:
            laid = "\0".join(texts) + "\0" if texts else ""
            self.lengths = self.text_length + 1
        else:
            laid = "".join(t + "\0" * (n - len(t)) for t, n in zip(texts, lengths))
            self.lengths = np.asarray(lengths, dtype=np.int64)
        self.bases = np.concatenate(([0], np.cumsum(self.lengths)[:-1])).astype(np.int64)
        # One code unit a character: UTF-16 when every character is in the BMP, else UTF-32.
        # (surrogatepass: a lone surrogate, which json.loads lets through, is a character too.)
        data = laid.encode("utf-16-le", "surrogatepass")
        if len(data) == 2 * len(laid):
            self.chars = np.frombuffer(data, dtype=np.uint16)
        else:
            self.chars = np.frombuffer(laid.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        self.space = np.fromiter((chr(c).isspace() for c in range(SPACE_BELOW + 1)), dtype=bool, count=SPACE_BELOW + 1)
        self.edges: dict[int, TokenEdges] = {}

    def is_space(self, positions: Any) -> Any:
        """Is the character at each of ``positions`` (on the axis) white space?"""
        return self.space[self.np.minimum(self.chars[positions], SPACE_BELOW)]

    def starts_token(self, doc: Any, offset: Any) -> Any:
        """Does a token start at each ``offset`` (on the axis, inside document ``doc``'s text)?"""
        np = self.np
        before = self.is_space(np.maximum(offset - 1, 0))
        first = self.is_space(offset)
        at_start = offset == self.bases[doc]
        return self._settled(~first & (at_start | before), ~first & ~at_start & ~before, doc, offset)

    def ends_token(self, doc: Any, offset: Any) -> Any:
        """Does a token end at each ``offset`` (on the axis, inside document ``doc``'s text or at its end)?"""
        last, after = self.is_space(offset - 1), self.is_space(offset)
        at_end = offset == self.bases[doc] + self.text_length[doc]
        return self._settled(~last & (at_end | after), ~last & ~at_end & ~after, doc, offset)

    def step_to(self, edge: Any, doc: Any, offset: Any, step: int, steps: int = 64) -> tuple[Any, Any]:
        """From each ``offset`` on, moving by ``step`` (1 or -1), the first offset where ``edge``
        (:meth:`starts_token` or :meth:`ends_token`) holds; and which were not found within
        ``steps`` moves. The caller keeps every visited offset inside its document's text."""
        np = self.np
        found, pending = offset.copy(), np.arange(len(offset))
        for _ in range(steps):
            pending = pending[~edge(doc[pending], found[pending])]
            if not len(pending):
                break
            found[pending] += step
        lost = np.zeros(len(offset), dtype=bool)
        lost[pending] = True
        return found, lost

    def _settled(self, ok: Any, inside: Any, doc: Any, offsets: Any) -> Any:
        """``ok``, with the offsets between two characters of one word (``inside``) decided."""
        np = self.np
        asked = np.flatnonzero(inside)
        at = offsets[asked]
        answers = self._window_answers(at, at + 1 < (self.bases + self.text_length)[doc[asked]])
        dots = np.flatnonzero(answers == _ASK)
        answers[dots[self._dot_splits(at[dots], doc[asked[dots]])]] = 1
        ok[asked] = answers == 1
        for i in asked[answers == _ASK].tolist():  # the word's own tokens tell
            d = int(doc[i])
            ok[i] = self.edges_of(d)._word_split(int(offsets[i] - self.bases[d]))
        return ok

    def _dot_splits(self, at: Any, doc: Any) -> Any:
        """tokenize._dot_split at each offset ``at`` (between two characters of document ``doc``)."""
        np, chars = self.np, self.chars
        end = self.bases[doc] + self.text_length[doc]
        after = np.where(at + 1 < end, chars[np.minimum(at + 1, len(chars) - 1)], _NONE).astype(np.int64)
        before2 = np.where(at - 2 >= self.bases[doc], chars[np.maximum(at - 2, 0)], _NONE)
        return (
            (chars[at] == ord("."))
            & _initialism_letter(np, chars[at - 1].astype(np.int64))
            & ~_initialism_letter(np, after)
            & (before2 != ord("."))
        )

    def edges_of(self, doc: int) -> TokenEdges:
        if doc not in self.edges:
            self.edges[doc] = TokenEdges(self.texts[doc])
        return self.edges[doc]

    def _window_answers(self, at: Any, has_next: Any) -> Any:
        """For the window around each offset ``at`` (the characters before it, at it and, where
        ``has_next``, after it): 1 a token edge, 0 none, -1 ask; asked once per distinct window."""
        np, chars = self.np, self.chars
        if not len(at):
            return np.zeros(0, dtype=np.int8)
        after = np.where(has_next, chars[np.minimum(at + 1, len(chars) - 1)], _NONE)
        keys = (chars[at - 1].astype(np.int64) << 42) | (chars[at].astype(np.int64) << 21) | after
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        new = np.concatenate(([True], ordered[1:] != ordered[:-1]))  # each distinct window's first
        answers = []
        for key in ordered[new].tolist():
            window = chr(key >> 42) + chr((key >> 21) & _NONE) + (chr(key & _NONE) if key & _NONE != _NONE else "")
            answers.append(1 if surely_split(window) else 0 if surely_joined(window) else _ASK)
        result = np.empty(len(keys), dtype=np.int8)
        result[order] = np.array(answers, dtype=np.int8)[np.cumsum(new) - 1]
        return result


def _initialism_letter(np: Any, codes: Any) -> Any:
    """Is each code point one of tokenize._INITIALISM_LETTERS?"""
    folded = codes | 32
    return ((folded >= ord("a")) & (folded <= ord("z"))) | np.isin(codes, [0x130, 0x131, 0x17F, 0x212A])
