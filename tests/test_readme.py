import re

from benchmark.corpus import load_shipped
from benchmark.stats import stats_markdown

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_statistics_table_is_what_benchmark_stats_prints():
    block = README.split("<!-- stats:start -->\n")[1].split("<!-- stats:end -->")[0]
    assert block == stats_markdown(load_shipped())


def test_quick_start_holds_the_two_commands_and_ci_runs_the_second():
    section = re.search(r"^## Quick start\n.*?```\n(.*?)```", README, re.M | re.S).group(1)
    install_and_run, install_and_test = section.strip().splitlines()
    assert install_and_run == "pip install -e . && benchmark evaluate --system rules"
    assert install_and_test == 'pip install -e ".[test]" && pytest'
    assert install_and_test in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
