"""The README's table of scores is the leaderboard of docs/results/, and those results are current.

After a deliberate change to the gold, the metrics or a built-in system,
``python docs/results/regenerate.py`` rewrites both (docs/results/README.md).
"""

import json
import os
import shutil
import subprocess
import sys

from benchmark import __version__
from benchmark.corpus import DATASET_VERSION, dataset_sha256, load_shipped
from benchmark.leaderboard import build_leaderboard
from benchmark.leaderboard_render import to_markdown
from benchmark.result_checks import read_result_file

from .conftest import ROOT
from .test_rules_system import RULES_HEADLINES

RESULTS = ROOT / "docs" / "results"
README = ROOT / "README.md"
START, END = "<!-- leaderboard:start -->\n", "<!-- leaderboard:end -->"
FRESH = ("rules", "empty", "oracle")
REGENERATE = "python docs/results/regenerate.py"


def readme_block(text: str) -> str:
    return text.split(START, 1)[1].split(END, 1)[0]


def committed_files() -> list:
    return sorted(RESULTS.glob("*.json"))


def headlines(result: dict) -> dict:
    return {layer: (block.get("status"), block.get("headline")) for layer, block in result["layers"].items()}


def test_readme_table_is_the_leaderboard_of_the_committed_results():
    board = to_markdown(build_leaderboard([read_result_file(path) for path in committed_files()]))
    assert readme_block(README.read_text(encoding="utf-8")) == board, f"stale: run `{REGENERATE}`"


def test_the_committed_results_are_the_built_ins_and_the_spacy_pipeline_on_the_shipped_gold():
    names = {path.stem for path in committed_files()}
    assert names == {*FRESH, "spacy-en_core_web_sm"}
    documents = [d.id for d in load_shipped()]
    for path in committed_files():
        result = json.loads(path.read_text(encoding="utf-8"))
        assert result["dataset"]["sha256"] == dataset_sha256(), f"{path.name} is over other gold: run `{REGENERATE}`"
        assert result["dataset"]["documents"] == documents
        assert (result["config"]["bootstrap"], result["config"]["seed"]) == (1000, 13)
        written_by = (result["dataset"]["version"], result["signature"].rsplit("|", 1)[-1])
        assert written_by == (DATASET_VERSION, f"harness:{__version__}"), f"{path.name} is stale: run `{REGENERATE}`"


def test_the_spacy_result_records_the_pipeline_and_spacy_versions():
    result = json.loads((RESULTS / "spacy-en_core_web_sm.json").read_text(encoding="utf-8"))
    assert result["system"]["kind"] == "spacy" and result["system"]["layers"] == ["entities"]
    model = result["system"]["model"]
    assert model["name"].startswith("en_core_web_sm") and model["version"] == "3.8.0"
    assert model["spacy"].startswith("3.8.")
    assert [layer for layer, block in result["layers"].items() if block["status"] == "scored"] == ["entities"]
    assert f"{model['name']}` {model['version']}, spaCy {model['spacy']}" in readme_block(
        README.read_text(encoding="utf-8")
    )


def test_the_committed_rules_result_holds_the_pinned_headlines():
    result = json.loads((RESULTS / "rules.json").read_text(encoding="utf-8"))
    assert {
        layer: (block["headline"]["metric"], block["headline"]["value"], tuple(block["headline"]["ci95"]))
        for layer, block in result["layers"].items()
    } == RULES_HEADLINES


def test_regenerating_reproduces_the_committed_results_and_the_readme(tmp_path):
    """The one command rewrites the files and the table; on a current checkout it changes nothing."""
    results, readme = tmp_path / "results", tmp_path / "README.md"
    results.mkdir()
    shutil.copy(RESULTS / "spacy-en_core_web_sm.json", results)  # needs spaCy and the pipeline: kept as is
    original = README.read_text(encoding="utf-8")
    readme.write_text(original.replace(readme_block(original), "stale\n"), encoding="utf-8")
    env = {**os.environ, "DIPLOMACY_IE_CACHE": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, str(RESULTS / "regenerate.py"), "--results", str(results), "--readme", str(readme)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    for name in FRESH:
        fresh = json.loads((results / f"{name}.json").read_text(encoding="utf-8"))
        kept = json.loads((RESULTS / f"{name}.json").read_text(encoding="utf-8"))
        assert headlines(fresh) == headlines(kept), f"docs/results/{name}.json is stale: run `{REGENERATE}`"
        assert fresh["dataset"] == kept["dataset"]
    assert readme.read_text(encoding="utf-8") == original


def test_the_readme_says_how_to_regenerate_and_how_to_score_spacy():
    text = README.read_text(encoding="utf-8")
    assert REGENERATE in text
    assert "python -m spacy download en_core_web_sm\nbenchmark evaluate --system spacy:en_core_web_sm\n" in text
