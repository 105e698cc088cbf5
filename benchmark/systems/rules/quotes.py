"""Quotes of the rules baseline: direct quotes from pairs of quotation marks with a
reporting verb and a speaker beside them; indirect quotes ``<speaker> <reporting verb>
(that) <clause>`` and ``<clause>, <speaker> said``; a split quote keeps both parts."""

from __future__ import annotations

from collections.abc import Sequence

from .coref import _Coref
from .entities import _Entity
from .lexicon import _ACTOR_PRONOUNS, _POSSESSIVE_PRONOUNS, _REPORTING_VERBS, _WEEKDAYS, word_lists
from .text import _Doc, _is_cap, _span

_QUOTE_CUES = word_lists("quote_cues.tsv")
_PARTICIPLE_CUES = _QUOTE_CUES["participle"]
_ADDRESSEE_VERBS = _QUOTE_CUES["addressee_verb"]
# words that may stand between a speaker and the verb ("Russia has denied",
# "he also said"); any -ly adverb may too
_AUX_BETWEEN = {
    "has",
    "have",
    "had",
    "was",
    "is",
    "also",
    "again",
    "later",
    "earlier",
    "then",
    "once",
    "already",
    "further",
    "always",
    "often",
}


def _between_speaker_and_cue(word: str) -> bool:
    return word in _AUX_BETWEEN or (word.endswith("ly") and len(word) > 4)


_ADDRESSEE_WORDS = {
    "reporters",
    "journalists",
    "lawmakers",
    "parliament",
    "him",
    "her",
    "them",
    "us",
    "me",
    "you",
    "the",
    "press",
    "a",
    "news",
    "conference",
    "briefing",
    "audience",
    "officials",
    "diplomats",
    "leaders",
    "delegates",
    "counterpart",
    "his",
    "their",
    "its",
    "colleagues",
    "allies",
    "members",
}


