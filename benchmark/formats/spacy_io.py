"""spaCy: export the gold as a DocBin (``benchmark export --format spacy``).

spaCy is an optional dependency (``pip install diplomacy-ie[spacy]``); it is
imported only when the export (or the spaCy system,
:mod:`benchmark.systems.spacy_system`) is used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Document

INSTALL_HINT = "pip install diplomacy-ie[spacy]"


def import_spacy() -> Any:
    try:
        import spacy
    except ImportError:
        raise InputError(f"spaCy is not installed; the spaCy system and export need it: {INSTALL_HINT}") from None
    return spacy


def _words_and_spaces(text: str) -> tuple[list[str], list[bool]]:
    """Tokens of the project tokenizer laid out as spaCy words, so ``Doc.text == text``.

    A single space after a token is its trailing space; any other white space
    becomes a whitespace token of its own, as spaCy's tokenizer makes them.
    """
    from ..tokenize import tokenize

    words: list[str] = []
    spaces: list[bool] = []
    position = 0
    for token in tokenize(text) + [None]:
        end = token.start if token else len(text)
        gap = text[position:end]
        if gap:
            if words and gap[0] == " ":
                spaces[-1] = True
                gap = gap[1:]
            if gap:
                words.append(gap)
                spaces.append(False)
        if token:
            words.append(token.text)
            spaces.append(False)
            position = token.end
    return words, spaces


def to_spacy_doc(document: Document, vocab: Any) -> Any:
    """A spaCy Doc of the gold: project tokens, gold entities as ``doc.ents``, gold sentence starts."""
    from spacy.tokens import Doc

    words, spaces = _words_and_spaces(document.text)
    doc = Doc(vocab, words=words, spaces=spaces)
    ents = []
    for entity in document.entities:
        span = doc.char_span(entity.span.start, entity.span.end, label=entity.type)
        if span is None:
            raise InputError(
                f"{document.id}: {entity.id} [{entity.span.start}, {entity.span.end}) does not "
                "fall on token edges, so spaCy cannot hold it"
            )
        ents.append(span)
    doc.ents = ents
    _set_sentence_starts(doc, [(s.span.start, s.span.end) for s in document.sentences])
    doc.user_data["doc_id"] = document.id
    return doc


def _set_sentence_starts(doc: Any, sentences: list[tuple[int, int]]) -> None:
    """Gold sentences start sentences; text outside every sentence (boilerplate) makes its own."""
    if not sentences:
        return
    starts = {start for start, _ in sentences}
    in_gap = False
    for token in doc:
        inside = any(start <= token.idx < end for start, end in sentences)
        opens_gap = not token.is_space and not inside and not in_gap
        token.is_sent_start = token.i == 0 or token.idx in starts or opens_gap
        in_gap = not inside and (in_gap or opens_gap)


def to_docbin(documents: list[Document]) -> Any:
    """A DocBin of the gold documents (entities and sentence boundaries)."""
    spacy = import_spacy()
    from spacy.tokens import DocBin

    vocab = spacy.blank("en").vocab
    docbin = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE", "SENT_START"], store_user_data=True)
    for document in documents:
        docbin.add(to_spacy_doc(document, vocab))
    return docbin


def write_docbin(documents: list[Document], path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    to_docbin(documents).to_disk(path)
    return path
