"""``rnn-verify``: check any implementation of the API against autodiff.

Drives the shared properties of :mod:`reference.properties` through
Hypothesis (with shrinking, so failures are reported on the smallest shapes
that still fail), triangulates failures with finite differences, localizes
them in time and by gate, and prints a table per function and gradient key.

Exit status: 0 when everything checked passes, 1 when something fails (or
regresses past the baseline), 2 for bad arguments or an unimportable module.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import platform
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from .compare import FLOAT32, FLOAT64
from .diagnose import diagnose
from .implementation import note_text
from .families import FAMILIES
from .properties import (
    IMPLEMENTATION_PROPERTIES,
    PROPERTIES,
    Implementation,
    ImplementationError,
    load_implementation,
)
from .runner import Outcome, search

__all__ = ["main", "run", "SCHEMA_VERSION", "BASELINE_FACTOR", "baseline_floor"]

#: Version of the JSON report's schema (``reference/report_schema.json``).
SCHEMA_VERSION = 1

#: A key regresses when its largest error-to-tolerance ratio grows past this
#: factor over the baseline. Reordering a sum or changing a BLAS kernel moves the
#: worst error by about 2x on a fixed sweep; a numerically worse formula (a
#: naive softmax, ``1 - tanh**2`` from a float32 ``tanh``) by 100x or more.
BASELINE_FACTOR = 10.0

#: Errors below this many ulps never count as a regression: at that size their
#: growth says nothing (a different BLAS blocking moves them). As a ratio to the
#: tolerance: 10 * eps / rtol, 2.2e-6 in float64 and 1.2e-3 in float32.
BASELINE_FLOOR_ULPS = 10


def baseline_floor(dtype: str) -> float:
    """The error-to-tolerance ratio below which ``dtype`` results never regress."""
    tol = FLOAT64 if dtype == "float64" else FLOAT32
    return BASELINE_FLOOR_ULPS * float(np.finfo(dtype).eps) / tol.rtol

#: Properties whose comparisons are against autodiff (the table's rows).
GRADIENT_PROPERTIES = ("cell_forward", "forward", "cell_backward", "backward", "loss_gradient")

DTYPES = ("float64", "float32")


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="rnn-verify",
        description="Check a hand-written RNN/LSTM/GRU implementation of the 'RNN step by step' "
        "API against JAX autodiff, and report which gradient, element and time step disagree.",
    )
    ap.add_argument("--impl", default="manual_rnn", metavar="MODULE",
                    help="dotted module name or path to a .py file (default: manual_rnn)")
    ap.add_argument("--examples", type=_positive, default=None, metavar="N",
                    help="Hypothesis examples per property, family and dtype (default 50)")
    ap.add_argument("--seed", type=int, default=None, metavar="S",
                    help="Hypothesis seed; the same seed draws the same cases (default 0)")
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


# --- running ----------------------------------------------------------------


def run(impl: Implementation, families, properties, dtypes, examples: int, seed: int,
        progress=None) -> list[dict]:
    """Run every (family, property, dtype) and return the report's result entries."""
    results = []
    plan = [(f, p, d) for f in families for p in properties for d in dtypes]
    for family, prop, dtype in plan:
        task = progress.start(family, prop, dtype, examples) if progress else None
        outcome = search(impl, prop, family, dtype, max_examples=examples, seed=seed,
                         on_example=(lambda: progress.advance(task)) if progress else None)
        diagnoses = []
        if outcome.failed and outcome.case is not None and outcome.comparisons:
            try:
                diagnoses = diagnose(impl, prop, outcome.case, outcome.comparisons)
            except Exception as exc:  # never let a diagnosis hide the failure itself
                outcome.message += f"\n(diagnosis failed: {type(exc).__name__}: {exc})"
        if progress:
            progress.finish(task, outcome)
        results.append(_result_entry(outcome, diagnoses))
    return results


def _case_entry(case) -> dict | None:
    if case is None:
        return None
    return {**case.dims.as_dict(), "dtype": np.dtype(case.dtype).name,
            "weight_scale": case.weight_scale, "logit_scale": case.logit_scale,
            "upstream_scale": case.upstream_scale, "seed": case.seed}


