"""Coreference of the rules baseline: entity names grouped by a normalised key (a surname
joins the full name before it, aliases and acronyms join their names), pronouns linked
to the nearest fitting entity, and a few definite descriptions ("the alliance", "the
top US diplomat") linked to an apposed or recent name."""

from __future__ import annotations

import bisect
import re

from .entities import _Entity, _norm_tok
from .lexicon import _FUNCTION_WORDS, _REPORTING_VERBS, _ROLE_NOUNS, _ROLE_PLURALS, rows
from .text import _OPEN_QUOTES, _Doc, _span

# alias -> the name of its group, for coreference (normalised keys)
_ALIASES = {alias: name for alias, name in rows("aliases.tsv")}

_PRONOUNS_PERSON = {"he", "she", "him", "his", "her"}
_PRONOUNS_THING = {"it", "its"}

_CLUSTER_TYPES = {"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT"}
_NOMINALS = [
    (
        re.compile(
            r"\b[Tt]he\s+(?:(?:military|western|transatlantic|defensive|"
            r"defence|defense|security)\s+)?(?:alliance|bloc)\b"
        ),
        ("ORG",),
    ),
    (re.compile(r"\b[Tt]he\s+country\b"), ("GPE",)),
    (re.compile(r"\b[Tt]he\s+(?:organi[sz]ation)\b"), ("ORG",)),
]


class _Mention:
    __slots__ = ("start", "end", "text", "kind", "antecedent", "tok")

    def __init__(self, start, end, text, kind, tok):
        self.start, self.end, self.text, self.kind = start, end, text, kind
        self.antecedent: _Entity | None = None
        self.tok = tok


def _entity_key(ent: _Entity) -> str:
    words = [_norm_tok(w) for w in re.findall(r"[\w’'.-]+", ent.text)]
    if words and words[0] == "the":
        words = words[1:]
    name = " ".join(words)
    name = _ALIASES.get(name, name)
    group = "P" if ent.type == "PERSON" else "X"
    return group + ":" + name


