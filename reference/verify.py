"""``rnn-verify``: check any implementation of the API against autodiff.

Drives the shared properties of :mod:`reference.properties` through
Hypothesis (with shrinking, so failures are reported on the smallest shapes
that still fail), triangulates failures with finite differences, localizes
them in time and by gate, and prints a table per function and gradient key.

This module is the command line: it parses the arguments, loads the
implementation, runs the checks and builds the report (:mod:`reference.report`),
prints it (:mod:`reference.render`) and writes the files asked for.

Exit status: 0 when everything checked passes, 1 when something fails (or
regresses past the baseline), 2 for bad arguments or an unimportable module.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys
from pathlib import Path

from .families import FAMILIES
from .properties import (
    IMPLEMENTATION_PROPERTIES,
    PROPERTIES,
    Implementation,
    ImplementationError,
    load_implementation,
)
from .render import Progress, plot, render
from .report import (
    BASELINE_FACTOR,
    SCHEMA_VERSION,
    baseline_floor,
    build_report,
    compare_baseline,
    run,
    without_points,
)

__all__ = ["main", "run", "SCHEMA_VERSION", "BASELINE_FACTOR", "baseline_floor",
           "compare_baseline", "plot", "render"]

DTYPES = ("float64", "float32")

#: Examples per property, family and dtype, and the seed, when neither the
#: command line nor a baseline gives them.
DEFAULT_EXAMPLES = 50
DEFAULT_SEED = 0


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="rnn-verify",
        description="Check a hand-written RNN/LSTM/GRU implementation of the 'RNN step by step' "
        "API against JAX autodiff, and report which gradient, element and time step disagree.",
    )
    ap.add_argument("--impl", default="manual_rnn", metavar="MODULE",
                    help="dotted module name or path to a .py file (default: manual_rnn)")
    ap.add_argument("--examples", type=_positive, default=None, metavar="N",
                    help=f"Hypothesis examples per property, family and dtype (default {DEFAULT_EXAMPLES})")
    ap.add_argument("--seed", type=int, default=None, metavar="S",
                    help=f"Hypothesis seed; the same seed draws the same cases (default {DEFAULT_SEED})")
    ap.add_argument("--families", type=_families, default=None, metavar="F[,F...]",
                    help=f"families to check (default: all of {','.join(FAMILIES)})")
    ap.add_argument("--properties", type=_properties, default=None, metavar="P[,P...]",
                    help=f"properties to check (default: {','.join(IMPLEMENTATION_PROPERTIES)}; "
                    f"known: {','.join(PROPERTIES)})")
    ap.add_argument("--check-oracle", action="store_true",
                    help="also check the JAX reference itself against finite differences "
                    "(reference_fd; it judges the oracle, not your code)")
    ap.add_argument("--dtypes", type=_dtypes, default=list(DTYPES), metavar="D[,D...]",
                    help="float64, float32 or both (default)")
    ap.add_argument("--json", type=Path, metavar="PATH", help="write the report as JSON")
    ap.add_argument("--plot", type=Path, metavar="PATH",
                    help="write a PNG of error against T_x and weight scale (needs matplotlib)")
    ap.add_argument("--baseline", type=Path, metavar="PATH",
                    help=f"fail when a key's error grows past {BASELINE_FACTOR:g}x the stored "
                    "report's (its seed, examples and selection are reused unless given)")
    ap.add_argument("--write-baseline", type=Path, metavar="PATH",
                    help="store this run's report as a baseline")
    ap.add_argument("--strict-dtype", action="store_true",
                    help="fail functions that return float64 for float32 inputs (by default the "
                    "upcast is a note and the values are judged at the float32 tolerance)")
    ap.add_argument("--show-output", action="store_true",
                    help="let what the implementation prints through (by default it is captured "
                    "and summarised once per function)")
    ap.add_argument("--no-progress", action="store_true", help="no live progress display")
    return ap


def _positive(text: str) -> int:
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def _listed(kind: str, known) -> callable:
    def parse(text: str) -> list[str]:
        names = [t.strip() for t in text.split(",") if t.strip()]
        bad = [n for n in names if n not in known]
        if bad or not names:
            raise argparse.ArgumentTypeError(f"unknown {kind} {bad or text!r}; known: {', '.join(known)}")
        return names
    return parse


_families = _listed("family", FAMILIES)
_properties = _listed("property", PROPERTIES)
_dtypes = _listed("dtype", DTYPES)


def _read_baseline(ap: argparse.ArgumentParser, args: argparse.Namespace) -> dict | None:
    """The ``--baseline`` report, its seed, examples and selection filling what
    the command line left out (exits with status 2 if it cannot be read)."""
    if args.baseline is None:
        return None
    try:
        baseline = json.loads(args.baseline.read_text())
    except (OSError, ValueError) as exc:
        ap.exit(2, f"rnn-verify: error: cannot read baseline {args.baseline}: {exc}\n")
    settings = baseline.get("settings", {})
    args.seed = settings.get("seed") if args.seed is None else args.seed
    args.examples = settings.get("examples") if args.examples is None else args.examples
    args.families = settings.get("families") if args.families is None else args.families
    args.properties = settings.get("properties") if args.properties is None else args.properties
    return baseline


def _load(ap: argparse.ArgumentParser, args: argparse.Namespace) -> Implementation:
    """The ``--impl`` module, wrapped (exits with status 2 if it cannot be imported)."""
    import_notes: list = []
    try:
        module = load_implementation(args.impl, capture=not args.show_output, notes=import_notes)
    except ImplementationError as exc:
        ap.exit(2, f"rnn-verify: error: {exc}\n")
    return Implementation(module, label=args.impl, strict_dtype=args.strict_dtype,
                          show_output=args.show_output, notes=import_notes)


def main(argv=None) -> int:
    ap = _parser()
    args = ap.parse_args(argv)
    baseline = _read_baseline(ap, args)
    args.seed = DEFAULT_SEED if args.seed is None else args.seed
    args.examples = DEFAULT_EXAMPLES if args.examples is None else args.examples
    families = args.families or list(FAMILIES)
    properties = list(args.properties or IMPLEMENTATION_PROPERTIES)
    if args.check_oracle:
        properties += [p for p in PROPERTIES if p not in properties]
    impl = _load(ap, args)

    plan = len(families) * len(properties) * len(args.dtypes)
    progress = Progress(plan, enabled=not args.no_progress and sys.stderr.isatty())
    started = _dt.datetime.now(_dt.timezone.utc)
    try:
        results = run(impl, families, properties, args.dtypes, args.examples, args.seed, progress)
    finally:
        progress.stop()
    seconds = (_dt.datetime.now(_dt.timezone.utc) - started).total_seconds()
    settings = {"seed": args.seed, "examples": args.examples, "families": families,
                "properties": properties, "dtypes": args.dtypes, "strict_dtype": args.strict_dtype}
    report = build_report(args.impl, settings, results, impl.collected_notes(), started, seconds,
                          baseline)
    render(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    if args.write_baseline:
        args.write_baseline.write_text(json.dumps(without_points(report), indent=1) + "\n")
    if args.plot:
        plot(report, args.plot)
    return report["exit_status"]


if __name__ == "__main__":
    sys.exit(main())
