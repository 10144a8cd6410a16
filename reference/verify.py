"""``rnn-verify``: check any implementation of the API against autodiff.

Drives the shared properties of :mod:`reference.properties` through
Hypothesis (with shrinking, so failures are reported on the smallest shapes
that still fail), triangulates failures with finite differences, localizes
them in time and by gate, and prints a table per function and gradient key.

This module is the command line, a thin layer over :func:`reference.check`
(:mod:`reference.api`): it parses the arguments, calls it, prints the report
(:mod:`reference.render`) and writes the files asked for.

Exit status: 0 when everything checked passes, 1 when something fails (or
regresses past the baseline), 2 for bad arguments or an unimportable module.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

# Light imports only: the worker processes are started before NumPy, the
# implementation or the harness is imported here (:func:`main`).
from ._worker import Pool
from .families import FAMILIES
from .selection import (
    BASELINE_FACTOR,
    DEFAULT_EXAMPLES,
    DEFAULT_SEED,
    DTYPES,
    IMPLEMENTATION_PROPERTY_NAMES,
    PROPERTY_NAMES,
)

__all__ = ["main"]


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
                    help=f"properties to check (default: {','.join(IMPLEMENTATION_PROPERTY_NAMES)}; "
                    f"known: {','.join(PROPERTY_NAMES)})")
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
    ap.add_argument("--jobs", type=_positive, default=None, metavar="N",
                    help="worker processes sharing the checks, a family and dtype's properties at a "
                    "time (default: the cores this process may use; 1 runs in this process)")
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
_properties = _listed("property", PROPERTY_NAMES)
_dtypes = _listed("dtype", DTYPES)


def main(argv=None) -> int:
    ap = _parser()
    args = ap.parse_args(argv)
    jobs = args.jobs or _cores()
    with contextlib.ExitStack() as stack:
        # The workers import the harness and JAX while this process loads the
        # implementation and plans the checks.
        pool = stack.enter_context(Pool(jobs, args.show_output)) if jobs > 1 else None
        from .api import check, read_baseline
        from .implementation import ImplementationError
        from .render import Progress

        baseline = None
        if args.baseline is not None:
            try:
                baseline = read_baseline(args.baseline)
            except ValueError as exc:
                ap.exit(2, f"rnn-verify: error: {exc}\n")
        progress = Progress(enabled=not args.no_progress and sys.stderr.isatty())
        try:
            report = check(args.impl, families=args.families, dtypes=args.dtypes,
                           examples=args.examples, seed=args.seed, strict_dtype=args.strict_dtype,
                           properties=args.properties, check_oracle=args.check_oracle,
                           show_output=args.show_output, baseline=baseline, jobs=jobs,
                           progress=progress, _pool=pool)
        except ImplementationError as exc:
            ap.exit(2, f"rnn-verify: error: {exc}\n")
        finally:
            progress.stop()
    _write(report, args)
    return report.exit_status


def _cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _write(report, args: argparse.Namespace) -> None:
    from .render import render

    render(report.data)
    if args.json:
        report.to_json(args.json)
    if args.write_baseline:
        report.to_json(args.write_baseline, points=False)
    if args.plot:
        report.save_plot(args.plot)


if __name__ == "__main__":
    sys.exit(main())
