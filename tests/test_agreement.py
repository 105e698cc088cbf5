from collections import Counter

import yaml

from benchmark.agreement import agreement_markdown

from .conftest import ROOT

PASSES = ROOT / "annotations" / "passes"


def test_agreement_report_holds_the_commands_figures():
    report = (ROOT / "annotations" / "AGREEMENT.md").read_text(encoding="utf-8")
    block = report.split("<!-- agreement:start -->\n")[1].split("<!-- agreement:end -->")[0]
    assert block == agreement_markdown(PASSES / "a.yaml", PASSES / "b.yaml")


def test_pass_jsonl_files_are_current():
    from benchmark.agreement import load_pass
    from benchmark.jsonl import document_to_json, read_jsonl

    for name in ("a", "b"):
        ((_, record),) = list(read_jsonl(PASSES / f"{name}.jsonl"))
        assert record == document_to_json(load_pass(PASSES / f"{name}.yaml"))


def test_a_root_code_agrees_with_its_not_specified_below_form():
    import copy
    import dataclasses

    from benchmark.agreement import kappa_rows, load_pass

    a = load_pass(PASSES / "a.yaml")
    b = copy.copy(a)
    # pass B as pass A, with every "not specified below" code written as its root ("050" -> "05")
    b.events = [
        dataclasses.replace(e, code=e.code[:2]) if len(e.code) == 3 and e.code.endswith("0") else e for e in a.events
    ]
    assert any(len(e.code) == 2 for e in b.events)
    rows = {row.call: row for row in kappa_rows(a, b)}
    assert rows["CAMEO code"].observed == 1.0


# --- the figures recounted from the two passes in plain Python ----------------------------------


def read_pass(name: str) -> dict:
    return yaml.safe_load((PASSES / f"{name}.yaml").read_text(encoding="utf-8"))


def agreement_tables() -> tuple[dict, dict]:
    """The report's two tables: (layer, metric) -> (P, R, F1) cells, call -> (matched, observed, kappa) cells."""
    report = (ROOT / "annotations" / "AGREEMENT.md").read_text(encoding="utf-8")
    block = report.split("<!-- agreement:start -->\n")[1].split("<!-- agreement:end -->")[0]
    metrics_part, kappa_part = block.split("\n\n")
    metrics = {}
    for line in metrics_part.splitlines()[2:]:
        layer, metric, *cells = (cell.strip() for cell in line.strip("|").split("|"))
        metrics[layer, metric] = tuple(cells)
    kappas = {}
    for line in kappa_part.splitlines()[2:]:
        call, *cells = (cell.strip() for cell in line.strip("|").split("|"))
        kappas[call] = tuple(cells)
    return metrics, kappas


def three_places(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def prf_cells(correct: int, predicted: int, gold: int) -> tuple[str, str, str]:
    precision, recall = correct / predicted, correct / gold
    f1 = 2 * precision * recall / (precision + recall) if correct else 0.0
    return tuple(three_places(v) for v in (precision, recall, f1))


def matched_of(a_items: list, b_items: list) -> int:
    """One-to-one matches of equal keys (a key repeated n times matches up to n times)."""
    return sum((Counter(a_items) & Counter(b_items)).values())


def cohen_kappa(labels_a: list, labels_b: list) -> float | None:
    n = len(labels_a)
    observed = sum(x == y for x, y in zip(labels_a, labels_b)) / n
    count_a, count_b = Counter(labels_a), Counter(labels_b)
    chance = sum(count_a[label] * count_b[label] for label in count_a) / n**2
    return None if chance == 1 else (observed - chance) / (1 - chance)


def span(item: dict) -> tuple[int, int]:
    return (item["start"], item["end"])


def test_agreement_figures_recount_from_the_passes():
    a, b = read_pass("a"), read_pass("b")
    metrics, kappas = agreement_tables()

    entity = lambda e: (*span(e), e["type"])  # noqa: E731
    assert metrics["entities", "strict"] == prf_cells(
        matched_of([entity(e) for e in a["entities"]], [entity(e) for e in b["entities"]]),
        len(b["entities"]),
        len(a["entities"]),
    )
    trigger = lambda v: span(v["trigger"])  # noqa: E731
    root = lambda v: (*trigger(v), v["code"][:2])  # noqa: E731
    assert metrics["events", "trigger_i"] == prf_cells(
        matched_of([trigger(v) for v in a["events"]], [trigger(v) for v in b["events"]]),
        len(b["events"]),
        len(a["events"]),
    )
    assert metrics["events", "trigger_c"] == prf_cells(
        matched_of([root(v) for v in a["events"]], [root(v) for v in b["events"]]), len(b["events"]), len(a["events"])
    )
    # The passes mark the same entity and timex spans, so overlap matching pairs them all.
    assert sorted(map(span, a["entities"])) == sorted(map(span, b["entities"]))
    assert metrics["entities", "partial"] == ("1.000",) * 3
    timex = lambda t: (*span(t), t["value"])  # noqa: E731
    assert sorted(map(timex, a["timexes"])) == sorted(map(timex, b["timexes"]))
    assert metrics["timexes", "relaxed"] == metrics["timexes", "value"] == ("1.000",) * 3
    assert metrics["timexes", "value accuracy (relaxed matches)"] == ("", "", "1.000")

    def same_offsets(layer: str, key, label) -> tuple[list, list]:
        b_by_key = {key(item): item for item in b[layer]}
        pairs = [(item, b_by_key[key(item)]) for item in a[layer] if key(item) in b_by_key]
        return [label(x) for x, _ in pairs], [label(y) for _, y in pairs]

    content = lambda q: tuple(span(part) for part in q["content"])  # noqa: E731
    calls = {
        "entity type": same_offsets("entities", span, lambda e: e["type"]),
        "quote kind": same_offsets("quotes", content, lambda q: q["kind"]),
        "CAMEO root": same_offsets("events", trigger, lambda v: v["code"][:2]),
        "realis": same_offsets("events", trigger, lambda v: v["realis"]),
        "polarity": same_offsets("events", trigger, lambda v: v["polarity"]),
        "timex type": same_offsets("timexes", span, lambda t: t["type"]),
        "timex value": same_offsets("timexes", span, lambda t: t["value"]),
    }
    for call, (labels_a, labels_b) in calls.items():
        observed = sum(x == y for x, y in zip(labels_a, labels_b)) / len(labels_a)
        expected = (str(len(labels_a)), three_places(observed), three_places(cohen_kappa(labels_a, labels_b)))
        assert kappas[call] == expected, call
