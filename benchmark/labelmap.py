"""Entity label maps: score a tagger trained on another scheme on the types both share.

``--label-map conll2003`` (shipped) or ``--label-map FILE.yaml`` maps gold and
predicted entity types before scoring. A map file is a YAML mapping from
OntoNotes type to target type, ``null`` dropping the type on both sides;
every OntoNotes type must be listed, so that nothing is dropped by omission.
A prediction may name either an OntoNotes type (mapped like the gold) or a
target type (kept as it is).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from . import inventory as inv
from .errors import InputError
from .records import EntityRecord

SHIPPED = ("conll2003",)
MAX_FILE_BYTES = 1 << 20


@dataclass(frozen=True)
class LabelMap:
    name: str
    mapping: dict[str, str | None]

    @property
    def targets(self) -> frozenset[str]:
        return frozenset(t for t in self.mapping.values() if t is not None)

    @property
    def digest(self) -> str:
        canonical = json.dumps(self.mapping, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def signature_value(self) -> str:
        """``conll2003`` for a shipped map, ``<name>@<sha8>`` for a file."""
        return self.name if self.name in SHIPPED else f"{self.name}@{self.digest[:8]}"

    def accepted_types(self) -> frozenset[str]:
        """Types a prediction may carry under this map."""
        return frozenset(self.mapping) | self.targets

    def apply(self, entities: Iterable[EntityRecord]) -> list[EntityRecord]:
        """The entities under their mapped types, dropped ones left out."""
        mapped = []
        for entity in entities:
            target = self.mapping[entity.type] if entity.type in self.mapping else entity.type
            if target is not None:
                mapped.append(EntityRecord(entity.start, entity.end, target))
        return mapped

    def as_dict(self) -> dict:
        return {"name": self.name, "sha256": self.digest, "mapping": dict(self.mapping)}


def load_label_map(spec: str) -> LabelMap:
    """A shipped map by name, or a YAML file; InputError says what is wrong."""
    if spec in SHIPPED:
        text = resources.files("benchmark").joinpath("data", "labelmaps", f"{spec}.yaml").read_text("utf-8")
        return _parse(text, spec, spec)
    path = Path(spec)
    if not path.is_file():
        raise InputError(f"--label-map {spec}: neither a shipped map ({', '.join(SHIPPED)}) nor a file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError(f"{path}: a label map is a small YAML mapping; this file is over 1 MiB")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot be read as UTF-8 text: {error}") from None
    return _parse(text, path.stem, str(path))


def _parse(text: str, name: str, where: str) -> LabelMap:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InputError(f"{where}: not valid YAML: {error}") from None
    if not isinstance(data, dict) or not data:
        raise InputError(f"{where}: a label map is a YAML mapping from entity type to target type or null")
    problems = []
    for source, target in data.items():
        if source not in inv.ENTITY_TYPES:
            problems.append(f"{source!r} is not an OntoNotes entity type")
        if target is not None and (not isinstance(target, str) or not target.strip()):
            problems.append(f"{source}: the target must be a type name or null, got {target!r}")
    missing = [t for t in inv.ENTITY_TYPES if t not in data]
    if missing:
        problems.append(f"every OntoNotes type must be mapped (to null to drop it); missing: {', '.join(missing)}")
    if problems:
        raise InputError(f"{where}: bad label map: " + "; ".join(problems))
    return LabelMap(name, {source: (target.strip() if target else None) for source, target in data.items()})
