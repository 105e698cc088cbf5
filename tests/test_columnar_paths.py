"""Large files read as columns (benchmark.columnar_gold, benchmark.columnar_predictions,
reading.parse_json_flat) give byte-identical results to the item-by-item reading."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark import columnar_gold, columnar_predictions
from benchmark.columnar_gold import ColumnarDocument, read_plain_gold
from benchmark.errors import InputError, InvalidData
from benchmark.evaluate import EvaluationConfig, evaluate, load_gold
from benchmark.predictions import PredictionOptions
from benchmark.reading import parse_json, parse_json_flat
from benchmark.records import records_from_document
from benchmark.results import format_table, to_json
from benchmark.shard import Shard

from .perf.synthetic import TYPES_5, build_corpus
from .perf.synthetic import write_jsonl as write_perf_corpus
from .synthetic_corpus import generate_gold, predictions_with_errors


def _item_by_item(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(columnar_gold, "FORCE_ITEM_BY_ITEM", True)
    patch.setattr(columnar_predictions, "FORCE_ITEM_BY_ITEM", True)


def _result(gold: Path, pred: Path, forced: bool, **options) -> str:
    config = EvaluationConfig(gold=gold, predictions=pred, progress=False, **options)
    with pytest.MonkeyPatch.context() as patch:
        if forced:
            _item_by_item(patch)
        result = evaluate(config)
    return to_json(result) + format_table(result)


def _outcome(gold: Path, pred: Path, forced: bool, **options) -> str:
    """The result, or the message of the input error."""
    try:
        return _result(gold, pred, forced, **options)
    except InvalidData as err:
        return "\n".join(map(str, err.problems))
    except InputError as err:
        return str(err)


def _assert_read_as_columns(gold: Path, pred: Path) -> None:
    """The fast paths are taken, so that the comparison compares two paths."""
    documents = read_plain_gold(gold)
    assert documents is not None and all(isinstance(d, ColumnarDocument) for d in documents)
    assert columnar_predictions.read_plain_predictions(pred, documents, False, PredictionOptions()) is not None


@pytest.fixture(scope="module")
def perf_corpus(tmp_path_factory) -> tuple[Path, Path]:
    """Running text, 100 entities a document, predictions erring as a tagger does (some cut tokens)."""
    folder = tmp_path_factory.mktemp("columnar")
    gold, pred = folder / "gold.jsonl", folder / "pred.jsonl"
    write_perf_corpus(build_corpus(150, TYPES_5, seed=5), gold, pred)
    return gold, pred


@pytest.fixture(scope="module")
def id_corpus(tmp_path_factory) -> tuple[Path, Path]:
    """Entities and sentences with their own ids and a date; predictions unsorted and overlapping,
    some carrying their text, some documents without one."""
    folder = tmp_path_factory.mktemp("columnar-ids")
    documents = generate_gold(60)
    rng = random.Random(3)
    gold_lines, pred_lines = [], []
    for doc in documents:
        record = {"id": doc.id, "text": doc.text, "date": doc.date,
                  "sentences": [{"id": s.id, **s.span.as_dict()} for s in doc.sentences],
                  "entities": [{"id": e.id, "start": e.span.start, "end": e.span.end, "type": e.type}
                               for e in doc.entities]}
        gold_lines.append(record)
    for prediction in predictions_with_errors(documents):
        entities = [e for e in prediction["entities"] if e["type"] != "NOT_A_TYPE"]
        line = {"id": prediction["id"], "entities": entities, "clusters": []}
        if rng.random() < 0.3:
            line["text"] = next(d.text for d in documents if d.id == prediction["id"])
        pred_lines.append(line)
    gold, pred = folder / "gold.jsonl", folder / "pred.jsonl"
    gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in gold_lines), encoding="utf-8")
    pred.write_text("".join(json.dumps(r) + "\n" for r in pred_lines), encoding="utf-8")  # \\u escapes
    return gold, pred


OPTIONS = [
    {"layers": ["entities"], "bootstrap": 200},
    {"layers": ["entities"], "bootstrap": 0, "outcomes": False},
    {"bootstrap": 50, "lenient": True},
    {"layers": ["entities"], "bootstrap": 100, "label_map": "conll2003"},
    {"layers": ["entities"], "bootstrap": 100, "shard": Shard(2, 3)},
    {"bootstrap": 100, "limit": 40},
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(map(str, o)))
@pytest.mark.parametrize("corpus", ["perf_corpus", "id_corpus"])
def test_columns_and_items_give_the_same_result(corpus, options, request):
    gold, pred = request.getfixturevalue(corpus)
    _assert_read_as_columns(gold, pred)
    assert _result(gold, pred, False, **options) == _result(gold, pred, True, **options)


def test_the_documents_built_from_columns_are_those_read_item_by_item(id_corpus):
    gold, _ = id_corpus
    fast = load_gold(gold).documents
    with pytest.MonkeyPatch.context() as patch:
        _item_by_item(patch)
        slow = load_gold(gold).documents
    assert [records_from_document(d) for d in fast] == [records_from_document(d) for d in slow]
    assert fast == slow  # builds every layer
    assert [d.clusters for d in fast] == [d.clusters for d in slow]


def _rewrite(path: Path, target: Path, change) -> Path:
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    target.write_text("".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) + "\n"
                              for line in change(lines)), encoding="utf-8")
    return target


def _bytes_offsets(lines: list[dict]) -> list[dict]:
    for line in lines:
        for entity in line["entities"]:
            entity.pop("text", None)
            entity["end"] += 2  # as if each span held a two-byte character: another offset convention
    return lines


BROKEN = {
    "duplicate key": lambda lines: [json.dumps(lines[0])[:-1] + ', "id": "x"}\n', *lines[1:]],
    "unknown key": lambda lines: [{**lines[0], "entites": []}, *lines[1:]],
    "bad type": lambda lines: [{**lines[0], "entities": [{**lines[0]["entities"][0], "type": "COUNTRY"}]},
                               *lines[1:]],
    "text off": lambda lines: [{**lines[0], "entities": [{**lines[0]["entities"][0], "text": "nothing"}]},
                               *lines[1:]],
    "huge integer": lambda lines: [json.dumps(lines[0])[:-1] + ', "n": ' + "9" * 40 + "}\n", *lines[1:]],
    "duplicate document": lambda lines: [*lines, lines[0]],
    "another convention": _bytes_offsets,
    "colon in a span": lambda lines: [{**lines[0], "entities": [{"start": 0, "end": 1, "type": "GPE",
                                                                  "text": lines[0].get("text", "?")[0]},
                                                                 {"start": 1, "end": 2, "type": "ORG", "x:y": 1}]},
                                      *lines[1:]],
}


@pytest.mark.parametrize("which", ["gold", "pred"])
@pytest.mark.parametrize("fault", BROKEN)
def test_a_file_that_is_not_plain_is_read_item_by_item(perf_corpus, tmp_path, fault, which):
    gold, pred = perf_corpus
    if which == "gold":
        gold = _rewrite(gold, tmp_path / "gold.jsonl", BROKEN[fault])
    else:
        pred = _rewrite(pred, tmp_path / "pred.jsonl", BROKEN[fault])
    options = {"layers": ["entities"], "bootstrap": 0}
    assert _outcome(gold, pred, False, **options) == _outcome(gold, pred, True, **options)


# --- parse_json_flat: the value parse_json gives, or None ------------------------------------------

_KEYS = st.sampled_from(["id", "start", "end", "text", "type", "a:b", "{", "entities", "x"])
_STRINGS = st.text(alphabet=st.sampled_from('ab:{}[]",\\ \u00e9'), max_size=6)
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**35, 10**35), st.floats(allow_nan=False),
                     _STRINGS)


@st.composite
def json_lines(draw) -> str:
    """Lines of JSON objects, mostly of flat items, with repeated keys, nesting, tricky strings
    and escapes written in several ways."""
    value = draw(st.recursive(_SCALARS, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.lists(st.tuples(_KEYS, inner), max_size=4)), max_leaves=12))
    pairs = draw(st.lists(st.tuples(_KEYS, st.one_of(_SCALARS, st.lists(
        st.lists(st.tuples(_KEYS, _SCALARS), max_size=4), max_size=3), st.just(value))), max_size=5))

    def dump(item) -> str:
        if isinstance(item, list) and item and all(isinstance(p, tuple) for p in item):
            return "{" + ", ".join(f"{json.dumps(k)}: {dump(v)}" for k, v in item) + "}"
        if isinstance(item, tuple):
            return dump([item])
        if isinstance(item, list):
            return "[" + ", ".join(map(dump, item)) + "]"
        return json.dumps(item, ensure_ascii=draw(st.booleans()))

    line = dump(pairs) if pairs else "{}"
    if draw(st.booleans()):  # inside strings only: JSON writes no a or b next to its own colons and braces
        line = line.replace("a:", "a\\u003a").replace("b{", "b\\u007b").replace("a[", "a\\u005B")
    return line


@settings(max_examples=600, deadline=None)
@given(json_lines())
def test_a_flat_parse_gives_what_the_strict_parse_gives_or_nothing(line):
    fast = parse_json_flat(line)
    try:
        strict = parse_json(line, "x.jsonl:1")
    except InputError:
        assert fast is None
        return
    assert fast is None or fast == strict


def test_a_flat_parse_reads_plain_records_and_refuses_repeated_keys():
    plain = '{"id": "d", "text": "a: {b} [c]", "entities": [{"start": 0, "end": 1, "type": "X"}], "n": 7}'
    assert parse_json_flat(plain) == json.loads(plain)
    for line in ('{"id": "d", "id": "e"}', '{"e": [{"start": 0, "start": 1}]}', '{"e": [{"s": {"a": 1}}]}',
                 '{"e": [[{"a": 1}]]}', '{"n": ' + "1" * 31 + "}", '{"n": NaN}', '{"t": "\\u003a", "x": 1, "x": 2}'):
        assert parse_json_flat(line) is None, line
