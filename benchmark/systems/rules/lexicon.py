"""Word lists of the rules baseline: the data files, and the closed-class words the layers share.

The gazetteers and trigger lexicons are TSV files in ``data/``: ``#`` lines
are comments (each file opens with where its list comes from and which module
reads it), the first other line names the columns, and every further line is
one entry. Each file is read once, when a layer module first asks for it; the
harness imports this package only when the ``rules`` system is asked for.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def rows(name: str) -> tuple[tuple[str, ...], ...]:
    """The entries of ``data/<name>``, one tuple of column values a line, in file order."""
    return parse_rows(resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8"), name)


def parse_rows(text: str, name: str) -> tuple[tuple[str, ...], ...]:
    """The entries of a data file's text; a line whose columns do not match the header is a ValueError."""
    header: tuple[str, ...] | None = None
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = tuple(line.split("\t"))
        if header is None:
            header = cells
        elif len(cells) != len(header):
            raise ValueError(
                f"rules data file {name}, line {number}: {len(cells)} tab-separated "
                f"columns, but its header line has {len(header)}"
            )
        else:
            entries.append(cells)
    return tuple(entries)


@cache
def word_lists(name: str) -> dict[str, frozenset[str]]:
    """A ``word<TAB>list`` file as ``{list: words}``."""
    lists: dict[str, set[str]] = {}
    for word, list_name in rows(name):
        lists.setdefault(list_name, set()).add(word)
    return {list_name: frozenset(words) for list_name, words in lists.items()}


_FUNCTION_WORDS = set(
    """
a an the this that these those there here he she it we they i you his her its
our their my your him them us me who whom whose which what when where why how
and or but nor so yet for of on in at by to from with without into onto over
under after before since until during despite although though while as if
because also still even just only then thus however meanwhile moreover
furthermore nevertheless instead indeed perhaps maybe now today yesterday
tomorrow shortly soon later earlier again once not no yes all any some many
much more most few several each every both either neither other another such
one two three four five six seven eight nine ten first second third last next
according asked speaking following amid among against about above below
across along around behind beside between beyond near off out up down
is are was were be been being have has had do does did will would shall should
can could may might must let please like unlike within
""".split()
)

_REPORTING_VERBS = word_lists("quote_cues.tsv")["reporting"]

_POSSESSIVE_PRONOUNS = {"his", "her", "its", "their", "our", "my", "your"}
_ACTOR_PRONOUNS = {"he", "she", "it", "they", "we", "i"}

_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}

# lower-case role nouns heading a nominal mention of a person ("the top US
# diplomat"); plural ones are actors but are not linked to a name
_ROLE_NOUNS = word_lists("name_words.tsv")["role"]
_ROLE_PLURALS = word_lists("name_words.tsv")["role_plural"]
