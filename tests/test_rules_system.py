"""Tests of the built-in rule-based baseline ``rules`` (the package benchmark/systems/rules/).

The system must be general: the altered-article test checks that its output
follows the text (new names, new weekday, new document date) rather than
anything remembered about the seed article.
"""

import hashlib
import json
import os

import pytest

from benchmark.corpus import corpus_dir, list_metas, read_text
from benchmark.inventory import ENTITY_TYPES
from benchmark.systems.rules import RulesSystem
from tests.conftest import ARTICLE, DOC_ID, run_cli


@pytest.fixture(scope="module")
def text() -> str:
    return ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pred(text):
    return RulesSystem().predict({"id": DOC_ID, "text": text, "date": "2022-01-26", "language": "en"})


def altered(text: str) -> str:
    for old, new in (
        ("Blinken", "Harrow"),
        ("Antony", "Maria"),
        ("Stoltenberg", "Lindqvist"),
        ("Jens", "Ola"),
        ("Grushko", "Petrov"),
        ("Wednesday", "Friday"),
    ):
        text = text.replace(old, new)
    return text


def all_spans(pred: dict):
    """Every span of a prediction, with where it comes from."""
    for e in pred["entities"]:
        yield "entity", e
    for c in pred["clusters"]:
        for m in c:
            yield "cluster member", m
    for q in pred["quotes"]:
        yield "quote cue", q["cue"]
        yield "quote source", q["source"]
        for c in q["content"]:
            yield "quote content", c
    for v in pred["events"]:
        yield "event trigger", v["trigger"]
        for a in v["arguments"]:
            yield "event argument", a
    for t in pred["timexes"]:
        yield "timex", t


def check_well_formed(pred: dict, text: str):
    assert set(pred) >= {"id", "entities", "clusters", "quotes", "events", "timexes"}
    for where, span in all_spans(pred):
        assert 0 <= span["start"] < span["end"] <= len(text), (where, span)
        assert span["text"] == text[span["start"] : span["end"]], (where, span)
    ents = sorted(pred["entities"], key=lambda e: e["start"])
    for a, b in zip(ents, ents[1:]):
        assert a["end"] <= b["start"], ("overlapping entities", a, b)
    assert {e["type"] for e in ents} <= set(ENTITY_TYPES)
    for c in pred["clusters"]:
        assert len(c) >= 2
    for q in pred["quotes"]:
        assert q["kind"] in ("direct", "indirect", "mixed")
        assert q["content"] and isinstance(q["source_name"], str) and q["source_name"]
    for v in pred["events"]:
        assert v["code"].isdigit() and 2 <= len(v["code"]) <= 4
        assert v["realis"] in ("actual", "generic", "other")
        assert v["polarity"] in ("positive", "negative")
        assert {a["role"] for a in v["arguments"]} <= {"source", "target", "time", "place"}
    for t in pred["timexes"]:
        assert t["type"] in ("DATE", "TIME", "DURATION", "SET")
        assert isinstance(t["value"], str) and t["value"]
    json.dumps(pred)  # serialisable as a JSON Lines record


# --- (1) well-formed output on the article ------------------------------------------


def test_interface():
    system = RulesSystem()
    assert system.name == "rules"
    assert tuple(system.layers) == ("entities", "coref", "quotes", "events", "timexes")


def test_article_spans_match_the_text_and_entities_do_not_overlap(pred, text):
    assert pred["id"] == DOC_ID
    check_well_formed(pred, text)
    found = {layer: len(pred[layer]) for layer in ("entities", "clusters", "quotes", "events", "timexes")}
    assert found == {"entities": 72, "clusters": 10, "quotes": 15, "events": 25, "timexes": 7}


def test_no_possessive_clitic_or_title_inside_entities(pred):
    for e in pred["entities"]:
        assert "’s" not in e["text"] and "Secretary" not in e["text"], e
        assert e["text"] == e["text"].strip()


# --- (2) obvious findings on the article ----------------------------------------------


def _entities(pred, typ):
    return [e["text"] for e in pred["entities"] if e["type"] == typ]


def test_finds_obvious_entities(pred):
    persons = _entities(pred, "PERSON")
    assert "Antony Blinken" in persons
    assert {"Jens Stoltenberg", "Alexander Grushko", "Blinken"} <= set(persons)
    assert {"Russia", "Ukraine", "Washington", "Moscow"} <= set(_entities(pred, "GPE"))
    assert "NATO" in _entities(pred, "ORG")
    assert "Russian" in _entities(pred, "NORP")
    assert "Europe" in _entities(pred, "LOC")  # "eastern" stays out
    assert "S-400" in _entities(pred, "PRODUCT")
    assert {"Wednesday", "the past few weeks"} <= set(_entities(pred, "DATE"))


