"""Entities of the rules baseline: capitalised token runs typed by the gazetteer, titles
before a name, name head words and local context; regular patterns for numbers, money,
percentages, quantities and model designations; dates and times from the timexes."""

from __future__ import annotations

import re

from .lexicon import (
    _FUNCTION_WORDS,
    _MONTHS,
    _REPORTING_VERBS,
    _ROLE_NOUNS,
    _ROLE_PLURALS,
    _WEEKDAYS,
    rows,
    word_lists,
)
from .text import _Doc, _is_acronym, _is_cap

_GAZ = {
    tuple(name.split()): type_
    for file in ("gazetteer_places.tsv", "gazetteer_groups.tsv")
    for name, type_ in rows(file)
}
_GAZ_MAXLEN = max(len(k) for k in _GAZ)

_NAME_WORDS = word_lists("name_words.tsv")
# names that OntoNotes keeps with their article ("the United States")
_WITH_ARTICLE = {tuple(name.split()) for name in _NAME_WORDS["with_article"]}

# head words of organisation names
_ORG_HEADS = _NAME_WORDS["org_head"]
_LOC_HEADS = _NAME_WORDS["loc_head"]
_FAC_HEADS = _NAME_WORDS["fac_head"]

# lower-case nouns that signal an organisation right after a name
_ORG_RIGHT_CONTEXT = _NAME_WORDS["org_context"]

# title words: core nouns and words that can be part of a title
_TITLE_CORE = _NAME_WORDS["title"]
_TITLE_PARTS = _TITLE_CORE | _NAME_WORDS["title_part"]

_ORDINAL_WORDS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth twentieth hundredth"
).split()

_NUMBER_ENTITY_RE = re.compile(
    r"""
      (?P<money>(?:US)?\$\s?\d+(?:[.,]\d+)*(?:\s+(?:million|billion|trillion))?
        | \b\d+(?:[.,]\d+)*\s+(?:million\s+|billion\s+)?(?:dollars|euros|pounds|roubles|rubles|hryvnias)\b)
    | (?P<percent>\b\d+(?:[.,]\d+)?\s?(?:%|percent\b|per\s+cent\b))
    | (?P<quantity>\b\d+(?:[.,]\d+)*\s+(?:km|kilometres|kilometers|miles|metres|meters|
        tonnes|tons|kg|kilograms|square\s+kilometres|square\s+miles)\b)
    | (?P<ordinal>\b(?:ORDINALS)\b|\b\d+(?:st|nd|rd|th)\b)
    | (?P<cardinal>\b(?:tens|hundreds|thousands|millions|billions)\s+of\s+(?:thousands|millions)\b
        | \b(?:dozens|hundreds|thousands|millions|billions|tens)\b
        | \b\d+(?:[.,]\d+)*(?:\s+(?:million|billion|trillion|thousand|hundred))?\b
        | \b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|
             thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|
             thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|a\ dozen|dozen)
          (?:[\s-](?:one|two|three|four|five|six|seven|eight|nine|hundred|thousand|million|billion))*\b)
    """.replace("ORDINALS", "|".join(_ORDINAL_WORDS)),
    re.X | re.I,
)
_PRODUCT_RE = re.compile(
    r"(?<![\w-])(?:[A-Z][A-Za-z]{0,3}-\d{1,4}[A-Z]{0,2}|"
    r"[A-Z]{2,5}\d{1,4})(?![\w-])"
)


def _norm_tok(t: str) -> str:
    return t.lower().replace(".", "").replace("’", "'")


class _Entity:
    __slots__ = ("start", "end", "type", "text", "toks", "modifier", "possessive")

    def __init__(self, start, end, typ, text):
        self.start, self.end, self.type, self.text = start, end, typ, text
        self.toks: list[int] = []
        self.modifier = False
        self.possessive = False

    def as_dict(self):
        return {"start": self.start, "end": self.end, "type": self.type, "text": self.text}


