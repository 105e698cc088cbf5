"""A small user system: capitalized words as entities, weekdays as dates.

It shows the whole contract of a Python system: a function that takes one
document ({"id", "text", "date", "language"}) and returns a prediction in
the JSON Lines format, with code-point offsets into the text.
"""

import datetime as dt
import re

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
KNOWN_TYPES = {
    "NATO": "ORG",
    "US": "GPE",
    "Russia": "GPE",
    "Ukraine": "GPE",
    "Washington": "GPE",
    "Moscow": "GPE",
    "Belarus": "GPE",
    "Europe": "LOC",
}


def weekday_value(name: str, document_date: str | None) -> str:
    """The date of the most recent such weekday on or before the document date."""
    if not document_date:
        return "XXXX-XX-XX"
    day = dt.date.fromisoformat(document_date)
    back = (day.weekday() - WEEKDAYS.index(name)) % 7
    return (day - dt.timedelta(days=back)).isoformat()


def extract(document: dict) -> dict:
    text = document["text"]
    entities, timexes = [], []
    for match in re.finditer(r"\b[A-Z][A-Za-z-]+\b", text):
        word = match.group()
        if word in WEEKDAYS:
            timexes.append(
                {
                    "start": match.start(),
                    "end": match.end(),
                    "type": "DATE",
                    "value": weekday_value(word, document.get("date")),
                }
            )
            entities.append({"start": match.start(), "end": match.end(), "type": "DATE"})
        elif word in KNOWN_TYPES:
            entities.append({"start": match.start(), "end": match.end(), "type": KNOWN_TYPES[word]})
    return {"id": document["id"], "entities": entities, "timexes": timexes}
