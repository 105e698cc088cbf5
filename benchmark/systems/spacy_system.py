"""spaCy: score a spaCy pipeline as a system (``--system spacy:<pipeline>``).

The pipeline is an installed pipeline package (``spacy:en_core_web_sm``,
after ``python -m spacy download en_core_web_sm``) or a pipeline folder
(``spacy:path/to/folder``, written by ``nlp.to_disk`` or the data folder
inside a pipeline package), exactly as ``spacy.load`` takes them. Nothing is
downloaded: a pipeline that is not installed is an input error saying how to
install it.

spaCy is an optional dependency (``pip install diplomacy-ie[spacy]``); it is
imported only when the system is loaded. The English OntoNotes-trained
pipelines (``en_core_web_*``) label entities with exactly the 18 types of
the gold, so their ``doc.ents`` map one to one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputError

INSTALL_SPACY = (
    'spaCy is not installed, and the spacy: system needs it: pip install "diplomacy-ie[spacy]" '
    "(or pip install spacy), then install a pipeline, e.g. python -m spacy download en_core_web_sm"
)


def _import_spacy() -> Any:
    try:
        import spacy
    except ImportError:
        raise InputError(INSTALL_SPACY) from None
    return spacy


def _looks_like_path(target: str) -> bool:
    return "/" in target or "\\" in target or target.startswith((".", "~"))


def _not_installed(pipeline: str) -> str:
    return (
        f"spaCy pipeline {pipeline!r} is neither an installed pipeline package nor a folder. Install it "
        f"first (the harness never downloads at run time): python -m spacy download {pipeline} for "
        "spaCy's own pipelines, pip install PACKAGE for others; or give the path of a pipeline folder, "
        "spacy:path/to/pipeline"
    )


def _not_a_pipeline_folder(path: Path) -> str:
    inner = sorted(p.name for p in path.iterdir() if (p / "config.cfg").is_file()) if path.is_dir() else []
    hint = f"; its subfolder {inner[0]!r} is one, try spacy:{path / inner[0]}" if len(inner) == 1 else ""
    return (
        f"spaCy pipeline folder {str(path)!r} holds no config.cfg, so it is not a pipeline folder (one written "
        f"by nlp.to_disk, or the data folder inside a pipeline package){hint}"
    )


def _resolve(spacy: Any, pipeline: str) -> str | Path:
    """The package name or folder to load, as ``spacy.load`` picks it (an installed package first)."""
    if spacy.util.is_package(pipeline):
        return pipeline
    path = Path(pipeline).expanduser()
    if not path.exists():
        if _looks_like_path(pipeline):
            raise InputError(f"spaCy pipeline folder {pipeline!r} does not exist")
        raise InputError(_not_installed(pipeline))
    if not (path / "config.cfg").is_file():
        raise InputError(_not_a_pipeline_folder(path))
    return path


def load_pipeline(spacy: Any, pipeline: str) -> Any:
    """``spacy.load`` with every way it can fail turned into one clear input error."""
    target = _resolve(spacy, pipeline)
    try:
        return spacy.load(target)
    except Exception as err:  # a user's pipeline can fail in any way while it loads; none is a harness bug
        raise InputError(
            f"spaCy pipeline {pipeline!r} cannot be loaded with spaCy {spacy.__version__}: {type(err).__name__}: {err}"
        ) from None


def model_record(spacy: Any, nlp: Any) -> dict:
    """What the result file records of the pipeline: its name and version, and spaCy's."""
    meta = nlp.meta
    return {
        "name": f"{meta.get('lang', nlp.lang)}_{meta.get('name', 'pipeline')}",
        "version": str(meta.get("version", "")),
        "spacy": spacy.__version__,
    }


class SpacySystem:
    """A spaCy pipeline (an installed package name or a folder saved with ``nlp.to_disk``)."""

    layers = ("entities",)
    cacheable = False  # a pipeline folder can be retrained in place; spaCy is fast on one article
    thread_safe = False

    def __init__(self, pipeline: str):
        spacy = _import_spacy()
        self.pipeline = pipeline
        self.name = f"spacy:{pipeline}"
        self.nlp = load_pipeline(spacy, pipeline)
        self.model = model_record(spacy, self.nlp)

    def predict(self, document: dict) -> dict:
        doc = self.nlp(document["text"])
        entities = [
            {"start": ent.start_char, "end": ent.end_char, "type": ent.label_, "text": ent.text} for ent in doc.ents
        ]
        return {"id": document["id"], "entities": entities}

    def close(self) -> None:
        self.nlp = None


def load_spacy_system(target: str) -> SpacySystem:
    """The system behind ``spacy:<pipeline name or path>``; ``target`` is what follows ``spacy:``."""
    if not target:
        raise InputError("spacy: needs a pipeline, e.g. spacy:en_core_web_sm or spacy:path/to/pipeline")
    return SpacySystem(target)
