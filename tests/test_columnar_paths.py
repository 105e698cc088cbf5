"""Large files read as columns (benchmark.columnar_gold, benchmark.columnar_predictions,
reading.parse_json_flat) give byte-identical results to the item-by-item reading."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmark import columnar_gold, columnar_predictions
from benchmark.columnar_gold import ColumnarDocument, read_plain_gold
from benchmark.errors import InputError, InvalidData
from benchmark.evaluation import EvaluationConfig, evaluate, load_gold
from benchmark.metrics import entities_bulk
from benchmark.predictions import PredictionOptions
from benchmark.records import records_from_document
from benchmark.results import format_table, to_json
from benchmark.shard import Shard

from .perf.synthetic import TYPES_5, build_corpus
from .perf.synthetic import write_jsonl as write_perf_corpus
from .synthetic_corpus import generate_gold, predictions_with_errors


def _item_by_item(patch: pytest.MonkeyPatch) -> None:
    """Every file read item by item, every document scored on its own."""
    patch.setattr(columnar_gold, "FORCE_ITEM_BY_ITEM", True)
    patch.setattr(columnar_predictions, "FORCE_ITEM_BY_ITEM", True)
    patch.setattr(entities_bulk, "BULK_MIN_DOCUMENTS", 10**9)


def _all_at_once(patch: pytest.MonkeyPatch) -> None:
    """Every way of reading and scoring many documents at once taken, however few there are."""
    patch.setattr(entities_bulk, "BULK_MIN_DOCUMENTS", 0)


def _result(gold: Path, pred: Path, forced: bool, **options) -> str:
    config = EvaluationConfig(gold=gold, predictions=pred, progress=False, **options)
    with pytest.MonkeyPatch.context() as patch:
        (_item_by_item if forced else _all_at_once)(patch)
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
        record = {
            "id": doc.id,
            "text": doc.text,
            "date": doc.date,
            "sentences": [{"id": s.id, **s.span.as_dict()} for s in doc.sentences],
            "entities": [{"id": e.id, "start": e.span.start, "end": e.span.end, "type": e.type} for e in doc.entities],
        }
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


@pytest.fixture(scope="module")
def cut_corpus(perf_corpus, tmp_path_factory) -> tuple[Path, Path]:
    """Gold tokenized otherwise: some of its entities start or end inside a word, and the predictions
    copy the gold (offsets on a gold span's edges count as token boundaries)."""
    folder = tmp_path_factory.mktemp("columnar-cut")
    gold_lines = [json.loads(line) for line in perf_corpus[0].read_text(encoding="utf-8").splitlines()]
    for line in gold_lines[::2]:
        for entity in line["entities"][::5]:
            if entity["end"] - entity["start"] > 2:
                entity["end"] -= 1
                entity["text"] = entity["text"][:-1]
        for entity in line["entities"][2::7]:
            if entity["end"] - entity["start"] > 2:
                entity["start"] += 1
                entity["text"] = entity["text"][1:]
    gold, pred = folder / "gold.jsonl", folder / "pred.jsonl"
    gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in gold_lines), encoding="utf-8")
    pred.write_text(
        "".join(json.dumps({"id": r["id"], "entities": r["entities"]}) + "\n" for r in gold_lines), encoding="utf-8"
    )
    return gold, pred


@pytest.fixture(scope="module")
def shuffled_corpus(perf_corpus, tmp_path_factory) -> tuple[Path, Path]:
    """The predictions in another order than the gold, a few documents without any."""
    folder = tmp_path_factory.mktemp("columnar-shuffled")
    lines = perf_corpus[1].read_text(encoding="utf-8").splitlines(keepends=True)
    random.Random(7).shuffle(lines)
    pred = folder / "pred.jsonl"
    pred.write_text("".join(lines[5:]), encoding="utf-8")
    return perf_corpus[0], pred