class _EntityFinder:
    def __init__(self, doc: _Doc, timexes: list[dict]):
        self.doc = doc
        self.timexes = timexes

    def _gaz_match(self, idx: list[int], pos: int) -> tuple[int, str | None]:
        toks = self.doc.toks
        best = (0, None)
        for L in range(min(_GAZ_MAXLEN, len(idx) - pos), 0, -1):
            key = tuple(_norm_tok(toks[idx[pos + k]].text) for k in range(L))
            typ = _GAZ.get(key)
            if typ:
                # acronym gazetteer entries (us, un, who, ap, au) need capitals
                if L == 1 and len(key[0]) <= 3 and not toks[idx[pos]].text.replace(".", "").isupper():
                    continue
                return L, typ
        return best

    def _runs(self) -> list[list[int]]:
        """Maximal runs of capitalised tokens (with name-internal connectors)."""
        doc, toks = self.doc, self.doc.toks
        runs, i, n = [], 0, len(toks)
        blocked = set()
        for tx in self.timexes:
            blocked.update(doc.toks_in(tx["start"], tx["end"]))

        def capok(k):
            return (
                k < n
                and _is_cap(toks[k])
                and k not in blocked
                and toks[k].low.rstrip(".") not in _MONTHS
                and toks[k].low not in _WEEKDAYS
            )

        def adjacent(a, b):
            g = doc.gap(a, b)
            return g != "" and g.isspace() and "\n" not in g

        while i < n:
            if not capok(i):
                i += 1
                continue
            run = [i]
            j = i
            while True:
                if j + 1 < n and capok(j + 1) and adjacent(j, j + 1):
                    j += 1
                    run.append(j)
                elif (
                    j + 2 < n
                    and toks[j + 1].low in ("of", "for", "de", "al", "bin", "von", "van", "der", "la", "du")
                    and capok(j + 2)
                    and adjacent(j, j + 1)
                    and adjacent(j + 1, j + 2)
                ):
                    run.extend([j + 1, j + 2])
                    j += 2
                else:
                    break
            runs.append(run)
            i = j + 1
        return runs

    def find(self) -> list[_Entity]:
        doc, toks, text = self.doc, self.doc.toks, self.doc.text
        runs = self._runs()
        # capitalised words seen outside sentence-initial position
        mid_caps = set()
        for run in runs:
            for k in run:
                if k not in doc.initial and k not in doc.heading_tok:
                    mid_caps.add(toks[k].low)

        pieces: list[tuple[list[int], str | None, str]] = []  # (idx, type, why)
        for run in runs:
            pieces.extend(self._segment(run, mid_caps))

        # names of people (multi-token) for surname typing
        # (multi-token runs first: their last words type lone surnames)
        pieces = [
            (idx, typ if typ or len(idx) == 1 else self._type_unknown(idx, set()), why) for idx, typ, why in pieces
        ]
        surnames = {toks[idx[-1]].low for idx, typ, _ in pieces if typ == "PERSON" and len(idx) >= 2}
        typed = []
        for idx, typ, _why in pieces:
            if typ is None:
                typ = self._type_unknown(idx, surnames)
            if typ:
                typed.append((idx, typ))

        cands: list[tuple[int, int, int, str]] = []  # (priority, start, end, type)
        for idx, typ in typed:
            s, e = toks[idx[0]].start, toks[idx[-1]].end
            key = tuple(_norm_tok(toks[k].text) for k in idx)
            if (
                key in _WITH_ARTICLE
                and idx[0] > 0
                and toks[idx[0] - 1].low == "the"
                and doc.gap(idx[0] - 1, idx[0]).isspace()
            ):
                s = toks[idx[0] - 1].start
            cands.append((2, s, e, typ))
        for m in _PRODUCT_RE.finditer(text):  # model designations: S-400, F-16, MiG-29
            cands.append((0, m.start(), m.end(), "PRODUCT"))
        for tx in self.timexes:
            if tx["value"] in ("PRESENT_REF", "PAST_REF", "FUTURE_REF"):
                continue
            cands.append((1, tx["start"], tx["end"], "TIME" if tx["type"] == "TIME" else "DATE"))
        for m in _NUMBER_ENTITY_RE.finditer(text):
            kind = m.lastgroup
            assert kind is not None  # every alternative of the pattern is a named group
            typ = {
                "money": "MONEY",
                "percent": "PERCENT",
                "quantity": "QUANTITY",
                "ordinal": "ORDINAL",
                "cardinal": "CARDINAL",
            }[kind]
            s, e = m.start(), m.end()
            word = m.group(0).lower()
            if typ == "CARDINAL" and word in ("one",):
                # "one of", "no one", "the one" are not numbers
                after = text[e : e + 4].lower()
                before = text[max(0, s - 3) : s].lower()
                if after.startswith(" of") or before.endswith("no ") or before.endswith("he "):
                    continue
            cands.append((0 if typ in ("MONEY", "PERCENT", "QUANTITY") else 3, s, e, typ))

        cands.sort(key=lambda c: (c[0], -(c[2] - c[1]), c[1]))
        taken = [False] * (len(text) + 1)
        chosen: list[_Entity] = []
        for _, s, e, typ in cands:
            if any(taken[s:e]):
                continue
            for k in range(s, e):
                taken[k] = True
            ent = _Entity(s, e, typ, text[s:e])
            ent.toks = doc.toks_in(s, e)
            chosen.append(ent)
        chosen.sort(key=lambda x: x.start)
        for ent in chosen:
            self._flags(ent)
        return chosen

    def _flags(self, ent: _Entity):
        toks = self.doc.toks
        if not ent.toks:
            return
        a, b = ent.toks[0], ent.toks[-1]
        if b + 1 < len(toks) and toks[b + 1].low in ("’s", "’"):
            ent.possessive = True
        before = toks[a - 1].low if a > 0 else ""
        after = toks[b + 1] if b + 1 < len(toks) else None
        if (
            before in ("the", "a", "an", "top", "senior", "former", "its", "his", "her", "their", "our")
            and after is not None
            and after.text[:1].islower()
            and after.low not in _FUNCTION_WORDS
            and not after.low.endswith("ed")
        ):
            ent.modifier = True
        if (
            after is not None
            and _is_cap(after)
            and ent.type in ("GPE", "ORG", "NORP")
            and not self.doc.gap(b, b + 1).strip()
        ):
            ent.modifier = True

    def _segment(self, run: list[int], mid_caps) -> list[tuple[list[int], str | None, str]]:
        doc, toks = self.doc, self.doc.toks
        run = list(run)
        heading = all(k in doc.heading_tok for k in run)
        # sentence-initial function words and adverbs are not names
        while (
            run
            and run[0] in doc.initial
            and not _is_acronym(toks[run[0]].text)
            and (
                toks[run[0]].low in _FUNCTION_WORDS
                or (len(run) == 1 and (toks[run[0]].low in _ROLE_NOUNS or toks[run[0]].low in _ROLE_PLURALS))
                or (toks[run[0]].low.endswith("ly") and (toks[run[0]].low,) not in _GAZ)
            )
        ):
            run = run[1:]
            while run and not _is_cap(toks[run[0]]):
                run = run[1:]
        if not run:
            return []
        out: list[tuple[list[int], str | None, str]] = []
        # whole run is a gazetteer entry, or an organisation/location name
        lows = [toks[k].low for k in run]
        L, typ = self._gaz_match(run, 0)
        if L == len(run):
            return [(run, typ, "gaz")]
        if heading:
            pos = 0
            while pos < len(run):
                L, typ = self._gaz_match(run, pos)
                if L:
                    out.append((run[pos : pos + L], typ, "gaz"))
                    pos += L
                else:
                    pos += 1
            return out
        starts_title = lows[0] in _TITLE_PARTS and lows[0] not in ("top", "former")
        if not starts_title:
            heads = [w for w in lows if w in _ORG_HEADS]
            if heads and lows[-1] in _ORG_HEADS and len(run) >= 2:
                return [(run, "ORG", "orghead")]
            if lows[-1] in _LOC_HEADS and len(run) >= 2:
                return [(run, "LOC", "lochead")]
            if lows[-1] in _FAC_HEADS and len(run) >= 2:
                return [(run, "FAC", "fachead")]
            if heads and len(run) >= 3 and "of" in lows and lows[0] in _ORG_HEADS:
                return [(run, "ORG", "orghead")]
        pos = 0
        after_title = False
        unknown: list[int] = []

        def flush():
            nonlocal unknown
            if unknown:
                out.append((unknown, "PERSON" if after_title else None, "unknown"))
                unknown = []

        while pos < len(run):
            k = run[pos]
            L, typ = self._gaz_match(run, pos)
            if L and not (unknown and after_title):
                flush()
                out.append((run[pos : pos + L], typ, "gaz"))
                pos += L
                after_title = False
                continue
            if toks[k].low in _TITLE_PARTS and not unknown:
                # consume a title run
                j = pos
                core = False
                while j < len(run) and (
                    toks[run[j]].low in _TITLE_PARTS
                    or (toks[run[j]].low in ("of", "for") and j + 1 < len(run) and toks[run[j + 1]].low in _TITLE_PARTS)
                ):
                    core = core or toks[run[j]].low.rstrip(".") in _TITLE_CORE
                    j += 1
                if core:
                    pos = j
                    after_title = True
                    continue
            unknown.append(k)
            pos += 1
        flush()
        # a sentence-initial single unknown word needs support to be a name
        res = []
        for idx, typ, why in out:
            if typ is None and len(idx) == 1 and idx[0] in doc.initial:
                k = idx[0]
                nxt = toks[k + 1].low if k + 1 < len(toks) else ""
                if toks[k].low not in mid_caps and nxt not in _REPORTING_VERBS:
                    continue
            if typ is None and len(idx) >= 1 and toks[idx[0]].low in ("of", "for"):
                continue
            res.append((idx, typ, why))
        return res

    def _type_unknown(self, idx: list[int], surnames) -> str | None:
        toks = self.doc.toks
        words = [toks[k].text for k in idx]
        first, last = idx[0], idx[-1]
        nxt = toks[last + 1] if last + 1 < len(toks) else None
        prev = toks[first - 1] if first > 0 else None
        if nxt is not None and nxt.low in _ORG_RIGHT_CONTEXT:
            return "ORG"
        if len(idx) == 1:
            w = words[0]
            if w.replace(".", "").isupper() and len(w.replace(".", "")) >= 2:
                return "ORG"
            if toks[first].low in surnames:
                return "PERSON"
            if nxt is not None and nxt.low in _REPORTING_VERBS:
                return "PERSON"
            if prev is not None and prev.low in _TITLE_CORE:
                return "PERSON"
            if prev is not None and prev.low in (
                "in",
                "to",
                "from",
                "into",
                "near",
                "across",
                "towards",
                "toward",
                "at",
            ):
                return "GPE"
            return "ORG"
        if all(re.match(r"^[A-Z][a-z’'-]+\.?$|^[A-Z]\.$", w) for w in words) and len(idx) <= 4:
            return "PERSON"
        return "ORG"
