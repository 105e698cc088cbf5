"""The fast paths of reading large inputs give exactly what the item-by-item paths give."""

from __future__ import annotations

import gc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark import jsonl, jsonl_gold
from benchmark.gcpause import paused_gc
from benchmark.jsonl import parse_prediction
from benchmark.jsonl_gold import document_from_json
from benchmark.validate import check_document

TEXT = "The US envoy met Antony Blinken in Geneva on Wednesday."

# --- whole-layer reading equals item-by-item reading --------------------------------------------

KEYS = ("start", "end", "type", "text", "id", "score")


@st.composite
def entity_items(draw):
    """Entity items, mostly right, some wrong in one of the ways the item-by-item path reports."""
    items = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(TEXT) - 1))
        end = draw(st.integers(start + 1, len(TEXT)))
        item = {"start": start, "end": end, "type": draw(st.sampled_from(["GPE", "PERSON", "DATE"]))}
        if draw(st.booleans()):
            item["text"] = TEXT[start:end]
        fault = draw(st.integers(0, 14))
        if fault == 1:
            item["start"] = True
        elif fault == 2:
            del item["end"]
        elif fault == 3:
            item["text"] = "nothing like it"
        elif fault == 4:
            item["type"] = "COUNTRY"
        elif fault == 5:
            item["score"] = 0.5
        elif fault == 6:
            item = [start, end]
        elif fault == 7:
            item["end"] = len(TEXT) + 3
        elif fault == 8:
            item["start"], item["end"] = end, start
        elif fault == 9:
            item["id"] = "E9"
        elif fault == 10:
            del item["type"]
        items.append(item)
    return items


def _item_by_item(monkeypatch) -> None:
    for reader in (jsonl, jsonl_gold):  # predictions, gold
        monkeypatch.setattr(reader, "plain_spans", lambda *args: None)


@settings(max_examples=300, deadline=None)
@given(entity_items())
def test_predicted_entities_read_at_once_or_one_by_one_agree(items):
    record = {"id": "d", "entities": items}
    fast = parse_prediction(record, TEXT, "p.jsonl", 1)
    with pytest.MonkeyPatch.context() as patch:
        _item_by_item(patch)
        slow = parse_prediction(record, TEXT, "p.jsonl", 1)
    assert fast == slow


@settings(max_examples=300, deadline=None)
@given(entity_items(), entity_items())
def test_gold_layers_read_at_once_or_one_by_one_agree(entities, sentences):
    record = {"id": "d", "text": TEXT, "entities": entities, "sentences": sentences}
    fast_doc, fast_problems = document_from_json(record, "g.jsonl", 1)
    with pytest.MonkeyPatch.context() as patch:
        _item_by_item(patch)
        slow_doc, slow_problems = document_from_json(record, "g.jsonl", 1)
    assert fast_doc == slow_doc and fast_problems == slow_problems
    for gold in (False, True):
        problems = check_document(fast_doc, "g.jsonl:1", gold=gold)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("benchmark.validate.SpanChecker.all_right", lambda self, spans: False)
            assert problems == check_document(fast_doc, "g.jsonl:1", gold=gold)


def test_the_collector_is_paused_and_restored():
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_item_with_any_other_key_is_read_one_by_one(monkeypatch):
    """Checks made item by item (such as refusing an unknown key) see every item that has one."""
    seen = []
    reader = jsonl._PREDICTION_LAYERS["entities"]
    monkeypatch.setitem(jsonl._PREDICTION_LAYERS, "entities", lambda c, item: seen.append(item) or reader(c, item))
    plain = {"start": 4, "end": 6, "type": "GPE", "text": "US"}
    parse_prediction({"id": "d", "entities": [plain, plain]}, TEXT, "p.jsonl", 1)
    assert seen == []
    odd = {**plain, "confidence": 0.9}
    _, problems = parse_prediction({"id": "d", "entities": [plain, odd]}, TEXT, "p.jsonl", 1)
    assert seen == [plain]  # the odd one is refused by its keys before it is read
    assert [(p.item, p.reason.split(" (")[0]) for p in problems] == [("entities[1]", "unknown key 'confidence'")]