OPTIONS = [
    {"layers": ["entities"], "bootstrap": 200},
    {"layers": ["entities"], "bootstrap": 0, "outcomes": False},
    {"layers": ["entities"], "bootstrap": 20, "outcomes": False, "limit": 40},
    {"bootstrap": 50, "lenient": True},
    {"layers": ["entities"], "bootstrap": 100, "label_map": "conll2003"},
    {"layers": ["entities"], "bootstrap": 100, "shard": Shard(2, 3)},
    {"bootstrap": 100, "limit": 40},
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(map(str, o)))
@pytest.mark.parametrize("corpus", ["perf_corpus", "id_corpus", "cut_corpus", "shuffled_corpus"])
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
    target.write_text(
        "".join(
            line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) + "\n" for line in change(lines)
        ),
        encoding="utf-8",
    )
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
    "bad type": lambda lines: [{**lines[0], "entities": [{**lines[0]["entities"][0], "type": "COUNTRY"}]}, *lines[1:]],
    "text off": lambda lines: [{**lines[0], "entities": [{**lines[0]["entities"][0], "text": "nothing"}]}, *lines[1:]],
    "huge integer": lambda lines: [json.dumps(lines[0])[:-1] + ', "n": ' + "9" * 40 + "}\n", *lines[1:]],
    "duplicate document": lambda lines: [*lines, lines[0]],
    "another convention": _bytes_offsets,
    "colon in a span": lambda lines: [
        {
            **lines[0],
            "entities": [
                {"start": 0, "end": 1, "type": "GPE", "text": lines[0].get("text", "?")[0]},
                {"start": 1, "end": 2, "type": "ORG", "x:y": 1},
            ],
        },
        *lines[1:],
    ],
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


# --- any line: the same outcome either way -------------------------------------------------------

TEXT = "Talks: the US envoy met \u201cAntony Blinken\u201d in Geneva on 26 January."
_STRINGS = st.one_of(
    st.sampled_from(["GPE", "PERSON", "US", "Talks:", TEXT[4:9], "a:b", "{x}", "\u00e9", ""]),
    st.text(alphabet=st.sampled_from('ab:{}[]",\\ \u00e9'), max_size=5),
)
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, len(TEXT) + 3),
    st.integers(-(10**40), 10**40),
    st.floats(allow_nan=False),
    _STRINGS,
)


_RARELY = st.sampled_from([0] * 12 + [1, 2])  # how many faults of a kind


@st.composite
def _item(draw) -> list[tuple[str, object]]:
    start = draw(st.integers(0, len(TEXT) - 1))
    end = draw(st.integers(start + 1, len(TEXT)))
    if not draw(st.integers(0, 15)):  # offsets outside the text, empty or reversed
        start, end = draw(st.sampled_from([(start, len(TEXT) + 2), (-1, end), (start, start), (end, start)]))
    pairs = [("start", start), ("end", end), ("type", draw(st.sampled_from(["GPE", "PERSON"] * 6 + ["COUNTRY"])))]
    if draw(st.booleans()):
        pairs.append(("text", TEXT[start:end] if draw(st.integers(0, 9)) else draw(_STRINGS)))
    for _ in range(draw(_RARELY)):  # another key, or one written twice, or a value of another type
        key = draw(st.sampled_from(["start", "end", "type", "text", "id", "x:y", "confidence"]))
        pairs.insert(draw(st.integers(0, len(pairs))), (key, draw(st.one_of(_VALUES, st.just([])))))
    return pairs


def _dump(value, ascii_only: bool) -> str:
    if isinstance(value, list) and value and all(isinstance(p, tuple) for p in value):
        return "{" + ", ".join(f"{json.dumps(k)}: {_dump(v, ascii_only)}" for k, v in value) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_dump(v, ascii_only) for v in value) + "]"
    return json.dumps(value, ensure_ascii=ascii_only)


@st.composite
def prediction_lines(draw) -> str:
    """A line for document d: mostly plain, with the faults the columnar reading must not miss."""
    pairs = [("id", draw(st.sampled_from(["d"] * 9 + ["other"]))), ("entities", draw(st.lists(_item(), max_size=5)))]
    for _ in range(draw(_RARELY)):
        key = draw(st.sampled_from(["id", "text", "date", "clusters", "sentences", "entities", "entites", "a:b"]))
        value = draw(st.one_of(_VALUES, st.just([]), st.just(TEXT), st.lists(_item(), max_size=2)))
        pairs.insert(draw(st.integers(0, len(pairs))), (key, value))
    line = _dump(pairs, draw(st.booleans()))
    if not draw(st.integers(0, 5)):  # an escape that writes a colon or a brace
        line = line.replace("a:", "a\\u003a", 1).replace("{x", "\\u007bx", 1)
    return line


