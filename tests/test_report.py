"""``benchmark report`` and ``evaluate --report``: one self-contained HTML file, escaped throughout."""

from __future__ import annotations

import json
import os
from html.parser import HTMLParser
from importlib import resources

import pytest

from tests.conftest import run_cli

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
QUOTE_ATTR = "' onmouseover='alert(3)"
BRACES = "{{ 7*7 }}"
HOSTILE = SCRIPT + IMG + QUOTE_ATTR + BRACES
OUR_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "header",
    "h1",
    "h2",
    "h3",
    "h4",
    "p",
    "a",
    "section",
    "table",
    "tr",
    "th",
    "td",
    "caption",
    "svg",
    "line",
    "rect",
    "circle",
    "div",
    "span",
    "label",
    "input",
    "ul",
    "li",
    "b",
    "br",
    "script",
}


class Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []
        self.texts: list[str] = []
        self.scripts: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self.in_script = tag == "script"

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag):
        self.in_script = False

    def handle_data(self, data):
        (self.scripts if self.in_script else self.texts).append(data)


def parse(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    collector.close()
    return collector


def env(tmp_path) -> dict:
    return {**os.environ, "DIPLOMACY_IE_CACHE": str(tmp_path / "cache")}


def hostile_gold(tmp_path):
    text = f"Alice said {SCRIPT} to Bob. Then {IMG} and {BRACES} came to Paris. {QUOTE_ATTR} ended."

    def span(phrase: str) -> dict:
        start = text.index(phrase)
        return {"start": start, "end": start + len(phrase), "text": phrase}

    first_end = text.index("Bob.") + 4
    gold = {
        "id": f"doc{IMG}",
        "text": text,
        "date": "2022-01-26",
        "sentences": [
            {"id": "S1", "start": 0, "end": first_end, "text": text[:first_end]},
            {"id": f"S2{SCRIPT}", "start": first_end + 1, "end": len(text), "text": text[first_end + 1 :]},
        ],
        "entities": [
            {**span("Alice"), "type": "PERSON"},
            {**span("Bob"), "type": "PERSON"},
            {**span(SCRIPT), "type": "ORG"},
            {**span("Paris"), "type": "GPE"},
        ],
        "clusters": [{"name": HOSTILE, "mentions": [span("Alice")]}],
        "quotes": [{"kind": "direct", "cue": span("said"), "content": [span(SCRIPT)], "source": span("Alice")}],
        "events": [
            {
                "trigger": span("came"),
                "code": "010",
                "arguments": [{"role": "source", **span(BRACES)}],
                "realis": "actual",
                "polarity": "positive",
            }
        ],
        "timexes": [{**span("Then"), "type": "DATE", "value": "PRESENT_REF"}],
    }
    prediction = {
        "id": gold["id"],
        "entities": [{**span(SCRIPT), "type": "GPE"}, {**span(IMG), "type": "ORG"}, {**span("Paris"), "type": "GPE"}],
        "clusters": [[span("Alice"), span("Bob"), span(QUOTE_ATTR)]],
        "quotes": [
            {"kind": "indirect", "cue": span("said"), "content": [span(IMG)], "source_name": HOSTILE},
            {"kind": "direct", "cue": span("said"), "content": [span(SCRIPT)], "source_name": HOSTILE},
        ],
        "events": [{"trigger": span("said"), "code": "010", "arguments": [{"role": "target", **span(QUOTE_ATTR)}]}],
        "timexes": [{**span(BRACES), "type": "DATE", "value": "PRESENT_REF"}],
    }
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text(json.dumps(gold) + "\n", encoding="utf-8")
    # The file's name is the system's name: it cannot hold a slash, so not </script>.
    pred_path = tmp_path / f"{IMG}{QUOTE_ATTR}{BRACES}.jsonl"
    pred_path.write_text(json.dumps(prediction) + "\n", encoding="utf-8")
    return gold_path, pred_path


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("hostile")
    gold, predictions = hostile_gold(tmp_path)
    result_path = tmp_path / "result.json"
    done = run_cli(
        "evaluate",
        "--gold",
        str(gold),
        "--predictions",
        str(predictions),
        "--bootstrap",
        "50",
        "--output",
        str(result_path),
        "--format",
        "json",
        env=env(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    # A result file is input too: its names and labels may say anything.
    result = json.loads(result_path.read_text(encoding="utf-8"))
    result["system"]["name"] = HOSTILE
    result["system"]["spec"] = HOSTILE
    result["layers"]["entities"]["per_label"][HOSTILE] = result["layers"]["entities"]["per_label"]["GPE"]
    result["layers"]["entities"]["errors"][0]["gold"]["type"] = HOSTILE
    result_path.write_text(json.dumps(result), encoding="utf-8")
    report = tmp_path / "report.html"
    done = run_cli("report", str(result_path), "--gold", str(gold), "-o", str(report), env=env(tmp_path))
    assert done.returncode == 0, done.stderr
    return report.read_text(encoding="utf-8"), result


def test_nothing_from_a_corpus_or_a_system_becomes_markup(hostile_report):
    html, _ = hostile_report
    page = parse(html)
    assert {tag for tag, _ in page.tags} <= OUR_TAGS
    assert [tag for tag, _ in page.tags].count("script") == 1
    script = resources.files("benchmark.report").joinpath("templates", "report.js").read_text(encoding="utf-8")
    assert "".join(page.scripts) == script
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name, _ in attrs), (tag, attrs)
        if tag == "a":
            assert all(value.startswith("#") for name, value in attrs if name == "href")


def test_the_hostile_strings_are_shown_as_text(hostile_report):
    html, _ = hostile_report
    page = parse(html)
    text = "".join(page.texts)
    attributes = [value for _, attrs in page.tags for _, value in attrs if value]
    for hostile in (SCRIPT, IMG, QUOTE_ATTR, BRACES, HOSTILE):
        assert hostile in text
    assert any(HOSTILE in value for value in attributes)
    assert "alert(1)</script>" not in html and "<img" not in html


def test_the_report_loads_nothing(hostile_report):
    html, _ = hostile_report
    policy = next(
        dict(attrs)["content"]
        for tag, attrs in parse(html).tags
        if tag == "meta" and dict(attrs).get("http-equiv") == "Content-Security-Policy"
    )
    assert policy.startswith("default-src 'none';") and "unsafe-inline" not in policy
    for tag, attrs in parse(html).tags:
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "data") and value:
                assert value.startswith("#"), (tag, name, value)
    assert "url(" not in html and "@import" not in html and "http://" not in html and "https://" not in html


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("results")
    paths = {}
    for system in ("rules", "empty"):
        paths[system] = folder / f"{system}.json"
        done = run_cli(
            "evaluate",
            "--system",
            system,
            "--quiet",
            "--bootstrap",
            "200",
            "--output",
            str(paths[system]),
            "--format",
            "json",
            env=env(folder),
        )
        assert done.returncode in (0, 3), done.stderr
    return folder, paths


def test_a_report_over_two_systems_compares_their_headlines(results):
    folder, paths = results
    out = folder / "both.html"
    done = run_cli("report", str(paths["rules"]), str(paths["empty"]), "-o", str(out), "--samples", "200")
    assert done.returncode == 0, done.stderr
    text = "".join(parse(out.read_text(encoding="utf-8")).texts)
    assert "Paired tests against rules" in text and "significant at 0.05" in text
    for shown in ("Engage in negotiation", "verbal cooperation", "Blinken →", "System empty", "System rules"):
        assert shown in text


def test_a_result_on_another_gold_needs_that_gold(results, tmp_path):
    _, paths = results
    result = json.loads(paths["rules"].read_text(encoding="utf-8"))
    result["dataset"]["sha256"] = "0" * 64
    other = tmp_path / "other.json"
    other.write_text(json.dumps(result), encoding="utf-8")
    out = tmp_path / "r.html"
    done = run_cli("report", str(other), "-o", str(out))
    assert done.returncode == 2 and "--gold FILE" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()
    done = run_cli("report", str(other), "--gold", str(tmp_path / "absent.jsonl"), "-o", str(out))
    assert done.returncode == 2 and "absent.jsonl" in done.stderr and not out.exists()


def test_results_on_different_documents_are_refused(results, tmp_path):
    _, paths = results
    result = json.loads(paths["empty"].read_text(encoding="utf-8"))
    result["dataset"]["documents"] = []
    other = tmp_path / "other.json"
    other.write_text(json.dumps(result), encoding="utf-8")
    done = run_cli("report", str(paths["rules"]), str(other), "-o", str(tmp_path / "r.html"))
    assert done.returncode == 2 and "different documents" in done.stderr and not (tmp_path / "r.html").exists()


def test_errors_and_per_label_print_under_the_table(tmp_path):
    done = run_cli(
        "evaluate", "--system", "rules", "--quiet", "--bootstrap", "0", "--errors", "--per-label", env=env(tmp_path)
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "entities: 1 error(s) among 72 item(s)" in out
    assert "  boundary (1)\n    S16: [[The US]] and NATO have held" in out
    assert "entity types (rows gold, columns predicted)" in out and "CAMEO roots" in out
    assert "entities per label" in out
    assert out.index("* headline metric") < out.index("entities: 1 error(s)")


def test_errors_with_json_output_is_a_usage_error(tmp_path):
    done = run_cli("evaluate", "--system", "rules", "--format", "json", "--errors", env=env(tmp_path))
    assert done.returncode == 2 and "--errors" in done.stderr


def test_lenient_drops_are_counted_under_the_table(tmp_path):
    predictions = tmp_path / "p.jsonl"
    bad = {"start": 5, "end": 2, "type": "GPE"}
    predictions.write_text(
        json.dumps({"id": "us-nato-responses-2022-01-26", "entities": [{"start": 0, "end": 2, "type": "GPE"}, bad]})
        + "\n",
        encoding="utf-8",
    )
    done = run_cli("evaluate", "--predictions", str(predictions), "--lenient", "--bootstrap", "0", env=env(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "dropped 1 invalid predicted item(s) (--lenient)" in done.stdout.split("* headline metric")[1]


def test_the_report_path_is_checked_before_the_system_runs(tmp_path):
    script = tmp_path / "mine.py"
    script.write_text(
        "from pathlib import Path\n"
        "def predict(doc):\n    Path(__file__).with_name('ran').touch()\n"
        "    return {'id': doc['id'], 'entities': []}\n",
        encoding="utf-8",
    )
    result = run_cli(
        "evaluate",
        "--system",
        f"python:{script}:predict",
        "--bootstrap",
        "0",
        "--report",
        str(tmp_path / "no-such-folder" / "report.html"),
        cwd=tmp_path,
    )
    assert result.returncode == 2 and "cannot write the output here" in result.stderr
    assert not (tmp_path / "ran").exists()
    result = run_cli(
        "evaluate",
        "--system",
        "oracle",
        "--bootstrap",
        "0",
        "--output",
        str(tmp_path / "r.json"),
        "--report",
        str(tmp_path / "r.json"),
        cwd=tmp_path,
    )
    assert result.returncode == 2 and "also an input of this run" in result.stderr


def test_the_report_is_written_with_the_usual_mode(tmp_path):
    old = os.umask(0o022)
    try:
        result = run_cli("evaluate", "--system", "oracle", "--bootstrap", "0", "--report", "r.html", cwd=tmp_path)
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "r.html").stat().st_mode & 0o777 == 0o644
