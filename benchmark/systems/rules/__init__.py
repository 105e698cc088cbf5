"""The built-in rule-based baseline system ``rules``.

A deliberately simple, transparent, general-purpose extractor for the five
Diplomacy-IE layers (DESIGN.md section 4 output format), one module a layer,
run in this order:

* ``timexes.py``: TIMEX3 expressions normalised against the document date.
* ``entities.py``: capitalised token runs typed by small general gazetteers
  (countries, capitals, nationality adjectives, international organisations,
  regions), titles before a name, organisation head words and local context;
  regular patterns for dates, numbers, money, percentages and quantities.
* ``coref.py``: entity names grouped by a normalised key (surname -> full name,
  alias table, acronyms), plus pronoun and a few definite-description rules.
* ``quotes.py``: direct quotes from quotation-mark pairs with an adjacent
  reporting verb, indirect quotes ``<speaker> <reporting verb> (that) <clause>``.
* ``events.py``: a CAMEO 1.1b3 trigger lexicon with nearest-actor arguments,
  modality-based realis and negation-based polarity.

They share ``text.py`` (tokens, sentences, lines) and ``lexicon.py`` (the data
files and the closed-class words). The gazetteers and trigger lexicons are TSV
files in ``data/``, each saying where its list comes from. Pure standard
library, deterministic. The lexicons contain general English words and general
world knowledge only.
"""

from __future__ import annotations

import datetime as _dt
import re

from .coref import _Coref
from .entities import _EntityFinder
from .events import _Eventer
from .quotes import _Quoter
from .text import _Doc
from .timexes import _Timexer

__all__ = ["RulesSystem"]


def _parse_date(value) -> _dt.date | None:
    if isinstance(value, _dt.date):
        return value
    if not isinstance(value, str):
        return None
    m = re.match(r"^\s*(\d{4})-(\d{2})-(\d{2})", value)
    if not m:
        return None
    try:
        return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


class RulesSystem:
    """Rule-based baseline for all five Diplomacy-IE layers."""

    name = "rules"
    layers = ("entities", "coref", "quotes", "events", "timexes")

    def predict(self, document: dict) -> dict:
        text = document.get("text") or ""
        date = _parse_date(document.get("date"))
        doc = _Doc(text)
        timexes = _Timexer(doc, date).find()
        entities = _EntityFinder(doc, timexes).find()
        coref = _Coref(doc, entities)
        quotes = _Quoter(doc, entities, coref, timexes).find()
        events = _Eventer(doc, entities, coref, timexes).find()
        return {
            "id": document.get("id", ""),
            "entities": [e.as_dict() for e in entities],
            "clusters": coref.clusters(),
            "quotes": quotes,
            "events": events,
            "timexes": timexes,
        }

    __call__ = predict
