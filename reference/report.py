"""The ``rnn-verify`` report: its result entries, the report dict and the baseline.

:func:`run` checks every (family, property, dtype) and turns each
:class:`~reference.runner.Outcome` into a JSON-ready result entry;
:func:`build_report` wraps the entries with the settings, tolerances,
environment, notes, summary, baseline regressions and exit status, in the
shape ``reference/report_schema.json`` describes (``docs/report.md``). A
baseline is a stored report without the per-example points
(:func:`without_points`); :func:`compare_baseline` names the keys whose error
grew past :data:`BASELINE_FACTOR`. Nothing here prints.
"""

from __future__ import annotations

import datetime as _dt
import platform

import numpy as np

from .compare import FLOAT32, FLOAT64
from .selection import BASELINE_FACTOR

__all__ = [
    "BASELINE_FACTOR",
    "BASELINE_FLOOR_ULPS",
    "SCHEMA_VERSION",
    "baseline_floor",
    "build_report",
    "compare_baseline",
    "run",
    "without_points",
]

#: Version of the JSON report's schema (``reference/report_schema.json``).
SCHEMA_VERSION = 1

#: Errors below this many ulps never count as a regression: at that size their
#: growth says nothing (a different BLAS blocking moves them). As a ratio to the
#: tolerance: 10 * eps / rtol, 2.2e-6 in float64 and 1.2e-3 in float32.
BASELINE_FLOOR_ULPS = 10


def baseline_floor(dtype: str) -> float:
    """The error-to-tolerance ratio below which ``dtype`` results never regress."""
    tol = FLOAT64 if dtype == "float64" else FLOAT32
    return BASELINE_FLOOR_ULPS * float(np.finfo(dtype).eps) / tol.rtol


# --- the result entries -----------------------------------------------------


def run(impl, families, properties, dtypes, examples: int, seed: int,
        progress=None) -> list[dict]:
    """Run every (family, property, dtype) and return the report's result entries,
    in that order.

    The properties of one family and dtype share one stream of cases
    (:func:`reference.runner.search_together`). ``progress`` (optional) is told
    when each family and dtype starts, after every example and when it ends
    (:class:`reference.render.Progress`).
    """
    from .diagnose import diagnose  # the harness and JAX, only when checks run
    from .runner import search_together

    entries = {}
    if progress:
        progress.begin(len(families) * len(properties) * len(dtypes))
    for family in families:
        for dtype in dtypes:
            task = progress.start(family, properties, dtype, examples) if progress else None
            outcomes = search_together(
                impl, properties, family, dtype, max_examples=examples, seed=seed,
                on_example=(lambda prop: progress.advance(task)) if progress else None)
            for outcome in outcomes:
                diagnoses = []
                if outcome.failed and outcome.case is not None and outcome.comparisons:
                    try:
                        diagnoses = diagnose(impl, outcome.prop, outcome.case, outcome.comparisons)
                    except Exception as exc:  # never let a diagnosis hide the failure itself
                        outcome.message += f"\n(diagnosis failed: {type(exc).__name__}: {exc})"
                entries[family, outcome.prop, dtype] = _result_entry(outcome, diagnoses)
            if progress:
                progress.finish(task, len(properties))
    return [entries[f, p, d] for f in families for p in properties for d in dtypes]


def _case_entry(case) -> dict | None:
    if case is None:
        return None
    return {**case.dims.as_dict(), "dtype": np.dtype(case.dtype).name,
            "weight_scale": case.weight_scale, "logit_scale": case.logit_scale,
            "upstream_scale": case.upstream_scale, "seed": case.seed}


def _result_entry(outcome, diagnoses) -> dict:
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


# --- the report -------------------------------------------------------------


def build_report(implementation: str, settings: dict, results: list[dict], notes: list,
                 started: _dt.datetime, seconds: float, baseline: dict | None = None) -> dict:
    """The whole report of one run.

    Parameters
    ----------
    implementation : str
        The ``--impl`` argument.
    settings : dict
        ``seed, examples, families, properties, dtypes, strict_dtype``.
    results : list of dict
        :func:`run`'s entries.
    notes : list of Note
        :meth:`Implementation.collected_notes`.
    started : datetime
        When the run started (UTC); ``seconds`` is how long it took.
    baseline : dict, optional
        A stored report: adds ``baseline_regressions`` (:func:`compare_baseline`).

    Returns
    -------
    dict
        The report; ``exit_status`` is 1 when a check failed or a key regressed.
    """
    summary = {s: sum(r["status"] == s for r in results) for s in ("passed", "failed", "skipped")}
    summary.update(examples=sum(r["examples"] for r in results), seconds=round(seconds, 2))
    report = {
        "schema": "rnn-verify-report",
        "version": SCHEMA_VERSION,
        "implementation": implementation,
        "created": started.isoformat(timespec="seconds"),
        "settings": settings,
        "tolerances": {t.name: {"rtol": t.rtol, "atol": t.atol} for t in (FLOAT64, FLOAT32)},
        "environment": _environment(),
        "results": results,
        "notes": [n.as_dict() for n in notes],
        "summary": summary,
    }
    if baseline is not None:
        report["baseline_regressions"] = compare_baseline(results, baseline)
    failed = summary["failed"] > 0 or bool(report.get("baseline_regressions"))
    report["exit_status"] = int(failed)
    return report


def _environment() -> dict:
    from importlib.metadata import version

    return {"python": platform.python_version(), "numpy": np.__version__, "jax": version("jax"),
            "hypothesis": version("hypothesis"), "platform": platform.platform()}


# --- the baseline -----------------------------------------------------------


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


def without_points(report: dict) -> dict:
    """A baseline keeps the maxima only, not every example's point."""
    out = dict(report)
    out["results"] = [
        {**r, "keys": [{k: v for k, v in key.items() if k != "points"} for key in r["keys"]]}
        for r in report["results"]
    ]
    return out
