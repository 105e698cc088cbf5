"""The built-in prompt templates: versioned, free of the test article, with a few-shot
example that is itself a valid prediction once aligned; and `benchmark prompts`."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from benchmark import inventory as inv
from benchmark.jsonl import PREDICTION_KEYS, parse_prediction
from benchmark.model import LAYERS
from benchmark.prompts import builtin_template, builtin_text, cameo_code_list
from benchmark.systems.json_reply import extract_json_object

from .conftest import ROOT, run_cli

# Bump rule: editing a template changes its hash; bump its version and pin the new pair.
PINNED = {
    "entities-v1": "a058b6ea48a804df51a8e44c094bb6a6f943dfb09ac2cf32806ebfc9148e500c",
    "coref-v1": "ac5eb003358e4a22b313f5e04aa22fba661658607946394b693bf25938a50135",
    "quotes-v1": "b19d8104c99997e5b9d6ae128b033f3c40579460e34a3c98fc5e45c578ab66d9",
    "events-v1": "d393826c5fd7d2f04146367ddf26bb8ebb5bbaba74b7c904a1f0fae2dac101f2",
    "timexes-v1": "d0fc94651ec8d99b193402bb2a78ecc0acebb9937cf9b88a7a88d2f3bd3706b2",
}
WINDOW = 8


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def windows(text: str) -> set[tuple[str, ...]]:
    found = words(text)
    return {tuple(found[i : i + WINDOW]) for i in range(len(found) - WINDOW + 1)}


def rendered(layer: str) -> str:
    document = {"id": "x", "text": "PLACEHOLDER", "date": "2000-01-01"}
    return "\n".join(m["content"] for m in builtin_template(layer).render(document, (layer,)))


@pytest.mark.parametrize("layer", LAYERS)
def test_each_template_is_versioned_and_pinned(layer):
    template = builtin_template(layer)
    digest = hashlib.sha256(builtin_text(layer).encode("utf-8")).hexdigest()
    assert template.version in PINNED, f"{template.version}: pin it in PINNED"
    assert PINNED[template.version] == digest, (
        f"{layer}.txt changed: bump its version ({template.version}) and pin {digest}"
    )
    assert template.system and "$text" in template.user


def test_no_window_of_the_article_is_in_any_prompt(article_text):
    article = windows(article_text)
    assert len(article) > 400
    for layer in LAYERS:
        for text in (builtin_text(layer), rendered(layer)):
            leaked = article & windows(text)
            assert not leaked, f"{layer}: {' '.join(sorted(leaked)[0])}"


def test_the_leak_check_catches_a_sentence_with_other_quotes_and_case(article_text):
    sentence = next(line for line in article_text.splitlines() if "ball is in their court" in line)
    copied = sentence.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'").upper()
    assert windows(article_text) & windows(f"Example: {copied}")


# --- the few-shot example ------------------------------------------------------


def example(layer: str) -> tuple[str, dict]:
    """(document, answer) of the template's worked example."""
    text = builtin_text(layer)
    document = re.search(r"<document>\n(.*?)\n</document>", text, re.S).group(1)
    answer = re.search(r"</document>\nAnswer:\n(.*?)\n", text, re.S).group(1)
    return document, json.loads(answer)


def test_every_template_uses_the_same_invented_example():
    documents = {example(layer)[0] for layer in LAYERS}
    assert len(documents) == 1
    assert set(LAYERS) == {layer for layer in LAYERS if "$text" in builtin_text(layer).split("</document>")[-2]}


@pytest.mark.parametrize("layer", LAYERS)
def test_the_example_answer_is_a_valid_prediction_once_aligned(layer):
    from benchmark.align import align_record

    document, answer = example(layer)
    assert list(answer) == [PREDICTION_KEYS[layer]] and answer[PREDICTION_KEYS[layer]]
    aligned = align_record({"id": "example", **answer}, document)
    assert [tally.counts["unaligned"] for tally in aligned.layers.values()] == [0]
    assert aligned.layers[layer].counts["exact"] > 0
    records, problems = parse_prediction(aligned.record, document, f"{layer}.txt", 1)
    assert problems == []
    for timex in records.timexes:
        assert inv.valid_timex_value(timex.type, timex.value), timex


def test_the_events_template_lists_every_cameo_code():
    text = rendered("events")
    assert cameo_code_list() in text
    assert all(f"\n{code} " in text for code in inv.cameo_codes())


# --- the JSON in a reply --------------------------------------------------------


@pytest.mark.parametrize(
    "reply, expected",
    [
        ('{"a": 1}', {"a": 1}),
        ('```json\n{"a": 1}\n```', {"a": 1}),
        ('text {"a": "}"} more {"b": 2}', {"a": "}"}),
        ('first {not json} then {"b": {"c": [1, 2]}} end', {"b": {"c": [1, 2]}}),
        ('a list [1, 2] and {"x": "quote \\" brace {"}', {"x": 'quote " brace {'}),
        ('{"entities": [{"text": "A"}', None),  # cut off: the inner object is not taken for the answer
        ("no object at all", None),
        ('<think>{"draft": 1}</think> {"final": 2}', {"final": 2}),
        ("[" * 100000, None),
    ],
)
def test_extract_json_object(reply, expected):
    assert extract_json_object(reply) == expected


# --- the command ---------------------------------------------------------------


def test_benchmark_prompts_prints_the_shipped_templates():
    one = run_cli("prompts", "--layer", "quotes")
    assert one.returncode == 0 and one.stdout == builtin_text("quotes")
    every = run_cli("prompts")
    assert every.returncode == 0
    for layer in LAYERS:
        assert f"==> benchmark/data/prompts/{layer}.txt <==\n{builtin_text(layer)}" in every.stdout
        assert (ROOT / "benchmark" / "data" / "prompts" / f"{layer}.txt").read_text(encoding="utf-8") == builtin_text(
            layer
        )
    assert run_cli("prompts", "--layer", "nope").returncode == 2
