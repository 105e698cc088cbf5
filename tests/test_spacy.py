"""spaCy: a saved pipeline scored as a system, and the gold as a DocBin. No downloads."""

import json
import os
import shutil

import pytest
import spacy

from benchmark.corpus import load_shipped
from benchmark.formats.spacy_io import to_docbin
from benchmark.jsonl import parse_prediction
from benchmark.systems.spacy_system import SpacySystem, load_spacy_system
from tests.test_formats_brat import synthetic_document

NAMES = {
    "Antony Blinken": "PERSON",
    "Jens Stoltenberg": "PERSON",
    "Alexander Grushko": "PERSON",
    "NATO": "ORG",
    "Ukraine": "GPE",
    "Belarus": "GPE",
}


@pytest.fixture(scope="module")
def pipeline_path(tmp_path_factory):
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": label, "pattern": name} for name, label in NAMES.items()])
    path = tmp_path_factory.mktemp("pipeline") / "ruler-en"
    nlp.to_disk(path)
    return path


def test_saved_pipeline_predicts_valid_entities_with_offsets(pipeline_path):
    document = load_shipped()[0]
    system = load_spacy_system(str(pipeline_path))
    assert isinstance(system, SpacySystem) and system.layers == ("entities",)
    assert system.name == f"spacy:{pipeline_path}"
    prediction = system.predict({"id": document.id, "text": document.text, "date": document.date, "language": "en"})
    system.close()
    records, problems = parse_prediction(prediction, document.text, system.name, 1)
    assert problems == []
    found = {(e["text"], e["type"]) for e in prediction["entities"]}
    assert found == set(NAMES.items())
    for entity in prediction["entities"]:
        assert document.text[entity["start"] : entity["end"]] == entity["text"]
    blinken = document.text.index("Antony Blinken")
    assert {(e.start, e.end, e.type) for e in records.entities} >= {(blinken, blinken + 14, "PERSON")}


def test_unknown_pipeline_is_an_input_error(tmp_path):
    from benchmark.errors import InputError

    with pytest.raises(InputError, match="does not exist"):
        SpacySystem(str(tmp_path / "no-such-pipeline"))
    with pytest.raises(InputError, match="python -m spacy download no_such_pipeline"):
        SpacySystem("no_such_pipeline")


@pytest.mark.parametrize("document", [synthetic_document(), *load_shipped()], ids=lambda d: d.id)
def test_docbin_round_trip_keeps_entities_and_sentences(document, tmp_path):
    path = tmp_path / "gold.spacy"
    to_docbin([document]).to_disk(path)
    nlp = spacy.blank("en")
    (doc,) = spacy.tokens.DocBin().from_disk(path).get_docs(nlp.vocab)
    assert doc.text == document.text
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == sorted(
        (e.span.start, e.span.end, e.type) for e in document.entities
    )
    starts = {s.start_char for s in doc.sents}
    assert {s.span.start for s in document.sentences} <= starts
    assert doc.user_data["doc_id"] == document.id


def test_spacy_pipeline_scores_through_the_cli(pipeline_path, tmp_path):
    import json

    from .conftest import run_cli

    out = tmp_path / "spacy.json"
    result = run_cli("evaluate", "--system", f"spacy:{pipeline_path}", "--bootstrap", "50", "--output", str(out))
    assert result.returncode == 0, result.stderr
    record = json.loads(out.read_text())
    assert record["system"]["layers"] == ["entities"]
    # Each of the 20 occurrences of the six names in the article is a gold entity of the ruler's type.
    strict = record["layers"]["entities"]["metrics"]["strict"]
    assert (strict["correct"], strict["spurious"]) == (20, 0)
    assert record["layers"]["quotes"] == {"status": "not attempted"}


# --- loading by package name or by path, and the errors, offline ---------------------------

PACKAGE = "en_ruler"  # spaCy's package naming: <lang>_<meta name>, data in <package>-<version>/


@pytest.fixture(scope="module")
def site_packages(tmp_path_factory, pipeline_path):
    """A folder holding the ruler pipeline installed as a package, as pip would lay it out."""
    site = tmp_path_factory.mktemp("site")
    nlp = spacy.load(pipeline_path)
    nlp.meta.update(name="ruler", version="0.1.0")
    package = site / PACKAGE
    package.mkdir()
    nlp.to_disk(package / f"{PACKAGE}-0.1.0")
    (package / "meta.json").write_text(json.dumps(nlp.meta), encoding="utf-8")
    (package / "__init__.py").write_text(
        "from spacy.util import load_model_from_init_py\n\n\n"
        "def load(**overrides):\n    return load_model_from_init_py(__file__, **overrides)\n",
        encoding="utf-8",
    )
    dist_info = site / f"{PACKAGE}-0.1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {PACKAGE}\nVersion: 0.1.0\n", encoding="utf-8")
    return site