class _Quoter:
    def __init__(self, doc: _Doc, entities: list[_Entity], coref: _Coref, timexes: Sequence[dict] = ()):
        self.doc = doc
        self.in_timex = {k for tx in timexes for k in doc.toks_in(tx["start"], tx["end"])}
        self.entities = entities
        self.coref = coref
        self.actor_by_end: dict[int, tuple[int, int]] = {}
        self.actor_by_start: dict[int, tuple[int, int]] = {}
        self.ent_by_first = {e.toks[0]: e for e in entities if e.toks}
        self.ent_by_last = {e.toks[-1]: e for e in entities if e.toks}
        self.in_entity = {k for e in entities for k in e.toks}
        self.in_place = {k for e in entities if e.type in ("GPE", "LOC", "FAC") for k in e.toks}
        for e in entities:
            if e.type in ("PERSON", "ORG", "GPE", "NORP") and e.toks:
                self.actor_by_end[e.toks[-1]] = (e.toks[0], e.toks[-1])
                self.actor_by_start[e.toks[0]] = (e.toks[0], e.toks[-1])
        for m in coref.mentions:
            if m.kind == "NOM":
                ti = doc.toks_in(m.start, m.end)
                if ti:
                    self.actor_by_end[ti[-1]] = (ti[0], ti[-1])
        for a, b in coref.roles:
            self.actor_by_end.setdefault(b, (a, b))
            self.actor_by_start.setdefault(a, (a, b))
        for t in doc.toks:
            if t.low in _ACTOR_PRONOUNS:
                self.actor_by_end.setdefault(t.i, (t.i, t.i))
                self.actor_by_start.setdefault(t.i, (t.i, t.i))

    def _pairs(self) -> list[tuple[int, int]]:
        """Token index pairs (open, close) of quotation marks."""
        toks = self.doc.toks
        pairs, open_i = [], None
        ascii_open = None
        for t in toks:
            if t.text == "“":
                open_i = t.i
            elif t.text == "”" and open_i is not None:
                pairs.append((open_i, t.i))
                open_i = None
            elif t.text == '"':
                if ascii_open is None:
                    ascii_open = t.i
                else:
                    pairs.append((ascii_open, t.i))
                    ascii_open = None
            if t.i + 1 < len(toks) and "\n" in self.doc.gap(t.i, t.i + 1):
                ascii_open = None
        return pairs

    def _content(self, o: int, c: int) -> tuple[int, int] | None:
        toks = self.doc.toks
        s = toks[o].end
        e = toks[c].start
        while e > s and self.doc.text[e - 1].isspace():
            e -= 1
        if e > s and self.doc.text[e - 1] in ",.":
            e -= 1
        while s < e and self.doc.text[s].isspace():
            s += 1
        if e <= s:
            return None
        return s, e

    def _name(self, a: int, b: int) -> str:
        toks = self.doc.toks
        s, e = toks[a].start, toks[b].end
        name = self.coref.best_name(s, e)
        if name:
            return name
        return self.doc.text[s:e]

    def find(self) -> list[dict]:
        toks = self.doc.toks
        quotes: list[dict] = []
        used_cues = set()
        pairs = self._pairs()
        direct_pairs = set()
        for o, c in pairs:
            if (o, c) in direct_pairs:
                continue
            cont = self._content(o, c)
            if cont is None:
                continue
            found = self._cue_after(c) or self._cue_before(o)
            if not found:
                continue
            cue_i, cue_j, src = found
            contents = [cont]
            # split quote: “..., ” he said, “...”
            k = max(cue_j, src[1]) + 1
            if k + 1 < len(toks) and toks[k].text == "," and toks[k + 1].text == "“":
                for o2, c2 in pairs:
                    if o2 == k + 1:
                        cont2 = self._content(o2, c2)
                        if cont2:
                            contents.append(cont2)
                            direct_pairs.add((o2, c2))
                        break
            direct_pairs.add((o, c))
            used_cues.add(cue_i)
            quotes.append(self._quote("direct", cue_i, cue_j, contents, src))
        # indirect (and mixed) quotes
        for t in toks:
            if t.i in used_cues:
                continue
            q = self._indirect(t.i, quotes)
            if q is None:
                continue
            used_cues.add(t.i)
            quotes.append(q)
        quotes.sort(key=lambda q: (q["content"][0]["start"], q["cue"]["start"]))
        return quotes

    def _quote(self, kind, cue_i, cue_j, contents, src) -> dict:
        doc = self.doc
        s_tok, e_tok = src
        return {
            "kind": kind,
            "cue": _span(doc.text, doc.toks[cue_i].start, doc.toks[cue_j].end),
            "content": [_span(doc.text, s, e) for s, e in contents],
            "source": _span(doc.text, doc.toks[s_tok].start, doc.toks[e_tok].end),
            "source_name": self._name(s_tok, e_tok),
        }

    def _is_cue(self, k: int) -> bool:
        return self.doc.toks[k].low in _REPORTING_VERBS

    def _cue_after(self, c: int):
        toks = self.doc.toks
        n = len(toks)
        k = c + 1
        limit = min(n, c + 12)
        while k < limit:
            if (
                toks[k].text in (".", "!", "?", ";", "“", "”", '"')
                or (toks[k].text == "," and k > c + 1)
                or toks[k].sent != toks[c].sent
            ):
                break
            if self._is_cue(k):
                # source before the cue, between the closing mark and the cue
                j = k - 1
                while j > c and _between_speaker_and_cue(toks[j].low):
                    j -= 1
                if k > c + 1 and j in self.actor_by_end and j > c:
                    a, b = self.actor_by_end[j]
                    if a > c:
                        return k, self._cue_end(k), (a, b)
                # "said Blinken"
                if k + 1 < n and (k + 1) in self.actor_by_start:
                    a, b = self.actor_by_start[k + 1]
                    return k, k, (a, b)
                # "said US Secretary of State X": actor a few tokens later
                for m in range(k + 1, min(n, k + 8)):
                    if toks[m].text in (".", ",", ";"):
                        break
                    if m in self.actor_by_start:
                        a, b = self.actor_by_start[m]
                        ent = self.ent_by_first.get(a)
                        if ent is not None and ent.type == "PERSON":
                            return k, k, (a, b)
                return None
            k += 1
        return None

    def _cue_end(self, k: int) -> int:
        toks = self.doc.toks
        if toks[k].low in ("called", "calls", "call") and k + 1 < len(toks) and toks[k + 1].low in ("for", "on"):
            return k + 1
        return k

    def _cue_before(self, o: int):
        toks = self.doc.toks
        k = o - 1
        if k >= 0 and toks[k].text in (",", ":"):
            k -= 1
        if k >= 0 and toks[k].low == "that":
            k -= 1
        if k < 0 or not self._is_cue(k):
            return None
        j = k - 1
        while j >= 0 and _between_speaker_and_cue(toks[j].low):
            j -= 1
        if j in self.actor_by_end:
            return k, k, self.actor_by_end[j]
        return None

    def _fronted_content(self, k: int, cue_j: int, src, a: int, b: int):
        """``<content>, <speaker> said (on Monday).``: the content comes first."""
        toks = self.doc.toks
        first = min(src[0], k)
        last = max(src[1], cue_j)
        if first - 1 <= a or toks[first - 1].text != ",":
            return None
        rest_ok = {
            "on",
            "in",
            "at",
            "a",
            "an",
            "the",
            "statement",
            "interview",
            "briefing",
            "conference",
            "news",
            "press",
            "tweet",
            "post",
        }
        for x in range(last + 1, b):
            w = toks[x]
            if w.text in (".", "!", "?", "”", '"'):
                continue
            if x in self.in_timex or x in self.in_place or w.low in rest_ok or w.low in _ADDRESSEE_WORDS:
                continue
            return None
        if self.doc.is_opener(a):
            return None  # a direct quote, handled with its quotation marks
        if first - 1 - a < 2:
            return None
        return toks[a].start, toks[first - 2].end

    def _indirect(self, k: int, quotes: list[dict]):
        doc, toks, text = self.doc, self.doc.toks, self.doc.text
        t = toks[k]
        if t.low not in _REPORTING_VERBS and not (
            t.low in ("called", "calls", "call") and k + 1 < len(toks) and toks[k + 1].low == "for"
        ):
            return None
        a, b = doc.sent_range(k)
        cue_j = self._cue_end(k)
        # who speaks
        src = None
        if t.low in _PARTICIPLE_CUES:
            if k == 0 or toks[k - 1].text != ",":
                return None
            for prior in quotes:
                if toks[a].start <= prior["cue"]["start"] and prior["cue"]["end"] <= t.start:
                    si = doc.tok_at(prior["source"]["start"])
                    ei = doc.by_end.get(prior["source"]["end"])
                    if si is not None and ei is not None:
                        src = (si, ei)
            if src is None:
                for j in range(k - 1, a - 1, -1):
                    ent = self.ent_by_last.get(j)
                    if ent is not None and ent.type == "PERSON":
                        src = (ent.toks[0], ent.toks[-1])
                        break
        else:
            j = k - 1
            while j >= a and _between_speaker_and_cue(toks[j].low):
                j -= 1
            if j >= a and j in self.actor_by_end:
                src = self.actor_by_end[j]
                if toks[src[0]].low in _POSSESSIVE_PRONOUNS:
                    src = None
            elif j >= a and toks[j].text == ",":
                # "..., said (Foreign Minister) Sergei Lavrov."
                for m in range(k + 1, min(b, k + 7)):
                    if m in self.actor_by_start:
                        ent = self.ent_by_first.get(m)
                        if m == k + 1 or (ent is not None and ent.type == "PERSON"):
                            src = self.actor_by_start[m]
                        break
                    if not _is_cap(toks[m]):
                        break
        if src is None:
            return None
        fronted = self._fronted_content(k, cue_j, src, a, b)
        if fronted is not None:
            s, e = fronted
            kind = "mixed" if ("“" in text[s:e] or '"' in text[s:e]) else "indirect"
            return self._quote(kind, k, cue_j, [(s, e)], src)
        # where the content starts
        p = cue_j + 1
        end_tok = b
        while end_tok > p and toks[end_tok - 1].text in (".", "!", "?", "”", '"'):
            if toks[end_tok - 1].text in ("”", '"') and toks[end_tok - 2].text not in (".", "!", "?"):
                break
            end_tok -= 1
        window = []
        q = p
        while q < min(end_tok, p + 6) and toks[q].low != "that":
            window.append(q)
            q += 1
        if (
            q < end_tok
            and toks[q].low == "that"
            and all(
                toks[w].low in _ADDRESSEE_WORDS or toks[w].low in ("on", "in", "at", ",") or w in self.in_entity
                for w in window
            )
        ):
            p = q + 1
        else:
            if (
                t.low in _ADDRESSEE_VERBS
                and p < end_tok
                and (toks[p].low in _ADDRESSEE_WORDS or p in self.actor_by_start)
            ):
                return None  # "told reporters" without a clause: no content
            # skip a time adverbial: "said on Wednesday the ..."
            if p < end_tok and toks[p].low == "on" and p + 1 < end_tok and toks[p + 1].low in _WEEKDAYS:
                p += 2
            if p < end_tok and toks[p].text in (",", ":"):
                p += 1
        if p >= end_tok or toks[p].text in ("“", '"', ".", "”") or toks[p].low in ("so", "and", "but", "or"):
            return None
        # where it ends: sentence end, or a following participle cue / "but"
        e_i = end_tok
        for r in range(p + 1, end_tok):
            if (
                toks[r].text in (",", ";")
                and r + 1 < end_tok
                and (toks[r + 1].low in _PARTICIPLE_CUES or toks[r + 1].low == "but")
            ):
                e_i = r
                break
        if e_i - p < 2:
            return None
        s, e = toks[p].start, toks[e_i - 1].end
        content = text[s:e]
        kind = "mixed" if ("“" in content or '"' in content) else "indirect"
        # an indirect cue must not be the attribution of a direct quote
        return self._quote(kind, k, cue_j, [(s, e)], src)
