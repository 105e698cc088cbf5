from benchmark.tokenize import split_sentences, tokenize


def texts(s):
    return [t.text for t in tokenize(s)]


def test_clitics_are_tokens_of_their_own_curly_and_ascii():
    assert texts("Russia’s we’ve they’re didn’t") == ["Russia", "’s", "we", "’ve", "they", "’re", "did", "n’t"]
    assert texts("Russia's can't") == ["Russia", "'s", "ca", "n't"]


def test_hyphenated_words_and_model_numbers_are_one_token():
    assert texts("S-400 de-escalate Secretary-General re-establishing") == [
        "S-400",
        "de-escalate",
        "Secretary-General",
        "re-establishing",
    ]


def test_no_break_space_and_quotes_separate_tokens():
    assert texts("the\u00a0crisis “remains open”.") == ["the", "crisis", "“", "remains", "open", "”", "."]


def test_token_offsets_are_code_points(article_text):
    for token in tokenize(article_text):
        assert article_text[token.start : token.end] == token.text
        assert not any(ch.isspace() for ch in token.text)


def test_article_sentences(article_text):
    sentences = [article_text[s:e] for s, e in split_sentences(article_text)]
    assert sentences[0] == "US and NATO deliver responses to Russian demands over Ukraine"
    assert "NATO responses" in sentences
    assert sentences[-2:] == ["Related Articles", "Back to top button"]
    assert "“We will read it." in sentences
    # a closing quote stays with the sentence it ends
    assert sum(s.startswith("“Right now") and s.endswith("told reporters.") for s in sentences) == 1
    assert len(sentences) == 24


def test_abbreviations_do_not_end_sentences():
    text = "Mr. Smith met Dr. Jones. They talked."
    assert [text[s:e] for s, e in split_sentences(text)] == ["Mr. Smith met Dr. Jones.", "They talked."]


# --- token edges word by word (TokenEdges) must equal the whole-text tokenizer ---------------

import re  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from benchmark.tokenize import (  # noqa: E402
    _INITIALISM_LETTERS,
    TokenEdges,
    _dot_split,
    _joins,
    _surely_joined,
    _surely_split,
)

# Pieces that exercise every pattern of the tokenizer and every white space it splits on.
CHARACTERS = list("abnNtTsdmx_1٣²’'.,:-“”()!?;\"&/é\u0301ſ\u212a")
WORD_PIECES = CHARACTERS + ["n’t", "n't", "’s", "'ve", "U.S.", "1,000", "3.5", "12:30", "S-400", "didn’t"]
PIECES = WORD_PIECES + [" ", "  ", "\n", "\u00a0", "\t", "\u2009", "de-escalate", "Kavarin", "NATO"]
texts_of_pieces = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


@settings(max_examples=500, deadline=None)
@given(texts_of_pieces)
def test_token_edges_equal_the_tokenizer_at_every_offset(text):
    tokens = tokenize(text)
    starts, ends = {t.start for t in tokens}, {t.end for t in tokens}
    edges = TokenEdges(text)
    for offset in range(-1, len(text) + 2):
        assert edges.is_start(offset) == (offset in starts), offset
        assert edges.is_end(offset) == (offset in ends), offset


@settings(max_examples=500, deadline=None)
@given(texts_of_pieces, st.lists(st.tuples(st.integers(-2, 40), st.integers(-2, 40)), max_size=12))
def test_spans_on_token_edges_and_tokens_in_a_range_equal_the_tokenizer(text, spans):
    tokens = [(t.start, t.end) for t in tokenize(text)]
    starts, ends = {s for s, _ in tokens}, {e for _, e in tokens}
    edges = TokenEdges(text)
    expected = [s < e and s in starts and e in ends for s, e in spans]
    assert edges.on_edges([s for s, _ in spans], [e for _, e in spans]) == expected
    for s, e in spans:
        assert edges.tokens(s, e) == [t for t in tokens if s < e and t[1] > s and t[0] < e]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(WORD_PIECES), min_size=1, max_size=10).map("".join))
