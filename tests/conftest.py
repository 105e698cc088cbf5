import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC_ID = "us-nato-responses-2022-01-26"
ARTICLE = ROOT / "corpus" / f"{DOC_ID}.txt"
GOLD = ROOT / "annotations" / f"{DOC_ID}.yaml"


@pytest.fixture(scope="session")
def article_text() -> str:
    return ARTICLE.read_text(encoding="utf-8")


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 300):
    """Run ``benchmark`` in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "benchmark", *args], cwd=cwd or ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(autouse=True)
def private_prediction_cache(tmp_path_factory, monkeypatch):
    """Every test, and every subprocess it starts, uses a fresh cache folder: never the
    user's ~/.cache/diplomacy-ie, and never one a previous test filled."""
    folder = tmp_path_factory.mktemp("prediction-cache")
    monkeypatch.setenv("DIPLOMACY_IE_CACHE", str(folder))
    return folder