def _result_entry(outcome: Outcome, diagnoses) -> dict:
    keys = [
        {"function": s.function, "key": s.key, "examples": s.examples, "max_abs": s.max_abs,
         "max_rel": s.max_rel, "max_ratio": s.max_ratio,
         "points": [list(p) for p in s.points]}
        for s in outcome.stats.values()
    ]
    failing = [
        {"function": c.function, "key": c.key, "index": list(c.index) if c.index else None,
         "manual": _num(c.manual), "reference": _num(c.reference), "max_abs": _num(c.max_abs),
         "max_rel": _num(c.max_rel), "ratio": _num(c.ratio), "n_bad": c.n_bad, "size": c.size,
         "time_steps": c.time_steps}
        for c in outcome.comparisons
    ]
    return {
        "family": outcome.family, "property": outcome.prop, "dtype": outcome.dtype,
        "status": outcome.status, "examples": outcome.examples, "seconds": round(outcome.seconds, 3),
        "message": outcome.message, "minimal_case": _case_entry(outcome.case),
        "examples_to_failure": outcome.examples_to_failure,
        "keys": keys, "failing": failing,
        "diagnosis": [{k: _num(v) if isinstance(v, float) else v for k, v in d.as_dict().items()}
                      for d in diagnoses],
    }


def _num(v):
    """JSON has no inf/NaN: encode them as strings."""
    if v is None or isinstance(v, (int, str)):
        return v
    v = float(v)
    return v if np.isfinite(v) else str(v)


# --- baseline ---------------------------------------------------------------


def compare_baseline(results: list[dict], baseline: dict) -> list[str]:
    """Keys whose max error-to-tolerance ratio grew past the factor; one line each."""
    stored = {}
    for r in baseline.get("results", []):
        for k in r["keys"]:
            stored[(r["family"], r["property"], r["dtype"], k["function"], k["key"])] = k["max_ratio"]
    lines = []
    for r in results:
        for k in r["keys"]:
            ident = (r["family"], r["property"], r["dtype"], k["function"], k["key"])
            if ident not in stored:
                continue
            limit = BASELINE_FACTOR * max(stored[ident], baseline_floor(r["dtype"]))
            if k["max_ratio"] > limit:
                lines.append(
                    f"{k['function']}[{k['key']!r}] ({r['family']}, {r['property']}, {r['dtype']}): "
                    f"error/tolerance {k['max_ratio']:.2e} > {BASELINE_FACTOR:g} x baseline "
                    f"{stored[ident]:.2e}"
                )
    return lines


# --- output -----------------------------------------------------------------


class _Progress:
    """A live progress bar (rich) on stderr; silent when disabled."""

    def __init__(self, total: int, enabled: bool):
        self.enabled = enabled
        if not enabled:
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), transient=True)
        self.overall = self.bar.add_task("all checks", total=total)
        self.bar.start()

    def start(self, family, prop, dtype, examples):
        if not self.enabled:
            return None
        return self.bar.add_task(f"{family:16} {prop:14} {dtype}", total=examples)

    def advance(self, task):
        if self.enabled:
            self.bar.advance(task)

    def finish(self, task, outcome):
        if self.enabled:
            self.bar.remove_task(task)
            self.bar.advance(self.overall)

    def stop(self):
        if self.enabled:
            self.bar.stop()


def _console():
    try:
        from rich.console import Console

        probe = Console()
        return Console(highlight=False, width=None if probe.is_terminal else 150)
    except ImportError:  # pragma: no cover - rich is a declared dependency of the CLI
        return None


