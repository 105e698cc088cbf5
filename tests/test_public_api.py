"""The public API: ``import benchmark`` exports evaluate, the config and result types, the layer
scorers and their record types, each imported when first used; every module of the package
imports without the optional packages, since pytest imports them all to run their doctests."""

from __future__ import annotations

import doctest
import importlib
import json
import pkgutil
import subprocess
import sys

import pytest

import benchmark

from .conftest import ROOT

PUBLIC = [
    "evaluate",
    "EvaluationConfig",
    "EvaluationResult",
    "score_entities",
    "score_coref",
    "score_quotes",
    "score_events",
    "score_timexes",
    "DocRecords",
    "EntityRecord",
    "QuoteRecord",
    "EventRecord",
    "ArgumentRecord",
    "TimexRecord",
]
SCORERS = ["score_entities", "score_coref", "score_quotes", "score_events", "score_timexes"]
HEAVY = ("numpy", "scipy", "sklearn", "datasets", "pandas", "jinja2")
# The test extra's packages, which an installation of the package alone lacks.
OPTIONAL = ("spacy", "nervaluate", "seqeval", "hypothesis", "scipy", "build", "pytest")


def run_python(code: str) -> list:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_public_names():
    assert benchmark.__all__ == PUBLIC
    assert set(PUBLIC) <= set(dir(benchmark))
    namespace: dict = {}
    exec("from benchmark import *", namespace)
    assert set(PUBLIC) <= set(namespace)
    from benchmark.evaluation_result import EvaluationResult
    from benchmark.metrics.entities import score_entities
    from benchmark.records import DocRecords

    assert (benchmark.score_entities, benchmark.DocRecords, benchmark.EvaluationResult) == (
        score_entities,
        DocRecords,
        EvaluationResult,
    )
    assert benchmark.EvaluationConfig.__name__ == "EvaluationConfig"
    with pytest.raises(AttributeError, match="module 'benchmark' has no attribute 'score_relations'"):
        benchmark.score_relations  # noqa: B018


def test_importing_the_package_imports_none_of_its_modules_nor_anything_heavy():
    loaded = run_python(
        "import json, sys, benchmark\n"
        "dir(benchmark)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('benchmark.') "
        f"or m in {HEAVY!r})))"
    )
    assert loaded == []
    # A scorer brings its own modules, and still nothing heavy.
    loaded = run_python(
        "import json, sys, benchmark\nbenchmark.score_entities\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    assert loaded == []


def every_module() -> list[str]:
    return sorted(
        m.name for m in pkgutil.walk_packages(benchmark.__path__, "benchmark.") if not m.name.endswith("__main__")
    )


def test_evaluate_is_the_function_whatever_was_imported():
    for name in every_module():
        importlib.import_module(name)
    assert callable(benchmark.evaluate) and benchmark.evaluate.__name__ == "evaluate"
    assert "benchmark.evaluate" not in sys.modules


def test_every_module_imports_without_the_optional_packages():
    """pytest --doctest-modules imports every module of benchmark/; so does a user's tooling."""
    code = f"""
import importlib, importlib.abc, json, pkgutil, sys

class Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {OPTIONAL!r}:
            raise ImportError(f"{{name}} is not installed (this test hides it)")
        return None

sys.meta_path.insert(0, Absent())
import benchmark
names = sorted(m.name for m in pkgutil.walk_packages(benchmark.__path__, "benchmark.")
               if not m.name.endswith("__main__"))
for name in names:
    importlib.import_module(name)
print(json.dumps([len(names), [m for m in {OPTIONAL!r} if m in sys.modules]]))
"""
    count, optional_loaded = run_python(code)
    assert count == len(every_module()) > 90 and optional_loaded == []


@pytest.mark.parametrize("name", SCORERS)
def test_each_public_scorer_has_a_doctest(name):
    (test,) = doctest.DocTestFinder(recurse=False).find(getattr(benchmark, name), name)
    assert len(test.examples) >= 4 and "from benchmark import" in test.examples[0].source
    assert doctest.DocTestRunner(verbose=False).run(test).failed == 0


def test_pytest_runs_the_doctests_of_the_package():
    import tomllib

    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert "benchmark" in options["testpaths"] and "--doctest-modules" in options["addopts"].split()
