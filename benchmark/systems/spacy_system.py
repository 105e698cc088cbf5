"""spaCy: score a spaCy pipeline as a system (``--system spacy:<pipeline>``).

spaCy is an optional dependency (``pip install diplomacy-ie[spacy]``); it is
imported only when the system is loaded. The English OntoNotes-trained
pipelines (``en_core_web_*``) label entities with exactly the 18 types of
the gold, so their ``doc.ents`` map one to one.
"""

from __future__ import annotations

from ..errors import InputError
from ..formats.spacy_io import import_spacy


class SpacySystem:
    """A spaCy pipeline (an installed package name or a folder saved with ``nlp.to_disk``)."""

    layers = ("entities",)
    cacheable = False  # a pipeline folder can be retrained in place; spaCy is fast on one article
    thread_safe = False

    def __init__(self, pipeline: str):
        spacy = import_spacy()
        self.pipeline = pipeline
        self.name = f"spacy:{pipeline}"
        try:
            self.nlp = spacy.load(pipeline)
        except OSError as err:
            raise InputError(f"spaCy pipeline {pipeline!r} cannot be loaded: it is neither an installed "
                             f"pipeline package nor a pipeline folder ({err})") from None

    def predict(self, document: dict) -> dict:
        doc = self.nlp(document["text"])
        entities = [{"start": ent.start_char, "end": ent.end_char, "type": ent.label_, "text": ent.text}
                    for ent in doc.ents]
        return {"id": document["id"], "entities": entities}

    def close(self) -> None:
        self.nlp = None


def load_spacy_system(target: str) -> SpacySystem:
    """The system behind ``spacy:<pipeline name or path>``; ``target`` is what follows ``spacy:``."""
    if not target:
        raise InputError("spacy: needs a pipeline, e.g. spacy:en_core_web_sm or spacy:path/to/pipeline")
    return SpacySystem(target)
