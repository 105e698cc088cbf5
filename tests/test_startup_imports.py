"""What the short paths of the CLI import: heavy libraries stay off them (speed goals in tests/perf/)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from .conftest import ROOT

HEAVY = ("scipy", "sklearn", "datasets", "pandas", "jinja2", "numpy")


def heavy_modules_after(cli_args: list[str], env: dict[str, str]) -> list[str]:
    code = (
        "import json, sys\nfrom benchmark.cli import main\n"
        f"try: main({cli_args!r})\nexcept SystemExit: pass\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
    return json.loads(done.stderr.strip().splitlines()[-1])


def test_rules_evaluation_imports_only_numpy(tmp_path):
    # numpy draws the bootstrap resamples; CEAF-e's alignment no longer needs scipy.
    env = {**os.environ, "DIPLOMACY_IE_CACHE": str(tmp_path / "cache")}
    args = ["evaluate", "--system", "rules", "--quiet", "--format", "json", "--output", str(tmp_path / "r.json")]
    assert heavy_modules_after(args, env) == ["numpy"]
    assert (tmp_path / "r.json").exists()