def test_the_united_states_keeps_its_article(pred, text):
    us = [e for e in pred["entities"] if e["text"].endswith("United States")]
    assert len(us) == 3 and all(e["text"].lower().startswith("the ") and e["type"] == "GPE" for e in us)


def test_finds_the_right_now_direct_quote_of_blinken(pred):
    quotes = [q for q in pred["quotes"] if q["content"][0]["text"].startswith("Right now, the document")]
    assert len(quotes) == 1
    q = quotes[0]
    assert q["kind"] == "direct"
    assert q["content"][0]["text"].endswith("in their court")  # comma inside ” excluded
    assert q["cue"]["text"] == "told"
    assert q["source"]["text"] == "Blinken"
    assert q["source_name"] == "Antony Blinken"


def test_pronoun_speakers_are_resolved(pred):
    by_start = {q["content"][0]["text"][:12]: q for q in pred["quotes"]}
    assert by_start["We see more "]["source"]["text"] == "he"
    assert by_start["We see more "]["source_name"] == "Jens Stoltenberg"
    assert by_start["We will read"]["source_name"] == "Alexander Grushko"


def test_indirect_and_mixed_quotes(pred):
    kinds = {q["kind"] for q in pred["quotes"]}
    assert kinds == {"direct", "indirect", "mixed"}
    warned = [q for q in pred["quotes"] if q["cue"]["text"] == "warned"]
    assert len(warned) == 1 and warned[0]["kind"] == "indirect"
    assert warned[0]["content"][0]["text"] == "tensions in eastern Europe are on the rise"


def test_wednesday_is_normalised_to_the_document_date(pred):
    wednesdays = [t for t in pred["timexes"] if t["text"] == "Wednesday"]
    assert len(wednesdays) == 3
    assert all(t["type"] == "DATE" and t["value"] == "2022-01-26" for t in wednesdays)


def test_durations_and_present_reference(pred):
    by_text = {t["text"]: t for t in pred["timexes"]}
    assert by_text["the past few weeks"]["type"] == "DURATION"
    assert by_text["the past few weeks"]["value"] == "PXW"
    half = by_text["almost a month and a half"]
    assert (half["type"], half["value"], half.get("mod")) == ("DURATION", "P1.5M", "LESS_THAN")
    assert by_text["Right now"]["value"] == "PRESENT_REF"


def test_events_use_cameo_codes(pred):
    by_trigger = {}
    for v in pred["events"]:
        by_trigger.setdefault(v["trigger"]["text"], []).append(v)
    assert by_trigger["delivered"][0]["code"] == "046"
    assert by_trigger["invasion"][0]["code"].startswith("19")
    assert by_trigger["invasion"][0]["realis"] == "other"  # "may be preparing for"
    assert by_trigger["amassing"][0]["code"] == "154"
    assert by_trigger["call on"][0]["code"] == "0256"  # appeal to de-escalate
    agree = by_trigger["agree"][0]  # "would not agree to curb": a refusal, coded as such
    assert agree["code"].startswith("12") and agree["polarity"] == "positive"
    assert "said" not in by_trigger and "told" not in by_trigger  # quote cues only


def test_coreference_clusters(pred):
    texts = [{m["text"] for m in c} for c in pred["clusters"]]
    blinken = [c for c in texts if "Antony Blinken" in c]
    assert len(blinken) == 1 and "Blinken" in blinken[0]
    us = [c for c in texts if "US" in c]
    assert len(us) == 1 and "the United States" in us[0]
    assert any({"Jens Stoltenberg", "Stoltenberg", "he"} <= c for c in texts)


# --- (3) the output follows the text, not the seed article ------------------------------


def test_altered_article_follows_the_text(text):
    new = altered(text)
    pred = RulesSystem().predict({"id": "altered", "text": new, "date": "2022-03-04", "language": "en"})
    check_well_formed(pred, new)
    persons = set(_entities(pred, "PERSON"))
    assert {"Maria Harrow", "Harrow", "Ola Lindqvist", "Lindqvist", "Alexander Petrov"} <= persons
    mentioned = " ".join(e["text"] for e in pred["entities"])
    for old in ("Blinken", "Antony", "Stoltenberg", "Jens", "Grushko"):
        assert old not in mentioned
    fridays = [t for t in pred["timexes"] if t["text"] == "Friday"]
    assert len(fridays) == 3 and all(t["value"] == "2022-03-04" for t in fridays)
    assert not any(t["text"] == "Wednesday" for t in pred["timexes"])
    names = {q["source_name"] for q in pred["quotes"]}
    assert {"Maria Harrow", "Ola Lindqvist", "Alexander Petrov"} <= names
    right_now = [q for q in pred["quotes"] if q["content"][0]["text"].startswith("Right now")]
    assert len(right_now) == 1 and right_now[0]["source_name"] == "Maria Harrow"


