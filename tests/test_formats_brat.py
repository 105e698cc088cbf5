"""BRAT standoff: lossless round trip, configuration, predictions, errors.

``synthetic_document()`` (every layer filled) is shared with the other format tests.
"""

import re
from dataclasses import fields

import pytest

from benchmark.corpus import load_shipped
from benchmark.errors import InputError
from benchmark.formats.brat import (
    annotation_conf,
    parse_ann,
    read_brat,
    read_brat_predictions,
    to_ann,
    unknown_documents,
    write_brat,
)
from benchmark.jsonl import parse_prediction
from benchmark.model import (
    Argument,
    Cluster,
    Document,
    Entity,
    Event,
    Mention,
    Quote,
    Section,
    Sentence,
    Span,
    Timex,
)
from benchmark.records import records_from_document

SYNTHETIC_TEXT = (
    "Antony Blinken said on Wednesday that the US\u00a0ambassador, John Sullivan, delivered "
    "Washington\u2019s reply to Moscow.\n\n"
    "\u201cWe will read it,\u201d he told reporters, \u201cand study it.\n"
    "The partners studied our project for almost a month and a half.\u201d\n"
)
ANNOTATION_LAYERS = ("entities", "mentions", "clusters", "quotes", "events", "timexes")


def span_of(phrase: str, nth: int = 0, text: str = SYNTHETIC_TEXT) -> Span:
    starts = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)]
    start = starts[nth]
    return Span(start, start + len(phrase), phrase)


def spanning(first: str, last: str) -> Span:
    start, end = span_of(first).start, span_of(last).end
    return Span(start, end, SYNTHETIC_TEXT[start:end])


def synthetic_document() -> Document:
    """A small document with every layer filled, including a quote split by its cue whose
    second part crosses a line break, a repeated event role and a cluster headed by a mention."""
    lines = SYNTHETIC_TEXT.split("\n")
    s1 = Span(0, len(lines[0]), lines[0])
    s2 = spanning("\u201cWe will", "study it.")
    s3 = spanning("The partners", "half.\u201d")
    return Document(
        id="synthetic-doc",
        text=SYNTHETIC_TEXT,
        date="2022-01-26",
        sentences=[Sentence("S1", s1), Sentence("S2", s2), Sentence("S3", s3)],
        sections=[Section("P1", "body", spanning("Antony", "half.\u201d"))],
        entities=[
            Entity("E1", span_of("Antony Blinken"), "PERSON"),
            Entity("E2", span_of("Wednesday"), "DATE"),
            Entity("E3", span_of("US"), "GPE"),
            Entity("E4", span_of("John Sullivan"), "PERSON"),
            Entity("E5", span_of("Washington"), "GPE"),
            Entity("E6", span_of("Moscow"), "GPE"),
            Entity("E8", span_of("almost a month and a half"), "DATE"),  # ids need not be contiguous
        ],
        mentions=[
            Mention("M1", span_of("the US\u00a0ambassador"), "NOM"),
            Mention("M2", span_of("he"), "PRO"),
            Mention("M3", span_of("reporters"), "NOM"),
            Mention("M4", span_of("The partners"), "NOM"),
            Mention("M5", span_of("our"), "PRO"),
        ],
        clusters=[
            Cluster("C1", "Antony Blinken", "PERSON", ("E1", "M2")),
            Cluster("C2", "John Sullivan", "PERSON", ("E4", "M1")),
            Cluster("C3", "United States", "GPE", ("E3", "E5")),
            Cluster("C4", "Russia", "GPE", ("M5", "E6")),
            Cluster("C5", 'reporters "in the room"', "OTHER", ("M3",)),
        ],
        quotes=[
            Quote("Q1", "indirect", span_of("said"), (spanning("the US", "Moscow"),), "E1"),
            Quote(
                "Q2",
                "direct",
                span_of("told"),
                (span_of("We will read it"), spanning("and study", "half.")),
                "M2",
                "M3",
            ),
        ],
        events=[
            Event(
                "V1",
                span_of("delivered"),
                "036",
                (
                    Argument("source", "M1"),
                    Argument("target", "E6"),
                    Argument("target", "E5"),
                    Argument("time", "T1"),
                    Argument("place", "E3"),
                ),
                "actual",
                "positive",
            ),
            Event("V2", span_of("studied"), "04", (Argument("source", "M4"),), "other", "negative"),
        ],
        timexes=[
            Timex("T1", span_of("Wednesday"), "DATE", "2022-01-26"),
            Timex("T2", span_of("almost a month and a half"), "DURATION", "P1.5M", "APPROX"),
        ],
    )


