"""Events of the rules baseline: CAMEO 1.1b3 triggers from the trigger lexicon
(data/cameo_triggers.tsv), appeals, demands, intents and threats refined by what
follows them, the nearest actors as source and target, the nearest date as time,
realis from modality and polarity from negation."""

from __future__ import annotations

import bisect
import re

from .coref import _Coref
from .entities import _Entity
from .lexicon import _ACTOR_PRONOUNS, _POSSESSIVE_PRONOUNS, rows, word_lists
from .text import _CLOSE_QUOTES, _OPEN_QUOTES, _Doc, _span

_MODALS = {"will", "would", "may", "might", "could", "can", "should", "must", "shall", "’ll", "'ll", "’d", "'d"}
_IRREALIS_CUES = {
    "to",
    "if",
    "unless",
    "whether",
    "plan",
    "plans",
    "planning",
    "planned",
    "prepare",
    "prepares",
    "preparing",
    "prepared",
    "want",
    "wants",
    "wanted",
    "seek",
    "seeks",
    "seeking",
    "intend",
    "intends",
    "threatened",
    "threatens",
    "failed",
    "fail",
    "fails",
    "hope",
    "hopes",
    "aim",
    "aims",
    "ready",
    "possible",
    "potential",
    "imminent",
    "future",
    "proposed",
}
_NEGATORS = {"not", "n’t", "n't", "never", "no", "without"}

# The trigger lexicon and its tables are data files: the options column of
# cameo_triggers.tsv is explained in that file's header.
_CONTEXT_WORDS = word_lists("cameo_context.tsv")
_OPTION_NAMES = {
    "needs",
    "not_after",
    "phrase",
    "phrase_only",
    "refine",
    "threat",
    "warn",
    "refusal",
    "negatable_refusal",
}


def _options(field: str) -> dict:
    """``flag``, ``name=word,word`` or ``name=@list`` items, as the keyword options of ``_E``."""
    options: dict = {}
    for item in field.split():
        name, has_value, value = item.partition("=")
        if name not in _OPTION_NAMES:
            raise ValueError(f"rules data file cameo_triggers.tsv: unknown option {item!r}")
        if not has_value:
            options[name] = True
        elif name == "refine":
            options[name] = value
        elif value.startswith("@"):
            options[name] = _CONTEXT_WORDS[value[1:]]
        else:
            options[name] = set(value.split(","))
    return options


def _E(pattern: str, code: str, **opts):
    return (re.compile(r"(?:%s)\Z" % pattern), code, opts)


_EVENT_LEXICON = [
    _E(pattern, code, **_options(options)) for pattern, code, options, _reason in rows("cameo_triggers.tsv")
]
# refinement tables for appeal (02x), demand (10x), intent (03x)
_REFINE = [
    (tuple(words.split(",")), {"02": appeal, "10": demand, "03": intent})
    for words, appeal, demand, intent, _reason in rows("cameo_refinements.tsv")
]
_THREAT_REFINE = [(tuple(words.split(",")), code) for words, code, _reason in rows("cameo_threats.tsv")]


