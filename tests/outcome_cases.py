"""A predictions file made from the gold with one error of each kind per layer.

Every change is made to its own gold item, so each category's count is known
exactly; ``EXPECTED`` lists them (see the comments for the counts above one).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD_JSONL = ROOT / "annotations" / "export" / "jsonl" / "gold.jsonl"

EXPECTED = {
    "entities": {"correct": 68, "type": 1, "boundary": 1, "boundary-type": 1, "missed": 1, "spurious": 1},
    "quotes": {
        "correct": 11,
        "wrong_speaker": 1,
        "content_boundary": 1,
        "wrong_cue": 1,
        "wrong_kind": 1,
        "missed": 1,
        "spurious": 1,
    },
    # A missed event's argument is missed too, and the arguments of a pair with the
    # wrong root are never claimed: missing_argument = 1 + 1 (V12) + 1 (V16) + 1 (V9),
    # spurious_argument = 1 + 1 (V16) + 1 (V9).
    "events": {
        "correct": 25,
        "wrong_quad": 1,
        "wrong_root": 1,
        "wrong_fine_code": 1,
        "wrong_realis": 1,
        "wrong_polarity": 1,
        "missed_trigger": 1,
        "spurious_trigger": 1,
        "correct_argument": 60,
        "wrong_role": 1,
        "missing_argument": 4,
        "spurious_argument": 3,
    },
    "timexes": {"correct": 3, "boundary": 1, "wrong_type": 1, "wrong_value": 1, "missed": 1, "spurious": 1},
    "coref": {
        "correct": 19,
        "split": 1,
        "missed_mentions": 1,
        "merged": 1,
        "spurious_mentions": 1,
        "missed": 1,
        "spurious": 1,
    },
}


def gold_record() -> dict:
    return json.loads(GOLD_JSONL.read_text(encoding="utf-8").splitlines()[0])


class _Editor:
    def __init__(self, gold: dict):
        self.text = gold["text"]
        self.pred = {key: copy.deepcopy(gold[key]) for key in ("id", "entities", "quotes", "events", "timexes")}
        # Clusters by name while they are edited; new ones get names of their own.
        self.clusters = {
            c["name"]: [{k: m[k] for k in ("start", "end", "text")} for m in c["mentions"]] for c in gold["clusters"]
        }

    def span(self, phrase: str, after: int = 0) -> dict:
        start = self.text.index(phrase, after)
        return {"start": start, "end": start + len(phrase), "text": phrase}

    def by_id(self, layer: str, item_id: str) -> dict:
        return next(item for item in self.pred[layer] if item["id"] == item_id)

    def drop(self, layer: str, item_id: str) -> None:
        self.pred[layer].remove(self.by_id(layer, item_id))


def one_error_of_each_kind() -> dict:
    e = _Editor(gold_record())
    # entities
    e.by_id("entities", "E2")["type"] = "GPE"  # type
    e.by_id("entities", "E5").update(e.span("United States", 63))  # boundary
    e.by_id("entities", "E10").update(e.span("Blinken", 264), type="ORG")  # boundary-type
    e.drop("entities", "E4")  # missed
    e.pred["entities"].append({**e.span("deliver"), "type": "EVENT"})  # spurious
    # quotes
    e.by_id("quotes", "Q5").update(source=None, source_name="Alexander Grushko")  # wrong_speaker
    e.by_id("quotes", "Q2")["content"] = [{"start": 519, "end": 586}]  # content_boundary
    e.by_id("quotes", "Q1")["cue"] = e.span("Antony Blinken")  # wrong_cue
    e.by_id("quotes", "Q3")["kind"] = "indirect"  # wrong_kind
    e.drop("quotes", "Q4")  # missed
    e.pred["quotes"].append(
        {
            "kind": "indirect",
            "cue": e.span("deliver"),  # spurious
            "content": [e.span("US and NATO deliver responses to Russian demands over Ukraine")],
        }
    )
    # events
    e.by_id("events", "V9")["code"] = "112"  # wrong_quad: 012 -> 112, verbal cooperation -> conflict
    e.by_id("events", "V16")["code"] = "046"  # wrong_root: 011 -> 046, both verbal cooperation
    e.by_id("events", "V26")["code"] = "013"  # wrong_fine_code: 012 -> 013
    e.by_id("events", "V29")["realis"] = "actual"  # wrong_realis
    e.by_id("events", "V30")["polarity"] = "negative"  # wrong_polarity
    e.drop("events", "V12")  # missed_trigger
    e.pred["events"].append(
        {"trigger": e.span("written"), "code": "010", "arguments": [], "realis": "actual", "polarity": "positive"}
    )  # spurious_trigger
    e.by_id("events", "V7")["arguments"].pop()  # missing_argument
    e.by_id("events", "V8")["arguments"].append({"role": "target", **e.span("Russia", 700)})  # spurious_argument
    e.by_id("events", "V20")["arguments"][0]["role"] = "target"  # wrong_role
    # timexes
    e.by_id("timexes", "T4").update(e.span("past few weeks", 2405))  # boundary
    e.by_id("timexes", "T3")["type"] = "TIME"  # wrong_type
    e.by_id("timexes", "T1")["value"] = "2022-01-27"  # wrong_value
    e.drop("timexes", "T2")  # missed
    e.pred["timexes"].append({**e.span("Shortly"), "type": "DATE", "value": "PRESENT_REF"})  # spurious
    # coreference
    clusters = e.clusters
    clusters["Stoltenberg, part 2"] = clusters["Jens Stoltenberg"][2:]  # split
    del clusters["Jens Stoltenberg"][2:]
    clusters["Belarus"] += clusters.pop("S-400")  # merged
    blinken = clusters["Antony Blinken"]  # missed_mentions
    blinken.remove(next(m for m in blinken if m["text"] == "he"))
    clusters["the allies of the United States"].append(e.span("partners", 600))  # spurious_mentions
    del clusters["Europe"]  # missed
    clusters["invented"] = [e.span("deliver"), e.span("demands")]  # spurious
    e.pred["clusters"] = list(clusters.values())
    for quote in e.pred["quotes"]:
        for span in quote["content"]:
            span["text"] = e.text[span["start"] : span["end"]]
    return e.pred


def write_one_error_of_each_kind(path: Path) -> Path:
    path.write_text(json.dumps(one_error_of_each_kind(), ensure_ascii=False) + "\n", encoding="utf-8")
    return path
