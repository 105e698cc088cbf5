"""Reading YAML: libyaml's parser when present, with the pure-Python loader's data, safety and messages."""

from __future__ import annotations

import pytest
import yaml

from benchmark.gold import FAST_SAFE_LOADER, read_yaml

from .conftest import ROOT

SHIPPED_YAML = sorted((ROOT / "annotations").rglob("*.yaml")) + sorted((ROOT / "corpus").glob("*.yaml"))


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")
def test_the_c_parser_is_used_when_pyyaml_has_it():
    assert FAST_SAFE_LOADER is yaml.CSafeLoader


@pytest.mark.parametrize("path", SHIPPED_YAML, ids=lambda p: p.name)
def test_shipped_yaml_reads_as_the_pure_python_safe_loader_reads_it(path):
    data, problems = read_yaml(path)
    assert not problems
    expected = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    assert repr(data) == repr(expected)  # same values, types and key order


def test_python_tags_are_refused_not_run(tmp_path):
    marker = tmp_path / "ran"
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"document: !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    data, problems = read_yaml(bad)
    assert data is None and not marker.exists()
    assert [(p.item, p.reason) for p in problems] == [
        ("line 1", "is not valid YAML: could not determine a constructor for the tag "
                   "'tag:yaml.org,2002:python/object/apply:os.system'")]


def test_a_syntax_error_gets_the_pure_python_message(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("document: x\n\tentities: []\n", encoding="utf-8")
    data, problems = read_yaml(bad)
    assert data is None
    assert [(p.item, p.reason) for p in problems] == [
        ("line 2", "is not valid YAML: found character '\\t' that cannot start any token")]
