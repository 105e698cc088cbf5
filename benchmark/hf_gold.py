"""Gold from Hugging Face ``datasets``: ``--gold hf:PATH_OR_REPO``.

The ``documents`` config is read through ``datasets.load_dataset``: a local
folder (a checkout of this repository, whose README front matter declares the
configs) or a hub id. The hub's own cache and offline mode apply
(``HF_HOME``, ``HF_DATASETS_OFFLINE``, ``HF_HUB_OFFLINE``); nothing here
downloads by itself. ``streaming=True`` (``--gold-streaming``) iterates the
rows without building the Arrow cache first.

The split is ``test`` when the config has one, else its only split.

Each row holds one document with its gold layers, ids and reference ids as
in the canonical YAML (see :mod:`benchmark.formats.hf`); it becomes a
:class:`Document` through the YAML parser and is checked as ``--gold FILE``
lines are (spans need not sit on token edges).

The fingerprint recorded as the dataset's ``sha256`` is a SHA-256 over the
rows read, in order, each written as canonical JSON (keys sorted, no spaces,
UTF-8, values JSON cannot hold, such as dates, as ``str()``) and a newline.
It is the same streamed or not and across ``datasets`` versions, unlike
``datasets``' own fingerprint, which a streamed dataset does not have.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, InvalidData, Problem
from .model import Document

if TYPE_CHECKING:
    from .evaluation import GoldCorpus

PREFIX = "hf:"
CONFIG = "documents"
PREFERRED_SPLIT = "test"


def load_hf_gold(spec: str, streaming: bool = False) -> GoldCorpus:
    """The documents of ``hf:PATH_OR_REPO``; bad rows raise :class:`InvalidData`."""
    from .evaluation import GoldCorpus

    target = spec[len(PREFIX) :]
    if not target:
        raise InputError(f"--gold {spec}: give a dataset folder or a hub id after 'hf:', e.g. hf:. or hf:org/name")
    local = Path(target).expanduser()
    # datasets wants a local folder as an absolute path ("." has no name to build a cache key from).
    path = str(local.resolve()) if local.exists() else target
    split_name, rows = _open_split(spec, path, streaming)
    digest = hashlib.sha256()
    documents, problems = [], []
    for number, row in enumerate(_rows(spec, rows), 1):
        digest.update(canonical_row(row))
        doc, found = document_from_row(row, f"{spec} (config {CONFIG}, split {split_name}) row {number}")
        problems += found
        if doc is not None:
            documents.append(doc)
    if problems:
        raise InvalidData(problems)
    if not documents:
        raise InputError(f"--gold {spec}: the {CONFIG!r} config holds no rows")
    details = {
        "hf": {
            "path": target,
            "config": CONFIG,
            "split": split_name,
            "streaming": streaming,
            "fingerprint": "sha256 over the rows as canonical JSON",
        }
    }
    return GoldCorpus(
        documents, spec, "custom", digest.hexdigest(), details=details, signature_options=(("gold", "hf"),)
    )


def _open_split(spec: str, path: str, streaming: bool) -> tuple[str, Any]:
    """(split name, the split's rows) of the ``documents`` config, or a clear InputError."""
    import datasets

    try:
        loaded = datasets.load_dataset(path, CONFIG, streaming=streaming)
    except ValueError as err:
        if "BuilderConfig" in str(err):
            raise InputError(f"--gold {spec}: the dataset has no {CONFIG!r} config ({err})") from None
        raise InputError(f"--gold {spec}: cannot be loaded: {err}") from None
    except (OSError, datasets.exceptions.DatasetsError) as err:
        raise InputError(
            f"--gold {spec}: no dataset could be loaded from {path!r}: {str(err).rstrip('.')}. "
            "Give a folder whose README.md declares the configs, or a hub id "
            "(in the hub cache when offline)."
        ) from None
    names = list(loaded)
    if PREFERRED_SPLIT in names:
        return PREFERRED_SPLIT, loaded[PREFERRED_SPLIT]
    if len(names) == 1:
        return names[0], loaded[names[0]]
    raise InputError(
        f"--gold {spec}: the {CONFIG!r} config has splits {', '.join(names)}; "
        f"expected {PREFERRED_SPLIT!r} or a single split"
    )


def _rows(spec: str, rows: Any) -> Iterator[dict]:
    """The rows, with a data error met while reading (a streamed file, say) made an InputError."""
    import datasets

    iterator = iter(rows)
    while True:
        try:
            row = next(iterator)
        except StopIteration:
            return
        except (ValueError, OSError, datasets.exceptions.DatasetsError) as err:
            raise InputError(f"--gold {spec}: reading the rows failed: {err}") from None
        yield row


def canonical_row(row: dict) -> bytes:
    """One row's bytes in the fingerprint."""
    return (json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str) + "\n").encode(
        "utf-8"
    )


def document_from_row(row: dict, where: str) -> tuple[Document | None, list[Problem]]:
    """A gold document from a ``documents`` row, and its problems."""
    from .gold import PARSERS, parse_gold
    from .validate import check_document

    missing = [key for key in ("id", "text") if not isinstance(row.get(key), str)]
    if missing:
        got = {key: row.get(key) for key in missing}
        return None, [
            Problem(
                where,
                str(row.get("id") or "document"),
                f"a documents row needs string {' and '.join(repr(k) for k in missing)}; got {got!r}",
            )
        ]
    date = row.get("date")
    data = {"document": row["id"], **{layer: row.get(layer) or [] for layer in PARSERS}}
    doc, problems = parse_gold(data, row["text"], where, None if date is None else str(date))
    return doc, problems or check_document(doc, where, gold=False)
