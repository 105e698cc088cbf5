"""The HTML report in a real browser: Debian's headless Chromium, driven over DevTools.

Under the environment variable CI a missing chromium fails the test: `.ci/run`
installs it.
"""

from __future__ import annotations

import json
import os

import pytest

from tests.browser import Browser, chromium_path, pixel_variance
from tests.conftest import run_cli
from tests.test_report import hostile_gold

COUNT_ITEMS = """JSON.stringify((() => {
  const seen = {};
  document.querySelectorAll("[data-item]").forEach((element) => {
    const key = element.getAttribute("data-layer") + "|" + element.getAttribute("data-outcome");
    (seen[key] = seen[key] || new Set()).add(element.getAttribute("data-item"));
  });
  const counts = {};
  for (const key in seen) { counts[key] = seen[key].size; }
  return counts;
})())"""

TOGGLE_ALL_OFF = """JSON.stringify((() => {
  document.querySelectorAll("input[data-toggle-layer]").forEach((box) => { box.click(); });
  const articles = Array.from(document.querySelectorAll(".article"));
  return {hidden: articles.filter((a) => a.hidden).length, articles: articles.length,
          items: document.querySelectorAll("[data-item]").length};
})())"""


@pytest.fixture(scope="module")
def chromium() -> str:
    executable = chromium_path()
    if executable is None:
        message = "chromium is not installed (apt-get install chromium; .ci/run does it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return executable


@pytest.fixture(scope="module")
def rules_report(tmp_path_factory) -> tuple:
    folder = tmp_path_factory.mktemp("report")
    env = {**os.environ, "DIPLOMACY_IE_CACHE": str(folder / "cache")}
    result_path, report_path = folder / "rules.json", folder / "report.html"
    done = run_cli(
        "evaluate",
        "--system",
        "rules",
        "--quiet",
        "--bootstrap",
        "200",
        "--output",
        str(result_path),
        "--format",
        "json",
        "--report",
        str(report_path),
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(result_path.read_text(encoding="utf-8")), report_path


@pytest.fixture(scope="module")
def opened(chromium, rules_report):
    result, report = rules_report
    with Browser(chromium, width=900, height=700) as browser:
        browser.open(report.as_uri())
        counts = json.loads(browser.evaluate(COUNT_ITEMS))
        screenshot = browser.screenshot()
        toggled = json.loads(browser.evaluate(TOGGLE_ALL_OFF))
        yield result, report, browser, counts, screenshot, toggled


def test_every_item_is_in_the_page_as_its_counts_say(opened):
    result, _, _, counts, _, _ = opened
    expected = {
        f"{layer}|{outcome}": count
        for layer, block in result["layers"].items()
        if block.get("status") == "scored"
        for outcome, count in block["outcome_counts"].items()
        if count
    }
    assert counts == expected


def test_layer_toggles_hide_articles_and_keep_their_elements(opened):
    _, _, _, counts, _, toggled = opened
    assert toggled["hidden"] == toggled["articles"] > 0
    assert toggled["items"] >= sum(counts.values())


def test_nothing_is_fetched_but_the_report_itself(opened):
    _, report, browser, _, _, _ = opened
    assert browser.requested_urls() == [report.as_uri()]


def test_the_page_logs_no_error(opened):
    assert opened[2].console_errors() == []


def test_the_screenshot_is_not_blank(opened):
    variance, colours = pixel_variance(opened[4])
    assert variance > 200 and colours > 20, (variance, colours)


def test_the_checks_see_a_request_an_error_and_a_blank_page(chromium, tmp_path):
    """The network and console checks above are not vacuous: a page that fetches an
    image and logs an error is caught, and a blank page fails the screenshot check."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><img src="http://example.invalid/x.png"><script>console.error("bad")</script>', encoding="utf-8"
    )
    with Browser(chromium, width=400, height=300) as browser:
        browser.open(page.as_uri())
        assert "http://example.invalid/x.png" in browser.requested_urls()
        assert any("bad" in error for error in browser.console_errors())
        browser.evaluate('document.querySelector("img").remove(); "ok"')
        variance, _ = pixel_variance(browser.screenshot())
    assert variance < 1


def test_hostile_texts_and_names_run_no_script(chromium, tmp_path):
    gold, predictions = hostile_gold(tmp_path)
    report = tmp_path / "report.html"
    done = run_cli(
        "evaluate",
        "--gold",
        str(gold),
        "--predictions",
        str(predictions),
        "--bootstrap",
        "0",
        "--quiet",
        "--report",
        str(report),
        env={**os.environ, "DIPLOMACY_IE_CACHE": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    with Browser(chromium, width=600, height=400) as browser:
        browser.open(report.as_uri())
        browser.evaluate(
            'document.querySelectorAll(".ann").forEach((a) => a.dispatchEvent('
            'new MouseEvent("mouseover", {bubbles: true}))); "ok"'
        )
        dialogs = [e for e in browser.events if e["method"] == "Page.javascriptDialogOpening"]
        assert dialogs == [] and browser.console_errors() == []
        assert browser.requested_urls() == [report.as_uri()]
