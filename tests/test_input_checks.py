"""The pieces behind the input checks: key shapes, offset conventions, gold import, TIMEX3 values."""

import copy

import pytest

from benchmark.corpus import load_shipped
from benchmark.inventory import valid_timex_value
from benchmark.jsonl import document_to_json
from benchmark.jsonl_gold import document_from_json
from benchmark.offsets import TextIndex, add_fits, new_fits, refusals
from benchmark.schema import SHAPES, SPAN_KEYS, document_problems, item_problems, layer_shape


@pytest.fixture(scope="module")
def shipped():
    return load_shipped()[0]


@pytest.fixture(scope="module")
def export(shipped):
    return document_to_json(shipped)


def test_every_key_of_the_gold_export_is_known(export):
    assert list(document_problems(export)) == []
    for key, items in export.items():
        if isinstance(items, list):
            problems = [
                p for index, item in enumerate(items) for p in item_problems(item, layer_shape(key), f"{key}[{index}]")
            ]
            assert problems == [], problems


def test_a_span_key_added_in_one_place_reaches_every_span():
    spans_keys = {"span", "argument", "section", "sentence", "entity", "mention", "timex"}
    for name in spans_keys:
        assert set(SPAN_KEYS) <= set(SHAPES[name].keys), name


@pytest.mark.parametrize(
    "key, guess",
    [("entites", "entities"), ("timex", "timexes"), ("ents", "entities"), ("cluster", "clusters"), ("tokens", None)],
)
def test_unknown_top_level_keys_get_a_did_you_mean_where_one_fits(key, guess):
    [(where, reason)] = document_problems({"id": "x", key: []})
    assert where == key
    assert (f"did you mean {guess!r}" in reason) if guess else ("did you mean" not in reason)


@pytest.mark.parametrize(
    "key, guess",
    [
        ("label", "type"),
        ("tag", "type"),
        ("begin", "start"),
        ("start_char", "start"),
        ("end_char", "end"),
        ("score", None),
    ],
)
def test_unknown_item_keys_get_a_did_you_mean_where_one_fits(key, guess):
    [(where, reason)] = item_problems({"start": 0, "end": 2, key: 1}, "entity", "entities[0]")
    assert where == "entities[0]"
    assert (f"did you mean {guess!r}" in reason) if guess else ("did you mean" not in reason)


def converted(record, convert):
    record = copy.deepcopy(record)
    stack = [record]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("start"), int):
                item["start"], item["end"] = convert(item["start"], item["end"])
                item.pop("text", None)
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend(item)
    return record


def fits_of(record, text):
    fits = new_fits()
    from benchmark.offsets import ALTERNATIVES, CODE_POINTS

    add_fits(fits, record, TextIndex(text), (CODE_POINTS, *ALTERNATIVES))
    return fits


def test_the_article_in_utf8_bytes_fits_bytes_and_not_code_points(shipped, export):
    text = shipped.text
    in_bytes = converted(export, lambda s, e: (len(text[:s].encode()), len(text[:e].encode())))
    fits = fits_of(in_bytes, text)
    entities = fits["entities"]
    assert (entities.spans, entities.fit["utf8"], entities.fit["code_points"]) == (72, 72, 8)
    assert set(refusals(fits)) == {"entities", "coref", "quotes", "events", "timexes"}
    assert "as UTF-8 byte offsets" in refusals(fits)["entities"]


def test_the_article_as_given_is_refused_nowhere(shipped, export):
    fits = fits_of(export, shipped.text)
    assert refusals(fits) == {}
    assert all(fit.fit["code_points"] == fit.spans for fit in fits.values())


def test_few_spans_are_never_refused(shipped, export):
    few = {"entities": converted(export["entities"][:4], lambda s, e: (s, e - 1))}
    assert refusals(fits_of(few, shipped.text)) == {}
    five = {"entities": converted(export["entities"][:5], lambda s, e: (s, e - 1))}
    assert set(refusals(fits_of(five, shipped.text))) == {"entities"}


def test_explicit_mention_ids_are_kept_and_fresh_ones_skip_them():
    text = "NATO said it would talk to them. It met them."
    record = {
        "id": "d",
        "text": text,
        "mentions": [
            {"id": "M1", "start": 10, "end": 12, "kind": "PRO"},
            {"id": "M3", "start": 33, "end": 35, "kind": "PRO"},
        ],
        "entities": [{"start": 0, "end": 4, "type": "ORG"}],
        "clusters": [{"mentions": [{"start": 0, "end": 4}, {"start": 10, "end": 12}, {"start": 33, "end": 35}]}],
        "quotes": [
            {
                "kind": "indirect",
                "cue": {"start": 5, "end": 9},
                "content": [{"start": 10, "end": 31}],
                "source": {"start": 0, "end": 4},
                "addressee": {"start": 27, "end": 31},
            }
        ],
    }
    doc, problems = document_from_json(record, "g.jsonl", 1)
    assert problems == []
    assert [(m.id, m.span.text) for m in doc.mentions] == [("M1", "it"), ("M3", "It"), ("M2", "them")]
    assert doc.quotes[0].addressee == "M2"


@pytest.mark.parametrize(
    "timex_type, value, valid",
    [
        ("DATE", "2022-01-26", True),
        ("DATE", "2022-13-45", False),
        ("DATE", "2022-02-29", False),
        ("DATE", "2024-02-29", True),
        ("DATE", "XXXX-02-29", True),
        ("DATE", "2022-04-31", False),
        ("DATE", "2022-00", False),
        ("DATE", "2022-W53", True),
        ("DATE", "2022-W54", False),
        ("TIME", "2022-01-26T24:00", True),
        ("TIME", "2022-01-26T25:00", False),
        ("TIME", "T12:61", False),
        ("DURATION", "PXW", True),
        ("DATE", "PRESENT_REF", True),
        (None, "P1D", True),
        (None, "2022-13", False),
        ("DATE", 2022, False),
    ],
)
def test_timex_values_must_exist_on_the_calendar(timex_type, value, valid):
    assert valid_timex_value(timex_type, value) is valid
