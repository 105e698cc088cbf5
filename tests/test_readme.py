import re
from collections import Counter

import yaml

from benchmark.corpus import load_shipped
from benchmark.stats import stats_markdown

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_statistics_table_is_what_benchmark_stats_prints():
    block = README.split("<!-- stats:start -->\n")[1].split("<!-- stats:end -->")[0]
    assert block == stats_markdown(load_shipped())


def gold_counts_from_yaml() -> dict[str, Counter]:
    """Per layer, items per label, counted here straight from the gold YAML files."""
    counts = {
        layer: Counter()
        for layer in (
            "documents",
            "sentences",
            "entities",
            "mentions",
            "clusters",
            "quotes",
            "events",
            "event arguments",
            "timexes",
        )
    }
    for path in sorted((ROOT / "annotations").glob("*.yaml")):
        gold = yaml.safe_load(path.read_text(encoding="utf-8"))
        counts["documents"]["documents"] += 1
        counts["sentences"]["sentences"] += len(gold["sentences"])
        counts["entities"].update(e["type"] for e in gold["entities"])
        counts["mentions"].update(m["kind"] for m in gold["mentions"])
        counts["clusters"].update("singleton" if len(c["members"]) == 1 else "multi-member" for c in gold["clusters"])
        counts["quotes"].update(q["kind"] for q in gold["quotes"])
        counts["events"].update(f"root {v['code'][:2]}" for v in gold["events"])
        counts["event arguments"].update(a["role"] for v in gold["events"] for a in v["arguments"])
        counts["timexes"].update(t["type"] for t in gold["timexes"])
    return counts


def test_statistics_table_holds_the_counts_of_the_gold_yaml():
    block = README.split("<!-- stats:start -->\n")[1].split("<!-- stats:end -->")[0]
    table = {}
    for line in block.splitlines()[2:]:
        layer, items, labels = (cell.strip() for cell in line.strip("|").split("|"))
        per_label = Counter(
            {label: int(n) for label, n in (part.rsplit(" ", 1) for part in labels.split(", ") if part)}
        )
        table[layer] = (int(items), per_label)
    expected = gold_counts_from_yaml()
    assert list(table) == list(expected)
    for layer, counter in expected.items():
        items, per_label = table[layer]
        assert items == sum(counter.values()), layer
        # A layer with a single label lists no breakdown.
        assert per_label == (counter if len(counter) > 1 else Counter()), layer
    # The layers other than events, pinned as well (an edit of the events layer changes only those).
    assert [
        table[layer][0] for layer in ("documents", "sentences", "entities", "mentions", "clusters", "quotes", "timexes")
    ] == [1, 24, 72, 55, 25, 16, 7]


def test_quick_start_holds_the_two_commands_and_ci_runs_the_second():
    section = re.search(r"^## Quick start\n.*?```\n(.*?)```", README, re.M | re.S).group(1)
    install_and_run, install_and_test = section.strip().splitlines()
    assert install_and_run == "pip install -e . && benchmark evaluate --system rules"
    assert install_and_test == 'pip install -e ".[test]" && pytest'
    assert install_and_test in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
