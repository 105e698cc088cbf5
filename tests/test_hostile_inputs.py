"""A corpus of hostile inputs, built in code, run through the CLI.

For every case: the exit status, no traceback, and on exit 2 nothing written
(neither the --output file nor a stray temporary file). Cases run in-process
through ``benchmark.cli.main``; the few that need a real process (closed or
full stdout, an ASCII-only terminal, non-UTF-8 file names) run as one.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmark.cli import main

from .conftest import DOC_ID, ROOT

# A small document with a no-break space and curly quotes; every span sits on token edges.
TEXT = "NATO\u00a0met Russia in Geneva on Monday.\n\u201cWe talked,\u201d said Blinken."
SMALL_ID = "small"


def span(start: int, end: int) -> dict:
    return {"start": start, "end": end, "text": TEXT[start:end]}


SMALL_GOLD = {
    "id": SMALL_ID,
    "text": TEXT,
    "date": "2022-01-26",
    "sentences": [span(0, 36), span(37, 63)],
    "entities": [
        {**span(0, 4), "type": "ORG"},
        {**span(9, 15), "type": "GPE"},
        {**span(19, 25), "type": "GPE"},
        {**span(29, 35), "type": "DATE"},
        {**span(55, 62), "type": "PERSON"},
    ],
    "quotes": [{"kind": "direct", "cue": span(50, 54), "content": [span(38, 47)], "source": span(55, 62)}],
    "events": [
        {
            "trigger": span(5, 8),
            "code": "040",
            "realis": "actual",
            "polarity": "positive",
            "arguments": [{"role": "source", **span(0, 4)}, {"role": "target", **span(9, 15)}],
        }
    ],
    "timexes": [{**span(29, 35), "type": "DATE", "value": "2022-01-24"}],
}


def small_prediction(**changes) -> dict:
    """The gold's layers as a prediction, with ``changes`` applied (None removes a key)."""
    record = {"id": SMALL_ID, **{k: SMALL_GOLD[k] for k in ("entities", "quotes", "events", "timexes")}}
    record.update(changes)
    return {k: v for k, v in record.items() if v is not None}


def with_entity(**keys) -> dict:
    return small_prediction(entities=[{**span(0, 4), "type": "ORG", **keys}])


@dataclass
class Case:
    """``build(folder)`` writes the case's files and returns the command's arguments."""

    name: str
    build: Callable[[Path], list[str]]
    status: int
    needle: str = ""  # a phrase the message must contain
    output: bool = False  # add --output (folder/out.json) to an evaluate command


CASES: list[Case] = []


def case(name: str, status: int, needle: str = "", output: bool = False):
    def register(build):
        CASES.append(Case(name, build, status, needle, output))
        return build

    return register


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def lines(*records) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records)


def small_gold(folder: Path, *records) -> Path:
    return write(folder, "gold.jsonl", lines(*(records or (SMALL_GOLD,))))


def evaluate_file(content: str | bytes, gold_records=()):
    """A case scoring a predictions file with this content against the small gold."""

    def build(folder: Path) -> list[str]:
        gold = small_gold(folder, *gold_records)
        predictions = write(folder, "predictions.jsonl", content)
        return ["evaluate", "--predictions", str(predictions), "--gold", str(gold), "--bootstrap", "0"]

    return build


# ------------------------------------------------------------ predictions: keys and structure

