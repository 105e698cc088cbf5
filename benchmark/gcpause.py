"""Pausing Python's cyclic garbage collector while a large corpus is read or scored.

Reading a million spans allocates millions of objects that all stay alive,
and the collector would walk them again and again: about half of the time
of reading and scoring went there. Nothing these steps build is cyclic
garbage, so the pause costs next to no memory; a system's own code never
runs inside it.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import TypeVar

T = TypeVar("T")


@contextmanager
def paused_gc() -> Iterator[None]:
    """Automatic collection off inside the block, on again after it (if it was on before).

    What the block built and kept is then frozen (``gc.freeze``): long-lived
    by construction, it would otherwise be walked by the next collections,
    which at a million spans costs seconds.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()


def without_gc(function: Callable[..., T]) -> Callable[..., T]:
    """``function`` run with automatic collection paused."""

    @wraps(function)
    def paused(*args, **kwargs) -> T:
        with paused_gc():
            return function(*args, **kwargs)

    return paused
