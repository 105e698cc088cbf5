"""Command systems that misbehave: every answer must carry its document's id, no
stray line is ever taken for an answer, and output is read with bounded buffers."""

from __future__ import annotations

import shlex
import sys
import textwrap
import time
from pathlib import Path

import pytest

from benchmark.run import run_system
from benchmark.systems.base import MAX_REPLY_BYTES
from benchmark.systems.command import CommandSystem
from benchmark.systems.processes import TAIL_BYTES

PYTHON = shlex.quote(sys.executable)

# A well-behaved server with one twist, chosen by `before` (printed once at start-up),
# `answer` (how the id is written) and `after` (printed after each answer).
SERVER = """
    import json, sys
    {before}
    for line in sys.stdin:
        document = json.loads(line)
        {answer}
        print(json.dumps({{"id": answer_id, "entities": [], "echo": document["text"]}}), flush=True)
        {after}
"""


def docs(*texts: str) -> list[dict]:
    return [{"id": f"d{i}", "text": text, "date": "2022-01-26", "language": "en"} for i, text in enumerate(texts)]


def command(tmp_path: Path, source: str, timeout: float = 10, name: str = "server.py") -> CommandSystem:
    (tmp_path / name).write_text(textwrap.dedent(source), encoding="utf-8")
    return CommandSystem("cmd", f"{PYTHON} {name}", None, timeout=timeout, cwd=tmp_path)


def run(system: CommandSystem, documents: list[dict], jobs: int = 1):
    try:
        return run_system(system, documents, jobs=jobs, cache_dir=None, spec_key="k", progress=False)
    finally:
        system.close()


def server(before: str = "", answer: str = 'answer_id = document["id"]', after: str = "") -> str:
    return SERVER.format(before=before, answer=answer, after=after)


def test_a_well_behaved_server_answers_every_document(tmp_path):
    result = run(command(tmp_path, server()), docs("a", "b", "c"))
    assert result.failures == []
    assert {doc_id: p["echo"] for doc_id, p in result.predictions.items()} == {"d0": "a", "d1": "b", "d2": "c"}


@pytest.mark.parametrize(
    "banner, reason",
    [
        ('print("Loading model weights... done")', "wrote a line that is not JSON"),
        ('print(json.dumps({"status": "ready"}))', 'answered without an "id" (keys: status)'),
    ],
)
def test_a_start_up_banner_fails_documents_and_never_shifts_answers(tmp_path, banner, reason):
    system = command(tmp_path, server(before=banner))
    result = run(system, docs("a", "b", "c"))
    # Each fresh process prints its banner first: every document fails, loudly, and no
    # document is ever given the answer meant for the one before it.
    assert result.predictions == {}
    assert [f.document for f in result.failures] == ["d0", "d1", "d2"]
    assert all(reason in f.error for f in result.failures)
    assert len(system.started) == 0  # closed; every process was killed after its stray line


def test_an_extra_line_per_document_fails_the_next_document_not_shifts_it(tmp_path):
    system = command(tmp_path, server(after='print(json.dumps({"debug": "extra"}), flush=True)'))
    result = run(system, docs("a", "b", "c", "d"))
    # d0 is answered; the extra line arrives where d1's answer should be: d1 fails and
    # the process restarts, so d2 is answered by a fresh process, and so on.
    assert {doc_id: p["echo"] for doc_id, p in result.predictions.items()} == {"d0": "a", "d2": "c"}
    assert [f.document for f in result.failures] == ["d1", "d3"]
    assert all('answered without an "id" (keys: debug)' in f.error for f in result.failures)


def test_an_answer_repeated_is_never_taken_for_the_next_document(tmp_path):
    repeat = 'print(json.dumps({"id": answer_id, "entities": [], "echo": document["text"]}), flush=True)'
    result = run(command(tmp_path, server(after=repeat)), docs("a", "b", "c"))
    assert {doc_id: p["echo"] for doc_id, p in result.predictions.items()} == {"d0": "a", "d2": "c"}
    assert "answered for document 'd0' instead of 'd1'" in result.failures[0].error


@pytest.mark.parametrize(
    "answer, reason",
    [
        ('answer_id = "someone-else"', "answered for document 'someone-else' instead of 'd0'"),
        ("answer_id = None", "answered for document None instead of 'd0'"),
        ('answer_id = document["id"].upper()', "answered for document 'D0' instead of 'd0'"),
    ],
)
def test_an_answer_for_another_id_fails_that_document(tmp_path, answer, reason):
    result = run(command(tmp_path, server(answer=answer)), docs("a", "b"))
    assert result.predictions == {}
    assert reason in result.failures[0].error
    assert "every answer must carry the id of the document it answers" in result.failures[0].error