@pytest.fixture(scope="module")
def one_document(tmp_path_factory) -> Path:
    gold = tmp_path_factory.mktemp("one") / "gold.jsonl"
    gold.write_text(
        json.dumps(
            {
                "id": "d",
                "text": TEXT,
                "sentences": [{"start": 0, "end": len(TEXT)}],
                "entities": [{"start": 24, "end": 38, "type": "PERSON"}],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    return gold


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(prediction_lines())
def test_any_prediction_line_is_read_alike(one_document, tmp_path_factory, line):
    pred = tmp_path_factory.mktemp("line") / "pred.jsonl"
    pred.write_text(line + "\n", encoding="utf-8")
    options = {"layers": ["entities"], "bootstrap": 0}
    assert _outcome(one_document, pred, False, **options) == _outcome(one_document, pred, True, **options)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(prediction_lines())
def test_any_gold_line_is_read_alike(tmp_path_factory, line):
    folder = tmp_path_factory.mktemp("gold-line")
    record = json.loads(line) if _json_object(line) else None
    gold_line = line[:-1] + f', "text": {json.dumps(TEXT)}}}' if record is not None and "text" not in record else line
    gold, pred = folder / "gold.jsonl", folder / "pred.jsonl"
    gold.write_text(gold_line + "\n", encoding="utf-8")
    pred.write_text('{"id": "d", "entities": []}\n', encoding="utf-8")
    options = {"layers": ["entities"], "bootstrap": 0}
    assert _outcome(gold, pred, False, **options) == _outcome(gold, pred, True, **options)


def _json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def test_a_key_written_twice_is_caught_by_counting():
    from benchmark.columnar_json import PREDICTED, decoded, given, keys_of, strict_json

    def strict(line: str) -> bool:
        record = decoded(PREDICTED, line.encode())
        texts = [e.text for e in record.entities]
        keys = keys_of(record) + 3 * len(record.entities) + given(texts)
        return strict_json(line.encode(), (record.id,), keys, texts)

    assert strict('{"id": "d:1", "entities": [{"start": 0, "end": 1, "type": "X", "text": "a"}]}')
    assert strict('{"id": "d", "entities": [{"start": 0, "end": 1, "type": "X", "text": "10:30"}]}')
    assert not strict('{"id": "d", "entities": [{"start": 0, "end": 1, "type": "X", "start": 0}]}')
    assert not strict('{"id": "d", "id": "d", "entities": []}')
    assert not strict('{"id": "d", "entities": [{"start": 0, "end": 1, "type": "X", "text": "a:b", "text": "a:b"}]}')
    assert not strict('{"id": "d\\u003a", "entities": [], "entities": []}')
    # An escaped colon in a text would hide the colon of a key written twice.
    assert strict('{"id": "d", "entities": [{"start": 0, "end": 1, "type": "X", "text": "\\u003a"}]}')
    assert not strict('{"id": "d", "entities": [{"start": 0, "end": 1, "type": "X", "text": "\\u003a", "type": "X"}]}')


@pytest.mark.parametrize("corpus", ["perf_corpus", "cut_corpus", "shuffled_corpus"])
def test_spans_on_token_boundaries_are_counted_alike_at_once_and_document_by_document(corpus, request):
    gold, pred = request.getfixturevalue(corpus)
    documents = read_plain_gold(gold)
    counted = []
    for at_once in (0, 10**9):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(entities_bulk, "BULK_MIN_DOCUMENTS", at_once)
            counted.append(columnar_predictions.read_plain_predictions(pred, documents, False, PredictionOptions()))
    assert counted[0].off_token == counted[1].off_token
    off_token = sum(counts["entities"] for counts in counted[0].off_token.values())
    # The cut corpus's predictions cut words where gold spans do: on gold edges, so all fit.
    assert off_token == 0 if corpus == "cut_corpus" else off_token > 0


def test_an_end_on_a_gold_start_inside_a_word_is_off_token_at_once_too(tmp_path):
    """Gold edges count as span edges only on their own side: a prediction ending inside a
    word where a gold span starts fits no boundary, read at once as document by document."""
    gold, pred = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    text = "Tbilisi-Moscow talks resumed."
    cut = {"start": 0, "end": 3, "type": "GPE"}, {"start": 8, "end": 14, "type": "GPE"}
    predicted = [{"start": 0, "end": 8, "type": "GPE"}, {"start": 3, "end": 14, "type": "GPE"}]
    sentences = [{"start": 0, "end": len(text)}]
    gold.write_text(json.dumps({"id": "d", "text": text, "sentences": sentences, "entities": cut}))
    pred.write_text(json.dumps({"id": "d", "entities": predicted}))
    documents = read_plain_gold(gold)
    assert documents is not None
    counted = []
    for at_once in (0, 10**9):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(entities_bulk, "BULK_MIN_DOCUMENTS", at_once)
            counted.append(columnar_predictions.read_plain_predictions(pred, documents, False, PredictionOptions()))
    assert counted[0].off_token["d"]["entities"] == counted[1].off_token["d"]["entities"] == 2