def render(report: dict, console=None) -> None:
    """Print the tables: gradient checks per family, then every property."""
    from rich.table import Table

    console = console or _console()
    by_family = defaultdict(list)
    for r in report["results"]:
        by_family[r["family"]].append(r)
    for family, results in by_family.items():
        t = Table(title=f"{family}: manual vs autodiff, per function and key", title_justify="left")
        for col in ("function", "key", "dtype", "examples", "max abs err", "max rel err",
                    "err / tol", "tolerance", "verdict", "minimal failing case"):
            t.add_column(col, justify="right" if col in ("examples",) else "left")
        rows = {}
        for r in results:
            if r["property"] not in GRADIENT_PROPERTIES:
                continue
            for k in r["keys"]:
                ident = (k["function"], k["key"], r["dtype"])
                row = rows.setdefault(ident, {"examples": 0, "max_abs": 0.0, "max_rel": 0.0,
                                              "ratio": 0.0, "fail": None})
                row["examples"] += k["examples"]
                row["max_abs"] = max(row["max_abs"], k["max_abs"])
                row["max_rel"] = max(row["max_rel"], k["max_rel"])
                row["ratio"] = max(row["ratio"], k["max_ratio"])
            for c in r["failing"]:
                ident = (c["function"], c["key"], r["dtype"])
                row = rows.setdefault(ident, {"examples": 0, "max_abs": 0.0, "max_rel": 0.0,
                                              "ratio": 0.0, "fail": None})
                row["fail"] = (c, r["minimal_case"])
        for (function, key, dtype), row in rows.items():
            t64 = FLOAT64 if dtype == "float64" else FLOAT32
            tol = f"{t64.rtol:.0e} rel, {t64.atol:.0e} abs"
            if row["fail"]:
                c, case = row["fail"]
                shape = ", ".join(f"{d}={case[d]}" for d in ("n_x", "n_a", "n_y", "m", "T_x")) if case else ""
                t.add_row(function, key, dtype, str(row["examples"] + 1), _fmt(c["max_abs"]),
                          _fmt(c["max_rel"]), _fmt(c["ratio"]), tol, "[bold red]FAIL[/]", shape)
            else:
                t.add_row(function, key, dtype, str(row["examples"]), _fmt(row["max_abs"]),
                          _fmt(row["max_rel"]), _fmt(row["ratio"]), tol, "[green]pass[/]", "")
        if rows:
            console.print(t)
        p = Table(title=f"{family}: properties", title_justify="left")
        for col in ("property", "dtype", "examples", "seconds", "verdict", "detail"):
            p.add_column(col)
        for r in results:
            verdict = {"passed": "[green]pass[/]", "failed": "[bold red]FAIL[/]",
                       "skipped": "[yellow]skipped[/]"}[r["status"]]
            detail = r["message"].splitlines()[-1][:90] if r["status"] == "skipped" else ""
            if r["status"] == "failed":
                detail = _first_line(r["message"])
            p.add_row(r["property"], r["dtype"], str(r["examples"]), f"{r['seconds']:.1f}", verdict, detail)
        console.print(p)
    failures = [r for r in report["results"] if r["status"] == "failed"]
    for r in failures:
        console.rule(f"[bold red]{r['family']} {r['property']} {r['dtype']}: minimal failing case")
        console.print(r["message"], markup=False)
        if r["diagnosis"]:
            console.print("diagnosis:", markup=False)
        for d in r["diagnosis"]:
            console.print(_describe_diagnosis(d), markup=False)
    for note in report.get("notes", []):
        console.print(f"[yellow]note:[/] {_escape(note_text(note))}")
    for line in report.get("baseline_regressions", []):
        console.print(f"[bold red]precision regression:[/] {line}")
    s = report["summary"]
    console.print(f"{s['passed']} passed, {s['failed']} failed, {s['skipped']} skipped "
                  f"({s['examples']} examples in {s['seconds']:.1f}s, implementation {report['implementation']})")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _first_line(message: str) -> str:
    lines = [ln for ln in message.splitlines() if ln.strip() and not ln.startswith("Case(")]
    return (lines[0] if lines else message).split(" (float")[0][:110]


def _describe_diagnosis(d: dict) -> str:
    head = f"  -> {d['key']}"
    if d.get("gate"):
        head += " (output layer)" if d["gate"] == "output" else f" ({d['gate']} gate)"
    parts = []
    if d.get("finite_difference") is not None:
        parts.append(f"finite differences give {d['finite_difference']:.10g}: {d['verdict']}")
    elif d.get("verdict"):
        parts.append(d["verdict"])
    if d.get("localization"):
        parts.append(d["localization"])
    return head + ": " + ("\n     ".join(parts) if parts else "no diagnosis")


def _fmt(v) -> str:
    return v if isinstance(v, str) else f"{v:.2e}"