def test_an_answer_without_id_fails_that_document(tmp_path):
    source = """
        import json, sys
        for line in sys.stdin:
            print(json.dumps({"entities": []}), flush=True)
    """
    result = run(command(tmp_path, source), docs("a"))
    assert result.predictions == {}
    assert result.failures[0].error.startswith(
        f'command {PYTHON + " server.py"!r}: answered without an "id" (keys: entities)'
    )


def test_a_hung_process_times_out_and_is_replaced(tmp_path):
    source = """
        import json, sys, time
        for line in sys.stdin:
            document = json.loads(line)
            if document["text"] == "hang":
                time.sleep(600)
            print(json.dumps({"id": document["id"]}), flush=True)
    """
    started = time.monotonic()
    result = run(command(tmp_path, source, timeout=0.5), docs("hang", "fine"))
    assert time.monotonic() - started < 5
    assert list(result.predictions) == ["d1"]
    assert "no answer within the timeout of 0.5 s" in result.failures[0].error


def test_a_process_that_never_reads_its_input_cannot_block_the_harness(tmp_path):
    source = """
        import time
        time.sleep(600)
    """
    big = "x" * (4 * 1024 * 1024)  # far more than a pipe holds: the write itself must not block
    started = time.monotonic()
    result = run(command(tmp_path, source, timeout=0.5), docs(big))
    assert time.monotonic() - started < 5
    assert "no answer within the timeout of 0.5 s" in result.failures[0].error


def test_a_stdout_line_over_the_cap_fails_the_document(tmp_path):
    source = f"""
        import json, sys
        for line in sys.stdin:
            document = json.loads(line)
            if document["text"] == "huge":
                sys.stdout.write('{{"id": "' + document["id"] + '", "x": "' + "y" * {MAX_REPLY_BYTES} + '"}}\\n')
                sys.stdout.flush()
                continue
            print(json.dumps({{"id": document["id"]}}), flush=True)
    """
    system = command(tmp_path, source)
    result = run(system, docs("huge", "fine"))
    assert list(result.predictions) == ["d1"]
    assert "wrote an output line longer than 64 MiB" in result.failures[0].error


def test_an_endless_stdout_line_fails_at_the_cap_not_at_the_timeout(tmp_path):
    source = """
        import sys
        sys.stdin.readline()
        chunk = "x" * (1024 * 1024)
        while True:
            sys.stdout.write(chunk)
    """
    started = time.monotonic()
    result = run(command(tmp_path, source, timeout=20), docs("a"))
    assert "wrote an output line longer than 64 MiB" in result.failures[0].error
    assert time.monotonic() - started < 15


def test_a_progress_bar_on_stderr_keeps_only_a_bounded_tail(tmp_path):
    # 40 MB of progress redrawn with \r and never a newline, then a crash.
    source = """
        import json, sys
        redraws = "".join(f"\\rprogress {step:>6}/1000 [" + "#" * (step % 10) + "]" for step in range(1000))
        for line in sys.stdin:
            for _ in range(1000):
                sys.stderr.write(redraws)
            sys.stderr.write("\\rprogress done")
            sys.stderr.flush()
            sys.exit(5)
    """
    system = command(tmp_path, source, timeout=60)
    document = docs("a")[0]
    process = system._process()
    with pytest.raises(Exception) as caught:
        system.predict(document)
    system.close()
    assert "exited with status 5" in str(caught.value)
    assert caught.value.stderr == "progress done"  # split on \r: only the last state is shown
    assert len(process.channel.tail.data) <= 2 * TAIL_BYTES


def test_blank_lines_are_skipped_and_answers_keep_their_documents_with_two_jobs(tmp_path):
    source = """
        import json, sys
        for line in sys.stdin:
            document = json.loads(line)
            print()
            print(json.dumps({"id": document["id"], "echo": document["text"]}), flush=True)
    """
    result = run(command(tmp_path, source), docs(*"abcdefgh"), jobs=3)
    assert result.failures == []
    assert {doc_id: p["echo"] for doc_id, p in result.predictions.items()} == {
        f"d{i}": text for i, text in enumerate("abcdefgh")
    }
