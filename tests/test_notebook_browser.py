"""The notebook view of a result in a real browser: the report runs inside its sandboxed frame,
as a notebook's output cell holds it, with every item drawn, nothing fetched and no error."""

from __future__ import annotations

import html
import json

from benchmark.evaluation import evaluate
from tests.browser import Browser
from tests.test_report_browser import COUNT_ITEMS, TOGGLE_ALL_OFF, chromium  # noqa: F401 (a fixture)


def attach_to_frame(browser: Browser) -> str:
    """A DevTools session on the page's one frame (a sandboxed frame runs in a process of its own),
    with its console, errors and log, those from before the attachment included."""
    (frame,) = [t for t in browser.call("Target.getTargets")["targetInfos"] if t["type"] == "iframe"]
    session = browser.call("Target.attachToTarget", targetId=frame["targetId"], flatten=True)["sessionId"]
    for domain in ("Runtime", "Log"):
        call_in(browser, session, f"{domain}.enable")
    return session


def call_in(browser: Browser, session: str, method: str, **params) -> dict:
    browser.next_id += 1
    browser.socket.send(json.dumps({"id": browser.next_id, "sessionId": session, "method": method, "params": params}))
    while True:
        message = json.loads(browser.socket.receive())
        if message.get("id") == browser.next_id:
            assert "error" not in message, message
            return message.get("result", {})
        if "method" in message:
            browser.events.append(message)


def evaluate_in(browser: Browser, session: str, expression: str):
    result = call_in(browser, session, "Runtime.evaluate", expression=expression, returnByValue=True)
    assert "exceptionDetails" not in result, result
    return result["result"]["value"]


def test_the_report_runs_in_the_notebook_frame(chromium, tmp_path):  # noqa: F811
    result = evaluate(system="rules", bootstrap=200, progress=False)
    host = tmp_path / "notebook.html"
    host.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>a notebook</title></head>"
        f"<body><div class='output'>{result._repr_html_()}</div></body></html>",
        encoding="utf-8",
    )
    with Browser(chromium, width=900, height=1000) as browser:
        browser.open(host.as_uri())
        frame = attach_to_frame(browser)
        counts = json.loads(evaluate_in(browser, frame, COUNT_ITEMS))
        toggled = json.loads(evaluate_in(browser, frame, TOGGLE_ALL_OFF))
        # The frame is sandboxed: the notebook's page is out of the report's reach.
        reach = evaluate_in(
            browser,
            frame,
            "(() => { try { return String(parent.document.title); } catch (error) { return error.name; } })()",
        )
        assert browser.console_errors() == []
        assert browser.requested_urls() == [host.as_uri()]
    assert counts == {
        f"{layer}|{outcome}": count
        for layer, block in result["layers"].items()
        for outcome, count in block["outcome_counts"].items()
        if count
    }
    assert toggled["hidden"] == toggled["articles"] > 0  # the report's script ran
    assert reach == "SecurityError"


def test_the_frame_check_sees_an_error_in_the_frame(chromium, tmp_path):  # noqa: F811
    """The console check above is not vacuous: an error thrown inside the sandboxed frame is seen."""
    inner = html.escape("<!DOCTYPE html><p>x</p><script>console.error('inner'); missing();</script>", quote=True)
    host = tmp_path / "bad.html"
    host.write_text(f'<!DOCTYPE html><iframe sandbox="allow-scripts" srcdoc="{inner}"></iframe>', encoding="utf-8")
    with Browser(chromium, width=400, height=300) as browser:
        browser.open(host.as_uri())
        attach_to_frame(browser)
        errors = browser.console_errors()
    assert "inner" in errors and len(errors) == 2