def test_weekday_normalisation_follows_the_document_date(text):
    system = RulesSystem()
    # 2022-01-28 is a Friday: the Wednesday before it is the 26th
    pred = system.predict({"id": "x", "text": text, "date": "2022-01-28"})
    assert {t["value"] for t in pred["timexes"] if t["text"] == "Wednesday"} == {"2022-01-26"}
    # no document date: relative dates are not normalised
    pred = system.predict({"id": "x", "text": text})
    assert {t["value"] for t in pred["timexes"] if t["text"] == "Wednesday"} == {"XXXX-XX-XX"}
    # future tense points forwards
    pred = system.predict({"id": "x", "text": "Ministers will meet on Friday.", "date": "2022-01-26"})
    assert [t["value"] for t in pred["timexes"]] == ["2022-01-28"]


# --- (4) determinism and robustness -----------------------------------------------------


def test_deterministic(text):
    doc = {"id": DOC_ID, "text": text, "date": "2022-01-26", "language": "en"}
    first = json.dumps(RulesSystem().predict(dict(doc)), sort_keys=True, ensure_ascii=False)
    system = RulesSystem()
    assert json.dumps(system.predict(dict(doc)), sort_keys=True, ensure_ascii=False) == first
    assert json.dumps(system.predict(dict(doc)), sort_keys=True, ensure_ascii=False) == first


def test_does_not_mutate_the_document(text):
    doc = {"id": DOC_ID, "text": text, "date": "2022-01-26", "language": "en"}
    before = dict(doc)
    RulesSystem().predict(doc)
    assert doc == before


@pytest.mark.parametrize(
    "sample",
    ["", " ", "\n\n\u00a0\n", ".", "“", "”", "he said", "“unterminated quote, said Smith", "Back to top button"],
)
def test_no_crash_on_degenerate_text(sample):
    pred = RulesSystem().predict({"id": "d", "text": sample, "date": "2022-01-26"})
    check_well_formed(pred, sample)
    if not sample.strip():
        assert all(pred[k] == [] for k in ("entities", "clusters", "quotes", "events", "timexes"))


def test_text_without_quotes():
    sample = (
        "Germany and France held talks in Paris on Monday. Russia rejected the "
        "proposal, and the European Union did not impose new sanctions."
    )
    pred = RulesSystem().predict({"id": "n", "text": sample, "date": "2022-01-26", "language": "en"})
    check_well_formed(pred, sample)
    assert pred["quotes"] == []
    assert {"Germany", "France", "Paris", "Russia"} <= set(_entities(pred, "GPE"))
    assert [t["value"] for t in pred["timexes"]] == ["2022-01-24"]
    codes = {v["trigger"]["text"]: v for v in pred["events"]}
    assert codes["talks"]["code"].startswith("04")
    assert codes["rejected"]["code"].startswith("12")
    assert codes["sanctions"]["polarity"] == "negative"


def test_missing_or_bad_date_is_tolerated():
    for date in (None, "", "not a date", "2022-13-45"):
        doc = {"id": "d", "text": "Officials met on Tuesday and will meet again tomorrow."}
        if date is not None:
            doc["date"] = date
        pred = RulesSystem().predict(doc)
        assert {t["value"] for t in pred["timexes"]} == {"XXXX-XX-XX"}


def test_general_text_title_surname_threat_and_negation():
    sample = (
        "President Joe Biden threatened sanctions against Moscow yesterday. "
        "Biden did not attack anyone, a spokeswoman said."
    )
    pred = RulesSystem().predict({"id": "g", "text": sample, "date": "2022-03-04"})
    check_well_formed(pred, sample)
    assert _entities(pred, "PERSON") == ["Joe Biden", "Biden"]
    assert [[m["text"] for m in c] for c in pred["clusters"]] == [["Joe Biden", "Biden"]]
    assert [(t["text"], t["value"]) for t in pred["timexes"]] == [("yesterday", "2022-03-03")]
    events = {v["trigger"]["text"]: v for v in pred["events"]}
    assert events["threatened"]["code"].startswith("13")
    assert events["attack"]["polarity"] == "negative"
    assert events["attack"]["code"].startswith("19")
    assert [(q["kind"], q["cue"]["text"], q["source"]["text"], q["content"][0]["text"]) for q in pred["quotes"]] == [
        ("indirect", "said", "a spokeswoman", "Biden did not attack anyone")
    ]


