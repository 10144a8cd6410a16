"""Showing an ``rnn-verify`` report: the tables, the failures, the notes and the plot.

Everything here reads the report dict of :mod:`reference.report` (the JSON the
``--json`` option writes) and nothing else, so a stored report renders the same
as a fresh one. :func:`render` prints, per family, a table of every gradient
check (function, key, dtype: the largest errors and the verdict) and a table of
every property, then each failure's minimal case, message and diagnosis
(:func:`describe_diagnosis`), the notes and the summary; :func:`plot` draws the
error against ``T_x`` and the weight scale. :class:`Progress` is the live bar
shown while the checks run.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np

from .compare import FLOAT32, FLOAT64
from .implementation import note_text

__all__ = ["GRADIENT_PROPERTIES", "Progress", "describe_diagnosis", "plot", "render"]

#: Properties whose comparisons are against autodiff (the table's rows).
GRADIENT_PROPERTIES = ("cell_forward", "forward", "cell_backward", "backward", "loss_gradient")


class Progress:
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


# --- the tables -------------------------------------------------------------


def render(report: dict, console=None) -> None:
    """Print the tables: gradient checks per family, then every property."""
    console = console or _console()
    by_family = defaultdict(list)
    for r in report["results"]:
        by_family[r["family"]].append(r)
    for family, results in by_family.items():
        gradients = _gradient_table(family, results)
        if gradients.row_count:
            console.print(gradients)
        console.print(_property_table(family, results))
    for r in report["results"]:
        if r["status"] == "failed":
            _print_failure(console, r)
    for note in report.get("notes", []):
        console.print(f"[yellow]note:[/] {_escape(note_text(note))}")
    for line in report.get("baseline_regressions", []):
        console.print(f"[bold red]precision regression:[/] {line}")
    s = report["summary"]
    console.print(f"{s['passed']} passed, {s['failed']} failed, {s['skipped']} skipped "
                  f"({s['examples']} examples in {s['seconds']:.1f}s, implementation {report['implementation']})")


def _gradient_rows(results: list[dict]) -> dict:
    """Per (function, key, dtype): the examples, the largest errors over the
    gradient properties, and the first failing comparison with its minimal case."""
    rows = {}

    def row(ident):
        return rows.setdefault(ident, {"examples": 0, "max_abs": 0.0, "max_rel": 0.0,
                                       "ratio": 0.0, "fail": None})

    for r in results:
        if r["property"] not in GRADIENT_PROPERTIES:
            continue
        for k in r["keys"]:
            entry = row((k["function"], k["key"], r["dtype"]))
            entry["examples"] += k["examples"]
            entry["max_abs"] = max(entry["max_abs"], k["max_abs"])
            entry["max_rel"] = max(entry["max_rel"], k["max_rel"])
            entry["ratio"] = max(entry["ratio"], k["max_ratio"])
        for c in r["failing"]:
            row((c["function"], c["key"], r["dtype"]))["fail"] = (c, r["minimal_case"])
    return rows


def _gradient_table(family: str, results: list[dict]):
    from rich.table import Table

    t = Table(title=f"{family}: manual vs autodiff, per function and key", title_justify="left")
    for col in ("function", "key", "dtype", "examples", "max abs err", "max rel err",
                "err / tol", "tolerance", "verdict", "minimal failing case"):
        t.add_column(col, justify="right" if col in ("examples",) else "left")
    for (function, key, dtype), row in _gradient_rows(results).items():
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
    return t


def _property_table(family: str, results: list[dict]):
    from rich.table import Table

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
    return p


# --- the failures -----------------------------------------------------------


def _print_failure(console, r: dict) -> None:
    console.rule(f"[bold red]{r['family']} {r['property']} {r['dtype']}: minimal failing case")
    console.print(r["message"], markup=False)
    if r["diagnosis"]:
        console.print("diagnosis:", markup=False)
    for d in r["diagnosis"]:
        console.print(describe_diagnosis(d), markup=False)


def describe_diagnosis(d: dict) -> str:
    """A diagnosis entry of the report (:meth:`Diagnosis.as_dict`) as the lines under a failure."""
    head = f"  -> {d['key']}"
    if d.get("gate"):
        head += f" ({_gate_label(d['gate'])})"
    parts = []
    if d.get("finite_difference") is not None:
        parts.append(f"finite differences give {d['finite_difference']:.10g}: {d['verdict']}")
    elif d.get("verdict"):
        parts.append(d["verdict"])
    if d.get("localization"):
        parts.append(d["localization"])
    return head + ": " + ("\n     ".join(parts) if parts else "no diagnosis")


def _gate_label(gate: str) -> str:
    """``"forget"`` -> ``"forget gate"``; the LSTM's ``"output gate"`` stays as it is;
    ``"output"`` is the output layer (``Wy, by``), not a gate."""
    if gate == "output":
        return "output layer"
    return gate if gate.endswith(" gate") else f"{gate} gate"


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _first_line(message: str) -> str:
    lines = [ln for ln in message.splitlines() if ln.strip() and not ln.startswith("Case(")]
    return (lines[0] if lines else message).split(" (float")[0][:110]


def _fmt(v) -> str:
    return v if isinstance(v, str) else f"{v:.2e}"


# --- the plot ---------------------------------------------------------------


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
