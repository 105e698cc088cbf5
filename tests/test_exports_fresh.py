"""The committed exports (annotations/export/) and the README card header are what
`benchmark export --all` makes from the gold as it is now; `--format --out` writes each format."""

import argparse
from pathlib import Path

import pytest

from benchmark.errors import InputError
from benchmark.export import ALL_FORMATS, add_export_arguments, cmd_export, export_all
from benchmark.formats.hf import dataset_card_front_matter, readme_front_matter
from tests.conftest import DOC_ID, ROOT

COMMITTED = ROOT / "annotations" / "export"
FIX = "run `benchmark export --all` and commit annotations/export/ and README.md"


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for name in ALL_FORMATS
        for p in sorted((folder / name).rglob("*"))
        if p.is_file()
    }


def test_committed_exports_are_fresh(tmp_path):
    written = export_all(tmp_path)
    fresh = files_under(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == sorted(fresh)
    committed = files_under(COMMITTED)
    missing = sorted(set(fresh) - set(committed))
    extra = sorted(set(committed) - set(fresh))
    stale = sorted(name for name in set(fresh) & set(committed) if fresh[name] != committed[name])
    assert not (missing or extra or stale), (
        f"annotations/export/ is stale (missing {missing}, not generated {extra}, differing {stale}): {FIX}"
    )


def test_readme_card_header_is_fresh():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_front_matter(readme) == dataset_card_front_matter(), (
        f"the dataset card header of README.md does not match the gold: {FIX}"
    )


def run_export(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="benchmark export")
    add_export_arguments(parser)
    return cmd_export(parser.parse_args(list(argv)))


EXPORTED_FILES = {
    "brat": ["annotation.conf", f"{DOC_ID}.ann", f"{DOC_ID}.txt", "visual.conf"],
    "conll": ["gold.conll"],
    "jsonl": ["gold.jsonl"],
    "hf": [f"{config}/test.jsonl" for config in ("documents", "ner", "quotes", "events", "timexes")],
    "spacy": ["gold.spacy"],
}


@pytest.mark.parametrize("name", ["brat", "conll", "jsonl", "hf", "spacy"])
def test_each_format_exports_to_a_folder(name, tmp_path, capsys):
    assert run_export("--format", name, "--out", str(tmp_path)) == 0
    printed = [Path(p) for p in capsys.readouterr().out.split()]
    assert sorted(p.relative_to(tmp_path).as_posix() for p in printed) == sorted(EXPORTED_FILES[name])
    assert all(p.is_file() for p in printed)
    if name in ALL_FORMATS:
        for path in printed:
            relative = path.relative_to(tmp_path).as_posix()
            assert path.read_bytes() == (COMMITTED / name / relative).read_bytes(), relative


def test_usage_errors_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="needs --out"):
        run_export("--format", "brat")
    with pytest.raises(InputError, match="only with --format"):
        run_export("--all", "--out", str(tmp_path))
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(InputError, match="is a file"):
        run_export("--format", "jsonl", "--out", str(tmp_path / "a-file"))
