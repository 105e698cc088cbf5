"""Timexes of the rules baseline: TIMEX3 expressions found by regular patterns and
normalised against the document date (weekdays point back, or forward in future
tense; no date leaves ``XXXX-XX-XX``)."""

from __future__ import annotations

import datetime as _dt
import re

from .lexicon import _MONTHS, _REPORTING_VERBS, _WEEKDAYS
from .text import _CLOSE_QUOTES, _OPEN_QUOTES, _Doc

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
    "million": 10**6,
    "billion": 10**9,
    "a": 1,
    "an": 1,
}
_UNIT = {
    "second": "S",
    "minute": "M",
    "hour": "H",
    "day": "D",
    "week": "W",
    "month": "M",
    "year": "Y",
    "decade": "DE",
    "century": "CE",
    "weekend": "WE",
}

_MONTH_RE = (
    r"(?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|"
    r"Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
_WEEKDAY_RE = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUMW = (
    r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|fifteen|twenty|thirty|forty|fifty|\d+(?:\.\d+)?)"
)
_VAGUE = r"(?:a\s+few|few|several|a\s+couple\s+of|couple\s+of|many|some)"
_UNITS_RE = r"(?:second|minute|hour|day|week|month|year|decade|century)"
_MOD_RE = (
    r"(?:almost|nearly|about|around|approximately|roughly|some|over|"
    r"more\s+than|less\s+than|fewer\s+than|at\s+least|at\s+most|up\s+to|"
    r"just\s+under|just\s+over|under|only|barely)"
)
_MOD_VALUES = {
    "almost": "LESS_THAN",
    "nearly": "LESS_THAN",
    "less than": "LESS_THAN",
    "fewer than": "LESS_THAN",
    "just under": "LESS_THAN",
    "under": "LESS_THAN",
    "barely": "LESS_THAN",
    "about": "APPROX",
    "around": "APPROX",
    "approximately": "APPROX",
    "roughly": "APPROX",
    "some": "APPROX",
    "over": "MORE_THAN",
    "more than": "MORE_THAN",
    "just over": "MORE_THAN",
    "at least": "EQUAL_OR_MORE",
    "at most": "EQUAL_OR_LESS",
    "up to": "EQUAL_OR_LESS",
}

