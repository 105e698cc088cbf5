"""Deterministic tokenizer and sentence splitter (DESIGN section 3.1).

Tokens follow Penn Treebank habits where they matter for span edges:
punctuation and quotation marks stand alone, the clitics ’s ’ve ’re ’ll ’d
’m and n’t (curly or ASCII apostrophe) are tokens of their own, hyphenated
words (``S-400``, ``de-escalate``) are one token, and every white-space
character, U+00A0 included, separates tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_APOSTROPHE = "['\u2019]"
_TOKEN = re.compile(
    rf"""
      (?:[A-Za-z]\.){{2,}}                    # initialisms: U.S., U.K.
    | \d+(?:[.,:]\d+)*(?:-\w+)*               # numbers: 1,000  3.5  12:30
    | \w+?(?=n{_APOSTROPHE}t(?!\w))           # the "did" of "didn't"
    | n{_APOSTROPHE}t(?!\w)                   # n't
    | {_APOSTROPHE}(?:s|ve|re|ll|d|m)(?!\w)   # clitics
    | \w+(?:-\w+)*                            # words, hyphenated ones whole
    | \S                                      # any other character alone
    """,
    re.VERBOSE | re.IGNORECASE,
)

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen col lt sgt st jr sr inc ltd co corp vs etc no jan feb mar apr "
    "jun jul aug sep sept oct nov dec".split()
)
_CLOSERS = "\"'\u201d\u2019)]"
_OPENERS = "\"\u201c\u2018(["


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str


def tokenize(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


def token_edges(text: str) -> tuple[frozenset[int], frozenset[int]]:
    """The offsets where a token may start and where one may end."""
    spans = [m.span() for m in _TOKEN.finditer(text)]  # no Token objects: this runs per document
    return frozenset(start for start, _ in spans), frozenset(end for _, end in spans)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Non-blank lines, stripped of surrounding white space, as offsets."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        stripped = line.strip()
        if stripped:
            start = m.start() + line.index(stripped)
            spans.append((start, start + len(stripped)))
    return spans


def _ends_sentence(tokens: list[Token], i: int) -> bool:
    """Does the sentence end after token ``i`` (a ., ? or ! or closer after one)?"""
    token = tokens[i]
    if token.text not in ".?!":
        return False
    if token.text == "." and i > 0 and tokens[i - 1].text.lower() in _ABBREVIATIONS \
            and tokens[i - 1].end == token.start:
        return False
    return True


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence offsets: every non-blank line is split after sentence-final
    punctuation (plus any closing quotes) when the next token starts with an
    upper-case letter, a digit or an opening quote."""
    sentences = []
    for line_start, line_end in _paragraphs(text):
        tokens = tokenize(text[line_start:line_end])
        start = 0
        i = 0
        while i < len(tokens):
            if _ends_sentence(tokens, i):
                j = i
                while j + 1 < len(tokens) and tokens[j + 1].text in _CLOSERS:
                    j += 1
                nxt = tokens[j + 1] if j + 1 < len(tokens) else None
                if nxt is None or nxt.text[0].isupper() or nxt.text[0].isdigit() or nxt.text in _OPENERS:
                    sentences.append((line_start + tokens[start].start, line_start + tokens[j].end))
                    start, i = j + 1, j + 1
                    continue
            i += 1
        if start < len(tokens):
            sentences.append((line_start + tokens[start].start, line_start + tokens[-1].end))
    return sentences