def assert_same_annotations(actual: Document, expected: Document) -> None:
    for layer in ANNOTATION_LAYERS:
        assert getattr(actual, layer) == getattr(expected, layer), layer
        for a, e in zip(getattr(actual, layer), getattr(expected, layer)):
            for f in fields(e):
                if isinstance(getattr(e, f.name), Span):
                    assert getattr(a, f.name).text == getattr(e, f.name).text


def test_round_trip_keeps_every_annotation_layer(tmp_path):
    doc = synthetic_document()
    write_brat(doc, tmp_path)
    assert (tmp_path / "synthetic-doc.txt").read_bytes() == SYNTHETIC_TEXT.encode("utf-8")
    assert_same_annotations(read_brat(tmp_path, doc.id, doc.text), doc)


def test_round_trip_on_shipped_gold(tmp_path):
    for doc in load_shipped():
        write_brat(doc, tmp_path)
        assert_same_annotations(read_brat(tmp_path, doc.id, doc.text), doc)


def test_standoff_lines_follow_brat_conventions():
    ann = to_ann(synthetic_document())
    lines = ann.splitlines()
    assert "T1\tPERSON 0 14\tAntony Blinken" in lines

    def count(pattern: str) -> int:
        return sum(bool(re.fullmatch(pattern, x)) for x in lines)

    assert count(r"E\d+\tEvent:T\d+ Source:T\d+ Target:T\d+ Target2:T\d+ Time:T\d+ Place:T\d+") == 1  # V1
    assert count(r"E\d+\tQuote:T\d+ Content:T\d+ Source:T\d+ Addressee:T\d+") == 1  # Q2
    assert count(r"A\d+\tCAMEO E\d+ 036") == 1
    assert count(r"A\d+\tTimexMod T\d+ APPROX") == 1
    # Clusters C1-C4 have two members each, C5 one: four Coref lines with two ids, one with one.
    assert sorted(len(x.split()) for x in lines if x.startswith("*\tCoref ")) == [3, 4, 4, 4, 4]
    assert count(r"#\d+\tAnnotatorNotes T\d+\tid=T2 value=P1\.5M") == 1
    # The second content part crosses a line break: three fragments, none holding the break.
    content = next(x for x in lines if "\tContent " in x and ";" in x)
    assert content.count(";") == 2 and "\n" not in content
    assert 'cluster_name="reporters \\"in the room\\""' in ann


def test_annotation_conf_declares_every_type_used():
    conf = annotation_conf()
    sections: dict[str, list[str]] = {}
    current = None
    for line in conf.splitlines():
        if line.startswith("["):
            current = line.strip("[]")
        elif line and not line.startswith("#"):
            sections.setdefault(current, []).append(line)
    entities = set(sections["entities"])
    events = {line.split("\t")[0]: line.split("\t")[1] for line in sections["events"]}
    attributes = {line.split("\t")[0]: line.split("\t")[1] for line in sections["attributes"]}
    relations = {line.split("\t")[0] for line in sections["relations"]}
    for line in to_ann(synthetic_document()).splitlines():
        ident, data = line.split("\t")[:2]
        if ident.startswith("T"):
            assert data.split()[0] in entities | set(events), line
        elif ident.startswith("E"):
            type_, *roles = data.split()
            assert type_.split(":")[0] in events, line
            for role in roles:
                assert role.split(":")[0].rstrip("0123456789") in events[type_.split(":")[0]], line
        elif ident.startswith("A"):
            name, _, value = data.split()
            assert name in attributes and value in attributes[name].split("Value:")[1].split("|"), line
        elif ident == "*":
            assert data.split()[0] in relations, line


