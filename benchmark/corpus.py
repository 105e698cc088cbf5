"""The shipped corpus and gold: where they live and how they are loaded.

In a checkout the data sits beside the package (``corpus/``,
``annotations/``); in an installed wheel it is carried inside the package
as ``benchmark/_data/`` (``hatch_build.py``; an editable install reads the checkout).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, InvalidData, Problem
from .gold import parse_gold, read_yaml
from .model import Document

DATASET_NAME = "diplomacy-ie"
DATASET_VERSION = "1.1"


def data_root() -> Path:
    packaged = Path(__file__).parent / "_data"
    return packaged if (packaged / "corpus").is_dir() else Path(__file__).resolve().parent.parent


def corpus_dir() -> Path:
    return data_root() / "corpus"


def annotations_dir() -> Path:
    return data_root() / "annotations"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class DocumentMeta:
    id: str
    title: str
    date: str
    language: str
    sha256: str
    provenance: str


def read_meta(path: Path) -> DocumentMeta:
    data, problems = read_yaml(path)
    if problems:
        raise InvalidData(problems)
    fields = DocumentMeta.__dataclass_fields__
    missing = [name for name in fields if not isinstance(data, dict) or name not in data]
    if missing:
        raise InputError(f"{path}: metadata is missing {', '.join(missing)}")
    return DocumentMeta(**{name: str(data[name]) for name in fields})


def read_text(meta: DocumentMeta, folder: Path) -> str:
    """The document text, refused when its checksum is not the recorded one."""
    path = folder / f"{meta.id}.txt"
    raw = path.read_bytes()
    digest = sha256_of(raw)
    if digest != meta.sha256:
        raise InputError(
            f"{path}: sha256 is {digest}, but the metadata records {meta.sha256}; "
            "the corpus text must stay byte-identical to its source"
        )
    return raw.decode("utf-8")


def list_metas(folder: Path | None = None) -> list[DocumentMeta]:
    folder = folder or corpus_dir()
    return [read_meta(p) for p in sorted(folder.glob("*.meta.yaml"))]


def gold_path(doc_id: str) -> Path:
    return annotations_dir() / f"{doc_id}.yaml"


def load_gold_file(path: Path, text: str, date: str | None) -> tuple[Document, list[Problem]]:
    data, problems = read_yaml(path)
    if problems:
        return Document(id="", text=text, date=date), problems
    return parse_gold(data, text, str(path), date)


def load_shipped() -> list[Document]:
    """Every shipped document with its gold; bad gold raises :class:`InvalidData`."""
    documents, problems = [], []
    for meta in list_metas():
        text = read_text(meta, corpus_dir())
        doc, found = load_gold_file(gold_path(meta.id), text, meta.date)
        doc.id = doc.id or meta.id
        documents.append(doc)
        problems += found
    if problems:
        raise InvalidData(problems)
    return documents


def dataset_sha256() -> str:
    """Checksum of the shipped data: every text and gold file, in document order."""
    digest = hashlib.sha256()
    for meta in list_metas():
        digest.update(meta.sha256.encode())
        digest.update(sha256_of(gold_path(meta.id).read_bytes()).encode())
    return digest.hexdigest()
