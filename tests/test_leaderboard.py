"""``benchmark leaderboard``: the three formats, the significance marks, and the refusals."""

import copy
import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from benchmark.errors import InputError
from benchmark.leaderboard import BEST, NOT_SIGNIFICANTLY_WORSE, build_leaderboard
from benchmark.leaderboard_render import html_table, to_csv, to_markdown
from benchmark.metrics.bootstrap import bootstrap_ci, headline_values
from benchmark.metrics.significance import compare_units
from benchmark.model import LAYERS
from benchmark.result_checks import ResultFile, read_result_file

from .conftest import ROOT, run_cli

RESULTS = ROOT / "docs" / "results"
BUILTINS = ("empty", "oracle", "rules")
TITLES = [
    "system",
    "entities strict F1",
    "coref CoNLL F1",
    "quotes attribution F1",
    "events trigger-C F1",
    "timexes relaxed F1",
]


def committed(*names: str) -> list[ResultFile]:
    return [read_result_file(RESULTS / f"{name}.json") for name in names]


# --- constructed results ------------------------------------------------------------


def made_result(
    name: str,
    stats: list[list[float]],
    *,
    layers=("entities",),
    samples=1000,
    seed=13,
    sha="ab" * 32,
    documents=("doc-1",),
) -> dict:
    """A result file whose scored layers all hold ``stats`` (prf sums per sentence)."""
    import numpy as np

    value = float(headline_values(np.asarray(stats, dtype=float).sum(axis=0, keepdims=True), "prf")[0])
    block = {
        "status": "scored",
        "headline": {"metric": "strict", "value": value, "ci95": list(bootstrap_ci(stats, "prf", samples, seed))},
        "units": {"stat_kind": "prf", "stats": stats},
    }
    return {
        "signature": f"diplomacy-ie:test|sha:{sha[:8]}",
        "dataset": {"name": "t", "version": "t", "sha256": sha, "documents": list(documents)},
        "system": {"name": name, "layers": list(layers)},
        "config": {"bootstrap": samples, "seed": seed},
        "layers": {layer: copy.deepcopy(block) if layer in layers else {"status": "not attempted"} for layer in LAYERS},
        "failures": [],
    }


def sentences(correct: int, wrong: int) -> list[list[float]]:
    """Sentences of two gold items each: ``correct`` found both, ``wrong`` found neither and one spurious."""
    return [[2.0, 2.0, 2.0, 2.0]] * correct + [[0.0, 1.0, 0.0, 2.0]] * wrong


def as_files(tmp_path: Path, *results: dict) -> list[ResultFile]:
    files = []
    for i, result in enumerate(results):
        path = tmp_path / f"{i}-{result['system']['name'][:20].replace('/', '_')}.json"
        path.write_text(json.dumps(result), encoding="utf-8")
        files.append(read_result_file(path))
    return files


# --- the three formats over the committed rules, empty and oracle results ---------------