def test_predictions_from_brat_are_valid_and_score_as_the_gold(tmp_path):
    doc = synthetic_document()
    write_brat(doc, tmp_path)
    predictions = read_brat_predictions(tmp_path, [{"id": doc.id, "text": doc.text}])
    record, problems = parse_prediction(predictions[doc.id], doc.text, str(tmp_path), 1)
    assert problems == []
    gold = records_from_document(doc)
    assert sorted(record.entities, key=repr) == sorted(gold.entities, key=repr)
    assert sorted(record.timexes, key=repr) == sorted(gold.timexes, key=repr)
    assert sorted(map(sorted, record.clusters)) == sorted(map(sorted, gold.clusters))
    assert [(q.cue, q.content, q.source, q.addressee, q.kind) for q in record.quotes] == [
        (q.cue, q.content, q.source, q.addressee, q.kind) for q in gold.quotes
    ]
    assert record.quotes[1].source_name == "Antony Blinken"
    assert [(e.trigger, e.code, [a.offsets for a in e.arguments]) for e in record.events] == [
        (e.trigger, e.code, [a.offsets for a in e.arguments]) for e in gold.events
    ]


def test_hand_made_brat_file_without_notes_gets_fresh_ids(tmp_path):
    text = "Blinken met Lavrov in Geneva."
    (tmp_path / "d.ann").write_text(
        "T1\tPERSON 0 7\tBlinken\nT2\tPERSON 12 18\tLavrov\nT3\tEvent 8 11\tmet\n"
        "E1\tEvent:T3 Source:T1 Target:T2\nA1\tCAMEO E1 04\nR1\tOther Arg1:T1 Arg2:T2\n"
        "T4\tGPE 22 28\tGeneva\nN1\tReference T4 GeoNames:2660646\tGeneva\n",
        encoding="utf-8",
    )
    doc = read_brat(tmp_path, "d", text)
    assert [(e.id, e.span.text) for e in doc.entities] == [("E1", "Blinken"), ("E2", "Lavrov"), ("E3", "Geneva")]
    assert doc.events == [
        Event("V1", Span(8, 11), "04", (Argument("source", "E1"), Argument("target", "E2")), None, None)
    ]
    prediction = read_brat_predictions(tmp_path, [{"id": "d", "text": text}])["d"]
    assert prediction["events"][0]["code"] == "04" and prediction["clusters"] == []


def test_text_that_is_not_the_slice_names_file_and_line(tmp_path):
    text = "Blinken met Lavrov."
    (tmp_path / "d.ann").write_text("T1\tPERSON 0 7\tBlinken\nT2\tPERSON 11 17\tLavrov\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"d\.ann:2: T2: text 'Lavrov' does not equal the document slice"):
        read_brat_predictions(tmp_path, [{"id": "d", "text": text}])


@pytest.mark.parametrize(
    "line, reason",
    [
        ("T1\tPERSON 0 x\tBlink", "START END"),
        ("T1\tPERSON 0 99\tBlinken", "inside the text"),
        ("E1\tEvent:T9", "no T or E line defines"),
        ("Q1\tsomething", "unknown standoff line"),
    ],
)
def test_malformed_lines_are_input_errors(tmp_path, line, reason):
    with pytest.raises(InputError, match=reason):
        parse_ann(line + "\n", "Blinken met Lavrov.", "x.ann")


def test_prediction_folder_checks(tmp_path):
    (tmp_path / "other.ann").write_text("", encoding="utf-8")
    (tmp_path / "d.ann").write_text("T1\tORG 0 4\tNATO\n", encoding="utf-8")
    documents = [{"id": "d", "text": "NATO"}, {"id": "absent", "text": "x"}]
    assert list(read_brat_predictions(tmp_path, documents)) == ["d"]
    assert unknown_documents(tmp_path, {"d", "absent"}) == ["other.ann"]
    with pytest.raises(InputError, match="not a folder"):
        read_brat_predictions(tmp_path / "missing", [{"id": "d", "text": "x"}])


def test_a_text_file_that_differs_is_refused(tmp_path):
    doc = synthetic_document()
    write_brat(doc, tmp_path)
    (tmp_path / "synthetic-doc.txt").write_text(doc.text.replace("\n", "\r\n"), encoding="utf-8", newline="")
    with pytest.raises(InputError, match="differs from the text"):
        read_brat(tmp_path, doc.id, doc.text)
