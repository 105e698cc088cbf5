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
