"""Label inventories of every layer: OntoNotes types, CAMEO codes, Rich ERE
realis, TIMEX3 types, modifiers and value syntax."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

ENTITY_TYPES = (
    "PERSON",
    "NORP",
    "FAC",
    "ORG",
    "GPE",
    "LOC",
    "PRODUCT",
    "EVENT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
    "DATE",
    "TIME",
    "PERCENT",
    "MONEY",
    "QUANTITY",
    "ORDINAL",
    "CARDINAL",
)
CLUSTERED_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT"})
# A cluster of nominal and pronominal mentions only may refer to something no
# entity type names (a letter, a crisis): its type is then OTHER.
CLUSTER_TYPES = ENTITY_TYPES + ("OTHER",)
MENTION_KINDS = ("NOM", "PRO")
SECTION_TYPES = ("title", "body", "heading", "boilerplate")
QUOTE_KINDS = ("direct", "indirect", "mixed")
ARGUMENT_ROLES = ("source", "target", "time", "place")
REALIS = ("actual", "generic", "other")
POLARITY = ("positive", "negative")
TIMEX_TYPES = ("DATE", "TIME", "DURATION", "SET")
TIMEX_MODS = (
    "BEFORE",
    "AFTER",
    "ON_OR_BEFORE",
    "ON_OR_AFTER",
    "LESS_THAN",
    "MORE_THAN",
    "EQUAL_OR_LESS",
    "EQUAL_OR_MORE",
    "START",
    "MID",
    "END",
    "APPROX",
)
QUAD_CLASSES = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}

_N = r"(?:\d+(?:\.\d+)?|X+)"
_DATE = (
    r"(?:PRESENT_REF|PAST_REF|FUTURE_REF"
    r"|[\dX]{1,4}(?:-(?:[\dX]{2}(?:-[\dX]{2})?|W[\dX]{2}(?:-(?:[1-7X]|WE))?|Q[1-4X]|H[12X]|SP|SU|FA|WI))?)"
)
_TIME = r"(?:T(?:\d{2}(?::\d{2}(?::\d{2})?)?|MO|AF|EV|NI|DT))"
_DURATION = rf"(?:P(?:{_N}[YMWDLCE]|{_N}(?:DE|CE|ML|Q|H))*(?:T(?:{_N}[HMS])*)?)"
TIMEX_VALUE = {
    "DATE": re.compile(rf"{_DATE}"),
    "TIME": re.compile(rf"(?:{_DATE})?{_TIME}|PRESENT_REF|PAST_REF|FUTURE_REF"),
    "DURATION": re.compile(_DURATION),
    "SET": re.compile(rf"{_DURATION}|{_DATE}(?:{_TIME})?|{_TIME}"),
}


_CALENDAR_DATE = re.compile(r"([\dX]{4})-([\dX]{2})(?:-([\dX]{2}))?(?![\dX])")
_WEEK = re.compile(r"-W(\d{2})")
_CLOCK = re.compile(r"T(\d{2})(?::(\d{2})(?::(\d{2}))?)?$")


def _calendar_ok(value: str) -> bool:
    """Months, days, weeks and clock times that exist (2022-02-29, 2022-13-01 and T25 do not)."""
    import calendar

    date = _CALENDAR_DATE.match(value)
    if date:
        year, month, day = date.groups()
        if month.isdigit() and not 1 <= int(month) <= 12:
            return False
        if day is not None and day.isdigit():
            if month.isdigit():
                leap_year = 2000 if not year.isdigit() else int(year)  # an unknown year may be a leap year
                last = calendar.monthrange(leap_year, int(month))[1]
            else:
                last = 31
            if not 1 <= int(day) <= last:
                return False
    week = _WEEK.search(value)
    if week and not 1 <= int(week.group(1)) <= 53:
        return False
    clock = _CLOCK.search(value)
    if clock:
        hour, minute, second = clock.groups()
        if int(hour) > 24 or (minute and int(minute) > 59) or (second and int(second) > 60):
            return False
    return True


def valid_timex_value(timex_type: str | None, value: object) -> bool:
    """Is ``value`` a TIMEX3 value of ``timex_type`` (of any type when None): ISO 8601 as
    TimeML writes it, with dates, weeks and times that exist on the calendar and clock."""
    if not isinstance(value, str):
        return False
    if timex_type is None:
        return any(valid_timex_value(t, value) for t in TIMEX_TYPES)
    pattern = TIMEX_VALUE.get(timex_type)
    return bool(pattern and pattern.fullmatch(value)) and value not in ("P", "PT") and _calendar_ok(value)


@lru_cache(maxsize=1)
def cameo_codes() -> dict[str, str]:
    """CAMEO 1.1b3 event codes and their names, from the shipped code list."""
    table = resources.files("benchmark").joinpath("data", "cameo.tsv").read_text(encoding="utf-8")
    rows = (line.split("\t", 1) for line in table.splitlines()[1:] if line.strip())
    return {code.strip(): name.strip() for code, name in rows}


# GDELT QuadClass by the last CAMEO root of each class.
_QUAD_BOUNDS = ((5, 1), (8, 2), (13, 3), (20, 4))


def cameo_root(code: str | None) -> str | None:
    """The two-digit root of a CAMEO code ("046" -> "04"), or None when it has none."""
    code = (code or "").strip()
    root = code[:2]
    return root if len(root) == 2 and root.isascii() and root.isdigit() else None


def canonical_code(code: str | None) -> str | None:
    """The code in the form codes are compared in: a two-digit root code becomes its
    "not specified below" form ("05" -> "050"), since the codebook files events of the
    root that no subcode fits under that form; other codes are only stripped.
    None when empty."""
    code = (code or "").strip()
    if len(code) == 2 and code in cameo_codes() and code + "0" in cameo_codes():
        return code + "0"
    return code or None


def quad_class(code: str | None) -> int | None:
    """GDELT QuadClass: 1 verbal cooperation (roots 01-05), 2 material cooperation (06-08),
    3 verbal conflict (09-13), 4 material conflict (14-20); None outside CAMEO."""
    root = cameo_root(code)
    if root is None or not 1 <= int(root) <= 20:
        return None
    return next(quad for last_root, quad in _QUAD_BOUNDS if int(root) <= last_root)
