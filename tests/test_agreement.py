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
    b.events = [dataclasses.replace(e, code=e.code[:2]) if len(e.code) == 3 and e.code.endswith("0") else e
                for e in a.events]
    assert any(len(e.code) == 2 for e in b.events)
    rows = {row.call: row for row in kappa_rows(a, b)}
    assert rows["CAMEO code"].observed == 1.0
