"""CONTRIBUTING.md stays current: it names every performance script and the commands CI runs, and
the README links it."""

from .conftest import ROOT

PAGE = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def test_it_names_every_performance_script():
    scripts = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "tests" / "perf").glob("bench_*.py"))
    assert scripts and [script for script in scripts if f"python {script}" not in PAGE] == []


def test_it_names_the_commands_ci_and_the_lead_rely_on():
    for command in (
        'pip install -e ".[test]"',
        "CI=1 pytest",
        ".ci/run",
        'pytest -m "not slow"',
        "benchmark export --all",
        "benchmark stats",
        "python docs/results/regenerate.py",
        "ruff check .",
        "\nmypy ",  # a line of a command block: plain mypy, configured in pyproject.toml
    ):
        assert command in PAGE, command
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install -e ".[test]" && pytest' in ci
    for check in ("ruff check .", "ruff format --check .", "mypy"):
        assert f"\n    {check} || " in ci, f".ci/run does not fail on {check}"


def test_the_readme_links_it():
    assert "(CONTRIBUTING.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