@pytest.mark.parametrize(
    "sample, source, content",
    [
        (
            "Talks will resume next week, said Foreign Minister Sergei Lavrov on Monday.",
            "Sergei Lavrov",
            "Talks will resume next week",
        ),
        ("Russia will respond, Lavrov told reporters in Moscow.", "Lavrov", "Russia will respond"),
        ("The minister said on Monday that talks would resume.", "The minister", "talks would resume"),
        ('"We will not back down," said Prime Minister Boris Johnson.', "Boris Johnson", "We will not back down"),
    ],
)
def test_attribution_patterns(sample, source, content):
    pred = RulesSystem().predict({"id": "a", "text": sample, "date": "2022-03-04"})
    check_well_formed(pred, sample)
    assert [(q["source"]["text"], q["content"][0]["text"]) for q in pred["quotes"]] == [(source, content)]


def test_split_direct_quote_has_two_content_spans():
    sample = "“This is unacceptable,” Lavrov said, “and we will respond.”"
    pred = RulesSystem().predict({"id": "s", "text": sample, "date": "2022-03-04"})
    check_well_formed(pred, sample)
    assert len(pred["quotes"]) == 1
    q = pred["quotes"][0]
    assert q["kind"] == "direct" and q["source_name"] == "Lavrov"
    assert [c["text"] for c in q["content"]] == ["This is unacceptable", "and we will respond"]


# --- (5) pinned behaviour: the exact output and scores ----------------------------------
#
# PINNED: a deliberate change to the rules or their data files must update
# RULES_PREDICTION_SHA256; a deliberate change to the rules or to the gold must update
# RULES_HEADLINES (`benchmark evaluate --system rules --format json --bootstrap 1000
# --seed 13` prints the new figures), then run `python docs/results/regenerate.py` to
# update the committed results and the README's table of scores
# (tests/test_leaderboard_readme.py checks both). Anything else that moves these numbers
# is a bug.

# sha256 of each layer's canonical JSON over every shipped document: independent of the gold
RULES_PREDICTION_SHA256 = {
    "entities": "cc0c39dad44ef8ff71165aec4cd0c44555ef3222c45657c73e57a7fef14b6a61",
    "clusters": "00e0005fe962ff10b099f611927f78bcd12f1ef4ed0f3f802266c2ed20f599be",
    "quotes": "769188cfe238c23adfcc35ec95932c52da2388564e0189fc911f74e02f03f377",
    "events": "22e778dd59309240cfcb167444401c30e6dd3dd161207b20a6a4e6e6b3078db0",
    "timexes": "9b1e1949abf4bd5d1f46ad07965c2c9abcb1a68c7433a96f38f37eabda734596",
}
# layer: (headline metric, value, 95% CI), exactly as the result file holds them
RULES_HEADLINES = {
    "entities": ("strict", 0.9861111111111112, (0.9523617511520737, 1.0)),
    "coref": ("conll", 0.617602636757092, (0.45588296407466894, 0.6902662476929795)),
    "quotes": ("attribution", 0.967741935483871, (0.8965063520871144, 1.0)),
    "events": ("trigger_c", 0.8571428571428571, (0.7586206896551724, 0.9454545454545454)),
    "timexes": ("relaxed", 1.0, (1.0, 1.0)),
}


def canonical_sha256(value) -> str:
    data = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def test_predictions_are_pinned():
    system = RulesSystem()
    predictions = {
        meta.id: system.predict(
            {"id": meta.id, "text": read_text(meta, corpus_dir()), "date": meta.date, "language": "en"}
        )
        for meta in list_metas()
    }
    found = {
        layer: canonical_sha256({doc_id: p[layer] for doc_id, p in predictions.items()})
        for layer in RULES_PREDICTION_SHA256
    }
    assert found == RULES_PREDICTION_SHA256, "the rules output changed; see the PINNED note above"


@pytest.fixture(scope="module")
def scored(tmp_path_factory) -> dict:
    env = {**os.environ, "DIPLOMACY_IE_CACHE": str(tmp_path_factory.mktemp("cache"))}
    result = run_cli(
        "evaluate", "--system", "rules", "--format", "json", "--bootstrap", "1000", "--seed", "13", "--quiet", env=env
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_headline_scores_are_pinned(scored):
    found = {
        layer: (outcome["headline"]["metric"], outcome["headline"]["value"], tuple(outcome["headline"]["ci95"]))
        for layer, outcome in scored["layers"].items()
    }
    assert found == RULES_HEADLINES, "the rules scores changed; see the PINNED note above"