def predict_shipped(system) -> dict:
    document = load_shipped()[0]
    return system.predict({"id": document.id, "text": document.text, "date": document.date, "language": "en"})


def test_installed_package_is_loaded_by_name_and_its_versions_recorded(site_packages, monkeypatch):
    import importlib

    monkeypatch.syspath_prepend(str(site_packages))
    importlib.invalidate_caches()
    system = load_spacy_system(PACKAGE)
    assert system.model == {"name": PACKAGE, "version": "0.1.0", "spacy": spacy.__version__}
    assert {(e["text"], e["type"]) for e in predict_shipped(system)["entities"]} == set(NAMES.items())


def evaluate_cli(tmp_path, system: str, **kwargs):
    from .conftest import run_cli

    out = tmp_path / "result.json"
    env = {**os.environ, "DIPLOMACY_IE_CACHE": str(tmp_path / "cache"), **kwargs.pop("env", {})}
    done = run_cli(
        "evaluate", "--system", system, "--bootstrap", "20", "--quiet", "--output", str(out), env=env, **kwargs
    )
    return done, out


def test_package_name_and_its_data_folder_score_the_same(site_packages, tmp_path):
    env = {"PYTHONPATH": str(site_packages)}
    by_name, out = evaluate_cli(tmp_path, f"spacy:{PACKAGE}", env=env)
    assert by_name.returncode == 0, by_name.stderr
    named = json.loads(out.read_text())
    assert named["system"]["model"] == {"name": PACKAGE, "version": "0.1.0", "spacy": spacy.__version__}
    by_path, out = evaluate_cli(tmp_path, f"spacy:{site_packages / PACKAGE / (PACKAGE + '-0.1.0')}")
    assert by_path.returncode == 0, by_path.stderr
    located = json.loads(out.read_text())
    assert located["system"]["model"] == named["system"]["model"]
    assert located["layers"] == named["layers"]
    document = load_shipped()[0]
    expected = sum(NAMES.get(document.text[e.span.start : e.span.end]) == e.type for e in document.entities)
    assert named["layers"]["entities"]["metrics"]["strict"]["correct"] == expected > 0


def test_a_relative_folder_is_found_from_the_working_directory(pipeline_path, tmp_path):
    shutil.copytree(pipeline_path, tmp_path / "pipelines" / "ruler")
    done, out = evaluate_cli(tmp_path, "spacy:pipelines/ruler", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["system"]["model"]["name"] == "en_pipeline"


def test_a_folder_that_is_not_a_loadable_pipeline_is_an_input_error(tmp_path, site_packages):
    from benchmark.errors import InputError

    with pytest.raises(InputError, match=f"its subfolder '{PACKAGE}-0.1.0' is one, try spacy:"):
        load_spacy_system(str(site_packages / PACKAGE))  # the package folder, not its data folder
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.cfg").write_text('[nlp]\nlang = "xx-no-such-language"\n', encoding="utf-8")
    with pytest.raises(InputError, match="cannot be loaded with spaCy"):
        load_spacy_system(str(broken))
    with pytest.raises(InputError, match="does not exist"):
        load_spacy_system("./absent")


@pytest.mark.parametrize(
    "shadow_spacy, expected",
    [
        (False, "python -m spacy download en_core_web_sm"),
        (True, 'pip install "diplomacy-ie[spacy]"'),
    ],
    ids=["pipeline-not-installed", "spacy-not-installed"],
)
def test_a_missing_pipeline_or_spacy_exits_2_saying_how_to_install_it(tmp_path, shadow_spacy, expected):
    env = {}
    if shadow_spacy:  # a spacy module that fails to import, as when spaCy is absent
        (tmp_path / "shadow" / "spacy").mkdir(parents=True)
        (tmp_path / "shadow" / "spacy" / "__init__.py").write_text("raise ImportError('No module named spacy')\n")
        env = {"PYTHONPATH": str(tmp_path / "shadow")}
    done, out = evaluate_cli(tmp_path, "spacy:en_core_web_sm", env=env)
    assert done.returncode == 2, done.stderr
    assert expected in done.stderr and "Traceback" not in done.stderr
    assert shadow_spacy or "the harness never downloads" in done.stderr
    assert not out.exists()
