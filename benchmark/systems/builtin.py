"""The systems shipped with the harness: `empty`, `oracle` and (lazily) `rules`."""

from __future__ import annotations

import copy

from ..model import LAYERS
from .base import SystemFailure

BUILTIN_NAMES = ("oracle", "empty", "rules")


class EmptySystem:
    """Predicts nothing: the floor every layer's score is compared with."""

    name = "empty"
    layers = LAYERS
    cacheable = False
    thread_safe = True

    def predict(self, document: dict) -> dict:
        return {"id": document["id"]}

    def close(self) -> None:
        pass


class OracleSystem:
    """Returns the gold as a prediction: scores 1.0 everywhere, a check on the scorer."""

    name = "oracle"
    layers = LAYERS
    cacheable = False
    thread_safe = True

    def __init__(self, gold_by_id: dict[str, dict]):
        self.gold_by_id = gold_by_id

    def predict(self, document: dict) -> dict:
        gold = self.gold_by_id.get(document["id"])
        if gold is None:
            raise SystemFailure(f"the oracle has no gold for document {document['id']!r}")
        return copy.deepcopy(gold)

    def close(self) -> None:
        pass


def rules_system():
    """The rule-based baseline, imported only when asked for."""
    from .rules import RulesSystem

    return RulesSystem()
