"""The leaderboard as a Markdown table, one HTML table, or CSV.

System names come from users: Markdown shows them in code spans (pipes
escaped), HTML escapes them (the whole table is ASCII, other characters as
character references), and CSV defuses a leading ``= + - @`` that a
spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import html
import io
import re

from .leaderboard import BEST, NOT_SIGNIFICANTLY_WORSE, Cell, Leaderboard, Row

DAGGER = "\N{DAGGER}"


def model_parts(model: dict | None) -> tuple[str, str]:
    """(name, details) of a system's model block: ("en_core_web_sm", "3.8.0, spaCy 3.8.7")."""
    if not model:
        return "", ""
    version = str(model.get("version") or "")
    spacy = f"spaCy {model['spacy']}" if model.get("spacy") else ""
    return str(model.get("name") or ""), ", ".join(part for part in (version, spacy) if part)


def model_label(model: dict | None) -> str:
    """``en_core_web_sm 3.8.0, spaCy 3.8.7`` from a system's model block."""
    return " ".join(part for part in model_parts(model) if part)


def failure_note(row: Row) -> str:
    count = row.failed_documents
    return f"failed on {count} document{'s' if count > 1 else ''}" if count else ""


def system_notes(row: Row) -> str:
    """What follows the system name: its model, and how many documents it failed on."""
    return "; ".join(n for n in (model_label(row.model), failure_note(row)) if n)


def legend(board: Leaderboard, bold: str = "Bold") -> str:
    return (
        f"{bold}: the best score of the layer (shared by ties). {DAGGER}: not significantly "
        f"different from the best (two-sided paired bootstrap over sentences, as `benchmark compare`, "
        f"{board.samples} samples, seed {board.seed}, p \N{GREATER-THAN OR EQUAL TO} {board.alpha:g}; no correction "
        f'for multiple comparisons). Brackets: 95% bootstrap confidence interval. "not attempted": the '
        "system does not declare the layer, so it was not scored (not a 0)."
    )


def _figures(cell: Cell) -> tuple[str, str]:
    ci = f"[{cell.ci95[0]:.3f}, {cell.ci95[1]:.3f}]" if cell.ci95 else ""
    return f"{cell.value:.3f}", ci


# --- Markdown -------------------------------------------------------------------


def _code_span(text: str) -> str:
    """``text`` as a Markdown code span, which shows it literally (only a pipe needs escaping in a table)."""
    text = " ".join(text.split()).replace("|", "\\|")
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _markdown_plain(text: str) -> str:
    """Text outside a code span, with Markdown's and HTML's special characters escaped."""
    return "".join(f"\\{ch}" if ch in "\\`*_[]<>|#&!~" else ch for ch in " ".join(text.split()))


def _markdown_cell(cell: Cell) -> str:
    if not cell.scored:
        return _markdown_plain(cell.status)
    value, ci = _figures(cell)
    value = f"**{value}**" if cell.mark == BEST else value
    dagger = DAGGER if cell.mark == NOT_SIGNIFICANTLY_WORSE else ""
    return " ".join(part for part in (value, ci, dagger) if part)


def _markdown_system(row: Row) -> str:
    """The name as code, then (model name as code, versions; failures)."""
    name, details = model_parts(row.model)
    model = " ".join(part for part in (_code_span(name) if name else "", _markdown_plain(details)) if part)
    notes = "; ".join(part for part in (model, _markdown_plain(failure_note(row))) if part)
    return _code_span(row.system) + (f" ({notes})" if notes else "")


def to_markdown(board: Leaderboard) -> str:
    header = ["system", *(_markdown_plain(c.title) for c in board.columns)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in board.rows:
        lines.append(
            "| "
            + " | ".join([_markdown_system(row), *(_markdown_cell(row.cells[c.layer]) for c in board.columns)])
            + " |"
        )
    return "\n".join([*lines, "", legend(board, "**Bold**")]) + "\n"


# --- HTML ------------------------------------------------------------------------


def _escape(text: str) -> str:
    return html.escape(text, quote=True).encode("ascii", "xmlcharrefreplace").decode("ascii")


def _html_cell(cell: Cell, layer: str) -> str:
    attributes = f' data-layer="{_escape(layer)}" data-status="{_escape(cell.status)}"'
    if not cell.scored:
        return f'<td{attributes} class="not-attempted">{_escape(cell.status)}</td>'
    value, ci = _figures(cell)
    attributes += f' data-value="{cell.value!r}" data-mark="{_escape(cell.mark)}"'
    if cell.p_value is not None:
        attributes += f' title="paired bootstrap against the best: p = {cell.p_value:.3f}"'
    shown = f"<strong>{value}</strong>" if cell.mark == BEST else value
    dagger = ' <span class="mark">&dagger;</span>' if cell.mark == NOT_SIGNIFICANTLY_WORSE else ""
    return f'<td{attributes}>{shown} <span class="ci">{ci}</span>{dagger}</td>'


def _html_system(row: Row) -> str:
    notes = system_notes(row)
    small = f' <span class="notes">({_escape(notes)})</span>' if notes else ""
    return f'<th scope="row" data-system="{_escape(row.system)}"><code>{_escape(row.system)}</code>{small}</th>'


def html_table(board: Leaderboard) -> str:
    """One self-contained ``<table>`` (no script, style sheet or other resource), ASCII only."""
    head = "".join(
        f'<th scope="col" data-layer="{_escape(c.layer)}" data-metric="{_escape(c.metric)}">{_escape(c.title)}</th>'
        for c in board.columns
    )
    body = "\n".join(
        "<tr>" + _html_system(row) + "".join(_html_cell(row.cells[c.layer], c.layer) for c in board.columns) + "</tr>"
        for row in board.rows
    )
    caption = _escape(legend(board)).replace("`", "")
    return (
        f'<table class="diplomacy-ie-leaderboard">\n<caption>{caption}</caption>\n'
        f'<thead><tr><th scope="col">system</th>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n'
    )


# --- CSV -------------------------------------------------------------------------


def _defused(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(board: Leaderboard) -> str:
    """One row per system; per layer its headline, interval, mark and p-value against the best."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["system", "model", "failed_documents"]
    for c in board.columns:
        header += [
            f"{c.layer}.{c.metric}",
            f"{c.layer}.ci95_low",
            f"{c.layer}.ci95_high",
            f"{c.layer}.mark",
            f"{c.layer}.p_vs_best",
        ]
    writer.writerow([_defused(name) for name in header])
    for row in board.rows:
        line = [row.system, model_label(row.model), row.failed_documents]
        for c in board.columns:
            cell = row.cells[c.layer]
            if not cell.scored:
                line += [cell.status, "", "", "", ""]
                continue
            low, high = cell.ci95 or ("", "")
            line += [repr(cell.value), low, high, cell.mark, "" if cell.p_value is None else repr(cell.p_value)]
        writer.writerow([_defused(value) if isinstance(value, str) else value for value in line])
    return out.getvalue()


RENDERERS = {"markdown": to_markdown, "html": html_table, "csv": to_csv}