def plot(report: dict, path: Path) -> None:
    """PNG: per family, the largest error/tolerance per gradient key against T_x and weight scale."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = defaultdict(lambda: defaultdict(list))
    for r in report["results"]:
        if r["property"] not in ("backward", "loss_gradient") or r["dtype"] != "float64":
            continue
        for k in r["keys"]:
            label = f"{k['key']} ({'loss' if r['property'] == 'loss_gradient' else 'vjp'})"
            series[r["family"]][label].extend(k["points"])
    families = list(series) or ["(no data)"]
    fig, axes = plt.subplots(len(families), 2, figsize=(12, 3.6 * len(families)), squeeze=False)
    for row, family in zip(axes, families):
        for label, points in series.get(family, {}).items():
            pts = np.array(points, dtype=float)
            ratio = np.maximum(pts[:, 2], 1e-18)
            for ax, col in ((row[0], 0), (row[1], 1)):
                xs = np.unique(pts[:, col])
                ys = [ratio[pts[:, col] == v].max() for v in xs]
                ax.plot(xs, ys, marker="o", ms=3, lw=1, label=label)
        for ax, xlabel in ((row[0], "sequence length T_x"), (row[1], "weight scale")):
            ax.set_yscale("log")
            ax.axhline(1.0, color="red", lw=1, ls="--")
            ax.set_xlabel(xlabel)
            ax.set_ylabel("max |manual - ref| / tolerance")
            ax.set_title(f"{family}: error vs {xlabel.split()[-1]} (float64)")
        row[1].set_xscale("log")
        row[0].legend(fontsize=6, ncol=2)
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=110)
    plt.close(fig)


def _without_points(report: dict) -> dict:
    """A baseline keeps the maxima only, not every example's point."""
    out = dict(report)
    out["results"] = [
        {**r, "keys": [{k: v for k, v in key.items() if k != "points"} for key in r["keys"]]}
        for r in report["results"]
    ]
    return out


def _environment() -> dict:
    import hypothesis
    import jax

    return {"python": platform.python_version(), "numpy": np.__version__, "jax": jax.__version__,
            "hypothesis": hypothesis.__version__, "platform": platform.platform()}


def main(argv=None) -> int:
    ap = _parser()
    args = ap.parse_args(argv)
    baseline = None
    if args.baseline is not None:
        try:
            baseline = json.loads(args.baseline.read_text())
        except (OSError, ValueError) as exc:
            ap.exit(2, f"rnn-verify: error: cannot read baseline {args.baseline}: {exc}\n")
        settings = baseline.get("settings", {})
        args.seed = settings.get("seed") if args.seed is None else args.seed
        args.examples = settings.get("examples") if args.examples is None else args.examples
        args.families = settings.get("families") if args.families is None else args.families
        args.properties = settings.get("properties") if args.properties is None else args.properties
    args.seed = 0 if args.seed is None else args.seed
    args.examples = 50 if args.examples is None else args.examples
    families = args.families or list(FAMILIES)
    properties = list(args.properties or IMPLEMENTATION_PROPERTIES)
    if args.check_oracle:
        properties += [p for p in PROPERTIES if p not in properties]
    import_notes: list = []
    try:
        module = load_implementation(args.impl, capture=not args.show_output, notes=import_notes)
    except ImplementationError as exc:
        ap.exit(2, f"rnn-verify: error: {exc}\n")
    impl = Implementation(module, label=args.impl, strict_dtype=args.strict_dtype,
                          show_output=args.show_output, notes=import_notes)

    plan = len(families) * len(properties) * len(args.dtypes)
    progress = _Progress(plan, enabled=not args.no_progress and sys.stderr.isatty())
    started = _dt.datetime.now(_dt.timezone.utc)
    try:
        results = run(impl, families, properties, args.dtypes, args.examples, args.seed, progress)
    finally:
        progress.stop()
    seconds = (_dt.datetime.now(_dt.timezone.utc) - started).total_seconds()
    summary = {s: sum(r["status"] == s for r in results) for s in ("passed", "failed", "skipped")}
    summary.update(examples=sum(r["examples"] for r in results), seconds=round(seconds, 2))
    report = {
        "schema": "rnn-verify-report",
        "version": SCHEMA_VERSION,
        "implementation": args.impl,
        "created": started.isoformat(timespec="seconds"),
        "settings": {"seed": args.seed, "examples": args.examples, "families": families,
                     "properties": properties, "dtypes": args.dtypes,
                     "strict_dtype": args.strict_dtype},
        "tolerances": {t.name: {"rtol": t.rtol, "atol": t.atol} for t in (FLOAT64, FLOAT32)},
        "environment": _environment(),
        "results": results,
        "notes": [n.as_dict() for n in impl.collected_notes()],
        "summary": summary,
    }
    if baseline is not None:
        report["baseline_regressions"] = compare_baseline(results, baseline)
    failed = summary["failed"] > 0 or bool(report.get("baseline_regressions"))
    report["exit_status"] = int(failed)
    render(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    if args.write_baseline:
        args.write_baseline.write_text(json.dumps(_without_points(report), indent=1) + "\n")
    if args.plot:
        plot(report, args.plot)
    return report["exit_status"]


if __name__ == "__main__":
    sys.exit(main())
