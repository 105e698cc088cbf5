"""Predictions made elsewhere: a JSON Lines file (DESIGN section 4) or a folder of
BRAT standoff `.ann` files, served document by document like any other system."""

from __future__ import annotations

import copy
from pathlib import Path

from ..errors import InputError
from ..jsonl import layers_present, read_jsonl
from ..model import LAYERS
from .base import SystemFailure


def read_jsonl_predictions(path: Path) -> tuple[dict[str, dict], dict[str, int]]:
    """Predictions by document id, and the line each came from."""
    predictions: dict[str, dict] = {}
    line_of: dict[str, int] = {}
    for number, prediction in read_jsonl(path):
        if not isinstance(prediction, dict):
            raise InputError(f"{path}:{number}: expected a JSON object, got {type(prediction).__name__}.")
        doc_id = prediction.get("id")
        if not isinstance(doc_id, str):
            raise InputError(f'{path}:{number}: the prediction has no "id" naming its document.')
        if doc_id in predictions:
            raise InputError(
                f"{path}:{number}: document {doc_id!r} already has a prediction "
                f"on line {line_of[doc_id]}; each document may appear once."
            )
        predictions[doc_id] = prediction
        line_of[doc_id] = number
    return predictions, line_of


class PredictionsFile:
    """A JSON Lines predictions file. Unless the spec declares layers, the layers are
    those the file has keys for, so a file of entities alone is not scored as zero
    on the other four."""

    cacheable = False
    thread_safe = True

    def __init__(self, name: str, path: Path, layers: tuple[str, ...] | None = None):
        self.name = name
        self.path = path
        self.predictions, self.line_of = read_jsonl_predictions(path)
        self.layers = layers or layers_present(self.predictions.values()) or LAYERS

    def predict(self, document: dict) -> dict:
        prediction = self.predictions.get(document["id"])
        if prediction is None:
            raise SystemFailure(f"{self.path} has no prediction for document {document['id']!r}")
        return copy.deepcopy(prediction)

    def unknown_ids(self, known_ids: set[str]) -> list[tuple[str, int]]:
        """Document ids in the file that are not in the corpus, with their line numbers."""
        return [(doc_id, line) for doc_id, line in self.line_of.items() if doc_id not in known_ids]

    def close(self) -> None:
        pass


class BratFolder:
    """A folder of BRAT `.ann` files, one per document, read by benchmark.formats.brat."""

    cacheable = False
    thread_safe = True

    def __init__(self, name: str, folder: Path, layers: tuple[str, ...] | None = None):
        self.name = name
        self.folder = folder
        self.layers = layers or LAYERS

    def predict(self, document: dict) -> dict:
        from ..formats.brat import read_brat_predictions

        prediction = read_brat_predictions(self.folder, [document]).get(document["id"])
        if prediction is None:
            raise SystemFailure(f"{self.folder} has no BRAT annotations for document {document['id']!r}")
        return prediction

    def close(self) -> None:
        pass


def load_predictions(name: str, path: Path, layers: tuple[str, ...] | None = None):
    if path.is_dir():
        return BratFolder(name, path, layers)
    if not path.exists():
        raise InputError(f"no such predictions file or folder: {path}.")
    return PredictionsFile(name, path, layers)
