"""What both halves of the BRAT format share: the type, role and attribute names of
the export, and how spans (fragments), notes and repeated roles are spelled; each
spelling sits beside its reading."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from ...model import Span

MENTION, TIMEX, CONTENT, EVENT, QUOTE = "Mention", "TIMEX3", "Content", "Event", "Quote"
COREF, NOTE = "Coref", "AnnotatorNotes"
MENTION_KIND, TIMEX_TYPE, TIMEX_MOD = "MentionKind", "TimexType", "TimexMod"
QUOTE_KIND, CAMEO, REALIS, POLARITY = "QuoteKind", "CAMEO", "Realis", "Polarity"
EVENT_ROLES = {"source": "Source", "target": "Target", "time": "Time", "place": "Place"}
CONTENT_ROLE, SOURCE_ROLE, ADDRESSEE_ROLE = "Content", "Source", "Addressee"
# T types that mark a trigger or a quote content, never an entity.
STRUCTURAL_TYPES = frozenset({CONTENT, EVENT, QUOTE})

# What brat joins the fragments of a discontinuous span with in a T line's text.
FRAGMENT_SEPARATOR = " "
# Every character Python's str.splitlines (and brat's line reader) breaks on.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK_RUN = re.compile(f"[{re.escape(LINE_BREAKS)}]+")
_NOTE_FIELD = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)')
_NEEDS_QUOTES = re.compile(r'[\s"=\\]')

Fragment = tuple[int, int]


# ---------------------------------------------------------------- fragments and notes


def fragments_of(spans: Iterable[Span], text: str) -> list[Fragment]:
    """Offsets of ``spans``, each cut where it crosses a line break."""
    fragments = []
    for span in spans:
        start = span.start
        for brk in _BREAK_RUN.finditer(text, span.start, span.end):
            if brk.start() > start:
                fragments.append((start, brk.start()))
            start = brk.end()
        if start < span.end:
            fragments.append((start, span.end))
    return fragments


def merge_fragments(fragments: list[Fragment], text: str) -> list[Fragment]:
    """Join fragments that only a line break (and white space) separates."""
    merged = [fragments[0]]
    for start, end in fragments[1:]:
        first, last = merged[-1]
        gap = text[last:start]
        if last <= start and gap and not gap.strip() and any(c in LINE_BREAKS for c in gap):
            merged[-1] = (first, end)
        else:
            merged.append((start, end))
    return merged


def _note_value(value: str) -> str:
    if value and not _NEEDS_QUOTES.search(value):
        return value
    quoted = json.dumps(value, ensure_ascii=False)
    return "".join(f"\\u{ord(c):04x}" if c in LINE_BREAKS else c for c in quoted)


def format_note(fields: dict[str, str | None]) -> str:
    return " ".join(f"{key}={_note_value(value)}" for key, value in fields.items() if value is not None)


def parse_note(note: str) -> dict[str, str]:
    """The ``key=value`` fields of a note; free text around them is ignored."""
    fields = {}
    for match in _NOTE_FIELD.finditer(note):
        key, raw = match.groups()
        if raw.startswith('"'):
            try:
                raw = json.loads(raw)
            except json.JSONDecodeError:
                pass
        fields[key] = raw
    return fields


def _numbered_roles(arguments: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """brat's spelling of repeated roles: Target, Target2, Target3 ..."""
    seen: dict[str, int] = {}
    numbered = []
    for role, ref in arguments:
        seen[role] = seen.get(role, 0) + 1
        numbered.append((role if seen[role] == 1 else f"{role}{seen[role]}", ref))
    return numbered


def base_role(role: str) -> str:
    """``Target2`` -> ``Target``."""
    stripped = role.rstrip("0123456789")
    return stripped or role
