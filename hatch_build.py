"""Build hook: the shipped corpus and gold go inside the wheel's package as ``benchmark/_data/``.

Only a standard wheel carries them. An editable install reads ``corpus/`` and
``annotations/`` in the checkout (``benchmark.corpus.data_root``); a copy
there would be a stale snapshot in site-packages, and its ``benchmark/``
folder, a namespace package, would stand in for the real one whenever the
checkout is not on the path, so that ``benchmark`` failed with "No module
named 'benchmark.cli'" instead of saying the package is missing.
"""

from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SHIPPED_DATA = {"corpus": "benchmark/_data/corpus", "annotations": "benchmark/_data/annotations"}


class ShippedDataHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version != "editable":
            build_data["force_include"].update(SHIPPED_DATA)
