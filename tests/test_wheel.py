"""The wheel carries its data: built from a copy of the checkout, installed in a fresh
venv, and run from a folder outside the checkout."""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from benchmark.corpus import list_metas
from tests.conftest import ROOT, expected_dataset_sha256

pytestmark = pytest.mark.slow

IGNORED = shutil.ignore_patterns(
    ".git",
    "__pycache__",
    ".pytest_cache",
    ".hypothesis",
    ".benchmarks",
    "build",
    "dist",
    "*.egg-info",
    "_data",
    ".venv",
    "venv",
    ".mypy_cache",
    ".ruff_cache",
)


def run(command: list, cwd: Path, env: dict, timeout: float = 600) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, command))} exited {result.returncode}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv folder, a working folder outside the checkout, environment) with the wheel installed."""
    tmp = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["DIPLOMACY_IE_CACHE"] = str(tmp / "cache")
    source = tmp / "src"
    shutil.copytree(ROOT, source, ignore=IGNORED)
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-isolation"]
    run([sys.executable, "-m", "build", "--wheel", *isolation, "--outdir", tmp / "dist", source], tmp, env)
    (wheel,) = (tmp / "dist").glob("diplomacy_ie-*.whl")
    venv = tmp / "venv"
    run([sys.executable, "-m", "venv", "--system-site-packages", venv], tmp, env)
    run([venv / "bin" / "python", "-m", "pip", "install", "--no-deps", "--no-index", wheel], tmp, env)
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    return wheel, venv, elsewhere, env


def test_wheel_holds_corpus_gold_and_exports(installed):
    wheel, *_ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for meta in list_metas():
        assert f"benchmark/_data/corpus/{meta.id}.txt" in names
        assert f"benchmark/_data/corpus/{meta.id}.meta.yaml" in names
        assert f"benchmark/_data/annotations/{meta.id}.yaml" in names
        assert f"benchmark/_data/annotations/export/brat/{meta.id}.ann" in names
    assert "benchmark/_data/annotations/export/jsonl/gold.jsonl" in names
    assert "benchmark/_data/annotations/export/conll/gold.conll" in names


def test_wheel_holds_the_rules_lexicons(installed):
    wheel, *_ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = sorted((ROOT / "benchmark" / "systems" / "rules" / "data").glob("*.tsv"))
    assert shipped
    for path in shipped:
        assert f"benchmark/systems/rules/data/{path.name}" in names


def test_installed_benchmark_validates_and_reads_its_own_data(installed):
    _, venv, elsewhere, env = installed
    result = run([venv / "bin" / "benchmark", "validate"], elsewhere, env)
    probe = (
        "import hashlib, benchmark.corpus as c; m = c.list_metas()[0]; print(c.data_root()); "
        "print(hashlib.sha256((c.corpus_dir() / f'{m.id}.txt').read_bytes()).hexdigest()); print(m.sha256)"
    )
    data_root, text_sha, meta_sha = run([venv / "bin" / "python", "-c", probe], elsewhere, env).stdout.split()
    data_root = Path(data_root)
    assert data_root.name == "_data" and data_root.parent.name == "benchmark"
    assert data_root.parent.parent.name == "site-packages" and venv in data_root.parents
    (meta,) = list_metas()
    assert text_sha == meta_sha == meta.sha256
    assert result.stdout == f"ok: {data_root / 'annotations' / f'{meta.id}.yaml'}\n"


def test_installed_benchmark_prints_its_prompt_templates(installed):
    wheel, venv, elsewhere, env = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for layer in ("entities", "coref", "quotes", "events", "timexes"):
        assert f"benchmark/data/prompts/{layer}.txt" in names
    result = run([venv / "bin" / "benchmark", "prompts", "--layer", "events"], elsewhere, env)
    assert result.stdout.startswith("version: events-v1\n")


def installed_scores(installed, system: str) -> dict:
    """The result record of the installed ``benchmark evaluate --system SYSTEM``, run elsewhere."""
    _, venv, elsewhere, env = installed
    command = [venv / "bin" / "benchmark", "evaluate", "--system", system, "--bootstrap", "0", "--format", "json"]
    return json.loads(run([*command, "--quiet"], elsewhere, env).stdout)


def test_installed_oracle_scores_one(installed):
    scored = installed_scores(installed, "oracle")
    assert scored["dataset"]["sha256"] == expected_dataset_sha256()
    assert sorted(scored["layers"]) == sorted(["entities", "coref", "quotes", "events", "timexes"])
    for layer, outcome in scored["layers"].items():
        assert outcome["status"] == "scored", layer
        assert outcome["headline"]["value"] == 1.0, layer


def test_installed_rules_scores_the_pinned_headlines(installed):
    from tests.test_rules_system import RULES_HEADLINES

    scored = installed_scores(installed, "rules")
    assert {layer: outcome["headline"]["value"] for layer, outcome in scored["layers"].items()} == {
        layer: value for layer, (_, value, _) in RULES_HEADLINES.items()
    }


def test_installed_benchmark_writes_its_html_report(installed):
    wheel, venv, elsewhere, env = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in ("report.html.j2", "macros.html.j2", "report.css", "report.js"):
        assert f"benchmark/report/templates/{template}" in names
    report = elsewhere / "report.html"
    run(
        [
            venv / "bin" / "benchmark",
            "evaluate",
            "--system",
            "oracle",
            "--bootstrap",
            "0",
            "--quiet",
            "--report",
            report,
        ],
        elsewhere,
        env,
    )
    assert 'data-outcome="correct"' in report.read_text(encoding="utf-8")


def test_an_editable_install_reads_the_checkout_and_copies_no_data(tmp_path_factory):
    """``pip install -e`` leaves the data where it is: no ``benchmark/`` folder in site-packages
    (a stale copy there, and a namespace package standing in for the real one)."""
    tmp = tmp_path_factory.mktemp("editable")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["DIPLOMACY_IE_CACHE"] = str(tmp / "cache")
    source = tmp / "src"
    shutil.copytree(ROOT, source, ignore=IGNORED)
    venv = tmp / "venv"
    run([sys.executable, "-m", "venv", "--system-site-packages", venv], tmp, env)
    run([venv / "bin" / "python", "-m", "pip", "install", "--no-deps", "-e", source], tmp, env)
    probe = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site_packages = Path(run([venv / "bin" / "python", "-c", probe], tmp, env).stdout.strip())
    assert venv in site_packages.parents and site_packages.is_dir()
    assert not (site_packages / "benchmark").exists()
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    (meta,) = list_metas()
    result = run([venv / "bin" / "benchmark", "validate"], elsewhere, env)
    assert result.stdout == f"ok: {source / 'annotations' / f'{meta.id}.yaml'}\n"
