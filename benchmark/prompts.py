"""Prompt templates for LLM systems: one built-in template per layer, shipped as
package data (``benchmark/data/prompts/<layer>.txt``), or a user's own file.

A template file is plain text:

    version: entities-v1        (first line; required in a built-in template)
    [system]
    ...the system message...
    [user]
    ...the user message, with $text where the document goes...

Without ``[system]`` and ``[user]`` lines the whole file is the user message.
Placeholders are those of ``string.Template``: ``$text``, ``$date``, ``$id``,
``$layers`` (the prediction keys asked for) and ``$cameo_codes`` (the CAMEO code
list); ``$$`` is a literal dollar sign.

Bump rule: a built-in template's version is ``<layer>-v<N>``; any change to the
file increments N, so that two results with the same version were produced by
the same prompt (tests/test_prompts.py pins each version's SHA-256).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from string import Template

from .errors import InputError
from .jsonl import PREDICTION_KEYS
from .model import LAYERS

PLACEHOLDERS = ("text", "date", "id", "layers", "cameo_codes")
SECTION_LINES = {"[system]": "system", "[user]": "user"}
VERSION_LINE = re.compile(r"version:\s*(\S+)\s*$")


@dataclass(frozen=True)
class PromptTemplate:
    version: str  # "entities-v1" for a built-in, "NAME@sha256:HEX12" for a user's file
    system: str  # "" when the template has no system message
    user: str

    def render(self, document: dict, layers: tuple[str, ...]) -> list[dict]:
        """Chat messages for one document, asking for `layers`."""
        values = {
            "text": document["text"],
            "date": document.get("date") or "unknown",
            "id": document["id"],
            "layers": ", ".join(PREDICTION_KEYS[layer] for layer in layers),
        }
        if "cameo_codes" in Template(f"{self.system}\n{self.user}").get_identifiers():
            values["cameo_codes"] = cameo_code_list()
        messages = [{"role": "system", "content": Template(self.system).substitute(values)}] if self.system else []
        messages.append({"role": "user", "content": Template(self.user).substitute(values)})
        return messages


def template_path(layer: str) -> str:
    return f"benchmark/data/prompts/{layer}.txt"


@cache
def builtin_text(layer: str) -> str:
    if layer not in LAYERS:
        raise ValueError(f"unknown layer {layer!r}")
    return resources.files("benchmark").joinpath("data", "prompts", f"{layer}.txt").read_text(encoding="utf-8")


@cache
def builtin_template(layer: str) -> PromptTemplate:
    version, system, user = parse_template(builtin_text(layer), template_path(layer))
    if version is None or not re.fullmatch(rf"{layer}-v\d+", version):
        raise ValueError(f"{template_path(layer)}: the first line must be 'version: {layer}-v<N>'")
    return PromptTemplate(version, system, user)


def load_template_file(path: Path) -> PromptTemplate:
    """A user's template file; a missing or malformed file is an InputError."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as error:
        raise InputError(f"cannot read the prompt template {path}: {error.strerror or error}.") from None
    except UnicodeDecodeError as error:
        raise InputError(f"the prompt template {path} is not UTF-8 text ({error.reason}).") from None
    _, system, user = parse_template(text, str(path))
    return PromptTemplate(f"{path.name}@sha256:{hashlib.sha256(raw).hexdigest()[:12]}", system, user)


def parse_template(text: str, where: str) -> tuple[str | None, str, str]:
    """(version or None, system message, user message); InputError names the line."""
    lines = text.splitlines()
    version, first = None, 0
    while first < len(lines) and not lines[first].strip():
        first += 1
    if first < len(lines) and (match := VERSION_LINE.match(lines[first])):
        version, first = match.group(1), first + 1
    sections = _sections(lines, first, where)
    for start, body in sections.values():
        _check_placeholders(body, start, where)
    if "user" not in sections or not sections["user"][1].strip():
        raise InputError(f"{where}: the template has no user message (a [user] line followed by text).")
    user = sections["user"][1]
    if not re.search(r"\$(text\b|\{text\})", user):
        raise InputError(f"{where}: the user message never uses $text, so the model would not see the document.")
    return version, sections.get("system", (0, ""))[1].strip("\n"), user.strip("\n")


def _sections(lines: list[str], first: int, where: str) -> dict[str, tuple[int, str]]:
    """{"system" | "user": (line number of its first line, its text)}."""
    markers = [
        (number, SECTION_LINES[line.strip()])
        for number, line in enumerate(lines)
        if number >= first and line.strip() in SECTION_LINES
    ]
    if not markers:
        return {"user": (first + 1, "\n".join(lines[first:]))}
    if any(line.strip() for line in lines[first : markers[0][0]]):
        raise InputError(f"{where}:{first + 1}: text before the first [system] or [user] line.")
    sections: dict[str, tuple[int, str]] = {}
    for index, (number, name) in enumerate(markers):
        if name in sections:
            raise InputError(f"{where}:{number + 1}: a second [{name}] line.")
        end = markers[index + 1][0] if index + 1 < len(markers) else len(lines)
        sections[name] = (number + 2, "\n".join(lines[number + 1 : end]))
    return sections


def _check_placeholders(body: str, first_line: int, where: str) -> None:
    for offset, line in enumerate(body.split("\n")):
        for match in Template.pattern.finditer(line):
            name = match.group("named") or match.group("braced")
            if match.group("invalid") is not None:
                raise InputError(
                    f"{where}:{first_line + offset}: a '$' that starts no placeholder; "
                    f"write $$ for a dollar sign (placeholders: {_listed()})."
                )
            if name is not None and name not in PLACEHOLDERS:
                raise InputError(
                    f"{where}:{first_line + offset}: unknown placeholder ${name}; the placeholders are {_listed()}."
                )


def _listed() -> str:
    return ", ".join(f"${name}" for name in PLACEHOLDERS)


@lru_cache(maxsize=1)
def cameo_code_list() -> str:
    from .inventory import cameo_codes

    return "\n".join(f"{code} {name}" for code, name in cameo_codes().items())


def cmd_prompts(args: argparse.Namespace) -> int:
    """`benchmark prompts [--layer L]`: print the built-in templates as shipped."""
    layers = [args.layer] if args.layer else list(LAYERS)
    for index, layer in enumerate(layers):
        if len(layers) > 1:
            sys.stdout.write(("\n" if index else "") + f"==> {template_path(layer)} <==\n")
        sys.stdout.write(builtin_text(layer))
    return 0