def markdown_rows(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.startswith("|"):
            rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


def test_markdown_has_one_row_per_system_and_one_column_per_layer():
    files = committed(*BUILTINS)
    rows = markdown_rows(to_markdown(build_leaderboard(files)))
    assert rows[0] == TITLES and set(rows[1]) == {"---"}
    assert [row[0] for row in rows[2:]] == ["`empty`", "`oracle`", "`rules`"]
    for row, result in zip(rows[2:], files):
        for cell, layer in zip(row[1:], LAYERS):
            headline = result.data["layers"][layer]["headline"]
            figures = f"{headline['value']:.3f} [{headline['ci95'][0]:.3f}, {headline['ci95'][1]:.3f}]"
            assert cell.replace("**", "").removesuffix(" †") == figures
    assert all(cell.startswith("**1.000**") for cell in rows[3][1:])  # oracle is best everywhere
    assert rows[4][5].startswith("**1.000**")  # rules ties it on timexes
    assert not any("**" in cell or "†" in cell for cell in rows[2][1:])  # empty is far below


def test_csv_parses_and_holds_the_exact_figures():
    files = committed(*BUILTINS)
    table = list(csv.DictReader(io.StringIO(to_csv(build_leaderboard(files)))))
    assert [row["system"] for row in table] == list(BUILTINS)
    for row, result in zip(table, files):
        for layer in LAYERS:
            headline = result.data["layers"][layer]["headline"]
            assert float(row[f"{layer}.{headline['metric']}"]) == headline["value"]
            assert [float(row[f"{layer}.ci95_low"]), float(row[f"{layer}.ci95_high"])] == headline["ci95"]
    assert {row["entities.mark"] for row in table} == {"", BEST, NOT_SIGNIFICANTLY_WORSE}
    assert table[1]["entities.p_vs_best"] == "" and float(table[0]["entities.p_vs_best"]) < 0.05


class TableReader(HTMLParser):
    """Every start tag with its attributes, and the text of each cell."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.rows: list[list[tuple[dict, str]]] = []
        self._cell: tuple[dict, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = (dict(attrs), [])

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append((self._cell[0], "".join(self._cell[1]).strip()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1].append(data)


def read_html(text: str) -> TableReader:
    reader = TableReader()
    reader.feed(text)
    reader.close()
    return reader


def test_html_is_one_table_with_nothing_to_load():
    files = committed(*BUILTINS)
    text = html_table(build_leaderboard(files))
    reader = read_html(text)
    assert [tag for tag, _ in reader.tags].count("table") == 1 and text.lstrip().startswith("<table")
    assert text.isascii()
    assert not {tag for tag, _ in reader.tags} & {"script", "style", "link", "img", "iframe", "object"}
    assert not any(key in ("src", "href", "style") or key.startswith("on") for _, a in reader.tags for key in a)
    header, *body = reader.rows
    assert [text for _, text in header] == TITLES
    assert [cells[0][1] for cells in body] == list(BUILTINS)
    for cells, result in zip(body, files):
        for (attrs, _), layer in zip(cells[1:], LAYERS):
            assert attrs["data-layer"] == layer
            assert float(attrs["data-value"]) == result.data["layers"][layer]["headline"]["value"]
    assert [attrs["data-mark"] for attrs, _ in body[1][1:]] == [BEST] * 5


# --- significance -------------------------------------------------------------------------


def test_marks_the_best_and_only_the_systems_indistinguishable_from_it(tmp_path):
    best = made_result("best", sentences(60, 0))
    close = made_result("close", sentences(59, 1))
    worse = made_result("worse", sentences(30, 30))
    files = as_files(tmp_path, worse, best, close)
    board = build_leaderboard(files)
    cells = {row.system: row.cells["entities"] for row in board.rows}
    assert cells["best"].mark == BEST and cells["best"].p_value is None
    assert cells["close"].mark == NOT_SIGNIFICANTLY_WORSE and cells["worse"].mark == ""
    for name in ("close", "worse"):  # the p-value is `benchmark compare`'s, with the files' seed and samples
        test = compare_units(
            best["layers"]["entities"]["units"]["stats"],
            files[[r.system for r in board.rows].index(name)].layer("entities")["units"]["stats"],
            "prf",
            1000,
            13,
        )
        assert cells[name].p_value == test.p_bootstrap
    assert cells["close"].p_value >= 0.05 > cells["worse"].p_value
    rows = markdown_rows(to_markdown(board))
    assert [row[1].split(" [")[0] for row in rows[2:]] == ["0.571", "**1.000**", "0.987"]
    assert rows[4][1].endswith(" †") and not rows[2][1].endswith("†")
    assert [column.layer for column in board.columns] == ["entities"]  # no one attempted the others


def test_alpha_decides_the_mark(tmp_path):
    files = as_files(tmp_path, made_result("best", sentences(60, 0)), made_result("close", sentences(57, 3)))
    p_value = build_leaderboard(files).rows[1].cells["entities"].p_value
    assert 0 < p_value < 0.9
    assert build_leaderboard(files, alpha=p_value / 2).rows[1].cells["entities"].mark == NOT_SIGNIFICANTLY_WORSE
    assert build_leaderboard(files, alpha=min(0.99, p_value * 2)).rows[1].cells["entities"].mark == ""


def test_ties_for_the_best_are_all_best(tmp_path):
    files = as_files(tmp_path, made_result("a", sentences(50, 2)), made_result("b", sentences(50, 2)))
    assert [row.cells["entities"].mark for row in build_leaderboard(files).rows] == [BEST, BEST]


def test_layers_not_attempted_are_shown_as_such_never_as_zero(tmp_path):
    full = made_result("full", sentences(20, 2), layers=LAYERS)
    partial = made_result("entities-only", sentences(22, 0))
    board = build_leaderboard(as_files(tmp_path, full, partial))
    row = markdown_rows(to_markdown(board))[3]
    assert row[1].startswith("**1.000**") and row[2:] == ["not attempted"] * 4
    table = list(csv.DictReader(io.StringIO(to_csv(board))))
    assert [table[1][f"{layer}.strict"] for layer in LAYERS[1:]] == ["not attempted"] * 4
    assert table[1]["coref.ci95_low"] == "" and table[1]["coref.mark"] == ""
    cells = read_html(html_table(board)).rows[2][1:]
    assert [(attrs.get("data-status"), text) for attrs, text in cells[1:]] == [("not attempted",) * 2] * 4
    assert all("data-value" not in attrs for attrs, _ in cells[1:])
    assert board.rows[0].cells["coref"].mark == BEST  # alone in the layer


# --- names from users are escaped -----------------------------------------------------

HOSTILE = '<script>alert(1)</script> | "><img src=x onerror=alert(2)> `tick` =cmd()'


def test_system_names_are_escaped_in_every_format(tmp_path):
    files = as_files(tmp_path, made_result(HOSTILE, sentences(9, 1)), made_result("=HYPERLINK(1)", sentences(10, 0)))
    files[0].data["system"]["model"] = {"name": "<b>m</b>", "version": "1|2", "spacy": "<i>"}
    board = build_leaderboard(files)
    reader = read_html(html_table(board))
    assert {tag for tag, _ in reader.tags} <= {
        "table",
        "caption",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "span",
        "strong",
        "code",
    }
    assert reader.rows[1][0][1].startswith(HOSTILE) and reader.rows[1][0][0]["data-system"] == HOSTILE
    assert "(<b>m</b> 1|2, spaCy <i>)" in reader.rows[1][0][1]
    rows = markdown_rows(to_markdown(board))
    assert all(len(row) == 2 for row in rows)  # the pipe in the name does not split the cell
    assert rows[2][0].startswith("``<script>")  # in a code span, shown as is
    table = list(csv.reader(io.StringIO(to_csv(board))))
    assert table[1][0] == HOSTILE and table[2][0] == "'=HYPERLINK(1)"


def test_markdown_renders_hostile_names_as_text(tmp_path):
    markdown_it = pytest.importorskip("markdown_it")
    files = as_files(tmp_path, made_result(HOSTILE, sentences(9, 1)), made_result("x_y_ *z* [a](b)", sentences(10, 0)))
    files[0].data["system"]["model"] = {"name": "<b>m</b>", "version": "1|2", "spacy": "<i>"}
    rendered = markdown_it.MarkdownIt("commonmark").enable("table").render(to_markdown(build_leaderboard(files)))
    reader = read_html(rendered)
    assert {tag for tag, _ in reader.tags} == {"table", "thead", "tbody", "tr", "th", "td", "code", "strong", "p"}
    names = [cells[0][1] for cells in reader.rows[1:]]
    assert names == [f"{HOSTILE} (<b>m</b> 1|2, spaCy <i>)", "x_y_ *z* [a](b)"]


# --- refusals ---------------------------------------------------------------------------


def write(tmp_path: Path, name: str, content) -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def refused(*paths: Path, output: Path | None = None) -> str:
    args = ["leaderboard", *map(str, paths)] + (["-o", str(output)] if output else [])
    done = run_cli(*args)
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert output is None or not output.exists()
    return done.stderr


def test_results_over_different_gold_are_refused(tmp_path):
    rules = json.loads((RESULTS / "rules.json").read_text())
    other = copy.deepcopy(rules)
    other["dataset"]["sha256"] = "0" * 64
    message = refused(RESULTS / "oracle.json", write(tmp_path, "other.json", other), output=tmp_path / "board.md")
    assert "other.json" in message and "different gold" in message and "00000000" in message


def test_results_over_different_documents_are_refused(tmp_path):
    a = made_result("a", sentences(5, 0), documents=("d1", "d2"))
    b = made_result("b", sentences(5, 0), documents=("d1", "d3"))
    c = made_result("c", sentences(5, 0), documents=("d2", "d1"))
    message = refused(write(tmp_path, "a.json", a), write(tmp_path, "b.json", b))
    assert "different document sets" in message and "'d2'" in message and "'d3'" in message
    assert "different order" in refused(write(tmp_path, "a.json", a), write(tmp_path, "c.json", c))


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda r: r["config"].update(seed=14), "different bootstrap settings"),
        (lambda r: r["config"].update(bootstrap=0), "--bootstrap 0"),
        (lambda r: r["config"].update(label_map="conll2003"), "different label maps"),
        (lambda r: r["layers"]["entities"]["headline"].update(metric="exact"), "headline metric"),
        (lambda r: r["layers"]["entities"]["units"].update(stats=[[1.0, 1.0, 1.0, 1.0]] * 3), "number of sentences"),
    ],
)
def test_results_scored_differently_are_refused(tmp_path, change, expected):
    other = made_result("b", sentences(4, 0))
    change(other)
    assert expected in refused(
        write(tmp_path, "a.json", made_result("a", sentences(4, 0))), write(tmp_path, "b.json", other)
    )


MALFORMED = {
    "not-json": ("{", "not valid JSON"),
    "a-list": ([1, 2], "expected a JSON object, not [1, 2]"),
    "no-layers": ({k: v for k, v in made_result("x", sentences(2, 0)).items() if k != "layers"}, "layers must be"),
    "bad-sha": ("dataset.sha256", None, "dataset.sha256 must be a string"),
    "bad-documents": ("dataset.documents", [1], "dataset.documents must be"),
    "no-name": ("system.name", None, "system.name must be a string"),
    "bool-seed": ("config.seed", True, "config.seed must be a whole number"),
    "unknown-layer": ("layers.relations", {"status": "scored"}, "layers.relations is not a layer"),
    "text-value": ("layers.entities.headline.value", "0.9", "headline.value must be a number"),
    "bad-ci": ("layers.entities.headline.ci95", [0.1], "headline.ci95 must be"),
    "ragged-stats": ("layers.entities.units.stats", [[1, 1, 1, 1], [1, 1]], "units.stats must be"),
    "unusable-stats": ("layers.entities.units.stats", [[5, 1, 1, 1]], "num > den"),
    "no-units": ("layers.entities.units", None, "units must be an object"),
    "edited-value": ("layers.entities.headline.value", 0.5, "does not agree with its per-sentence sums"),
}


def _malformed(case) -> object:
    if len(case) == 2:
        return case[0]
    key, value, _ = case
    result = made_result("x", sentences(3, 1))
    *parents, last = key.split(".")
    target = result
    for part in parents:
        target = target[part]
    target[last] = value
    return result


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_result_files_are_refused_without_a_traceback(tmp_path, name):
    path = write(tmp_path, f"{name}.json", _malformed(MALFORMED[name]))
    fine = write(tmp_path, "fine.json", made_result("fine", sentences(4, 0)))
    message = refused(fine, path, output=tmp_path / "board.csv")
    assert str(path) in message and MALFORMED[name][-1] in message


def test_a_missing_file_and_a_bad_alpha_are_input_errors(tmp_path):
    assert "cannot be read" in refused(tmp_path / "absent.json")
    done = run_cli("leaderboard", str(RESULTS / "rules.json"), "--alpha", "1.5")
    assert done.returncode == 2 and "--alpha" in done.stderr


def test_no_file_is_an_input_error():
    with pytest.raises(InputError, match="at least one"):
        build_leaderboard([])


# --- the command --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt, check",
    [
        ("markdown", lambda text: markdown_rows(text)[0] == TITLES),
        ("csv", lambda text: len(list(csv.DictReader(io.StringIO(text)))) == 3),
        ("html", lambda text: len(read_html(text).rows) == 4),
    ],
)
def test_the_command_renders_every_format_to_stdout_and_to_a_file(tmp_path, fmt, check):
    paths = [str(RESULTS / f"{name}.json") for name in BUILTINS]
    shown = run_cli("leaderboard", *paths, "--format", fmt)
    assert shown.returncode == 0, shown.stderr
    assert check(shown.stdout)
    out = tmp_path / f"board.{fmt}"
    written = run_cli("leaderboard", *paths, "--format", fmt, "-o", str(out))
    assert written.returncode == 0 and written.stdout == ""
    assert out.read_text(encoding="utf-8") == shown.stdout
