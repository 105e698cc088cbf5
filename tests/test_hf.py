"""Hugging Face datasets: every config of the checkout loads offline with the declared
features, and its rows are the gold's."""

import datasets
import pytest
import yaml

from benchmark.corpus import load_shipped
from benchmark.formats.hf import (
    CONFIGS,
    NER_LABELS,
    config_rows,
    dataset_card_front_matter,
    readme_front_matter,
    readme_with_front_matter,
    write_hf,
)
from tests.conftest import ROOT
from tests.test_formats_brat import synthetic_document
from tests.test_formats_conll import gold_tags


@pytest.fixture(scope="module")
def gold():
    return load_shipped()


@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_DATASETS_OFFLINE", "1")
        patch.setenv("HF_HUB_OFFLINE", "1")
        yield tmp_path_factory.mktemp("hf-cache")


def expected_counts(documents) -> dict[str, int]:
    return {
        "documents": len(documents),
        "ner": sum(len(d.sentences) for d in documents),
        "quotes": sum(len(d.quotes) for d in documents),
        "events": sum(len(d.events) for d in documents),
        "timexes": sum(len(d.timexes) for d in documents),
    }


def card(readme: str) -> dict:
    header = readme_front_matter(readme)
    assert header is not None, "README.md has no dataset card header: run `benchmark export --all`"
    return yaml.safe_load(header)


def as_exported(split) -> list[dict]:
    """Loaded rows in the shape they were written in (the document date is a date32 column)."""
    rows = split.to_list()
    for row in rows:
        if "date" in row and row["date"] is not None:
            row["date"] = row["date"].isoformat()
    return rows


def test_every_config_with_rows_loads_offline_with_the_gold_rows(gold, offline):
    listed = [c["config_name"] for c in card((ROOT / "README.md").read_text(encoding="utf-8"))["configs"]]
    counts = expected_counts(gold)
    assert listed == [name for name in CONFIGS if counts[name]]
    rows = config_rows(gold)
    for name in listed:
        split = datasets.load_dataset(str(ROOT), name, split="test", cache_dir=str(offline))
        assert split.num_rows == counts[name], name
        # Catches pyarrow turning an all-ISO-date string column into timestamps.
        assert as_exported(split) == rows[name], name
    ner = datasets.load_dataset(str(ROOT), "ner", split="test", cache_dir=str(offline))
    label = ner.features["ner_tags"].feature
    assert isinstance(label, datasets.ClassLabel) and tuple(label.names) == NER_LABELS
    assert ner[0]["tokens"][:3] == ["US", "and", "NATO"]


def test_ner_rows_hold_the_gold_tags(gold, offline):
    ner = datasets.load_dataset(str(ROOT), "ner", split="test", cache_dir=str(offline))
    names = ner.features["ner_tags"].feature.names
    expected = [tags for doc in gold for tags in gold_tags(doc)]  # made in the test, not by the exporter
    assert [[names[i] for i in row["ner_tags"]] for row in ner] == expected


def without_nulls(value):
    """A loaded value without the null fields Arrow adds for keys an item does not have."""
    if isinstance(value, dict):
        return {key: without_nulls(v) for key, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def test_documents_config_nests_every_layer(gold, offline):
    documents = datasets.load_dataset(str(ROOT), "documents", split="test", cache_dir=str(offline))
    row = documents[0]
    doc = gold[0]
    assert row["id"] == doc.id and row["text"] == doc.text
    # Each layer holds the gold YAML's items as written, read here without the project's loader.
    written = yaml.safe_load((ROOT / "annotations" / f"{doc.id}.yaml").read_text(encoding="utf-8"))
    for layer in ("sentences", "sections", "entities", "mentions", "clusters", "quotes", "events", "timexes"):
        assert without_nulls(row[layer]) == written[layer], layer


def test_synthetic_document_loads_in_every_config(tmp_path, offline):
    doc = synthetic_document()
    write_hf([doc], tmp_path / "annotations" / "export" / "hf")
    (tmp_path / "README.md").write_text(
        readme_with_front_matter(None, dataset_card_front_matter([doc])), encoding="utf-8"
    )
    counts = expected_counts([doc])
    assert counts == {"documents": 1, "ner": 3, "quotes": 2, "events": 2, "timexes": 2}
    rows = config_rows([doc])
    for name in CONFIGS:
        split = datasets.load_dataset(str(tmp_path), name, split="test", cache_dir=str(offline / "synthetic"))
        assert split.num_rows == counts[name]
        assert as_exported(split) == rows[name], name
    quotes = datasets.load_dataset(str(tmp_path), "quotes", split="test", cache_dir=str(offline / "synthetic"))
    assert quotes[1]["speaker"] == "Antony Blinken" and len(quotes[1]["content"]) == 2
    events = datasets.load_dataset(str(tmp_path), "events", split="test", cache_dir=str(offline / "synthetic"))
    assert events[0]["root"] == "03" and events[0]["quad_class"] == 1
    assert [a["role"] for a in events[0]["arguments"]] == ["source", "target", "target", "time", "place"]


def test_card_header_is_a_dataset_card():
    header = card(readme_with_front_matter(None, dataset_card_front_matter([synthetic_document()])))
    assert header["license"] == "cc-by-4.0" and header["language"] == ["en"]
    assert header["pretty_name"] == "Diplomacy-IE" and "named-entity-recognition" in header["task_ids"]
    assert header["size_categories"] == ["n<1K"]
    assert [c["config_name"] for c in header["configs"]] == list(CONFIGS)
    assert [c["config_name"] for c in header["dataset_info"]] == list(CONFIGS)
    ner = next(c for c in header["dataset_info"] if c["config_name"] == "ner")
    tags = next(f for f in ner["features"] if f["name"] == "ner_tags")
    assert list(tags["sequence"]["class_label"]["names"].values()) == list(NER_LABELS)
    assert len(NER_LABELS) == 37


def test_card_header_parses_as_hub_metadata():
    import huggingface_hub as hub

    text = readme_with_front_matter(None, dataset_card_front_matter([synthetic_document()]))
    data = hub.DatasetCard(text).data
    from datasets.info import DatasetInfosDict

    infos = DatasetInfosDict.from_dataset_card_data(data)
    assert set(infos) == set(CONFIGS)
    assert isinstance(infos["ner"].features["ner_tags"].feature, datasets.ClassLabel)


def test_only_the_front_matter_of_an_existing_readme_is_replaced():
    body = "# Diplomacy-IE\n\nText users read.\n"
    assert readme_with_front_matter(body, "a: 1\n") == "---\na: 1\n---\n" + body
    assert readme_with_front_matter("---\nold: 1\n---\n" + body, "a: 1\n") == "---\na: 1\n---\n" + body
    assert readme_with_front_matter(None, "a: 1\n") == "---\na: 1\n---\n# Diplomacy-IE\n"