PREDICTION_RECORDS = [
    ("top-level typo", small_prediction(entites=[]), "did you mean 'entities'"),
    ("top-level tokens", small_prediction(tokens=["NATO"]), "unknown key 'tokens'"),
    ("top-level spans", small_prediction(spans=[]), "unknown key 'spans'"),
    ("entity label for type", with_entity(label="ORG"), "did you mean 'type'"),
    ("entity score", with_entity(score=0.9), "unknown key 'score'"),
    ("entity begin", small_prediction(entities=[{"begin": 0, "end": 4, "type": "ORG"}]), "did you mean 'start'"),
    ("entities 0", small_prediction(entities=0), "must be a list"),
    ("entities {}", small_prediction(entities={}), "must be a list"),
    ("entities null", small_prediction(entities=None) | {"entities": None}, "must be a list"),
    ("entities string", small_prediction(entities="ORG"), "must be a list"),
    ("clusters 0", small_prediction(clusters=0), "must be a list"),
    ("quotes {}", small_prediction(quotes={}), "must be a list"),
    ("events null", small_prediction(events=None) | {"events": None}, "must be a list"),
    ("timexes true", small_prediction(timexes=True), "must be a list"),
    (
        "quote cue typo",
        small_prediction(quotes=[{"cue": {"begin": 50, "end": 54}, "content": [span(38, 47)]}]),
        "did you mean 'start'",
    ),
    (
        "quote content key",
        small_prediction(quotes=[{"content": [{**span(38, 47), "tokens": 2}]}]),
        "unknown key 'tokens'",
    ),
    (
        "quote speaker",
        small_prediction(quotes=[{"content": [span(38, 47)], "speaker": span(55, 62)}]),
        "did you mean 'source'",
    ),
    (
        "quote source key",
        small_prediction(quotes=[{"content": [span(38, 47)], "source": {**span(55, 62), "id": 1}}]),
        "unknown key 'id'",
    ),
    (
        "quote addressee string",
        small_prediction(quotes=[{"content": [span(38, 47)], "addressee": "them"}]),
        "must be an object",
    ),
    ("quote content empty", small_prediction(quotes=[{"content": []}]), "non-empty list"),
    ("quote content object", small_prediction(quotes=[{"content": span(38, 47)}]), "must be a list"),
    (
        "event trigger typo",
        small_prediction(events=[{"trigger": {"start": 5, "ende": 8}, "code": "040"}]),
        "did you mean 'end'",
    ),
    (
        "event argument ref",
        small_prediction(
            events=[{"trigger": span(5, 8), "code": "040", "arguments": [{"role": "source", "ref": "E1"}]}]
        ),
        "unknown key 'ref'",
    ),
    (
        "event args",
        small_prediction(events=[{"trigger": span(5, 8), "code": "040", "args": []}]),
        "did you mean 'arguments'",
    ),
    ("event code number", small_prediction(events=[{"trigger": span(5, 8), "code": 40}]), "must be a string"),
    ("event code list", small_prediction(events=[{"trigger": span(5, 8), "code": ["040"]}]), "must be a string"),
    ("event code unknown", small_prediction(events=[{"trigger": span(5, 8), "code": "999"}]), "unknown CAMEO code"),
    ("event without trigger", small_prediction(events=[{"code": "040"}]), "needs a 'trigger'"),
    (
        "event realis",
        small_prediction(events=[{"trigger": span(5, 8), "code": "040", "realis": "real"}]),
        "unknown realis",
    ),
    (
        "argument role",
        small_prediction(
            events=[{"trigger": span(5, 8), "code": "040", "arguments": [{"role": "agent", **span(0, 4)}]}]
        ),
        "unknown argument role",
    ),
    ("cluster members", small_prediction(clusters=[{"members": [span(0, 4)]}]), "did you mean 'mentions'"),
    ("cluster span key", small_prediction(clusters=[[{**span(0, 4), "kind": "NAM"}]]), "unknown key 'kind'"),
    ("cluster empty", small_prediction(clusters=[[]]), "non-empty list"),
    ("cluster number", small_prediction(clusters=[4]), "must be a list of spans or an object"),
    ("start string", with_entity(start="0"), "must be an integer"),
    ("start float", with_entity(start=0.0), "must be an integer"),
    ("start bool", with_entity(start=False), "must be an integer"),
    ("start null", with_entity(start=None), "must be an integer"),
    ("end past text", with_entity(end=500, text=None), "past the end of the text"),
    ("start after end", with_entity(start=4, end=2, text=None), "before end"),
    ("negative start", with_entity(start=-1, text=None), "start must be >= 0"),
    ("text mismatch", with_entity(text="OTAN"), "does not equal the document slice"),
    ("text number", with_entity(text=4), "must be a string"),
    ("entity type", with_entity(type="COUNTRY"), "unknown entity type"),
    ("entity type list", with_entity(type=["ORG"]), "must be a string"),
    (
        "timex month 13",
        small_prediction(timexes=[{**span(29, 35), "type": "DATE", "value": "2022-13-45"}]),
        "not a valid TIMEX3 DATE value",
    ),
    (
        "timex 29 February 2022",
        small_prediction(timexes=[{**span(29, 35), "type": "DATE", "value": "2022-02-29"}]),
        "not a valid TIMEX3",
    ),
    (
        "timex value number",
        small_prediction(timexes=[{**span(29, 35), "type": "DATE", "value": 2022}]),
        "must be a string",
    ),
    ("timex type", small_prediction(timexes=[{**span(29, 35), "type": "DAY"}]), "unknown TIMEX3 type"),
    ("timex mod", small_prediction(timexes=[{**span(29, 35), "mod": "ABOUT"}]), "unknown TIMEX3 mod"),
    ("another text", small_prediction(text=TEXT.replace("NATO", "OTAN")), "differs from the text"),
    ("id number", {"id": 7, "entities": []}, "string 'id'"),
    ("unknown document", {"id": "nope", "entities": []}, "unknown document id"),
    ("no layer key", {"id": SMALL_ID}, "no line has a key of any layer"),
    ("only unscored layers", {"id": SMALL_ID, "sentences": []}, "no line has a key of any layer"),
    ("sentence key", small_prediction(sentences=[{"start": 0, "end": 36, "type": "x"}]), "unknown key 'type'"),
]

for _name, _record, _needle in PREDICTION_RECORDS:
    CASES.append(Case(f"prediction: {_name}", evaluate_file(lines(_record)), 2, _needle, output=True))

RAW_PREDICTIONS = [
    ("empty file", "", "holds no documents"),
    ("blank lines", "\n \n\n", "holds no documents"),
    ("duplicate top-level key", '{"id": "small", "entities": [], "entities": []}\n', "appears twice"),
    (
        "duplicate nested key",
        '{"id": "small", "entities": [{"start": 0, "start": 1, "end": 4, "type": "ORG"}]}\n',
        "appears twice",
    ),
    ("duplicate document", lines(small_prediction(), small_prediction()), "duplicate document"),
    ("invalid JSON", '{"id": "small", "entities": [}\n', "not valid JSON"),
    ("NaN", '{"id": "small", "entities": [{"start": NaN, "end": 4, "type": "ORG"}]}\n', "NaN is not a JSON number"),
    (
        "Infinity",
        '{"id": "small", "entities": [{"start": 0, "end": Infinity, "type": "ORG"}]}\n',
        "Infinity is not a JSON number",
    ),
    (
        "nested 10,000 deep (lists)",
        '{"id": "small", "entities": ' + "[" * 10_000 + "]" * 10_000 + "}\n",
        "nested too deeply",
    ),
    (
        "nested 10,000 deep (objects)",
        '{"id": "small", "entities": [' + '{"a": ' * 10_000 + "1" + "}" * 10_000 + "]}\n",
        "nested too deeply",
    ),
    ("nested 900 deep", '{"id": "small", "entities": [' + "[" * 900 + "]" * 900 + "]}\n", "must be an object"),
    (
        "integer of 5,000 digits",
        '{"id": "small", "entities": [{"start": ' + "9" * 5000 + ', "end": 4}]}\n',
        "integer of 5000 digits",
    ),
    ("negative integer of 5,000 digits", '{"id": "small", "x": -' + "9" * 5000 + "}\n", "integer of 5000 digits"),
    ("a list line", "[1, 2]\n", "must be an object"),
    ("a string line", '"small"\n', "must be an object"),
    ("not UTF-8", b'{"id": "small", "entities": [], "x": "\xff"}\n', "not UTF-8"),
    ("UTF-16 with BOM", lines(small_prediction()).encode("utf-16"), "not UTF-8"),
    ("second line broken", lines(small_prediction()) + "{oops\n", ":2: not valid JSON"),
]

for _name, _content, _needle in RAW_PREDICTIONS:
    CASES.append(Case(f"predictions file: {_name}", evaluate_file(_content), 2, _needle, output=True))


@case("predictions: /dev/zero", 2, "is a device", output=True)
def _(folder):
    return ["evaluate", "--predictions", "/dev/zero", "--gold", str(small_gold(folder)), "--bootstrap", "0"]


