"""Reading YAML: libyaml's parser when present, with the pure-Python loader's data, safety and messages."""

from __future__ import annotations

import pytest
import yaml

from benchmark.gold import read_yaml
from benchmark.reading import _strict_loader

from .conftest import ROOT

SHIPPED_YAML = sorted((ROOT / "annotations").rglob("*.yaml")) + sorted((ROOT / "corpus").glob("*.yaml"))


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")
def test_the_c_parser_is_used_when_pyyaml_has_it():
    assert issubclass(_strict_loader(fast=True), yaml.CSafeLoader)
    assert not issubclass(_strict_loader(), yaml.CSafeLoader)


def test_the_fast_loader_keeps_the_strict_rules(tmp_path):
    twice = tmp_path / "twice.yaml"
    twice.write_text("a: 1\na: 2\n", encoding="utf-8")
    assert read_yaml(twice)[1][0].reason.endswith("the key 'a' appears twice in one mapping")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", encoding="utf-8")
    assert "aliases (*a) are not accepted" in read_yaml(bomb)[1][0].reason


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
    (problem,) = problems
    assert problem.item == "line 1" and problem.reason.endswith(
        "could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'"
    )


def test_a_syntax_error_gets_the_pure_python_message(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("document: x\n\tentities: []\n", encoding="utf-8")
    data, problems = read_yaml(bad)
    assert data is None
    (problem,) = problems
    assert problem.item == "line 2" and problem.reason.endswith("found character '\\t' that cannot start any token")