_TIMEX_PATTERNS = [
    ("iso", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    (
        "mdy",
        re.compile(
            r"\b(?:" + _WEEKDAY_RE + r",?\s+)?(" + _MONTH_RE + r")\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?"
        ),
    ),
    (
        "dmy",
        re.compile(
            r"\b(?:" + _WEEKDAY_RE + r",?\s+)?(\d{1,2})(?:st|nd|rd|th)?"
            r"\s+(?:of\s+)?(" + _MONTH_RE + r")(?:,?\s+(\d{4})\b)?"
        ),
    ),
    ("my", re.compile(r"\b(" + _MONTH_RE + r"),?\s+(\d{4})\b")),
    (
        "month",
        re.compile(
            r"\b(?:(early|mid|late)[-\s])?(January|February|March|April|June|July|"
            r"August|September|October|November|December)\b"
        ),
    ),
    ("ago", re.compile(r"\b(" + _NUMW + r"|" + _VAGUE + r")\s+(" + _UNITS_RE + r")s?\s+ago\b", re.I)),
    (
        "set",
        re.compile(
            r"\b(?:every|each)\s+(?:(other)\s+)?(" + _UNITS_RE + r"|" + _WEEKDAY_RE + r"|morning|evening|night)\b|"
            r"\b(daily|weekly|monthly|annually|yearly|hourly|nightly)\b|"
            r"\b(once|twice)\s+an?\s+(" + _UNITS_RE + r")\b",
            re.I,
        ),
    ),
    (
        "vague_dur",
        re.compile(
            r"\b(?:(the)\s+)?(past|last|next|coming|previous|"
            r"recent|following)\s+(" + _VAGUE + r"|" + _NUMW + r")\s+(" + _UNITS_RE + r")s?\b",
            re.I,
        ),
    ),
    (
        "dur",
        re.compile(
            r"\b(?:("
            + _MOD_RE
            + r")\s+)?("
            + _NUMW
            + r"|"
            + _VAGUE
            + r")\s+("
            + _UNITS_RE
            + r")s?(\s+and\s+a\s+half)?\b",
            re.I,
        ),
    ),
    (
        "plural_dur",
        re.compile(
            r"(?<=\bfor\s)(?:many\s+)?(days|weeks|months|years|"
            r"decades)\b",
            re.I,
        ),
    ),
    (
        "rel",
        re.compile(
            r"\b(this|last|next|past|previous|coming)\s+"
            r"(week|month|year|weekend|" + _WEEKDAY_RE + r")\b",
            re.I,
        ),
    ),
    ("weekday", re.compile(r"\b" + _WEEKDAY_RE + r"\b")),
    ("deictic", re.compile(r"\b(today|tonight|yesterday|tomorrow)\b", re.I)),
    ("part", re.compile(r"\b(this|yesterday|tomorrow)\s+(morning|afternoon|evening)\b", re.I)),
    ("clock", re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?\s*(a\.m\.|p\.m\.|am|pm)(?!\w)", re.I)),
    ("now", re.compile(r"\b(?:right\s+)?now\b|\bcurrently\b|\bat\s+present\b", re.I)),
    ("past_ref", re.compile(r"\brecently\b|\bin\s+the\s+past\b", re.I)),
    ("future_ref", re.compile(r"\bin\s+the\s+(?:near\s+)?future\b", re.I)),
    ("year", re.compile(r"(?<![\w$.,-])(1[89]\d{2}|20\d{2})(?![\w.,-]\d)(?!-)")),
]

_FUTURE_HINTS = {
    "will",
    "’ll",
    "'ll",
    "next",
    "shall",
    "going",
    "scheduled",
    "due",
    "plans",
    "expected",
    "upcoming",
    "coming",
}


def _num_value(word: str) -> float | None:
    w = word.lower()
    if w in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[w])
    try:
        return float(w)
    except ValueError:
        return None


def _fmt_num(x: float) -> str:
    return str(int(x)) if x == int(x) else ("%g" % x)


class _Timexer:
    def __init__(self, doc: _Doc, date: _dt.date | None):
        self.doc = doc
        self.date = date

    # helpers -------------------------------------------------------------
    def _is_future(self, start: int) -> bool:
        """Tense around a date word: a past verb nearby wins, then a future hint."""
        doc = self.doc
        ti = doc.tok_index_at_or_after(start)
        if ti is None:
            return False
        a, b = doc.sent_range(ti)
        window = []
        for j in range(ti - 1, max(a, ti - 7) - 1, -1):
            if doc.toks[j].text in _OPEN_QUOTES or doc.toks[j].text in _CLOSE_QUOTES:
                break
            window.append(doc.toks[j].low)
        for j in range(ti + 1, min(b, ti + 4)):
            if doc.toks[j].text in _OPEN_QUOTES or doc.toks[j].text in _CLOSE_QUOTES:
                break
            window.append(doc.toks[j].low)
        if any(
            w in _REPORTING_VERBS
            and w.endswith(("ed", "aid", "old", "ote"))
            or (w.endswith("ed") and len(w) > 4)
            or w in ("was", "were", "had", "did")
            for w in window
        ):
            return False
        return any(w in _FUTURE_HINTS for w in window)

    def _weekday(self, wd: int, start: int, which: str | None = None) -> str:
        if self.date is None:
            return "XXXX-XX-XX"
        d = self.date
        if which == "next":
            delta = (wd - d.weekday()) % 7 or 7
            return (d + _dt.timedelta(days=delta)).isoformat()
        if which in ("last", "past", "previous"):
            delta = (d.weekday() - wd) % 7 or 7
            return (d - _dt.timedelta(days=delta)).isoformat()
        if self._is_future(start):
            delta = (wd - d.weekday()) % 7
            return (d + _dt.timedelta(days=delta)).isoformat()
        delta = (d.weekday() - wd) % 7
        return (d - _dt.timedelta(days=delta)).isoformat()

    def _year(self, y: str | None) -> str:
        if y:
            return y
        return "%04d" % self.date.year if self.date else "XXXX"

    def _shift(self, n: float, unit: str, sign: int) -> str:
        d = self.date
        if d is None:
            return "XXXX-XX-XX"
        n_int = int(round(n))
        if unit == "D":
            return (d + _dt.timedelta(days=sign * n_int)).isoformat()
        if unit == "W":
            y, w, _ = (d + _dt.timedelta(weeks=sign * n_int)).isocalendar()
            return "%04d-W%02d" % (y, w)
        if unit == "M":
            m = d.year * 12 + d.month - 1 + sign * n_int
            return "%04d-%02d" % (m // 12, m % 12 + 1)
        if unit == "Y":
            return "%04d" % (d.year + sign * n_int)
        if unit == "DE":
            return "%03d" % ((d.year + sign * 10 * n_int) // 10)
        return "PAST_REF" if sign < 0 else "FUTURE_REF"

    # main ----------------------------------------------------------------
    def find(self) -> list[dict]:
        text = self.doc.text
        found: list[dict] = []
        taken = [False] * (len(text) + 1)

        def add(start, end, typ, value, mod=None):
            if start >= end or any(taken[start:end]):
                return
            for k in range(start, end):
                taken[k] = True
            item = {"start": start, "end": end, "text": text[start:end], "type": typ, "value": value}
            if mod:
                item["mod"] = mod
            found.append(item)

        for kind, rx in _TIMEX_PATTERNS:
            for m in rx.finditer(text):
                s, e = m.start(), m.end()
                if any(taken[s:e]):
                    continue
                res = self._normalise(kind, m)
                if res is None:
                    continue
                typ, value, mod = res
                add(s, e, typ, value, mod)
        found.sort(key=lambda x: x["start"])
        return found

    def _normalise(self, kind: str, m: re.Match):
        d = self.date
        g = m.groups()
        if kind == "iso":
            return "DATE", m.group(0), None
        if kind in ("mdy", "dmy"):
            if kind == "mdy":
                mon, day, year = g
            else:
                day, mon, year = g
            month = _MONTHS[mon.lower().rstrip(".")]
            day_i = int(day)
            if not 1 <= day_i <= 31:
                return None
            return "DATE", "%s-%02d-%02d" % (self._year(year), month, day_i), None
        if kind == "my":
            return "DATE", "%s-%02d" % (g[1], _MONTHS[g[0].lower().rstrip(".")]), None
        if kind == "month":
            value = "%s-%02d" % (self._year(None), _MONTHS[g[1].lower()])
            mod = {"early": "START", "mid": "MID", "late": "END"}.get((g[0] or "").lower())
            return "DATE", value, mod
        if kind == "ago":
            n = _num_value(g[0].split()[-1])
            unit = _UNIT[g[1].lower()]
            if n is None:
                return "DATE", "PAST_REF", None
            return "DATE", self._shift(n, unit, -1), None
        if kind == "set":
            if g[2]:
                adv = g[2].lower()
                unit = {
                    "daily": "P1D",
                    "weekly": "P1W",
                    "monthly": "P1M",
                    "annually": "P1Y",
                    "yearly": "P1Y",
                    "hourly": "PT1H",
                    "nightly": "P1D",
                }[adv]
                return "SET", unit, None
            if g[3]:
                return "SET", "P1" + _UNIT[g[4].lower()], None
            every = g[1]
            count = "2" if g[0] else "1"
            if every.lower() in ("morning", "evening", "night"):
                return "SET", "P1D", None
            if every.capitalize() in (w.capitalize() for w in _WEEKDAYS):
                return "SET", "XXXX-WXX-%d" % (_WEEKDAYS[every.lower()] + 1), None
            u = _UNIT[every.lower()]
            return "SET", ("PT" if u in ("H",) else "P") + count + u, None
        if kind == "vague_dur":
            qty = g[2].lower()
            unit = _UNIT[g[3].lower()]
            n = _num_value(qty.split()[-1]) if not re.match(_VAGUE, qty) else None
            value = "P%s%s" % (_fmt_num(n) if n is not None else "X", unit)
            if unit in ("H", "S") or (unit == "M" and g[3].lower() == "minute"):
                value = "PT" + value[1:]
            return "DURATION", value, None
        if kind == "dur":
            mod_w, qty, unit_w, half = g
            # "a day" inside "once a day" is handled by 'set'; require a
            # preceding duration preposition or modifier for bare "a/an".
            qty_l = re.sub(r"\s+", " ", qty.lower())
            before = self.doc.text[max(0, m.start() - 12) : m.start()].lower()
            if (
                qty_l in ("a", "an")
                and not mod_w
                and not half
                and not re.search(r"\b(for|over|in|within|after|lasting|than)\s+$", before)
            ):
                return None
            if qty_l in ("some", "many") and not re.search(r"\b(for|over)\s+$", before):
                return None
            unit = _UNIT[unit_w.lower()]
            n = None if re.match(_VAGUE, qty_l) else _num_value(qty_l)
            if n is not None and half:
                n += 0.5
            num = _fmt_num(n) if n is not None else "X"
            value = ("PT" if unit in ("H", "S") or unit_w.lower() == "minute" else "P") + num + unit
            mod = _MOD_VALUES.get(re.sub(r"\s+", " ", mod_w.lower())) if mod_w else None
            return "DURATION", value, mod
        if kind == "plural_dur":
            return "DURATION", "PX" + _UNIT[g[0].lower()[:-1]], None
        if kind == "rel":
            which, what = g[0].lower(), g[1].lower()
            if what in _WEEKDAYS:
                return "DATE", self._weekday(_WEEKDAYS[what], m.start(), which), None
            sign = {"this": 0, "last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}[which]
            if what == "weekend":
                if d is None:
                    return "DATE", "XXXX-WXX-WE", None
                y, w, _ = (d + _dt.timedelta(weeks=sign)).isocalendar()
                return "DATE", "%04d-W%02d-WE" % (y, w), None
            unit = _UNIT[what]
            if d is None:
                return "DATE", {"W": "XXXX-WXX", "M": "XXXX-XX", "Y": "XXXX"}[unit], None
            return "DATE", self._shift(abs(sign), unit, sign if sign else 1), None
        if kind == "weekday":
            return "DATE", self._weekday(_WEEKDAYS[m.group(0).lower()], m.start()), None
        if kind == "deictic":
            w = g[0].lower()
            if d is None:
                return ("TIME", "XXXX-XX-XXTNI", None) if w == "tonight" else ("DATE", "XXXX-XX-XX", None)
            off = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[w]
            value = (d + _dt.timedelta(days=off)).isoformat()
            if w == "tonight":
                return "TIME", value + "TNI", None
            return "DATE", value, None
        if kind == "part":
            w, part = g[0].lower(), g[1].lower()
            off = {"this": 0, "yesterday": -1, "tomorrow": 1}[w]
            suffix = {"morning": "TMO", "afternoon": "TAF", "evening": "TEV"}[part]
            base = (d + _dt.timedelta(days=off)).isoformat() if d else "XXXX-XX-XX"
            return "TIME", base + suffix, None
        if kind == "clock":
            h = int(g[0])
            mi = int(g[1]) if g[1] else 0
            if not 1 <= h <= 12 or mi > 59:
                return None
            if g[2].lower().startswith("p") and h != 12:
                h += 12
            if g[2].lower().startswith("a") and h == 12:
                h = 0
            base = d.isoformat() if d else "XXXX-XX-XX"
            return "TIME", "%sT%02d:%02d" % (base, h, mi), None
        if kind == "now":
            return "DATE", "PRESENT_REF", None
        if kind == "past_ref":
            return "DATE", "PAST_REF", None
        if kind == "future_ref":
            return "DATE", "FUTURE_REF", None
        if kind == "year":
            return "DATE", g[0], None
        return None
