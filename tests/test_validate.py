import yaml

from benchmark.corpus import load_shipped
from benchmark.gold import document_to_yaml_data, format_gold_yaml
from benchmark.validate import check_document

from .conftest import GOLD, run_cli


def test_shipped_gold_validates():
    result = run_cli("validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"ok: {GOLD}\n"


def test_canonical_yaml_round_trips():
    (doc,) = load_shipped()
    text = GOLD.read_text(encoding="utf-8")
    assert format_gold_yaml(document_to_yaml_data(doc)) == text


def test_three_faults_are_all_named_with_exit_2(tmp_path):
    data = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    shifted, relabelled = data["entities"][0], data["entities"][1]
    shifted["start"] += 1
    shifted["end"] += 1
    relabelled["type"] = "COUNTRY"
    data["clusters"][0]["members"].append("M999")
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run_cli("validate", str(broken))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{shifted['id']}: text" in result.stderr and "does not equal the document slice" in result.stderr
    assert f"{relabelled['id']}: unknown entity type 'COUNTRY'" in result.stderr
    assert f"{data['clusters'][0]['id']}: member 'M999' is not an entity or mention id" in result.stderr


def test_malformed_yaml_is_reported_not_raised(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("document: x\nentities: [\n", encoding="utf-8")
    result = run_cli("validate", str(bad))
    assert result.returncode == 2 and "not valid YAML" in result.stderr and "Traceback" not in result.stderr


def test_gold_spans_must_sit_on_token_edges():
    (doc,) = load_shipped()
    from dataclasses import replace

    from benchmark.model import Entity, Span

    start = doc.text.index("Russia’s")
    doc = replace(
        doc,
        entities=[
            Entity("E1", Span(start, start + 8, "Russia’s"), "GPE"),
            Entity("E2", Span(start, start + 4, "Russ"), "GPE"),
        ],
        clusters=[],
    )
    reasons = [p.reason for p in check_document(doc, "x", gold=True)]
    # E1 "Russia’s" ends on a token edge (the clitic is a token) but overlaps E2; E2 "Russ" ends inside one.
    assert sum("overlaps entity" in r for r in reasons) == 1
    assert sum("ends inside a token" in r for r in reasons) == 1