class _Eventer:
    def __init__(self, doc: _Doc, entities: list[_Entity], coref: _Coref, timexes: list[dict]):
        self.doc = doc
        self.entities = entities
        self.timexes = timexes
        actors = []
        for e in entities:
            if e.type in ("PERSON", "ORG", "GPE", "NORP") and e.toks:
                actors.append((e.toks[0], e.toks[-1], e.possessive))
        for m in coref.mentions:
            if m.kind == "NOM":
                ti = doc.toks_in(m.start, m.end)
                if ti:
                    actors.append((ti[0], ti[-1], False))
        for a, b in coref.roles:
            actors.append((a, b, False))
        actors = sorted(set(actors))
        resolved = {m.tok for m in coref.mentions if m.kind == "PRO"}
        for t in doc.toks:
            if t.low in ("we", "they", "i") or (t.low in _ACTOR_PRONOUNS and t.i in resolved):
                actors.append((t.i, t.i, False))
        actors.sort()
        self.actors = actors
        self.actor_starts = [x[0] for x in actors]
        self._lex_cache: dict[str, list] = {}

    def _match(self, k: int):
        toks = self.doc.toks
        low = toks[k].low
        entries = self._lex_cache.get(low)
        if entries is None:
            entries = [(code, opts) for rx, code, opts in _EVENT_LEXICON if rx.match(low)]
            self._lex_cache[low] = entries
        for code, opts in entries:
            if toks[k].text[:1].isupper() and k not in self.doc.initial:
                continue  # part of a name
            end = k
            phrase = opts.get("phrase")
            if phrase:
                if k + 1 < len(toks) and toks[k + 1].low in phrase:
                    end = k + 1
                elif opts.get("phrase_only") or low.startswith("call") or low.startswith("appeal"):
                    continue
            na = opts.get("not_after")
            if na and k > 0 and toks[k - 1].low in na:
                continue
            needs = opts.get("needs")
            if needs:
                a, b = self.doc.sent_range(k)
                near = {toks[j].low for j in range(max(a, k - 6), min(b, end + 7))}
                if not near & needs:
                    continue
            return end, code, opts
        return None

    def _refine(self, family: str, k: int) -> str | None:
        toks = self.doc.toks
        a, b = self.doc.sent_range(k)
        for j in range(k + 1, min(b, k + 16)):
            w = toks[j].low
            for words, codes in _REFINE:
                if w in words or any(w.startswith(x) for x in words if len(x) > 5):
                    return codes.get(family)
        return None

    def find(self) -> list[dict]:
        doc, toks, text = self.doc, self.doc.toks, self.doc.text
        events = []
        k = 0
        n = len(toks)
        while k < n:
            res = self._match(k)
            if res is None:
                k += 1
                continue
            end, code, opts = res
            a, b = doc.sent_range(k)
            # negation and modality in the clause before the trigger
            window: list[str] = []
            j = k - 1
            while j >= a and len(window) < 5 and toks[j].text not in (",", ";", ":"):
                if toks[j].text in _OPEN_QUOTES or toks[j].text in _CLOSE_QUOTES:
                    j -= 1
                    continue
                window.append(toks[j].low)
                j -= 1
            negated = any(w in _NEGATORS for w in window[:4])
            infinitive = bool(window) and (
                window[0] == "to" or (len(window) > 1 and window[1] == "to" and window[0].endswith("ly"))
            )
            irrealis = (
                infinitive
                or any(w in _MODALS for w in window)
                or any(w in _IRREALIS_CUES and w != "to" for w in window[:4])
            )
            polarity = "positive"
            if opts.get("refine"):
                fine = self._refine(opts["refine"], end)
                if fine:
                    code = fine
            if opts.get("threat"):
                fam = None
                for j2 in range(end + 1, min(b, end + 12)):
                    for words, c2 in _THREAT_REFINE:
                        if toks[j2].low in words:
                            fam = c2
                            break
                    if fam:
                        break
                code = fam or code
            if opts.get("warn"):
                nxt = {toks[j2].low for j2 in range(end + 1, min(b, end + 4))}
                if nxt & {"against", "of", "not"}:
                    code = "130"
            if negated:
                if opts.get("refusal"):
                    polarity = "positive"
                elif opts.get("negatable_refusal"):
                    code = "120"
                    for j2 in range(end + 1, min(b, end + 4)):
                        if re.match(
                            r"(curb|halt|stop|end|ease|lift|withdraw|yield|"
                            r"give|back|drop|abandon|release)",
                            toks[j2].low,
                        ):
                            code = "124"
                            break
                    polarity = "positive"
                else:
                    polarity = "negative"
            realis = "other" if irrealis else "actual"
            args = self._arguments(k, end, a, b)
            events.append(
                {
                    "trigger": _span(text, toks[k].start, toks[end].end),
                    "code": code,
                    "arguments": args,
                    "realis": realis,
                    "polarity": polarity,
                }
            )
            k = end + 1
        return events

    def _arguments(self, k: int, end: int, a: int, b: int) -> list[dict]:
        toks, text = self.doc.toks, self.doc.text
        args = []
        lo = bisect.bisect_left(self.actor_starts, a)
        hi = bisect.bisect_left(self.actor_starts, b)
        in_sent = self.actors[lo:hi]
        in_sent = sorted(in_sent, key=lambda x: (x[1], -x[0]))
        before = [x for x in in_sent if x[1] < k and toks[x[0]].low not in _POSSESSIVE_PRONOUNS]
        if before:
            s0, s1, _ = before[-1]
            args.append(
                {
                    "role": "source",
                    "start": toks[s0].start,
                    "end": toks[s1].end,
                    "text": text[toks[s0].start : toks[s1].end],
                }
            )
        after = sorted(
            [
                x
                for x in in_sent
                if x[0] > end
                and x[1] < b
                and toks[x[0]].low not in _POSSESSIVE_PRONOUNS
                and toks[x[0] - 1].low != "that"
            ],  # subject of a complement clause
            key=lambda x: (x[0], -x[1]),
        )
        target = None
        for x in after:
            if x[0] - end > 10:
                break
            if toks[x[0] - 1].low in ("to", "with", "on", "upon", "against", "toward", "towards", "from", "at"):
                target = x
                break
        if target is None and after and after[0][0] - end <= 10:
            target = after[0]
        if target is not None:
            t0, t1, _ = target
            args.append(
                {
                    "role": "target",
                    "start": toks[t0].start,
                    "end": toks[t1].end,
                    "text": text[toks[t0].start : toks[t1].end],
                }
            )
        # time: nearest date expression in the sentence
        s_start, s_end = toks[a].start, toks[b - 1].end
        times = [
            tx
            for tx in self.timexes
            if s_start <= tx["start"]
            and tx["end"] <= s_end
            and tx["type"] in ("DATE", "TIME")
            and tx["value"] not in ("PRESENT_REF", "PAST_REF", "FUTURE_REF")
        ]
        if times:
            trig = toks[k].start
            tx = min(times, key=lambda x: (abs(x["start"] - trig), x["start"]))
            args.append({"role": "time", "start": tx["start"], "end": tx["end"], "text": tx["text"]})
        return args
