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
from itertools import compress
from operator import lt, not_

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

_WORD_RUN = re.compile(r"\S*")
# Read off _TOKEN (keep them in step): after its first character, a token of
# several characters holds only word characters and these; it starts with a
# word character or an apostrophe (one of these too).
_JOINERS = frozenset(".,:-'\u2019")

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen col lt sgt st jr sr inc ltd co corp vs etc no jan feb mar apr "
    "jun jul aug sep sept oct nov dec".split()
)
_CLOSERS = "\"'\u201d\u2019)]"
_OPENERS = '"\u201c\u2018(['


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


# --- token edges without tokenizing the whole text ----------------------------------------------
#
# No token holds white space, and the pattern reads a word (a run of
# non-white-space characters) the same wherever the word stands: nothing in
# it looks past the word's ends. So the tokens of a text are those of its
# words, each tokenized alone: an offset next to white space is a token edge,
# any other one is an edge when the tokenizer splits its word there, and the
# splits of a word are found once per spelling.

_WORD_SPLITS: dict[str, frozenset[int]] = {}
_WORD_SPLITS_KEPT = 1 << 16


def _word_splits(word: str) -> frozenset[int]:
    """The offsets inside ``word`` where one of its tokens ends and the next starts."""
    splits = _WORD_SPLITS.get(word)
    if splits is None:
        if len(_WORD_SPLITS) >= _WORD_SPLITS_KEPT:
            _WORD_SPLITS.clear()
        splits = _WORD_SPLITS[word] = frozenset(m.start() for m in _TOKEN.finditer(word) if m.start())
    return splits


class TokenEdges:
    """Where the tokens of one text start and end, asked offset by offset.

    Answers equal those of :func:`tokenize`, at the cost of the words asked
    about rather than of the whole text.
    """

    def __init__(self, text: str):
        self.text = text
        self._padded: str | None = None  # f" {text} ": _padded[i] is the character before offset i
        self._reversed: str | None = None

    def is_start(self, offset: int) -> bool:
        text = self.text
        if not 0 <= offset < len(text) or text[offset].isspace():
            return False
        return offset == 0 or text[offset - 1].isspace() or self._inside_word_split(offset)

    def is_end(self, offset: int) -> bool:
        text = self.text
        if not 0 < offset <= len(text) or text[offset - 1].isspace():
            return False
        return offset == len(text) or text[offset].isspace() or self._inside_word_split(offset)

    def on_edges(self, starts: list[int], ends: list[int]) -> list[bool]:
        """Does each span ``[starts[i], ends[i])`` start and end on token edges, holding a token?"""
        if not starts:
            return []
        if min(starts) < 0 or max(ends) > len(self.text) or not all(map(lt, starts, ends)):
            return [start < end and self.is_start(start) and self.is_end(end) for start, end in zip(starts, ends)]
        answers = [True] * len(starts)
        self._settle(answers, starts, True)
        self._settle(answers, ends, False)
        return answers

    def _settle(self, answers: list[bool], offsets: list[int], starting: bool) -> None:
        """Set ``answers[i]`` False where ``offsets[i]`` (inside the text) is no token start (end).

        Most offsets start (end) a word: white space (or the text's edge) on
        the outer side, none on the inner side, which strings of those
        characters show at once. Only the others need a closer look.
        """
        text = self.text
        if 0 < min(offsets) and max(offsets) < len(text):  # no copy of the text needed
            before = "".join(map(text.__getitem__, map(_MINUS_ONE, offsets)))
            at = "".join(map(text.__getitem__, offsets))
        else:
            if self._padded is None:
                self._padded = f" {text} "
            before = "".join(map(self._padded.__getitem__, offsets))
            at = "".join(map(self._padded.__getitem__, map(_PLUS_ONE, offsets)))
        outer, inner = (before, at) if starting else (at, before)
        if outer.isspace() and not _SPACE.search(inner):
            return
        for match in _SPACE.finditer(inner):  # a span starting or ending with white space
            answers[match.start()] = False
        inside = [i for i in compress(range(len(offsets)), map(not_, map(str.isspace, outer))) if answers[i]]
        at_inside = [offsets[i] for i in inside]
        windows = list(map(self.text.__getitem__, map(slice, map(_MINUS_ONE, at_inside), map(_PLUS_TWO, at_inside))))
        for i, offset, window, sure in zip(inside, at_inside, windows, map(_SURE_SPLITS.get, windows)):
            if not (sure or sure is None and _surely_split(window)):
                answers[i] = self._split_inside(offset, window)

    def tokens(self, start: int, end: int) -> list[tuple[int, int]]:
        """The (start, end) of every token sharing a character with ``[start, end)``, in order."""
        text = self.text
        start, end = max(start, 0), min(end, len(text))
        if start >= end:
            return []
        low = self._word_start(start + 1) if not text[start].isspace() else start
        high = self._word_end(end - 1) if not text[end - 1].isspace() else end
        # Searching from a word start to a word end reads those words as the whole text does.
        return [m.span() for m in _TOKEN.finditer(text, low, high) if m.end() > start and m.start() < end]

    def _word_start(self, offset: int) -> int:
        """The start of the word holding the character before ``offset`` (not white space)."""
        if self._reversed is None:
            self._reversed = self.text[::-1]
        back = len(self.text) - offset  # where the character before ``offset`` is in the reversed text
        run = _WORD_RUN.match(self._reversed, back)
        assert run is not None  # \S* matches anywhere, if only the empty string
        return offset - (run.end() - back)

    def _word_end(self, offset: int) -> int:
        """The end of the word holding the character at ``offset`` (not white space)."""
        run = _WORD_RUN.match(self.text, offset)
        assert run is not None  # \S* matches anywhere, if only the empty string
        return run.end()

    def _inside_word_split(self, offset: int) -> bool:
        """Is ``offset``, between two characters of one word, a token edge?"""
        window = self.text[offset - 1 : offset + 2]
        return _surely_split(window) or self._split_inside(offset, window)

    def _split_inside(self, offset: int, window: str) -> bool:
        """The same, where :func:`_surely_split` cannot tell (``window``: the characters around)."""
        if _surely_joined(window):
            return False
        return _dot_split(self.text[offset - 2] if offset >= 2 else "", window) or self._word_split(offset)

    def _word_split(self, offset: int) -> bool:
        """The same, asked of the tokens of the word."""
        start = self._word_start(offset)
        return offset - start in _word_splits(self.text[start : self._word_end(offset)])


