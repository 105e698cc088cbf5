"""The ``benchmark`` command: a thin layer over the typed API.

Only argparse is imported at start-up; every subcommand imports what it
needs when it runs, so ``benchmark --help`` stays light.
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import ExitStack
from pathlib import Path

from . import __version__
from .console import internal_error, is_stdout_error, say, silence_stdout, tolerant_streams
from .export import add_export_arguments, cmd_export
from .metrics import METRICS
from .model import LAYERS

EXIT_OK, EXIT_BUG, EXIT_INPUT, EXIT_SYSTEM_FAILED = 0, 1, 2, 3


def _layers(value: str) -> list[str]:
    return [layer.strip() for layer in value.split(",") if layer.strip()]


def cmd_validate(args: argparse.Namespace) -> int:
    from .validate import validate_paths

    checked, problems = validate_paths(args.paths)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {len(checked)} file(s)", file=sys.stderr)
        return EXIT_INPUT
    print(f"ok: {', '.join(checked)}")
    return EXIT_OK


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .errors import InputError
    from .evaluation import EvaluationConfig, evaluate, input_paths
    from .results import OutputFile, format_markdown, format_table, to_json

    config = EvaluationConfig(
        system=args.system,
        predictions=args.predictions,
        gold=args.gold,
        layers=args.layers,
        bootstrap=args.bootstrap,
        seed=args.seed,
        config=args.config,
        jobs=args.jobs,
        cache=args.cache,
        timeout=args.timeout,
        limit=args.limit,
        fail_fast=args.fail_fast,
        lenient=args.lenient,
        progress=not args.quiet,
        shard=args.shard,
        gold_streaming=args.gold_streaming,
        align=args.align,
        label_map=args.label_map,
        # Outcome records only where something reads them: the JSON result, a file, the report,
        # --errors and --per-label (confusion matrices); a table or markdown on stdout shows none.
        outcomes=args.format == "json" or bool(args.output or args.report or args.errors or args.per_label),
    )
    if (args.errors or args.per_label) and args.format == "json":
        raise InputError(
            "--errors and --per-label print under the table; with --format json the records "
            "are in the result (layers.<layer>.errors, per_label)"
        )
    render = {"table": format_table, "markdown": format_markdown, "json": to_json}[args.format]
    inputs = input_paths(config)
    # Every output is checked, and its temporary file created, before anything runs.
    with ExitStack() as outputs:
        output = outputs.enter_context(OutputFile(args.output, inputs)) if args.output else None
        report = outputs.enter_context(OutputFile(args.report, [*inputs, args.output])) if args.report else None
        result = evaluate(config)
        if not args.output or args.format != "json":
            sys.stdout.write(render(result))
            sys.stdout.flush()
        if output is not None:
            output.commit(to_json(result) if args.output.suffix == ".json" else render(result))
            print(f"wrote {args.output}", file=sys.stderr)
        _analysis_and_report(args, result, report)
    return EXIT_SYSTEM_FAILED if result["failures"] else EXIT_OK


def _analysis_and_report(args: argparse.Namespace, result: dict, report) -> None:
    """``--errors`` and ``--per-label`` under the table; ``--report`` as an HTML file."""
    if args.errors or args.per_label:
        from .report.terminal import analysis_text

        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        sys.stdout.write("\n" + analysis_text(result, args.errors, args.per_label, color))
    if report is not None:
        from .report.html import build_report

        report.commit(build_report([result], args.gold, args.gold_streaming))
        print(f"wrote {args.report}", file=sys.stderr)


def cmd_systems(args: argparse.Namespace) -> int:
    from .systems.registry import AD_HOC_LISTING, listing

    for listed in listing(args.config, Path.cwd()):
        print(listed.describe())
    print("written out in full:")
    for form, what in AD_HOC_LISTING:
        print(f"  {form}: {what}")
    return EXIT_OK


def _shard(value: str):
    from .shard import Shard

    try:
        return Shard.parse(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _at_least(minimum: int):
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {value[:40]!r}") from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {number}")
        return number

    parse.__name__ = f"integer >= {minimum}"
    return parse


_positive = _at_least(0)  # kept for --bootstrap, --jobs: 0 is meaningful there


def _output_path(value: str) -> Path:
    """An output path, made absolute now: a system that changes directory cannot move it."""
    if not value.strip():
        raise argparse.ArgumentTypeError("the file name is empty")
    return Path(os.path.abspath(value))


def _seconds(value: str) -> float:
    import math

    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {value!r}") from None
    if not math.isfinite(seconds) or seconds <= 0:
        raise argparse.ArgumentTypeError(f"expected a finite number of seconds above 0, got {value!r}")
    return seconds


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="benchmark",
        description="Diplomacy-IE: score information-extraction systems on a gold-standard "
        "political news article (entities, coreference, quotes, CAMEO events, time expressions).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    validate = commands.add_parser(
        "validate",
        help="check gold YAML and prediction JSON Lines files",
        description="Check gold YAML and prediction JSON Lines files against "
        "the contract; with no PATH, the shipped gold.",
    )
    validate.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    validate.set_defaults(handler=cmd_validate)

    evaluate = commands.add_parser(
        "evaluate",
        help="score a system or a predictions file against the gold",
        description="Score a system (--system) or a predictions file (--predictions) against the gold.",
    )
    source = evaluate.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--system",
        metavar="NAME",
        help="built-in (oracle, empty, rules), a name from benchmark.yaml or an entry point, "
        "or python:MOD:ATTR, cmd:COMMAND, http://URL, file:PATH",
    )
    source.add_argument(
        "--predictions", type=Path, metavar="FILE", help="a JSON Lines predictions file, or a folder of BRAT .ann files"
    )
    evaluate.add_argument(
        "--gold",
        type=Path,
        metavar="FILE",
        help="score against this JSON Lines corpus instead of the shipped gold; "
        "hf:PATH_OR_REPO reads the 'documents' config of a Hugging Face dataset",
    )
    evaluate.add_argument(
        "--gold-streaming", action="store_true", help="with --gold hf:..., stream the rows (datasets' streaming=True)"
    )
    evaluate.add_argument(
        "--shard",
        type=_shard,
        metavar="I/N",
        help="score only shard I of N (documents I, I+N, I+2N, ... in gold order); "
        "combine the results with `benchmark merge`",
    )
    evaluate.add_argument(
        "--layers",
        type=_layers,
        metavar="LIST",
        help=f"comma-separated subset of {','.join(METRICS)} (default: all the system declares); "
        "the headlines: " + ", ".join(f"{m.layer} {m.headline_label}" for m in METRICS.values()),
    )
    evaluate.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    evaluate.add_argument(
        "--output", type=_output_path, metavar="FILE", help="write the result here (JSON when FILE ends in .json)"
    )
    evaluate.add_argument(
        "--bootstrap",
        type=_positive,
        default=1000,
        metavar="N",
        help="bootstrap samples for confidence intervals (default 1000; 0 turns them off)",
    )
    evaluate.add_argument("--seed", type=_at_least(0), default=13, help="bootstrap seed (default 13)")
    evaluate.add_argument("--config", type=Path, metavar="FILE", help="systems file (default ./benchmark.yaml)")
    evaluate.add_argument(
        "--jobs",
        type=_positive,
        default=1,
        metavar="N",
        help="documents run concurrently (command and HTTP systems, and Python systems declaring thread_safe = True)",
    )
    evaluate.add_argument(
        "--limit", type=_at_least(1), metavar="N", help="score only the first N documents (recorded in the signature)"
    )
    evaluate.add_argument(
        "--cache",
        action="store_true",
        help="reuse and store predictions in the cache ($DIPLOMACY_IE_CACHE, default "
        "~/.cache/diplomacy-ie/predictions), keyed on the system's spec, entry, "
        "source files and the harness version",
    )
    evaluate.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="seconds a system may take per document (default: the system's "
        "timeout: in benchmark.yaml, else 120); overrides benchmark.yaml",
    )
    evaluate.add_argument("--fail-fast", action="store_true", help="stop at the first document a system fails on")
    evaluate.add_argument(
        "--lenient",
        action="store_true",
        help="drop invalid predicted items (counted in the result) instead of refusing the input",
    )
    evaluate.add_argument(
        "--align",
        choices=("standard", "fuzzy"),
        default="standard",
        help="how spans given by their text alone are found: exact, normalized and "
        "case-insensitive matches (standard), or also near matches (fuzzy); "
        "recorded in the signature",
    )
    evaluate.add_argument(
        "--label-map",
        metavar="NAME|FILE",
        help="map gold and predicted entity types before scoring: conll2003, or a YAML "
        "file mapping each OntoNotes type to a type or null; recorded in the signature",
    )
    evaluate.add_argument("--quiet", action="store_true", help="no progress bar")
    evaluate.add_argument(
        "--errors", action="store_true", help="print every error under the table, by category, each in its context"
    )
    evaluate.add_argument(
        "--per-label",
        action="store_true",
        help="print the per-label tables under the table (both print the confusion matrices)",
    )
    evaluate.add_argument("--report", type=_output_path, metavar="FILE", help="also write the HTML report to FILE")
    evaluate.set_defaults(handler=cmd_evaluate)

    systems = commands.add_parser(
        "systems",
        help="list every system --system NAME can resolve",
        description="List the built-in systems, those in ./benchmark.yaml "
        "(or --config FILE) and those registered as entry points.",
    )
    systems.add_argument("--config", type=Path, metavar="FILE", help="systems file (default ./benchmark.yaml)")
    systems.set_defaults(handler=cmd_systems)

    stats = commands.add_parser("stats", help="count the gold items per layer and label (Markdown table)")
    stats.set_defaults(handler=_lazy("benchmark.stats", "cmd_stats"))

    agreement = commands.add_parser(
        "agreement",
        help="inter-annotator agreement of two annotation passes (Markdown tables)",
        description="Score pass B against pass A with the benchmark's metrics and compute Cohen's kappa "
        "on the categorical calls of items both passes annotated.",
    )
    agreement.add_argument("pass_a", type=Path, metavar="A.yaml", help="the first pass (the reference)")
    agreement.add_argument("pass_b", type=Path, metavar="B.yaml", help="the second pass (scored against A)")
    agreement.add_argument(
        "--write-jsonl", action="store_true", help="also write each pass as JSON Lines beside it (A.jsonl, B.jsonl)"
    )
    agreement.set_defaults(handler=_lazy("benchmark.agreement", "cmd_agreement"))

    prompts = commands.add_parser(
        "prompts",
        help="print the built-in LLM prompt templates",
        description="Print the versioned prompt templates that LLM systems "
        "(openai: in benchmark.yaml) send, one per layer.",
    )
    prompts.add_argument("--layer", choices=LAYERS, help="only this layer's template")
    prompts.set_defaults(handler=_lazy("benchmark.prompts", "cmd_prompts"))

    compare = commands.add_parser(
        "compare",
        help="paired significance tests between two result files",
        description="Paired bootstrap and approximate randomization on the headline of every layer "
        "scored in both result files (written by `benchmark evaluate --output X.json`).",
    )
    compare.add_argument("result_a", type=Path, metavar="A.json")
    compare.add_argument("result_b", type=Path, metavar="B.json")
    compare.add_argument(
        "--samples",
        type=_at_least(1),
        default=1000,
        metavar="N",
        help="bootstrap samples and randomization rounds (default 1000)",
    )
    compare.add_argument("--seed", type=_at_least(0), default=13)
    compare.add_argument("--format", choices=("table", "json"), default="table")
    compare.set_defaults(handler=_lazy("benchmark.compare", "cmd_compare"))

    merge = commands.add_parser(
        "merge",
        help="combine the results of `evaluate --shard I/N` runs into one",
        description="Sum the per-document tallies of shard results (every shard 1..N of one run) and "
        "recompute every figure and CI exactly as one unsharded run would.",
    )
    merge.add_argument("shards", nargs="+", type=Path, metavar="SHARD.json")
    merge.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write the merged result here (JSON when FILE ends in .json)"
    )
    merge.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    merge.set_defaults(handler=_lazy("benchmark.merge", "cmd_merge"))

    report = commands.add_parser(
        "report",
        help="write one self-contained HTML report of one or more result files",
        description="Write the scores, the errors on the article, confusion matrices and, for several "
        "result files, the paired tests against the first, as one HTML file that loads nothing.",
    )
    report.add_argument("results", nargs="+", type=Path, metavar="RESULT.json")
    report.add_argument(
        "-o", "--output", type=_output_path, required=True, metavar="FILE", help="the HTML file to write"
    )
    report.add_argument(
        "--gold",
        type=Path,
        metavar="FILE",
        help="the gold the results were scored on (needed unless it is the shipped gold)",
    )
    report.add_argument(
        "--samples",
        type=_positive,
        default=1000,
        metavar="N",
        help="samples of the paired tests between systems (default 1000)",
    )
    report.add_argument("--seed", type=_at_least(0), default=13)
    report.set_defaults(handler=_lazy("benchmark.report.html", "cmd_report"))

    leaderboard = commands.add_parser(
        "leaderboard",
        help="systems side by side: one row per result file, one column per layer headline",
        description="One row per system and one column per layer headline with its 95% CI; per layer the best "
        "and the systems not significantly different from it (paired bootstrap) are marked. The "
        "result files must be scored on the same gold and documents with the same bootstrap settings.",
    )
    leaderboard.add_argument("results", nargs="+", type=Path, metavar="RESULT.json")
    leaderboard.add_argument("--format", choices=("markdown", "html", "csv"), default="markdown")
    leaderboard.add_argument("-o", "--output", type=_output_path, metavar="FILE", help="write the leaderboard here")
    leaderboard.add_argument(
        "--alpha",
        type=float,
        default=0.05,
        help="significance level of the paired tests against the best (default 0.05)",
    )
    leaderboard.set_defaults(handler=_lazy("benchmark.leaderboard", "cmd_leaderboard"))

    export = commands.add_parser(
        "export",
        help="write the gold as BRAT, CoNLL, JSON Lines, Hugging Face or spaCy",
        description="Write the gold in a standard format (--format FORMAT --out DIR), or "
        "regenerate annotations/export/ and the README card header (--all).",
    )
    add_export_arguments(export)
    export.set_defaults(handler=cmd_export)
    return parser


def _lazy(module: str, function: str):
    """A handler that imports its module only when the subcommand runs."""

    def handler(args: argparse.Namespace) -> int:
        import importlib

        return getattr(importlib.import_module(module), function)(args)

    return handler


def main(argv: list[str] | None = None) -> int:
    tolerant_streams()
    try:
        return _main(argv)
    except OSError as err:
        if not is_stdout_error(err):
            return internal_error(err, EXIT_BUG)
        silence_stdout()
        say(f"benchmark: error: cannot write to standard output: {err.strerror or err}")
        return EXIT_INPUT
    except Exception as err:  # noqa: BLE001 - the last line of defence: one line, not a traceback
        return internal_error(err, EXIT_BUG)


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_INPUT
    from .errors import InputError

    try:
        code = args.handler(args)
        sys.stdout.flush()
        return code
    except InputError as err:
        print(f"benchmark {args.command}: error: {err}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt as stop:  # SIGINT, or SIGTERM during a run (benchmark.systems.processes)
        print(
            f"benchmark {args.command}: stopped by {stop.args[0] if stop.args else 'SIGINT'}; nothing written",
            file=sys.stderr,
        )
        return getattr(stop, "exit_status", 130)


if __name__ == "__main__":
    sys.exit(main())
