"""Showing a report: the tables, the failures and the notes, as text, rich or HTML.

Everything here reads the report dict of :mod:`reference.report` (the JSON the
``--json`` option writes) and nothing else, so a stored report renders the same
as a fresh one. :func:`render` prints, per family, a table of every gradient
check (function, key, dtype: the largest errors and the verdict) and a table of
every property, then each failure's minimal case, message and diagnosis
(:func:`describe_diagnosis`), the notes and the summary; :func:`html` gives the
same as HTML for a Jupyter cell (the plot is :mod:`reference.plot`).
:class:`Progress` is the live bar shown while the checks run.
"""

from __future__ import annotations

from collections import defaultdict


from .compare import FLOAT32, FLOAT64
from .implementation import note_text

__all__ = ["GRADIENT_PROPERTIES", "Progress", "describe_diagnosis", "failure_text", "html", "render",
           "renderables", "summary_line"]

#: Properties whose comparisons are against autodiff (the table's rows).
GRADIENT_PROPERTIES = ("cell_forward", "forward", "cell_backward", "backward", "loss_gradient")


class Progress:
    """A live progress bar (rich) on stderr; silent when disabled."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.bar = None

    def begin(self, total: int) -> None:
        """Called once the plan is known: ``total`` checks."""
        if not self.enabled:
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), transient=True)
        self.overall = self.bar.add_task("all checks", total=total)
        self.bar.start()

    def start(self, family, properties, dtype, examples):
        """One family and dtype starts: ``properties`` on ``examples`` cases each."""
        if not self.enabled:
            return None
        label = properties[0] if len(properties) == 1 else f"{len(properties)} properties"
        return self.bar.add_task(f"{family:16} {label:14} {dtype}",
                                 total=examples * len(properties))

    def advance(self, task):
        if self.enabled:
            self.bar.advance(task)

    def advance_overall(self, checks: int) -> None:
        """``checks`` more checks done (the workers' families, as each one ends)."""
        if self.enabled and self.bar is not None:
            self.bar.advance(self.overall, checks)

    def finish(self, task, checks: int = 1):
        """The task's ``checks`` checks are done."""
        if self.enabled:
            self.bar.remove_task(task)
            self.bar.advance(self.overall, checks)

    def stop(self):
        if self.enabled and self.bar is not None:
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
    """Print the report (:func:`renderables`) on ``console`` (default: stdout)."""
    console = console or _console()
    for item in renderables(report):
        console.print(item)


def renderables(report: dict):
    """The report as rich renderables: per family the gradient table and the
    property table, then each failure, the notes, the regressions and the summary."""
    from rich.rule import Rule
    from rich.text import Text

    by_family = defaultdict(list)
    for r in report["results"]:
        by_family[r["family"]].append(r)
    for family, results in by_family.items():
        gradients = _gradient_table(family, results)
        if gradients.row_count:
            yield gradients
        yield _property_table(family, results)
    for r in report["results"]:
        if r["status"] == "failed":
            yield Rule(f"[bold red]{r['family']} {r['property']} {r['dtype']}: minimal failing case")
            yield Text(failure_text(r))
    for note in report.get("notes", []):
        yield Text.assemble(("note: ", "yellow"), note_text(note))
    for line in report.get("baseline_regressions", []):
        yield Text.assemble(("precision regression: ", "bold red"), line)
    yield Text(summary_line(report))


def summary_line(report: dict) -> str:
    s = report["summary"]
    return (f"{s['passed']} passed, {s['failed']} failed, {s['skipped']} skipped "
            f"({s['examples']} examples in {s['seconds']:.1f}s, implementation {report['implementation']})")


def failure_text(r: dict) -> str:
    """A failed result entry: its message (minimal case first) and its diagnosis."""
    lines = [r["message"]]
    if r["diagnosis"]:
        lines.append("diagnosis:")
    lines += [describe_diagnosis(d) for d in r["diagnosis"]]
    return "\n".join(lines)


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


GRADIENT_COLUMNS = ("function", "key", "dtype", "examples", "max abs err", "max rel err",
                    "err / tol", "tolerance", "verdict", "minimal failing case")
PROPERTY_COLUMNS = ("property", "dtype", "examples", "seconds", "verdict", "detail")


def gradient_rows(results: list[dict]) -> list[tuple[list[str], str]]:
    """The gradient table of one family: per (function, key, dtype) the cells of
    :data:`GRADIENT_COLUMNS` and the verdict (``"pass"`` or ``"FAIL"``)."""
    rows = []
    for (function, key, dtype), row in _gradient_rows(results).items():
        t = FLOAT64 if dtype == "float64" else FLOAT32
        tol = f"{t.rtol:.0e} rel, {t.atol:.0e} abs"
        if row["fail"]:
            c, case = row["fail"]
            shape = ", ".join(f"{d}={case[d]}" for d in ("n_x", "n_a", "n_y", "m", "T_x")) if case else ""
            rows.append(([function, key, dtype, str(row["examples"] + 1), _fmt(c["max_abs"]),
                          _fmt(c["max_rel"]), _fmt(c["ratio"]), tol, "FAIL", shape], "FAIL"))
        else:
            rows.append(([function, key, dtype, str(row["examples"]), _fmt(row["max_abs"]),
                          _fmt(row["max_rel"]), _fmt(row["ratio"]), tol, "pass", ""], "pass"))
    return rows


def property_rows(results: list[dict]) -> list[tuple[list[str], str]]:
    """The property table of one family: the cells of :data:`PROPERTY_COLUMNS` and the verdict."""
    rows = []
    for r in results:
        verdict = {"passed": "pass", "failed": "FAIL", "skipped": "skipped"}[r["status"]]
        detail = ""
        if r["status"] == "skipped":
            detail = r["message"].splitlines()[-1][:90]
        elif r["status"] == "failed":
            detail = _first_line(r["message"])
        rows.append(([r["property"], r["dtype"], str(r["examples"]), f"{r['seconds']:.1f}", verdict,
                      detail], verdict))
    return rows


_STYLE = {"pass": "green", "FAIL": "bold red", "skipped": "yellow"}


def _table(title: str, columns, rows):
    from rich.table import Table
    from rich.text import Text

    t = Table(title=title, title_justify="left")
    for col in columns:
        t.add_column(col, justify="right" if col == "examples" else "left")
    verdict_at = columns.index("verdict")
    for cells, verdict in rows:
        cells = [Text(c) for c in cells]
        cells[verdict_at].stylize(_STYLE[verdict])
        t.add_row(*cells)
    return t


def _gradient_table(family: str, results: list[dict]):
    return _table(f"{family}: manual vs autodiff, per function and key", GRADIENT_COLUMNS,
                  gradient_rows(results))


def _property_table(family: str, results: list[dict]):
    return _table(f"{family}: properties", PROPERTY_COLUMNS, property_rows(results))


# --- HTML (a Jupyter cell) ----------------------------------------------------


_HTML_COLOUR = {"pass": "#1a7f37", "FAIL": "#cf222e", "skipped": "#9a6700"}


def html(report: dict) -> str:
    """The report as HTML: the same tables, failures and notes as :func:`render`."""
    from html import escape

    def table(title, columns, rows):
        verdict_at = columns.index("verdict")
        head = "".join(f"<th style='text-align:left'>{escape(c)}</th>" for c in columns)
        body = []
        for cells, verdict in rows:
            tds = []
            for i, c in enumerate(cells):
                style = f" style='color:{_HTML_COLOUR[verdict]};font-weight:bold'" if i == verdict_at else ""
                tds.append(f"<td{style}>{escape(c)}</td>")
            body.append("<tr>" + "".join(tds) + "</tr>")
        return (f"<table class='rnn-gradcheck'><caption style='text-align:left'><b>{escape(title)}</b>"
                f"</caption><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")

    parts = []
    by_family = defaultdict(list)
    for r in report["results"]:
        by_family[r["family"]].append(r)
    for family, results in by_family.items():
        rows = gradient_rows(results)
        if rows:
            parts.append(table(f"{family}: manual vs autodiff, per function and key",
                               GRADIENT_COLUMNS, rows))
        parts.append(table(f"{family}: properties", PROPERTY_COLUMNS, property_rows(results)))
    for r in report["results"]:
        if r["status"] == "failed":
            parts.append(f"<p style='color:#cf222e'><b>{escape(r['family'])} {escape(r['property'])} "
                         f"{escape(r['dtype'])}: minimal failing case</b></p>"
                         f"<pre>{escape(failure_text(r))}</pre>")
    for note in report.get("notes", []):
        parts.append(f"<p><b>note:</b> {escape(note_text(note))}</p>")
    for line in report.get("baseline_regressions", []):
        parts.append(f"<p style='color:#cf222e'><b>precision regression:</b> {escape(line)}</p>")
    parts.append(f"<p>{escape(summary_line(report))}</p>")
    return "<div>" + "\n".join(parts) + "</div>"


# --- the failures -----------------------------------------------------------


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


def _first_line(message: str) -> str:
    lines = [ln for ln in message.splitlines() if ln.strip() and not ln.startswith("Case(")]
    return (lines[0] if lines else message).split(" (float")[0][:110]


def _fmt(v) -> str:
    return v if isinstance(v, str) else f"{v:.2e}"
