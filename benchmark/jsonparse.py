"""The one JSON parser for every JSON Lines line the harness reads.

orjson parses a line about three times faster than the standard library.
It is used only where its answer is the standard library's: a line it
refuses (NaN, Infinity, a lone surrogate, a byte order mark, bad UTF-8, bad
JSON) goes to ``json.loads``, which then parses it or raises its usual error.
So does a line whose keys might not all have survived, which is where the two
could part: a duplicate key (both keep the last value) is for the standard
library's path to report, one place for every check of that kind.

orjson reads an integer beyond 64 bits as a float and the standard library
as an int; no number in the formats may be that large (an offset must be an
integer inside the text either way), so this changes an error message at
most.
"""

from __future__ import annotations

import json
from typing import Any

try:
    import orjson
except ImportError:  # the standard library alone gives the same results, slower
    orjson = None


def loads(line: bytes | str) -> Any:
    """The value of one JSON text; ``json.JSONDecodeError`` or ``UnicodeDecodeError`` when it is bad."""
    if orjson is not None:
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError:
            pass
        else:
            if _keeps_every_key(line, value):
                return value
    return stdlib_loads(line)


def stdlib_loads(line: bytes | str) -> Any:
    """The standard library's reading of one JSON text, the reference for :func:`loads`."""
    return json.loads(line.decode("utf-8") if isinstance(line, bytes) else line)


def _keeps_every_key(line: bytes | str, value: Any) -> bool:
    """True when ``value`` holds as many keys as ``line`` has key-value pairs.

    A colon outside a string separates a key from its value. Inside strings,
    orjson writes a colon as it is and the line has it as it is too, unless
    escaped as ``\\u003a``; such a line is not vouched for. So equal colon
    counts mean no key was lost to a duplicate.
    """
    if isinstance(line, bytes):
        return b"\\u003" not in line and line.count(b":") == orjson.dumps(value).count(b":")
    return "\\u003" not in line and line.count(":") == orjson.dumps(value).count(b":")
