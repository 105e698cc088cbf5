"""Tokens, sentences and lines of one text: what every layer of the rules baseline reads.

``_Doc`` splits a text into tokens (a regular expression), sentences (end
punctuation before a capital, or a line break) and heading lines, and finds
the tokens that open a sentence or a quotation.
"""

from __future__ import annotations

import bisect
import re

_TOKEN_RE = re.compile(
    r"""
      (?:[A-Za-z]\.){2,}                 # U.S., U.K.
    | \w+?(?=n[’']t\b)                   # do|n't
    | n[’']t\b
    | (?<=\w)[’'](?:s|S|ve|re|ll|d|m)\b  # clitics
    | \$?\d+(?:[.,:]\d+)*%?              # numbers, times
    | \w+(?:[-‑]\w+)*                    # words, S-400, de-escalate
    | \S                                 # any other symbol
    """,
    re.X,
)

_OPEN_QUOTES = {"“", "‘", "«"}
_CLOSE_QUOTES = {"”", "’", "»"}

_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "gen",
    "sen",
    "rep",
    "gov",
    "lt",
    "col",
    "sgt",
    "capt",
    "prof",
    "jr",
    "sr",
    "inc",
    "ltd",
    "co",
    "corp",
    "vs",
    "etc",
    "no",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "adm",
    "maj",
    "cmdr",
    "fig",
    "approx",
}


class _Tok:
    __slots__ = ("i", "start", "end", "text", "low", "sent")

    def __init__(self, i, start, end, text):
        self.i = i
        self.start = start
        self.end = end
        self.text = text
        self.low = text.lower().replace("'", "’")
        self.sent = 0

    def __repr__(self):  # pragma: no cover - debugging aid
        return "Tok(%r@%d)" % (self.text, self.start)


def _is_cap(tok: _Tok) -> bool:
    t = tok.text
    return t[:1].isupper() and any(c.isalpha() for c in t) and t not in ("I",) and not t.startswith("’")


def _is_acronym(word: str) -> bool:
    letters = word.replace(".", "")
    return len(letters) >= 2 and letters.isupper() and letters.isalpha()


def _span(text: str, start: int, end: int) -> dict:
    return {"start": start, "end": end, "text": text[start:end]}


class _Doc:
    """Tokens, sentences and lines of one text."""

    def __init__(self, text: str):
        self.text = text
        self.toks: list[_Tok] = [_Tok(i, m.start(), m.end(), m.group()) for i, m in enumerate(_TOKEN_RE.finditer(text))]
        self.starts = [t.start for t in self.toks]
        self.by_start = {t.start: t.i for t in self.toks}
        self.by_end = {t.end: t.i for t in self.toks}
        self.sents: list[tuple[int, int]] = []  # token index ranges [a, b)
        self._split_sentences()
        self.initial = set()  # token indices in sentence-initial position
        for a, b in self.sents:
            k = a
            while k < b and (self.is_opener(k) or self.toks[k].text in "([-—–"):
                k += 1
            if k < b:
                self.initial.add(k)
        for t in self.toks:
            if self.is_opener(t.i) and t.i + 1 < len(self.toks):
                self.initial.add(t.i + 1)
        # lines, for heading detection
        self.heading_tok = set()
        pos = 0
        for line in text.split("\n"):
            lstart, lend = pos, pos + len(line)
            pos = lend + 1
            idx = list(range(bisect.bisect_left(self.starts, lstart), bisect.bisect_left(self.starts, lend)))
            if not idx:
                continue
            words = [self.toks[i] for i in idx if self.toks[i].text[:1].isalpha()]
            last = self.toks[idx[-1]].text
            if (
                len(idx) <= 10
                and last not in '.!?:”"'
                and len(words) >= 2
                and all(_is_cap(w) for w in words if len(w.text) >= 4)
            ):
                self.heading_tok.update(idx)

    def is_opener(self, i: int) -> bool:
        """An opening quotation mark (curly, or ASCII before a word)."""
        t = self.toks[i]
        if t.text in _OPEN_QUOTES:
            return True
        if t.text != '"':
            return False
        before = self.text[t.start - 1 : t.start] if t.start else " "
        after = self.text[t.end : t.end + 1]
        return (before.isspace() or before in "([—–" or not before) and after != "" and not after.isspace()

    def gap(self, i: int, j: int) -> str:
        """Text between token i and token j (j > i)."""
        return self.text[self.toks[i].end : self.toks[j].start]

    def _split_sentences(self):
        toks = self.toks
        n = len(toks)
        ends: list[int] = []  # exclusive token index where a sentence ends
        i = 0
        while i < n:
            t = toks[i]
            if i + 1 < n and "\n" in self.gap(i, i + 1):
                ends.append(i + 1)
            elif t.text in (".", "!", "?"):
                prev = toks[i - 1].low if i > 0 else ""
                j = i + 1
                while j < n and toks[j].text in _CLOSE_QUOTES | {")", '"', "'"}:
                    j += 1
                abbrev = (
                    t.text == "."
                    and i > 0
                    and toks[i - 1].end == t.start
                    and (prev in _ABBREVIATIONS or (len(prev) == 1 and prev.isalpha()))
                )
                if (
                    j < n
                    and not abbrev
                    and toks[j - 1].end < toks[j].start
                    and (
                        toks[j].text[:1].isupper()
                        or toks[j].text[:1].isdigit()
                        or toks[j].text in _OPEN_QUOTES
                        or toks[j].text == '"'
                    )
                ):
                    ends.append(j)  # closing quotes stay with this sentence
                    i = j
                    continue
            i += 1
        start = 0
        for e in ends + [n]:
            if e > start:
                self.sents.append((start, e))
                start = e
        for si, (a, b) in enumerate(self.sents):
            for k in range(a, b):
                toks[k].sent = si

    def sent_range(self, i: int) -> tuple[int, int]:
        return self.sents[self.toks[i].sent]

    def tok_at(self, offset: int) -> int | None:
        return self.by_start.get(offset)

    def toks_in(self, start: int, end: int) -> list[int]:
        out = []
        i = bisect.bisect_left(self.starts, start)
        while i < len(self.toks) and self.toks[i].end <= end:
            out.append(i)
            i += 1
        return out

    def tok_index_at_or_after(self, offset: int) -> int | None:
        i = bisect.bisect_left(self.starts, offset)
        if i > 0 and self.toks[i - 1].end > offset:
            i -= 1
        return i if i < len(self.toks) else None
