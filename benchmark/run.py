"""Run a system over documents: concurrency, caching, progress and fault isolation.

A document the system fails on is recorded in `failures` and left out of
`predictions`; the caller scores it as empty for the declared layers. An
interruption (KeyboardInterrupt, or benchmark.systems.processes.Interrupted)
cancels the documents not yet started and propagates: no partial result.
"""

from __future__ import annotations

import sys
import traceback
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .cache import Check, PredictionCache
from .systems.base import System, SystemFailure, as_prediction, one_line

BAR_WIDTH = 20


@dataclass
class Failure:
    document: str
    error: str
    stderr: str = ""


@dataclass
class RunResult:
    predictions: dict[str, dict]
    failures: list[Failure]
    skipped: list[str] = field(default_factory=list)  # not run because fail_fast stopped the run
    cache_enabled: bool = False
    from_cache: int = 0  # documents whose prediction came from the cache


@dataclass
class Cached:
    """A prediction that came from the cache."""

    prediction: dict


Outcome = dict | Cached | Failure


def run_system(
    system: System,
    documents: list[dict],
    *,
    jobs: int = 1,
    cache_dir: Path | None,
    spec_key: str,
    fail_fast: bool = False,
    progress: bool | Literal["always"] = True,
    limit: int | None = None,
    check: Check | None = None,
) -> RunResult:
    """Predict every document. `progress`: True draws a bar when stderr is a terminal,
    "always" draws it anyway, False never; either way only for more than one document.
    `cache_dir=None` disables the cache; `spec_key` names the system in it
    (benchmark.cache.system_key); `check` gives the problems of a prediction, and a
    cached one with problems is evicted and run again."""
    if limit is not None:
        documents = documents[:limit]
    cacheable = getattr(system, "cacheable", True)
    cache = PredictionCache(cache_dir, spec_key, check) if cache_dir is not None and cacheable else None
    bar = ProgressBar(len(documents), _show_progress(progress, len(documents)))
    workers = _workers(system, jobs, len(documents), bar)
    if workers > 1:
        outcomes = _run_concurrently(system, documents, cache, bar, workers, fail_fast)
    else:
        outcomes = _run_in_order(system, documents, cache, bar, fail_fast)
    bar.finish()
    result = _result(documents, outcomes)
    result.cache_enabled = cache is not None
    return result


def _show_progress(progress: bool | str, total: int) -> bool:
    if total <= 1 or not progress:
        return False
    return progress == "always" or sys.stderr.isatty()


def _workers(system: System, jobs: int, total: int, bar: ProgressBar) -> int:
    workers = max(1, min(jobs, total))
    if workers > 1 and not getattr(system, "thread_safe", True):
        bar.message(
            f"note: system {system.name!r} is not declared thread-safe "
            "(thread_safe = True); running one document at a time"
        )
        return 1
    return workers


def _run_in_order(
    system: System, documents: list[dict], cache: PredictionCache | None, bar: ProgressBar, fail_fast: bool
) -> dict[str, Outcome]:
    outcomes: dict[str, Outcome] = {}
    for document in documents:
        outcome = _record(outcomes, document, run_one(system, document, cache), system, bar)
        if fail_fast and isinstance(outcome, Failure):
            break
    return outcomes


def _run_concurrently(
    system: System,
    documents: list[dict],
    cache: PredictionCache | None,
    bar: ProgressBar,
    workers: int,
    fail_fast: bool,
) -> dict[str, Outcome]:
    outcomes: dict[str, Outcome] = {}
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="benchmark-run")
    try:
        pending: dict[Future, dict] = {pool.submit(run_one, system, d, cache): d for d in documents}
        stop = False
        while pending and not stop:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                outcome = _record(outcomes, pending.pop(future), future.result(), system, bar)
                stop = stop or (fail_fast and isinstance(outcome, Failure))
        for future in pending:
            future.cancel()
    except BaseException:  # interrupted: start nothing more, and do not wait here
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    # Documents already running when fail_fast stopped the run have finished: keep them.
    for future, document in pending.items():
        if future.done() and not future.cancelled():
            _record(outcomes, document, future.result(), system, bar)
    return outcomes


def _record(
    outcomes: dict[str, Outcome], document: dict, outcome: Outcome, system: System, bar: ProgressBar
) -> Outcome:
    outcomes[document["id"]] = outcome
    if isinstance(outcome, Failure):
        bar.message(f"system {system.name!r} failed on document {outcome.document!r}: {outcome.error}")
    bar.advance()
    return outcome


def run_one(system: System, document: dict, cache: PredictionCache | None) -> Outcome:
    """One document's prediction, from the cache (wrapped in Cached) or the system, or its Failure."""
    if cache is not None:
        cached = cache.get(document)
        if cached is not None:
            return Cached(cached)
    try:
        prediction = as_prediction(system.predict(document), document)
    except SystemFailure as failure:
        return Failure(document["id"], failure.message, failure.stderr)
    except Exception as error:  # a system not wrapped by an adapter: still only this document fails
        lines = traceback.format_exc().rstrip("\n").splitlines()[-20:]
        return Failure(document["id"], one_line(f"raised {type(error).__name__}: {error}"), "\n".join(lines))
    if cache is not None:
        cache.put(document, prediction)
    return prediction


def _result(documents: list[dict], outcomes: dict[str, Outcome]) -> RunResult:
    result = RunResult(predictions={}, failures=[])
    for document in documents:
        outcome = outcomes.get(document["id"])
        if outcome is None:
            result.skipped.append(document["id"])
        elif isinstance(outcome, Failure):
            result.failures.append(outcome)
        elif isinstance(outcome, Cached):
            result.predictions[document["id"]] = outcome.prediction
            result.from_cache += 1
        else:
            result.predictions[document["id"]] = outcome
    return result


class ProgressBar:
    """`[####    ] 3/10 docs` redrawn in place on stderr; messages print above it."""

    def __init__(self, total: int, enabled: bool):
        self.total = total
        self.done = 0
        self.enabled = enabled

    def advance(self) -> None:
        self.done += 1
        self._draw()

    def message(self, line: str) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * (BAR_WIDTH + 30) + "\r")
        sys.stderr.write(line + "\n")
        self._draw()

    def finish(self) -> None:
        if self.enabled and self.done:
            sys.stderr.write("\n")
            sys.stderr.flush()

    def _draw(self) -> None:
        if not self.enabled:
            return
        filled = BAR_WIDTH * self.done // max(1, self.total)
        bar = "#" * filled + " " * (BAR_WIDTH - filled)
        sys.stderr.write(f"\r[{bar}] {self.done}/{self.total} docs")
        sys.stderr.flush()
