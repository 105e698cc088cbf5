"""``benchmark export``: the gold in standard formats.

``--format brat|conll|jsonl|hf|spacy --out DIR`` writes one format; ``--all``
regenerates ``annotations/export/`` of the checkout (brat/, conll/, jsonl/,
hf/) and the dataset card header of README.md. Only argparse and pathlib are
imported at start-up; each format is imported when it runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

FORMATS = ("brat", "conll", "jsonl", "hf", "spacy")
ALL_FORMATS = ("brat", "conll", "jsonl", "hf")  # spaCy is optional and binary: not committed
GOLD_STEM = "gold"


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--format",
        choices=FORMATS,
        help="brat (.txt/.ann + annotation.conf), conll (CoNLL-2003 IOB2), jsonl (the "
        "prediction format plus text and ids), hf (Hugging Face datasets configs), "
        "spacy (a DocBin, needs the spacy extra)",
    )
    what.add_argument(
        "--all",
        action="store_true",
        help="regenerate annotations/export/ (brat, conll, jsonl, hf) and the README card header in this checkout",
    )
    parser.add_argument("--out", type=Path, metavar="DIR", help="folder to write into (with --format)")


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def write_format(name: str, documents: list, folder: Path) -> list[Path]:
    """Write ``documents`` in format ``name`` into ``folder``; return the files written."""
    folder = Path(folder)
    if name == "brat":
        from .formats.brat import write_brat

        return sorted({p for doc in documents for p in write_brat(doc, folder)})
    if name == "conll":
        from .formats.conll import to_conll

        return [_write(folder / f"{GOLD_STEM}.conll", "".join(to_conll(doc) for doc in documents))]
    if name == "jsonl":
        import json

        from .jsonl import document_to_json

        lines = "".join(json.dumps(document_to_json(doc), ensure_ascii=False) + "\n" for doc in documents)
        return [_write(folder / f"{GOLD_STEM}.jsonl", lines)]
    if name == "hf":
        from .formats.hf import write_hf

        return write_hf(documents, folder)
    if name == "spacy":
        from .formats.spacy_io import write_docbin

        return [write_docbin(documents, folder / f"{GOLD_STEM}.spacy")]
    raise ValueError(f"unknown export format {name!r}")


def export_all(target_dir: Path, documents: list | None = None) -> list[Path]:
    """Write brat/, conll/, jsonl/ and hf/ under ``target_dir``, replacing what was there.

    Each folder is built beside its target first and swapped in, so a failure
    leaves the previous export in place.
    """
    import shutil
    import tempfile

    from .corpus import load_shipped

    documents = load_shipped() if documents is None else documents
    target_dir = Path(target_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix=".export-", dir=target_dir) as scratch:
        for name in ALL_FORMATS:
            build = Path(scratch) / name
            files = write_format(name, documents, build)
            final = target_dir / name
            if final.exists():
                shutil.rmtree(final)
            build.rename(final)
            written += [final / f.relative_to(build) for f in files]
    return sorted(written)


def checkout_root() -> Path | None:
    """The checkout the package runs from, or None when it runs from an installed wheel."""
    from .corpus import data_root

    root = data_root()
    return root if (root / "pyproject.toml").is_file() and root.name != "_data" else None


def cmd_export(args: argparse.Namespace) -> int:
    import sys

    from .corpus import load_shipped
    from .errors import InputError

    if args.all:
        if args.out is not None:
            raise InputError("--all writes annotations/export/ of the checkout; give --out only with --format")
        root = checkout_root()
        if root is None:
            raise InputError(
                "--all regenerates annotations/export/ in a checkout of the repository, but this "
                "benchmark runs from an installed package; use --format FORMAT --out DIR instead"
            )
        from .formats.hf import update_readme

        documents = load_shipped()
        written = export_all(root / "annotations" / "export", documents)
        changed = update_readme(root / "README.md", documents)
        print(
            f"wrote {len(written)} files under {root / 'annotations' / 'export'}"
            + ("; updated the README.md card header" if changed else ""),
            file=sys.stderr,
        )
        return 0
    if args.out is None:
        raise InputError(f"--format {args.format} needs --out DIR, the folder to write into")
    if args.out.exists() and not args.out.is_dir():
        raise InputError(f"--out {args.out}: is a file; give a folder to write the {args.format} export into")
    documents = load_shipped()
    try:
        written = _write_beside(args.format, documents, args.out)
    except OSError as err:
        raise InputError(f"--out {args.out}: cannot write the export: {err.strerror or err}") from None
    for path in written:
        print(path)
    return 0


def _write_beside(name: str, documents: list, out: Path) -> list[Path]:
    """Write the export into a scratch folder beside ``out``, then move each file into
    place: a file is written through a symlink, and a folder, device or FIFO where a
    file goes is refused before anything in ``out`` changes."""
    import os
    import tempfile

    from .errors import InputError

    out = Path(os.path.abspath(out))
    existing = next(folder for folder in (out, *out.parents) if folder.exists())
    if not existing.is_dir():
        raise InputError(f"--out {out}: {existing} is a file, not a folder")
    with tempfile.TemporaryDirectory(prefix=".export-", dir=existing) as scratch:
        files = write_format(name, documents, Path(scratch))
        moves = [(f, Path(os.path.realpath(out / f.relative_to(scratch)))) for f in files]
        for _, target in moves:
            if target.exists() and not target.is_file():
                raise InputError(f"--out {out}: {target} is in the way: it is not a regular file")
        for source, target in moves:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    return [out / f.relative_to(scratch) for f in files]