def _joins(char: str) -> bool:
    return char.isalnum() or char == "_" or char in _JOINERS


def _word(char: str) -> bool:
    """Is ``char`` a word character (``\\w``)?"""
    return char.isalnum() or char == "_"


# What [A-Za-z] matches with re.IGNORECASE (the tests check it): the letters of an initialism.
_INITIALISM_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\u0130\u0131\u017f\u212a")


def _dot_split(before2: str, window: str) -> bool:
    """Is there surely a token edge before the full stop ``window[1]``, after the initialism
    letter ``window[0]``, ``before2`` being the character before that ("" if none)?

    The two are one token only inside an initialism, which needs a letter and full stop
    before them or after them (U.S.): after "talks" or before the white space after
    "Mr" there is none.
    """
    return (
        window[1:2] == "."
        and window[:1] in _INITIALISM_LETTERS
        and before2 != "."
        and window[2:] not in _INITIALISM_LETTERS
    )


def _surely_split(window: str) -> bool:
    """Do the first two characters of ``window`` (which holds the next one too, if any),
    adjacent in one word, surely end one token and start the next?

    Common cases read off _TOKEN (False means: tokenize the word to know).
    A comma or colon joins a token only after a digit (1,000) and before one;
    an apostrophe only in n't; a full stop after a letter only in an
    initialism (U.S.), whose letters are ASCII (:func:`_dot_split` looks
    further). A joiner joins what follows it only if that is a word character.
    """
    answer = _SURE_SPLITS.get(window)
    if answer is None:
        before, at, after = window[0], window[1], window[2:]
        if not _joins(at) or not _joins(before):
            answer = True
        elif at in ",:":
            answer = not before.isdecimal()
        elif at in "'\u2019":
            answer = before not in "nN" or after not in "tT"
        elif before in _JOINERS:
            answer = not _word(at) or (before in ",:" and not at.isdecimal())
        elif at == ".":
            answer = not before.isdecimal() and before not in _INITIALISM_LETTERS
        else:
            answer = False
        if len(_SURE_SPLITS) >= _WORD_SPLITS_KEPT:
            _SURE_SPLITS.clear()
        _SURE_SPLITS[window] = answer
    return answer


_SURE_SPLITS: dict[str, bool] = {}
_APOSTROPHES = frozenset("'\u2019")


def _surely_joined(window: str) -> bool:
    """Do the first two characters of ``window`` (which holds the next one too, if any), adjacent
    in one word, surely lie in one token?

    Read off _TOKEN (keep them in step): between two word characters (``\\w``) a token
    ends only where a number's digits stop before another word character (``12th``: the
    number ``12``) or before ``n't`` (``didn't``); every other token that ends at a word
    character is followed by none (its ``\\w+`` is greedy, or a lookahead says so).
    """
    before, at = window[0], window[1]
    return _word(before) and _word(at) and (at.isdecimal() or not before.isdecimal()) and window[2:] not in _APOSTROPHES


_SPACE = re.compile(r"\s")
_MINUS_ONE, _PLUS_ONE, _PLUS_TWO = (-1).__add__, (1).__add__, (2).__add__


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
    if (
        token.text == "."
        and i > 0
        and tokens[i - 1].text.lower() in _ABBREVIATIONS
        and tokens[i - 1].end == token.start
    ):
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
