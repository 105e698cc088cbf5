"""The command's own standard streams and last-resort errors: output a terminal
cannot encode is escaped, a closed or full stdout is a clear error, and a bug
in the harness is one line (the traceback only with BENCHMARK_DEBUG set)."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

DEBUG_ENV = "BENCHMARK_DEBUG"


def internal_error(err: BaseException, exit_status: int) -> int:
    """A bug in the harness: one line saying so (the traceback too when BENCHMARK_DEBUG is set)."""
    import traceback

    frames = traceback.extract_tb(err.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    if os.environ.get(DEBUG_ENV):
        traceback.print_exception(err, file=sys.stderr)
    say(
        f"benchmark: internal error: {type(err).__name__}{where}: {str(err)[:300]}. This is a bug in the "
        f"harness; please report it with the command you ran"
        + ("" if os.environ.get(DEBUG_ENV) else f" (set {DEBUG_ENV}=1 to print the traceback)")
        + "."
    )
    return exit_status


def tolerant_streams() -> None:
    """Output that the terminal's encoding cannot show is escaped, never a crash; a closed
    stdout is an error when written to, not a crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    if sys.stdout is None:
        sys.stdout = _ClosedStream()


class _ClosedStream:
    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "it is closed")

    def flush(self) -> None:
        pass


def is_stdout_error(err: OSError) -> bool:
    return err.filename is None and err.errno in (errno.EPIPE, errno.ENOSPC, errno.EBADF, errno.EIO)


def silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        sys.stdout = _DiscardStream()


class _DiscardStream:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def say(line: str) -> None:
    try:
        print(line, file=sys.stderr)
    except (OSError, ValueError, AttributeError):
        pass