@case("predictions: no such file", 2, "cannot be read", output=True)
def _(folder):
    return ["evaluate", "--predictions", str(folder / "missing.jsonl"), "--gold", str(small_gold(folder))]


@case("predictions: empty folder", 2, "holds no .ann file", output=True)
def _(folder):
    (folder / "brat").mkdir()
    return ["evaluate", "--predictions", str(folder / "brat"), "--gold", str(small_gold(folder))]


@case("predictions: --lenient does not excuse a layer that is not a list", 2, "must be a list", output=True)
def _(folder):
    return evaluate_file(lines(small_prediction(entities={})))(folder) + ["--lenient"]


@case("predictions: --lenient drops a bad item and scores the rest", 0, output=True)
def _(folder):
    bad = small_prediction(entities=[*SMALL_GOLD["entities"], {**span(0, 4), "type": "ORG", "label": "x"}])
    return evaluate_file(lines(bad))(folder) + ["--lenient"]


@case("predictions: the gold record itself is a valid prediction", 0, output=True)
def _(folder):
    return evaluate_file(lines(SMALL_GOLD))(folder)


@case("predictions: a line longer than the bound", 2, "longer than")
def _(folder):
    return evaluate_file(lines(small_prediction(), {"id": SMALL_ID, "pad": "x" * 4096}))(folder)


# ------------------------------------------------------------ offsets in another unit


def shifted(record: dict, convert: Callable[[int, int], tuple[int, int]]) -> dict:
    """``record`` with every span's offsets converted and its text dropped."""
    if isinstance(record, list):
        return [shifted(item, convert) for item in record]
    if not isinstance(record, dict):
        return record
    result = {k: shifted(v, convert) for k, v in record.items() if k != "text" or "start" not in record}
    if isinstance(record.get("start"), int):
        result["start"], result["end"] = convert(record["start"], record["end"])
    return result


def article_prediction(convert) -> Callable[[Path], list[str]]:
    """The shipped gold's export, offsets converted: scored against the shipped article."""

    def build(folder: Path) -> list[str]:
        from benchmark.corpus import load_shipped
        from benchmark.jsonl import document_to_json

        doc = load_shipped()[0]
        record = document_to_json(doc)
        prediction = {
            "id": record["id"],
            **shifted(
                {k: record[k] for k in ("entities", "clusters", "quotes", "events", "timexes")},
                lambda s, e: convert(doc.text, s, e),
            ),
        }
        path = write(folder, "predictions.jsonl", lines(prediction))
        return ["evaluate", "--predictions", str(path), "--bootstrap", "0"]

    return build


def utf8(text: str, start: int, end: int) -> tuple[int, int]:
    return len(text[:start].encode("utf-8")), len(text[:end].encode("utf-8"))


CONVENTIONS = [
    ("UTF-8 bytes", utf8, "as UTF-8 byte offsets"),
    ("inclusive ends", lambda text, s, e: (s, e - 1), "as inclusive ends"),
    ("1-based starts", lambda text, s, e: (s + 1, e), "as 1-based starts"),
    ("1-based starts and ends", lambda text, s, e: (s + 1, e + 1), "as 1-based offsets"),
    ("starts one early", lambda text, s, e: (s - 1, e), "as starts one character early"),
]

for _name, _convert, _needle in CONVENTIONS:
    CASES.append(Case(f"offsets: the article in {_name}", article_prediction(_convert), 2, _needle, output=True))


