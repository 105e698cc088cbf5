"""Find the JSON object in a language model's reply.

Tried in order: the whole reply; each fenced block (```json ... ``` or ``` ... ```);
then the first balanced top-level {...} in the reply that parses as a JSON object.
A reasoning model's leading <think>...</think> block is skipped first.
"""

from __future__ import annotations

import json
import re

FENCE = re.compile(r"```[ \t]*(?:json|JSON)?[ \t]*\n(.*?)```", re.S)
THINKING = re.compile(r"^\s*<think>.*?</think>", re.S)


def extract_json_object(reply: str) -> dict | None:
    """The JSON object the reply holds, or None when it holds none."""
    text = THINKING.sub("", reply, count=1).strip()
    for candidate in (text, *FENCE.findall(text)):
        parsed = _loads(candidate.strip())
        if isinstance(parsed, dict):
            return parsed
    return first_balanced_object(text)


def first_balanced_object(text: str) -> dict | None:
    """The first top-level {...} that parses as a JSON object. Braces inside JSON
    strings do not count; a candidate that does not parse is skipped whole."""
    start = text.find("{")
    while start != -1:
        end = _matching_brace(text, start)
        if end is None:
            return None  # never closed: the reply was cut off
        parsed = _loads(text[start : end + 1])
        if isinstance(parsed, dict):
            return parsed
        start = text.find("{", end + 1)
    return None


def _matching_brace(text: str, start: int) -> int | None:
    depth, in_string, escaped = 0, False, False
    for index in range(start, len(text)):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
    return None


def _loads(text: str) -> object:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than json allows
        return None