class _Coref:
    def __init__(self, doc: _Doc, entities: list[_Entity]):
        self.doc = doc
        self.entities = [e for e in entities if e.type in _CLUSTER_TYPES]
        self.ends = [e.end for e in self.entities]
        self.ent_by_first_tok = {e.toks[0]: e for e in self.entities if e.toks}
        self._name_cache: dict[str, str] = {}
        self.key: dict[tuple[int, int], str] = {}
        self.mentions: list[_Mention] = []
        self.roles: list[tuple[int, int]] = []  # token ranges of role nominals
        self._keys()
        self._pronouns()
        self._nominals()
        self._role_nominals()

    def _keys(self):
        persons_full = [e for e in self.entities if e.type == "PERSON" and len(e.toks) >= 2]
        acronyms = {}
        for e in self.entities:
            if e.type == "ORG" and len(e.toks) >= 2:
                initials = "".join(w[0] for w in e.text.split() if w[:1].isupper())
                if len(initials) >= 2:
                    acronyms[initials.lower()] = _entity_key(e)
        for e in self.entities:
            k = _entity_key(e)
            if e.type == "PERSON" and len(e.toks) == 1:
                low = e.text.lower()
                earlier = [p for p in persons_full if p.text.split()[-1].lower() == low and p.start < e.start]
                anywhere = [p for p in persons_full if p.text.split()[-1].lower() == low]
                match = earlier[-1] if earlier else (anywhere[0] if anywhere else None)
                if match is not None:
                    k = _entity_key(match)
            elif e.type == "ORG" and k[2:] in acronyms:
                k = acronyms[k[2:]]
            self.key[(e.start, e.end)] = k

    def _subject(self, tok_i: int) -> _Entity | None:
        a, _ = self.doc.sent_range(tok_i)
        toks = self.doc.toks
        k = a
        while k < tok_i and (toks[k].text in _OPEN_QUOTES or toks[k].low == "the"):
            k += 1
        e = self.ent_by_first_tok.get(k)
        if e is not None and e.type in ("ORG", "GPE") and not e.modifier:
            return e
        return None

    def _before(self, offset: int, types: tuple[str, ...], window: int = 0, sent: int = -1) -> list[_Entity]:
        """Entities of the given types ending at or before offset, nearest last."""
        pos = bisect.bisect_right(self.ends, offset)
        out: list[_Entity] = []
        for e in reversed(self.entities[:pos]):
            if window and len(out) >= window:
                break
            if sent >= 0 and e.toks and self.doc.toks[e.toks[0]].sent < sent:
                break
            if e.type in types:
                out.append(e)
        out.reverse()
        return out

    def _pronouns(self):
        doc, toks = self.doc, self.doc.toks
        for t in toks:
            low = t.low
            if low not in _PRONOUNS_PERSON and low not in _PRONOUNS_THING:
                continue
            if low in _PRONOUNS_PERSON:
                cands = self._before(t.start, ("PERSON",), window=1)
                ante = cands[-1] if cands else None
            else:
                cands = [e for e in self._before(t.start, ("ORG", "GPE"), sent=t.sent - 1) if not e.modifier]
                ante = None
                if low == "it":
                    prev = toks[t.i - 1].low if t.i > 0 else ""
                    nxt = toks[t.i + 1].low if t.i + 1 < len(toks) else ""
                    subj_pos = (
                        prev in (",", "that", "but", "and", "because", "said", "says", "while", "as", "if", "when", "“")
                        or t.i in doc.initial
                    )
                    verbish = (
                        nxt
                        in (
                            "is",
                            "was",
                            "has",
                            "had",
                            "will",
                            "would",
                            "can",
                            "could",
                            "may",
                            "might",
                            "must",
                            "should",
                            "does",
                            "did",
                            "also",
                            "’s",
                        )
                        or re.match(r"^[a-z]+(ed|s)$", nxt or "") is not None
                    )
                    if not (subj_pos and verbish):
                        continue
                    subj = self._subject(t.i)
                    if subj is not None and subj.end <= t.start:
                        ante = subj
                if ante is None and cands:
                    ante = cands[-1]
                # also allow nominal mentions found later to be antecedents
            m = _Mention(t.start, t.end, t.text, "PRO", t.i)
            m.antecedent = ante
            if ante is not None:
                self.mentions.append(m)

    def _role_nominals(self):
        """``the (modifiers) <role noun>``: linked to an apposed or recent PERSON."""
        doc, toks = self.doc, self.doc.toks
        persons = [e for e in self.entities if e.type == "PERSON" and e.toks]
        first_tok = {e.toks[0]: e for e in persons}
        for t in toks:
            if t.low not in _ROLE_NOUNS and t.low not in _ROLE_PLURALS:
                continue
            if t.i + 1 < len(toks) and (
                toks[t.i + 1].low in _ROLE_NOUNS or toks[t.i + 1].text[:1].isupper() or toks[t.i + 1].low == "-"
            ):
                continue  # part of a longer title or a title before a name
            det = None
            for j in range(t.i - 1, max(-1, t.i - 5), -1):
                w = toks[j]
                if w.low in ("the", "a", "an"):
                    det = j
                    break
                if (
                    (w.text.islower() and w.low in _FUNCTION_WORDS)
                    or not w.text[:1].isalpha()
                    or w.low in _REPORTING_VERBS
                ):
                    break
            if det is None:
                continue
            self.roles.append((det, t.i))
            if toks[det].low != "the" or t.low in _ROLE_PLURALS:
                continue
            ante = None
            # apposition: "the US ambassador to Russia, John Sullivan,"
            a, b = doc.sent_range(t.i)
            for j in range(t.i + 1, min(b, t.i + 6)):
                if toks[j].text == "," and j + 1 in first_tok:
                    ante = first_tok[j + 1]
                    break
                if toks[j].text in (".", ";", "“", "”"):
                    break
            if ante is None:
                cands = self._before(t.start, ("PERSON",), window=1)
                if cands and doc.toks[cands[-1].toks[0]].sent >= t.sent - 2:
                    ante = cands[-1]
            if ante is None:
                continue
            men = _Mention(toks[det].start, t.end, doc.text[toks[det].start : t.end], "NOM", det)
            men.antecedent = ante
            self.mentions.append(men)
        self.mentions.sort(key=lambda m: m.start)

    def _nominals(self):
        text = self.doc.text
        for rx, types in _NOMINALS:
            for m in rx.finditer(text):
                tok = self.doc.tok_at(m.start())
                if tok is None:
                    continue
                sent = self.doc.toks[tok].sent
                before = [e for e in self._before(m.start(), types, sent=max(0, sent - 2)) if not e.modifier]
                if not before:
                    continue
                men = _Mention(m.start(), m.end(), m.group(0), "NOM", tok)
                men.antecedent = before[-1]
                self.mentions.append(men)
        # a pronoun whose nearest antecedent is a nominal ("the alliance ... its")
        noms = [m for m in self.mentions if m.kind == "NOM"]
        for p in self.mentions:
            if p.kind != "PRO" or p.antecedent is None or p.antecedent.type not in ("ORG", "GPE"):
                continue
            closer = [
                n
                for n in noms
                if p.antecedent.end <= n.start
                and n.end <= p.start
                and n.antecedent is not None
                and n.antecedent.type == p.antecedent.type
            ]
            if closer:
                p.antecedent = closer[-1].antecedent
        self.mentions.sort(key=lambda m: m.start)

    def cluster_key(self, start: int, end: int) -> str | None:
        if (start, end) in self.key:
            return self.key[(start, end)]
        for m in self.mentions:
            if m.start == start and m.end == end and m.antecedent is not None:
                return self.key.get((m.antecedent.start, m.antecedent.end))
        return None

    def clusters(self) -> list[list[dict]]:
        groups: dict[str, list[tuple[int, int]]] = {}
        for e in self.entities:
            groups.setdefault(self.key[(e.start, e.end)], []).append((e.start, e.end))
        for m in self.mentions:
            k = self.cluster_key(m.start, m.end)
            if k is not None:
                groups.setdefault(k, []).append((m.start, m.end))
        out = []
        for members in groups.values():
            members = sorted(set(members))
            if len(members) >= 2:
                out.append([_span(self.doc.text, s, e) for s, e in members])
        out.sort(key=lambda c: c[0]["start"])
        return out

    def _by_key(self) -> dict[str, list[_Entity]]:
        if not hasattr(self, "_key_index"):
            index: dict[str, list[_Entity]] = {}
            for e in self.entities:
                index.setdefault(self.key[(e.start, e.end)], []).append(e)
            self._key_index = index
        return self._key_index

    def best_name(self, start: int, end: int) -> str | None:
        k = self.cluster_key(start, end)
        if k is None:
            return None
        names = self._by_key().get(k)
        if not names:
            return None
        if k in self._name_cache:
            return self._name_cache[k]
        name = min(names, key=lambda e: (-len(e.text.split()), -len(e.text), e.start)).text
        if name.lower().startswith("the "):
            name = name[4:]
        self._name_cache[k] = name
        return name