@case(
    "offsets: UTF-16 code units (a text beyond the Basic Multilingual Plane)",
    2,
    "as UTF-16 code unit offsets",
    output=True,
)
def _(folder):
    text = "\U0001f600 NATO met Russia. \U0001f600 Blinken met Lavrov in Geneva."
    names = ("NATO", "Russia", "Blinken", "Lavrov", "Geneva")
    spans = [(text.index(n), text.index(n) + len(n)) for n in names]
    gold = {"id": "emoji", "text": text, "entities": [{"start": s, "end": e, "type": "ORG"} for s, e in spans]}
    units = [(len(text[:s].encode("utf-16-le")) // 2, len(text[:e].encode("utf-16-le")) // 2) for s, e in spans]
    predictions = write(
        folder, "p.jsonl", lines({"id": "emoji", "entities": [{"start": s, "end": e, "type": "ORG"} for s, e in units]})
    )
    return ["evaluate", "--predictions", str(predictions), "--gold", str(write(folder, "g.jsonl", lines(gold)))]


@case("offsets: code points, a few off token boundaries, score with a warning", 0, output=True)
def _(folder):
    entities = [*SMALL_GOLD["entities"][:4], {"start": 55, "end": 61, "type": "PERSON"}]
    return evaluate_file(lines(small_prediction(entities=entities)))(folder)


# ------------------------------------------------------------ --gold corpora


def gold_case(*records_or_text, needle: str, status: int = 2, system: str = "oracle"):
    def build(folder: Path) -> list[str]:
        content = records_or_text[0] if isinstance(records_or_text[0], (str, bytes)) else lines(*records_or_text)
        gold = write(folder, "gold.jsonl", content)
        return ["evaluate", "--system", system, "--gold", str(gold), "--bootstrap", "50"]

    return build


GOLD_CASES = [
    ("duplicate document ids", (SMALL_GOLD, SMALL_GOLD), "duplicate document id"),
    ("reversed sentences", ({**SMALL_GOLD, "sentences": SMALL_GOLD["sentences"][::-1]},), "in text order"),
    ("overlapping sentences", ({**SMALL_GOLD, "sentences": [span(0, 36), span(29, 63)]},), "must not overlap"),
    ("an empty cluster", ({**SMALL_GOLD, "clusters": [{"mentions": []}]},), "at least one member"),
    ("a cluster as a number", ({**SMALL_GOLD, "clusters": [3]},), "must be a list of spans or an object"),
    (
        "a code as a list",
        ({**SMALL_GOLD, "events": [{**SMALL_GOLD["events"][0], "code": ["040"]}]},),
        "must be a string",
    ),
    (
        "an id as a list",
        ({**SMALL_GOLD, "entities": [{**span(0, 4), "type": "ORG", "id": ["E1"]}]},),
        "must be a string",
    ),
    (
        "an id used twice",
        (
            {
                **SMALL_GOLD,
                "entities": [{**span(0, 4), "type": "ORG", "id": "X"}, {**span(9, 15), "type": "GPE", "id": "X"}],
            },
        ),
        "used 2 times",
    ),
    ("an entity without type", ({**SMALL_GOLD, "entities": [span(0, 4)]},), "missing 'type'"),
    ("a timex without value", ({**SMALL_GOLD, "timexes": [{**span(29, 35), "type": "DATE"}]},), "missing 'value'"),
    (
        "a timex value 2022-13-45",
        ({**SMALL_GOLD, "timexes": [{**span(29, 35), "type": "DATE", "value": "2022-13-45"}]},),
        "not a valid TIMEX3",
    ),
    (
        "a quote without cue",
        ({**SMALL_GOLD, "quotes": [{"kind": "direct", "content": [span(38, 47)]}]},),
        "missing 'cue'",
    ),
    ("an unknown top-level key", ({**SMALL_GOLD, "tokens": []},), "unknown key 'tokens'"),
    ("a layer that is an object", ({**SMALL_GOLD, "entities": {}},), "must be a list"),
    ("no text", ({"id": SMALL_ID, "entities": []},), "needs string 'id' and 'text'"),
    ("no documents", ("",), "holds no documents"),
    (
        "nested 10,000 deep",
        ('{"id": "x", "text": "a", "entities": ' + "[" * 10_000 + "]" * 10_000 + "}\n",),
        "nested too deeply",
    ),
    (
        "an integer of 5,000 digits",
        ('{"id": "x", "text": "a", "date": ' + "7" * 5000 + "}\n",),
        "integer of 5000 digits",
    ),
    (
        "a span past the text",
        ({**SMALL_GOLD, "entities": [{"start": 0, "end": 99, "type": "ORG"}]},),
        "past the end of the text",
    ),
]

for _name, _records, _needle in GOLD_CASES:
    CASES.append(Case(f"--gold: {_name}", gold_case(*_records, needle=_needle), 2, _needle, output=True))


@case("--gold: /dev/zero", 2, "is a device", output=True)
def _(folder):
    return ["evaluate", "--system", "oracle", "--gold", "/dev/zero"]


@case("--gold: explicit mention ids M1 and M3 are kept", 0, output=True)
def _(folder):
    gold = {
        **SMALL_GOLD,
        "mentions": [{"id": "M1", **span(0, 4), "kind": "NOM"}, {"id": "M3", **span(9, 15), "kind": "NOM"}],
        "quotes": [{**SMALL_GOLD["quotes"][0], "addressee": span(19, 25)}],
    }
    gold["entities"] = [e for e in gold["entities"] if e["start"] not in (0, 9, 19)]
    return gold_case(gold, needle="")(folder)


# ------------------------------------------------------------ gold YAML (validate)


def yaml_case(body: str):
    def build(folder: Path) -> list[str]:
        return ["validate", str(write(folder, "gold.yaml", f"document: {DOC_ID}\n" + body))]

    return build


YAML_CASES = [
    (
        "an addressee given as a list",
        "quotes:\n  - {id: Q1, kind: direct, cue: {start: 0, end: 2}, content: "
        "[{start: 3, end: 5}], addressee: [M1]}\n",
        "'addressee' must be str",
    ),
    ("an empty cluster", "clusters:\n  - {id: C1, name: x, type: ORG, members: []}\n", "is empty"),
    (
        "a member given as a list",
        "clusters:\n  - {id: C1, name: x, type: ORG, members: [[E1]]}\n",
        "must be entity or mention ids",
    ),
    (
        "a code given as a list",
        "events:\n  - {id: V1, trigger: {start: 0, end: 2}, code: ['040'], arguments: [], "
        "realis: actual, polarity: positive}\n",
        "'code' must be",
    ),
    ("an id given as a list", "entities:\n  - {id: [E1], start: 0, end: 2, type: GPE}\n", "'id' must be str"),
    (
        "arguments given as a number",
        "events:\n  - {id: V1, trigger: {start: 0, end: 2}, code: '040', arguments: 3, "
        "realis: actual, polarity: positive}\n",
        "'arguments' must be list",
    ),
    (
        "a mod given as a list",
        "timexes:\n  - {id: T1, start: 0, end: 2, type: DATE, value: '2022', mod: [APPROX]}\n",
        "'mod' must be str",
    ),
    (
        "an alias bomb",
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
        "aliases",
    ),
    ("a duplicate key", "entities: []\nentities: []\n", "appears twice"),
    ("nesting 10,000 deep", "entities: " + "[" * 10_000 + "]" * 10_000 + "\n", "nested deeper"),
    ("nesting 100 deep", "entities: " + "[" * 100 + "]" * 100 + "\n", "nested deeper than 64"),
    (
        "an integer of 5,000 digits",
        "entities:\n  - {id: E1, start: " + "1" * 5000 + ", end: 2, type: GPE}\n",
        "more than 30 digits",
    ),
    ("not YAML", "entities: [\n", "not valid YAML"),
    (
        "a TIMEX3 value 2022-13-45",
        "timexes:\n  - {id: T1, start: 0, end: 2, type: DATE, value: '2022-13-45'}\n",
        "not a valid TIMEX3",
    ),
]

for _name, _body, _needle in YAML_CASES:
    CASES.append(Case(f"gold YAML: {_name}", yaml_case(_body), 2, _needle))


@case("gold YAML: not a mapping", 2, "must be a mapping with a 'document' id")
def _(folder):
    return ["validate", str(write(folder, "gold.yaml", "- 1\n- 2\n"))]


AGREEMENT_CASES = [
    ("a pass that is a list", "- 1\n", "must be a mapping with a 'document' id"),
    ("a document id given as a list", "document: [x]\n", "unknown document id ['x']"),
    ("an alias bomb", "document: &d x\nother: *d\n", "aliases"),
]

for _name, _body, _needle in AGREEMENT_CASES:
    CASES.append(
        Case(
            f"agreement: {_name}",
            (
                lambda body: (
                    lambda folder: [
                        "agreement",
                        str(ROOT / "annotations" / f"{DOC_ID}.yaml"),
                        str(write(folder, "b.yaml", body)),
                    ]
                )
            )(_body),
            2,
            _needle,
        )
    )


@case("agreement: /dev/zero", 2, "is a device")
def _(folder):
    return ["agreement", "/dev/zero", "/dev/zero"]


# ------------------------------------------------------------ validate agrees with evaluate


def validate_file(content: str):
    def build(folder: Path) -> list[str]:
        return ["validate", str(write(folder, "predictions.jsonl", content))]

    return build


def shipped_prediction(**changes) -> dict:
    return {"id": DOC_ID, "entities": [], **changes}


VALIDATE_CASES = [
    ("an empty file", "", 2, "holds no documents"),
    ("a duplicate document", lines(shipped_prediction(), shipped_prediction()), 2, "duplicate document"),
    (
        "a TIMEX3 value 2022-13-45",
        lines(shipped_prediction(timexes=[{"start": 287, "end": 296, "type": "DATE", "value": "2022-13-45"}])),
        2,
        "not a valid TIMEX3",
    ),
    ("an unknown key", lines(shipped_prediction(entites=[])), 2, "did you mean 'entities'"),
    ("a layer that is null", lines(shipped_prediction(entities=None)), 2, "must be a list"),
    ("no layer key", lines({"id": DOC_ID}), 2, "no line has a key"),
    ("a predictions line", lines(shipped_prediction()), 0, ""),
]

for _name, _content, _status, _needle in VALIDATE_CASES:
    CASES.append(Case(f"validate: {_name}", validate_file(_content), _status, _needle))


@case("validate: the gold export", 0)
def _(folder):
    return ["validate", str(ROOT / "annotations" / "export" / "jsonl" / "gold.jsonl")]


@case("validate: the BRAT export", 0)
def _(folder):
    return ["validate", str(ROOT / "annotations" / "export" / "brat")]


@case("validate: a BRAT folder with a T text that is a prefix", 2, "does not equal the document slice")
def _(folder):
    write(folder, f"brat/{DOC_ID}.ann", "T1\tGPE 0 2\tU\n")
    return ["validate", str(folder / "brat")]


# ------------------------------------------------------------ benchmark.yaml


def config_case(content: str):
    def build(folder: Path) -> list[str]:
        return ["evaluate", "--system", "mine", "--config", str(write(folder, "benchmark.yaml", content))]

    return build


CONFIG_CASES = [
    (
        "an alias bomb",
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
        "systems: {mine: {python: *h}}\n",
        "aliases",
    ),
    ("a merge key", "base: &base {python: 'a:b'}\nsystems:\n  mine:\n    <<: *base\n", "aliases"),
    ("a duplicate key", "systems:\n  mine: {python: 'a:b'}\n  mine: {python: 'c:d'}\n", "appears twice"),
    ("nesting 10,000 deep", "systems: " + "[" * 10_000 + "]" * 10_000 + "\n", "nested deeper"),
    (
        "an integer of 5,000 digits",
        "systems:\n  mine: {python: 'a:b', timeout: " + "9" * 5000 + "}\n",
        "more than 30 digits",
    ),
    ("not UTF-8", "systems: {mine: {python: '\udcff'}}\n", "not UTF-8"),
]

for _name, _content, _needle in CONFIG_CASES:
    content = _content.encode("utf-8", "surrogateescape")
    CASES.append(Case(f"benchmark.yaml: {_name}", config_case(content), 2, _needle, output=True))


@case("benchmark.yaml: /dev/zero", 2, "/dev/zero")
def _(folder):
    return ["evaluate", "--system", "mine", "--config", "/dev/zero"]


# ------------------------------------------------------------ result files given to compare


@pytest.fixture(scope="module")
def result_record(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("result")
    out = folder / "a.json"
    status, _, err = run_main(
        folder,
        "evaluate",
        "--system",
        "oracle",
        "--gold",
        str(small_gold(folder)),
        "--bootstrap",
        "0",
        "--output",
        str(out),
        "--format",
        "json",
    )
    assert status == 0, err
    return json.loads(out.read_text(encoding="utf-8"))


RESULT: dict = {}  # filled from the fixture before the cases run


def compare_case(change: Callable[[dict], object] | str | bytes):
    def build(folder: Path) -> list[str]:
        good = write(folder, "a.json", json.dumps(RESULT))
        if isinstance(change, (str, bytes)):
            bad = write(folder, "b.json", change)
        else:
            record = json.loads(json.dumps(RESULT))
            change(record)
            bad = write(folder, "b.json", json.dumps(record))
        return ["compare", str(good), str(bad)]

    return build


def entities_units(record: dict) -> dict:
    return record["layers"]["entities"]["units"]


COMPARE_CASES = [
    ("not JSON", "{oops", "not valid JSON"),
    ("empty", "", "not valid JSON"),
    ("a list", "[]", "expected a JSON object"),
    ("nested 10,000 deep", '{"layers": ' + "[" * 10_000 + "]" * 10_000 + "}", "nested too deeply"),
    ("an integer of 5,000 digits", '{"layers": ' + "1" * 5000 + "}", "integer of 5000 digits"),
    ("not UTF-8", b'{"layers": "\xff"}', "not UTF-8"),
    ("no dataset", lambda r: r.pop("dataset"), "dataset must be an object, not null"),
    ("no document list", lambda r: r["dataset"].pop("documents"), "dataset.documents"),
    ("layers a list", lambda r: r.update(layers=[]), "layers must be an object, not []"),
    ("no system", lambda r: r.pop("system"), "system must be an object"),
    ("units missing", lambda r: r["layers"]["entities"].pop("units"), "layers.entities.units must be an object"),
    ("stats not a list", lambda r: entities_units(r).update(stats="x"), "units.stats must be a list"),
    ("stats of strings", lambda r: entities_units(r).update(stats=[["1", "1", "1", "1"]]), "rows of numbers"),
    ("stats ragged", lambda r: entities_units(r).update(stats=[[1, 1, 1, 1], [1, 1]]), "equal length"),
    ("stats above the count", lambda r: entities_units(r).update(stats=[[5, 1, 1, 1]]), "num > den"),
    ("stats negative", lambda r: entities_units(r).update(stats=[[-1, 1, 1, 1]]), "non-negative"),
    ("stat kind unknown", lambda r: entities_units(r).update(stat_kind="bleu"), "unknown stat_kind"),
    ("stats empty", lambda r: entities_units(r).update(stats=[]), "layers.entities.units.stats is empty"),
    ("headline missing", lambda r: r["layers"]["entities"].pop("headline"), "layers.entities.headline must be"),
    ("other gold", lambda r: r["dataset"].update(sha256="0" * 64), "different gold (dataset sha256"),
    ("other documents", lambda r: r["dataset"].update(documents=["other"]), "different document sets"),
    (
        "other unit count",
        lambda r: entities_units(r).update(stats=entities_units(r)["stats"] * 2),
        "differ in the entities number of sentences",
    ),
]

for _name, _change, _needle in COMPARE_CASES:
    CASES.append(Case(f"compare: {_name}", compare_case(_change), 2, _needle))


@case("compare: /dev/zero", 2, "is a device")
def _(folder):
    return ["compare", "/dev/zero", "/dev/zero"]


@case("compare: no such file", 2, "cannot be read")
def _(folder):
    return ["compare", str(folder / "a.json"), str(folder / "b.json")]


@case("compare: a result with itself", 0)
def _(folder):
    return compare_case(lambda r: None)(folder) + ["--samples", "20"]


# ------------------------------------------------------------ usage

USAGE_CASES = [
    ("--limit 0", ["evaluate", "--system", "oracle", "--limit", "0"], "must be at least 1"),
    ("--limit -1", ["evaluate", "--system", "oracle", "--limit", "-1"], "must be at least 1"),
    ("--limit abc", ["evaluate", "--system", "oracle", "--limit", "abc"], "expected a whole number"),
    ("--limit of 5,000 digits", ["evaluate", "--system", "oracle", "--limit", "9" * 5000], "expected a whole number"),
    ("--seed -1", ["evaluate", "--system", "oracle", "--seed", "-1"], "must be at least 0"),
    ("--bootstrap -5", ["evaluate", "--system", "oracle", "--bootstrap", "-5"], "must be at least 0"),
    ("compare --samples 0", ["compare", "a.json", "b.json", "--samples", "0"], "must be at least 1"),
    ("compare --seed -3", ["compare", "a.json", "b.json", "--seed", "-3"], "must be at least 0"),
    (
        "--layers nonsense",
        ["evaluate", "--system", "oracle", "--layers", "entity,sentiment", "--bootstrap", "0"],
        "unknown layer",
    ),
    ("no source", ["evaluate"], "one of the arguments"),
    ("unknown system", ["evaluate", "--system", "orcale"], "oracle"),
    ("--output ''", ["evaluate", "--system", "oracle", "--output", ""], "the file name is empty"),
    ("unknown command", ["evalute"], "invalid choice"),
]

for _name, _args, _needle in USAGE_CASES:
    CASES.append(Case(f"usage: {_name}", (lambda args: lambda folder: list(args))(_args), 2, _needle))


# ------------------------------------------------------------ --output


def oracle_to(output: Callable[[Path], str | Path], *extra: str):
    def build(folder: Path) -> list[str]:
        return [
            "evaluate",
            "--system",
            "oracle",
            "--gold",
            str(small_gold(folder)),
            "--bootstrap",
            "0",
            "--output",
            str(output(folder)),
            *extra,
        ]

    return build


def fifo(folder: Path) -> Path:
    os.mkfifo(folder / "pipe.json")
    return folder / "pipe.json"


def symlink_to_folder(folder: Path) -> Path:
    (folder / "dir").mkdir()
    (folder / "link.json").symlink_to(folder / "dir")
    return folder / "link.json"


def under_a_file(folder: Path) -> Path:
    write(folder, "file.txt", "x")
    return folder / "file.txt" / "out.json"


OUTPUT_CASES = [
    ("a folder", lambda f: f, "it is a folder"),
    ("a folder with a trailing slash", lambda f: str(f) + "/", "it is a folder"),
    ("a FIFO", fifo, "it is a FIFO"),
    ("a device", lambda f: "/dev/null", "it is a device"),
    ("a symlink to a folder", symlink_to_folder, "it is a folder"),
    ("a parent that is a file", under_a_file, "not a folder"),
    ("a parent that does not exist", lambda f: f / "no" / "out.json", "not an existing folder"),
    ("an unwritable folder", lambda f: "/proc/out.json", "cannot write the output here"),
    ("a name too long", lambda f: f / ("x" * 300 + ".json"), "cannot write the output here"),
    ("the gold", lambda f: f / "gold.jsonl", "also an input"),
]

for _name, _target, _needle in OUTPUT_CASES:
    CASES.append(Case(f"--output: {_name}", oracle_to(_target), 2, _needle))


def onto_an_input(folder: Path, output: Path, *source: str) -> list[str]:
    """``benchmark evaluate SOURCE`` on the small gold, told to write its result onto ``output``."""
    return ["evaluate", *source, "--gold", str(small_gold(folder)), "--output", str(output)]


@case("--output: the predictions file", 2, "also an input")
def _(folder):
    predictions = write(folder, "p.jsonl", lines(small_prediction()))
    return onto_an_input(folder, predictions, "--predictions", str(predictions))


@case("--output: the predictions file through a symlink", 2, "also an input")
def _(folder):
    predictions = write(folder, "p.jsonl", lines(small_prediction()))
    (folder / "link.jsonl").symlink_to(predictions)
    return onto_an_input(folder, folder / "link.jsonl", "--predictions", str(predictions))


@case("--output: the systems file", 2, "also an input")
def _(folder):
    config = write(folder, "benchmark.yaml", "systems:\n  mine: {predictions: p.jsonl}\n")
    write(folder, "p.jsonl", lines(small_prediction()))
    return onto_an_input(folder, config, "--system", "mine", "--config", str(config))


@case("--output: the file of a file: system", 2, "also an input")
def _(folder):
    predictions = write(folder, "p.jsonl", lines(small_prediction()))
    return onto_an_input(folder, predictions, "--system", f"file:{predictions}")


@case("--output: the source of a python: system", 2, "also an input")
def _(folder):
    source = write(folder, "mine.py", "def predict(doc):\n    return {'id': doc['id'], 'entities': []}\n")
    return onto_an_input(folder, source, "--system", f"python:{source}:predict")


# ------------------------------------------------------------ system output (exit 3, nothing refused)


def system_case(body: str):
    def build(folder: Path) -> list[str]:
        source = write(folder, "mine.py", body)
        return [
            "evaluate",
            "--system",
            f"python:{source}:predict",
            "--gold",
            str(small_gold(folder)),
            "--bootstrap",
            "0",
        ]

    return build


SYSTEM_CASES = [
    ("an unknown key", "def predict(doc):\n    return {'id': doc['id'], 'entites': []}\n", "did you mean 'entities'"),
    ("a layer that is null", "def predict(doc):\n    return {'id': doc['id'], 'entities': None}\n", "must be a list"),
    (
        "UTF-8 byte offsets",
        "T = " + repr(TEXT) + "\ndef b(i):\n    return len(T[:i].encode('utf-8'))\n"
        "def predict(doc):\n    return {'id': doc['id'], 'entities': [{'start': b(s), "
        "'end': b(e), 'type': 'ORG'} for s, e in [(37, 38), (38, 40), "
        "(48, 49), (50, 54), (55, 62), (62, 63)]]}\n",
        "as UTF-8 byte offsets",
    ),
    (
        "a TIMEX3 value 2022-13-45",
        "def predict(doc):\n    return {'id': doc['id'], 'timexes': [{'start': 29, 'end': 35, 'type': "
        "'DATE', 'value': '2022-13-45'}]}\n",
        "not a valid TIMEX3",
    ),
]

for _name, _body, _needle in SYSTEM_CASES:
    CASES.append(Case(f"system output: {_name}", system_case(_body), 3, _needle, output=True))


# ------------------------------------------------------------ BRAT folders


def brat_case(ann: str | bytes):
    def build(folder: Path) -> list[str]:
        write(folder, f"brat/{SMALL_ID}.ann", ann)
        return ["evaluate", "--predictions", str(folder / "brat"), "--gold", str(small_gold(folder))]

    return build


BRAT_CASES = [
    ("a T text that is a prefix of its slice", "T1\tORG 0 4\tNAT\n", "does not equal the document slice"),
    ("a T text longer than its slice", "T1\tORG 0 4\tNATO met\n", "does not equal the document slice"),
    ("a T id used twice", "T1\tORG 0 4\tNATO\nT1\tGPE 9 15\tRussia\n", "used twice"),
    ("an A id used twice", "T1\tORG 0 4\tNATO\nA1\tX T1\nA1\tY T1\n", "used twice"),
    ("an offset of 5,000 digits", "T1\tORG 0 " + "9" * 5000 + "\tNATO\n", "must be 'START END' pairs"),
    ("not UTF-8", b"T1\tORG 0 4\tNAT\xff\n", "not UTF-8"),
]

for _name, _ann, _needle in BRAT_CASES:
    CASES.append(Case(f"BRAT: {_name}", brat_case(_ann), 2, _needle, output=True))


# ------------------------------------------------------------ the runner


def run_main(cwd: Path, *args: str) -> tuple[int, str, str]:
    """``benchmark ARGS`` in this process, from ``cwd``: (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = main(list(args))
            except SystemExit as exit_:
                status = exit_.code
    finally:
        os.chdir(previous)
    return status, out.getvalue(), err.getvalue()


def files_under(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Systems cache nor byte-compile into the folders whose contents the cases compare."""
    monkeypatch.setenv("DIPLOMACY_IE_CACHE", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setattr(sys, "dont_write_bytecode", True)


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 100
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("hostile", CASES, ids=[c.name for c in CASES])
def test_hostile_input(hostile: Case, tmp_path, result_record, monkeypatch):
    from benchmark import reading

    RESULT.update(result_record)
    monkeypatch.setattr(
        reading, "MAX_LINE_BYTES", 4096 if "longer than the bound" in hostile.name else reading.MAX_LINE_BYTES
    )
    args = hostile.build(tmp_path)
    out = tmp_path / "out.json"
    if hostile.output:
        args += ["--output", str(out), "--format", "json"]
    before = files_under(tmp_path)
    status, stdout, stderr = run_main(tmp_path, *args)
    assert status == hostile.status, stderr
    assert "Traceback" not in stderr and "Traceback" not in stdout
    assert hostile.needle in stderr, stderr
    if status == 2:
        assert files_under(tmp_path) == before, "exit 2 must write nothing"
    elif hostile.output:
        assert files_under(tmp_path) == before | {out}
        assert json.loads(out.read_text(encoding="utf-8"))["system"]


# ------------------------------------------------------------ what the cases cannot show alone


def test_warnings_count_spans_off_token_boundaries(tmp_path):
    entities = [*SMALL_GOLD["entities"][:4], {"start": 55, "end": 61, "type": "PERSON"}]
    build = evaluate_file(lines(small_prediction(entities=entities)))
    status, stdout, _ = run_main(tmp_path, *build(tmp_path))
    assert status == 0
    assert "warning: entities: 1 predicted span(s) of this layer do not sit on token boundaries" in stdout
    out = tmp_path / "out.json"
    run_main(tmp_path, *build(tmp_path), "--output", str(out), "--format", "json")
    assert json.loads(out.read_text())["warnings"] == [
        {
            "layer": "entities",
            "kind": "off_token_spans",
            "count": 1,
            "message": "1 predicted span(s) of this layer do not sit on token boundaries; they are scored as "
            "given, so they cannot match a gold span exactly",
        }
    ]


def test_output_keeps_the_usual_mode_and_writes_through_a_symlink(tmp_path):
    real = write(tmp_path, "real.json", "old")
    (tmp_path / "link.json").symlink_to(real)
    old_umask = os.umask(0o022)
    try:
        status, _, err = run_main(tmp_path, *oracle_to(lambda f: "link.json")(tmp_path), "--format", "json")
        new_status, _, _ = run_main(tmp_path, *oracle_to(lambda f: "new.json")(tmp_path))
    finally:
        os.umask(old_umask)
    assert status == 0 and new_status == 0, err
    assert (tmp_path / "link.json").is_symlink() and json.loads(real.read_text())["system"]["name"] == "oracle"
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o644


def test_output_is_checked_before_the_system_runs(tmp_path):
    source = write(
        tmp_path,
        "mine.py",
        "from pathlib import Path\n"
        "def predict(doc):\n    Path(__file__).with_name('ran').touch()\n"
        "    return {'id': doc['id'], 'entities': []}\n",
    )
    status, _, _ = run_main(
        tmp_path,
        "evaluate",
        "--system",
        f"python:{source}:predict",
        "--gold",
        str(small_gold(tmp_path)),
        "--output",
        str(tmp_path),
    )
    assert status == 2 and not (tmp_path / "ran").exists()


def test_a_relative_output_is_resolved_where_the_command_started(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    source = write(
        tmp_path,
        "mine.py",
        f"import os\ndef predict(doc):\n    os.chdir({str(elsewhere)!r})\n"
        "    return {'id': doc['id'], 'entities': []}\n",
    )
    try:
        status, _, err = run_main(
            tmp_path,
            "evaluate",
            "--system",
            f"python:{source}:predict",
            "--gold",
            str(small_gold(tmp_path)),
            "--bootstrap",
            "0",
            "--output",
            "result.json",
        )
    finally:
        os.chdir(ROOT)
    assert status == 0, err
    assert (tmp_path / "result.json").exists() and not (elsewhere / "result.json").exists()


def test_a_harness_bug_prints_one_line_unless_debugging(tmp_path, monkeypatch):
    import benchmark.evaluation

    def broken(config):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(benchmark.evaluation, "evaluate", broken)
    status, _, stderr = run_main(tmp_path, "evaluate", "--system", "oracle")
    assert status == 1 and "Traceback" not in stderr
    assert stderr.startswith("benchmark: internal error: ZeroDivisionError at test_hostile_inputs.py:")
    monkeypatch.setenv("BENCHMARK_DEBUG", "1")
    status, _, stderr = run_main(tmp_path, "evaluate", "--system", "oracle")
    assert status == 1 and "Traceback" in stderr


def test_the_signature_records_what_changes_the_numbers(tmp_path):
    gold = small_gold(tmp_path, SMALL_GOLD, {**SMALL_GOLD, "id": "second"})
    predictions = write(tmp_path, "p.jsonl", lines(small_prediction(), small_prediction(id="second")))
    signatures = {}
    for name, extra in {
        "default": [],
        "limit": ["--limit", "1"],
        "all": ["--limit", "2"],
        "lenient": ["--lenient"],
        "both": ["--lenient", "--limit", "1"],
    }.items():
        out = tmp_path / f"{name}.json"
        status, _, err = run_main(
            tmp_path,
            "evaluate",
            "--predictions",
            str(predictions),
            "--gold",
            str(gold),
            "--bootstrap",
            "0",
            "--output",
            str(out),
            "--format",
            "json",
            *extra,
        )
        assert status == 0, err
        signatures[name] = json.loads(out.read_text())["signature"]
    assert signatures["default"] == signatures["all"]  # a limit that keeps every document changes nothing
    assert "|limit:" not in signatures["default"] and "|lenient:" not in signatures["default"]
    assert signatures["limit"] == signatures["default"].replace("|harness:", "|limit:1|harness:")
    assert signatures["lenient"] == signatures["default"].replace("|harness:", "|lenient:yes|harness:")
    assert signatures["both"] == signatures["default"].replace("|harness:", "|limit:1|lenient:yes|harness:")
    # compare refuses to pair the partial run with the full one
    status, _, stderr = run_main(tmp_path, "compare", str(tmp_path / "default.json"), str(tmp_path / "limit.json"))
    assert status == 2 and "different document sets (2 vs 1 documents" in stderr


# ------------------------------------------------------------ cases that need a process of their own


def run_process(*args, env_extra: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "benchmark", *args], cwd=ROOT, env=env, capture_output=True, timeout=120, **kwargs
    )


GOLD_EXPORT = str(ROOT / "annotations" / "export" / "jsonl" / "gold.jsonl")


def test_an_ascii_only_terminal_gets_escapes_not_a_crash(tmp_path):
    predictions = write(tmp_path, "pr\u00e9dictions \u201cA\u201d.jsonl", Path(GOLD_EXPORT).read_text("utf-8"))
    result = run_process(
        "evaluate", "--predictions", str(predictions), "--bootstrap", "0", env_extra={"PYTHONIOENCODING": "ascii"}
    )
    assert result.returncode == 0, result.stderr
    assert b"system: pr\\xe9dictions \\u201cA\\u201d" in result.stdout
    bad = write(tmp_path, "\u201cbad\u201d.jsonl", "{oops\n")
    result = run_process("evaluate", "--predictions", str(bad), env_extra={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 2 and b"Traceback" not in result.stderr and b"\\u201cbad" in result.stderr


def test_a_non_utf8_file_name(tmp_path):
    name = os.fsencode(tmp_path) + b"/pr\xe9dictions.jsonl"
    with open(name, "wb") as handle:
        handle.write(Path(GOLD_EXPORT).read_bytes())
    out = os.fsencode(tmp_path) + b"/r\xe9sult.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmark",
            "evaluate",
            "--predictions",
            name,
            "--bootstrap",
            "0",
            "--output",
            out,
            "--format",
            "json",
        ],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(Path(os.fsdecode(out)).read_text("utf-8"))["system"]["name"] == "pr\udce9dictions"


@pytest.mark.parametrize("stdout", ["closed", "full", "pipe closed early"])
def test_stdout_that_cannot_be_written(tmp_path, stdout):
    args = [
        sys.executable,
        "-m",
        "benchmark",
        "evaluate",
        "--predictions",
        GOLD_EXPORT,
        "--bootstrap",
        "0",
        "--output",
        str(tmp_path / "out.json"),
    ]
    if stdout == "closed":
        result = subprocess.run(
            args, cwd=ROOT, stdout=None, stderr=subprocess.PIPE, timeout=120, preexec_fn=lambda: os.close(1)
        )
        stderr, status = result.stderr, result.returncode
    elif stdout == "full":
        with open("/dev/full", "w") as full:
            result = subprocess.run(args, cwd=ROOT, stdout=full, stderr=subprocess.PIPE, timeout=120)
        stderr, status = result.stderr, result.returncode
    else:
        process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        process.stdout.close()  # the reader is gone before the first line, as `| head -0`
        stderr = process.stderr.read()
        status = process.wait(timeout=120)
    assert status == 2, stderr
    assert stderr.decode().startswith("benchmark: error: cannot write to standard output")
    assert b"Traceback" not in stderr and b"Exception ignored" not in stderr
    assert not (tmp_path / "out.json").exists() and list(tmp_path.iterdir()) == []
