"""The metrics registry (benchmark.metrics.METRICS) is the one list of layers, scorers and metric
names: what the scorers return, what the CLI offers and what the README lists agree with it."""

import re

import pytest

from benchmark.corpus import load_shipped
from benchmark.metrics import METRICS, SCORERS
from benchmark.model import LAYERS
from benchmark.records import DocRecords, records_from_document

from .conftest import ROOT, run_cli


def test_the_registry_has_one_entry_per_layer_in_the_models_order():
    assert tuple(METRICS) == LAYERS
    assert all(entry.layer == layer and entry.headline in entry.names for layer, entry in METRICS.items())
    assert SCORERS == {layer: tuple(entry.scorer.split(":")) for layer, entry in METRICS.items()}


@pytest.mark.parametrize("layer", LAYERS)
def test_each_scorer_returns_the_registered_headline_metrics_and_accuracies(layer):
    gold = [records_from_document(doc) for doc in load_shipped()]
    scorer = METRICS[layer].load_scorer()
    assert scorer.__name__ == f"score_{layer}"
    for pred in (gold, [DocRecords(id=doc.id) for doc in gold]):
        score = scorer(gold, pred)
        assert score.headline == METRICS[layer].headline
        assert tuple(score.metrics) == METRICS[layer].names
        assert tuple(score.accuracies) == METRICS[layer].accuracies


def test_the_cli_offers_the_registered_layers():
    help_text = " ".join(run_cli("evaluate", "--help").stdout.split())
    assert f"comma-separated subset of {','.join(LAYERS)}" in help_text
    for entry in METRICS.values():
        assert f"{entry.layer} {entry.headline_label}" in help_text
    assert f"--layer {{{','.join(LAYERS)}}}" in run_cli("prompts", "--help").stdout


def test_the_readme_metrics_table_lists_every_registered_name():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Metrics\n", 1)[1].strip().split("\n\n", 1)[0]
    rows = {row.split("|")[1].strip(): row for row in table.splitlines()[2:]}
    assert list(rows) == list(LAYERS)
    for layer, entry in METRICS.items():
        headline_cell = rows[layer].split("|")[2]
        assert f"`{entry.headline}` F1" in headline_cell, layer
        assert set(re.findall(r"`([a-z0-9_]+)`", rows[layer])) >= set(entry.names), layer