def test_the_shortcut_rules_read_off_the_pattern_hold(word):
    """Multi-character tokens start with a word character or an apostrophe and hold only
    word characters and the joiners after it; a split the shortcut calls sure is a split."""
    tokens = tokenize(word)
    for token in tokens:
        if len(token.text) > 1:
            assert token.text[0].isalnum() or token.text[0] in "_'\u2019", token
            assert all(map(_joins, token.text[1:])), token
    starts = {t.start for t in tokens}
    for i in range(1, len(word)):
        window = word[i - 1 : i + 2]
        if not word[i - 1].isspace() and not word[i].isspace():
            assert not (_surely_split(window) and _surely_joined(window)), window
            if _surely_split(window) or _dot_split(word[i - 2] if i >= 2 else "", window):
                assert i in starts, (word, i)
            if _surely_joined(window):
                assert i not in starts, (word, i)


# Word characters of every kind the patterns tell apart: letters (ASCII, others, those [A-Za-z]
# matches ignoring case), decimal digits (ASCII and Arabic-Indic), other numerics, the underscore.
WORD_CHARACTERS = list("abnNtTsSdmxUKe\u00e9\u017f\u212a\u0130\u0131_19\u0663\u00b2\u00bd\u216b")
LONGER_WORDS = st.lists(
    st.sampled_from(WORD_PIECES + WORD_CHARACTERS + ["e.g.", "Mr.", "a.b", "3.5.", "x-.", ",.", "12th"]),
    min_size=1,
    max_size=10,
).map("".join)


@settings(max_examples=2000, deadline=None)
@given(LONGER_WORDS)
def test_the_shortcuts_hold_between_word_characters_and_full_stops(word):
    """The same for words rich in word characters of every kind and full stops (U.S., e.g., 3.5.)."""
    starts = {t.start for t in tokenize(word)}
    for i in range(1, len(word)):
        window = word[i - 1 : i + 2]
        if _surely_split(window) or _dot_split(word[i - 2] if i >= 2 else "", window):
            assert i in starts, (word, i)
        if _surely_joined(window):
            assert i not in starts, (word, i)
    edges = TokenEdges(word)
    assert [edges.is_start(i) for i in range(len(word) + 1)] == [i in starts for i in range(len(word) + 1)]


def test_white_space_is_the_same_to_the_patterns_and_to_str_isspace():
    space = re.compile(r"\s")
    assert all(bool(space.match(chr(c))) == chr(c).isspace() for c in range(0x110000))
    assert [c for c in map(chr, range(0x110000)) if re.fullmatch("n", c, re.I)] == ["N", "n"]
    assert [c for c in map(chr, range(0x110000)) if re.fullmatch("t", c, re.I)] == ["T", "t"]
    assert {c for c in map(chr, range(0x110000)) if re.fullmatch("[A-Za-z]", c, re.I)} == _INITIALISM_LETTERS


@settings(max_examples=300, deadline=None)
@given(st.lists(texts_of_pieces, min_size=1, max_size=4), st.sampled_from(["", "\U0001f600", "\ud800"]), st.booleans())
def test_token_edges_of_many_texts_at_once_equal_token_edges(texts, extra, padded):
    """token_edges_bulk.LaidOut (UTF-16 or, with a character beyond the BMP, UTF-32; a lone
    surrogate is a character too) answers as TokenEdges at every offset of every text."""
    import numpy as np

    from benchmark.token_edges_bulk import LaidOut

    texts = [text + extra if i == 0 else text for i, text in enumerate(texts)]
    laid = LaidOut(texts, [len(t) + 3 for t in texts] if padded else None)
    for d, text in enumerate(texts):
        edges = TokenEdges(text)
        inside = np.arange(len(text), dtype=np.int64)
        doc = np.full(len(text), d, dtype=np.int64)
        base = int(laid.bases[d])
        assert laid.starts_token(doc, inside + base).tolist() == [edges.is_start(i) for i in range(len(text))]
        assert laid.ends_token(doc, inside + 1 + base).tolist() == [edges.is_end(i + 1) for i in range(len(text))]
