from benchmark.tokenize import split_sentences, tokenize


def texts(s):
    return [t.text for t in tokenize(s)]


def test_clitics_are_tokens_of_their_own_curly_and_ascii():
    assert texts("Russia’s we’ve they’re didn’t") == ["Russia", "’s", "we", "’ve", "they", "’re", "did", "n’t"]
    assert texts("Russia's can't") == ["Russia", "'s", "ca", "n't"]


def test_hyphenated_words_and_model_numbers_are_one_token():
    assert texts("S-400 de-escalate Secretary-General re-establishing") == [
        "S-400", "de-escalate", "Secretary-General", "re-establishing"]


def test_no_break_space_and_quotes_separate_tokens():
    assert texts("the\u00a0crisis “remains open”.") == ["the", "crisis", "“", "remains", "open", "”", "."]


def test_token_offsets_are_code_points(article_text):
    for token in tokenize(article_text):
        assert article_text[token.start:token.end] == token.text
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
