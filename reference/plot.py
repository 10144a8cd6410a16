"""The report's plot: every example's error/tolerance against ``T_x`` and the weight scale.

Reads only the report dict of :mod:`reference.report` (the JSON ``--json``
writes), like :mod:`reference.render`. Each point is one example of one gradient
key of the sequence-level gradient properties (:data:`PLOTTED_PROPERTIES`): its
largest ``|manual - reference| / allowed`` over the key's elements, as recorded
in ``keys[*].points``. Nothing is joined or aggregated: examples are unrelated
draws, so a line between them would suggest a trend that is not there.

One row per family; the columns are error against ``T_x`` then against the
weight scale, float64 beside float32 for each. A ratio of exactly 0 (manual and
reference agree bit for bit) has no place on a log axis: it is drawn on a floor
line one decade below the smallest nonzero ratio of the report and labelled
``exact (0)``. An infinite or NaN ratio is drawn on a line at the top. The
minimal failing case of a failed property is a red cross at its ``T_x``, weight
scale and ratio. Cell-level properties are left out: a cell sees one step, so
its error cannot depend on ``T_x``.

:func:`figure` returns a :class:`matplotlib.figure.Figure` without touching
pyplot (no global state, no backend chosen); it shows itself in Jupyter.
:func:`save` writes it as a PNG. Needs the ``plot`` extra (matplotlib).
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import NamedTuple

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, MaxNLocator, NullLocator

__all__ = ["PLOTTED_PROPERTIES", "ReportFigure", "figure", "save"]

#: The properties drawn, with the marker that tells them apart. Both check whole
#: sequences: ``backward`` against ``jax.vjp`` under a random upstream ``da``,
#: ``loss_gradient`` (``loss_backward`` then ``backward``) against ``jax.grad``.
PLOTTED_PROPERTIES = {"backward": "o", "loss_gradient": "D"}

_DTYPES = ("float64", "float32")
_EXACT_MARKER, _TOP_MARKER, _FAIL_MARKER = "v", "^", "X"
#: Where exact zeros go when the report has no nonzero ratio to sit below.
_EMPTY_FLOOR = 1e-12
_TOLERANCE_COLOR = "tab:red"
_PANEL_W, _PANEL_H, _LEGEND_W, _HEAD_H = 3.6, 2.9, 1.5, 0.9
_DPI = 110


class ReportFigure(Figure):
    """A :class:`~matplotlib.figure.Figure` that Jupyter shows as a PNG even when
    pyplot's inline backend was never loaded."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=_DPI)
        return buffer.getvalue()


class _Series(NamedTuple):
    """One gradient key of one property, one family, one dtype."""

    key: str
    prop: str
    T_x: np.ndarray  # (n,) one per example
    scale: np.ndarray  # (n,)
    ratio: np.ndarray  # (n,) may hold inf and nan


class _Failure(NamedTuple):
    key: str
    prop: str
    T_x: int
    scale: float
    ratio: float


class _Panel(NamedTuple):
    """What one (family, dtype) contributes: its points, its failures, and why it is empty."""

    series: list
    failures: list
    statuses: set


def _ratio(value) -> float:
    """A ratio as the report stores it: a float, or ``"inf"``/``"nan"`` (JSON has neither)."""
    return float("nan") if value is None else float(value)


def _collect(report: dict) -> dict:
    """``{family: {dtype: _Panel}}`` for the plotted properties, in the report's order."""
    panels: dict = {}
    for r in report.get("results", []):
        if r["property"] not in PLOTTED_PROPERTIES:
            continue
        panel = panels.setdefault(r["family"], {}).setdefault(r["dtype"], _Panel([], [], set()))
        panel.statuses.add(r["status"])
        for k in r.get("keys", []):
            points = k.get("points") or []
            if not points:
                continue
            T_x, scale, ratio = zip(*points)
            panel.series.append(_Series(k["key"], r["property"], np.array(T_x, dtype=float),
                                        np.array(scale, dtype=float),
                                        np.array([_ratio(v) for v in ratio])))
        case = r.get("minimal_case")
        if r["status"] == "failed" and case:
            for c in r.get("failing", []):
                panel.failures.append(_Failure(c["key"], r["property"], case["T_x"],
                                               case["weight_scale"], _ratio(c.get("ratio"))))
    return panels


def _floor_and_ceiling(panels: dict) -> tuple[float, float]:
    """The line exact zeros sit on (a decade below the smallest nonzero ratio, at a
    power of ten) and the line inf/NaN sit on (a decade above the tolerance and
    the largest finite ratio)."""
    ratios = [s.ratio for fam in panels.values() for p in fam.values() for s in p.series]
    ratios += [np.array([f.ratio for f in p.failures]) for fam in panels.values() for p in fam.values()]
    values = np.concatenate(ratios) if ratios else np.zeros(0)
    finite = values[np.isfinite(values) & (values > 0)]
    floor = 10.0 ** max(math.floor(math.log10(finite.min())) - 1, -300) if finite.size else _EMPTY_FLOOR
    top = max(float(finite.max()) if finite.size else 0.0, 1.0)
    ceiling = 10.0 ** (math.ceil(math.log10(top)) + 1)
    return floor, ceiling


def _on_axis(ratio: np.ndarray, floor: float, ceiling: float) -> np.ndarray:
    """Ratios as drawn: 0 on the floor, inf and NaN on the ceiling."""
    return np.where(ratio == 0, floor, np.where(np.isfinite(ratio), ratio, ceiling))


def _key_colors(family_panels: dict) -> dict:
    """One colour per key, in order of appearance; tab20's dark shades before its light ones."""
    cmap = colormaps["tab20"]
    shades = [cmap(i) for i in range(0, 20, 2)] + [cmap(i) for i in range(1, 20, 2)]
    keys = dict.fromkeys([s.key for p in family_panels.values() for s in p.series]
                         + [f.key for p in family_panels.values() for f in p.failures])
    return {key: shades[i % len(shades)] for i, key in enumerate(keys)}


def figure(report: dict) -> Figure:
    """The report's examples as points: error/tolerance against ``T_x`` and weight scale.

    Parameters
    ----------
    report : dict
        A report of :func:`reference.report.build_report`, or its JSON loaded back.

    Returns
    -------
    ReportFigure
        One row per family and, per row, error/tolerance against ``T_x``
        (float64, float32) then against the weight scale (float64, float32);
        columns of a dtype absent from the whole report are left out. A report
        with nothing to draw gives a single axes saying ``(no data)``.
    """
    panels = _collect(report)
    dtypes = [d for d in _DTYPES if any(d in fam for fam in panels.values())]
    dtypes += sorted({d for fam in panels.values() for d in fam} - set(dtypes))
    has_points = any(p.series or p.failures for fam in panels.values() for p in fam.values())
    if not has_points:
        return _empty(report, panels)

    floor, ceiling = _floor_and_ceiling(panels)
    columns = [(x, dtype) for x in ("T_x", "weight_scale") for dtype in dtypes]
    families = list(panels)
    fig = ReportFigure(figsize=(_PANEL_W * len(columns) + _LEGEND_W, _PANEL_H * len(families) + _HEAD_H),
                       layout="constrained")
    axes = fig.subplots(len(families), len(columns), sharey=True, squeeze=False)
    rng = np.random.default_rng(0)  # jitter only; fixed so the same report draws the same picture
    any_top = False
    for row, family in zip(axes, families):
        colors = _key_colors(panels[family])
        failing_keys = set()
        for ax, (x, dtype) in zip(row, columns):
            panel = panels[family].get(dtype)
            any_top |= _draw_panel(ax, panel, x, dtype, floor, ceiling, colors, rng)
            failing_keys |= {f.key for f in panel.failures} if panel else set()
            ax.set_title(f"{family}, {dtype}", fontsize=9)
        row[0].set_ylabel(f"{family}\nmax |manual - ref| / tolerance", fontsize=8)
        handles = [Line2D([], [], ls="", marker="o", color=c, label=f"{key}  FAIL" if key in failing_keys else key)
                   for key, c in colors.items()]
        if not handles:
            continue
        legend = row[-1].legend(handles=handles, loc="center left", bbox_to_anchor=(1.02, 0.5),
                                fontsize=7, title="keys", title_fontsize=7, frameon=False)
        for text in legend.get_texts():
            if text.get_text().endswith("FAIL"):
                text.set_color(_TOLERANCE_COLOR)

    ticks, labels = _y_ticks(floor, ceiling, any_top)
    for ax in axes.flat:
        ax.set_yscale("log")
        ax.set_ylim(floor / 4, ceiling * (4 if any_top else 1))
        ax.yaxis.set_major_locator(FixedLocator(ticks))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_yticklabels(labels)
        ax.tick_params(labelsize=7)
        ax.grid(True, which="major", alpha=0.25, lw=0.5)
    fig.legend(handles=_marker_legend(any_top), loc="outside lower center", ncol=7, fontsize=8,
               frameon=False)
    fig.suptitle(f"{report.get('implementation', 'rnn-verify')}: error / tolerance, one point per "
                 "example and gradient key (below 1 passes)", fontsize=10)
    return fig


def _draw_panel(ax, panel: _Panel | None, x: str, dtype: str, floor: float, ceiling: float,
                colors: dict, rng: np.random.Generator) -> bool:
    """Draw one (family, dtype, x) axes; return whether anything sits on the ceiling."""
    if x == "T_x":
        ax.set_xlabel("sequence length T_x", fontsize=8)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        ax.set_xscale("log")
        ax.set_xlabel("weight scale", fontsize=8)
    ax.axhline(1.0, color=_TOLERANCE_COLOR, ls="--", lw=1, gid="tolerance")
    ax.text(0.99, 1.0, "tolerance", transform=ax.get_yaxis_transform(), ha="right", va="bottom",
            fontsize=7, color=_TOLERANCE_COLOR)
    ax.axhline(floor, color="0.5", ls=":", lw=0.8, gid="exact-floor")
    if panel is None or not (panel.series or panel.failures):
        reason = (f"no {dtype} results" if panel is None else
                  f"{dtype} skipped" if panel.statuses == {"skipped"} else f"no {dtype} points")
        ax.text(0.5, 0.5, f"({reason})", transform=ax.transAxes, ha="center", va="center",
                fontsize=9, color="0.4")
        ax.xaxis.set_major_locator(NullLocator())
        ax.xaxis.set_minor_locator(NullLocator())
        return False

    top = False
    scales = set()
    for s in panel.series:
        xs = _jitter(s.T_x if x == "T_x" else s.scale, x, rng)
        scales.update(s.scale.tolist())
        ys = _on_axis(s.ratio, floor, ceiling)
        exact, inf = s.ratio == 0, ~np.isfinite(s.ratio)
        measured = ~exact & ~inf
        color = colors[s.key]
        ax.scatter(xs[measured], ys[measured], s=12, marker=PLOTTED_PROPERTIES[s.prop], color=color,
                   alpha=0.6, linewidths=0, gid="measured")
        if exact.any():
            ax.scatter(xs[exact], ys[exact], s=22, marker=_EXACT_MARKER, color=color, alpha=0.8,
                       linewidths=0, zorder=3, gid="exact")
        if inf.any():
            top = True
            ax.scatter(xs[inf], ys[inf], s=28, marker=_TOP_MARKER, color=color, edgecolors="k",
                       linewidths=0.5, gid="inf")
    if panel.failures:
        fx = np.array([f.T_x if x == "T_x" else f.scale for f in panel.failures], dtype=float)
        fr = np.array([f.ratio for f in panel.failures])
        top |= bool((~np.isfinite(fr)).any())
        scales.update(f.scale for f in panel.failures)
        ax.scatter(_jitter(fx, x, rng), _on_axis(fr, floor, ceiling), s=70, marker=_FAIL_MARKER,
                   color=_TOLERANCE_COLOR, edgecolors="darkred", linewidths=0.6, zorder=5, gid="failing")
    if top:
        ax.axhline(ceiling, color="k", ls=":", lw=0.8, gid="inf-ceiling")
    if x == "weight_scale" and scales:
        ax.xaxis.set_major_locator(FixedLocator(sorted(scales)))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xticklabels([f"{v:g}" for v in sorted(scales)])
        lo, hi = min(scales), max(scales)
        ax.set_xlim(lo / 1.6, hi * 1.6)
    elif x == "T_x":
        hi = max([float(s.T_x.max()) for s in panel.series if s.T_x.size] +
                 [float(f.T_x) for f in panel.failures])
        ax.set_xlim(0.3, hi + 0.7)
    return top


def _y_ticks(floor: float, ceiling: float, top: bool) -> tuple[list, list]:
    """Decades through 1 (about eight of them), the floor labelled ``exact 0`` and,
    when something sits there, the ceiling labelled ``inf / NaN``."""
    lo, hi = round(math.log10(floor)), round(math.log10(ceiling))
    step = max(1, math.ceil((hi - lo) / 8))
    decades = [e for e in range(lo + 1, hi) if e % step == 0]
    ticks = [floor] + [10.0 ** e for e in decades]
    labels = ["exact 0"] + [f"$10^{{{e}}}$" if e else "1" for e in decades]
    if top:
        ticks.append(ceiling)
        labels.append("inf / NaN")
    return ticks, labels


def _jitter(values: np.ndarray, x: str, rng: np.random.Generator) -> np.ndarray:
    """Spread points that share a ``T_x`` (an integer) or a weight scale (one of a few)."""
    if x == "T_x":
        return values + rng.uniform(-0.3, 0.3, values.shape)
    return values * 10.0 ** rng.uniform(-0.06, 0.06, values.shape)


def _marker_legend(any_top: bool) -> list:
    handles = [Line2D([], [], ls="", marker=m, color="0.3", label=f"{p}")
               for p, m in PLOTTED_PROPERTIES.items()]
    handles.append(Line2D([], [], ls="", marker=_EXACT_MARKER, color="0.3", label="exact (0), on the floor"))
    if any_top:
        handles.append(Line2D([], [], ls="", marker=_TOP_MARKER, color="0.3", markeredgecolor="k",
                              label="inf / NaN, at the top"))
    handles.append(Line2D([], [], ls="", marker=_FAIL_MARKER, color=_TOLERANCE_COLOR, markersize=8,
                          label="minimal failing case"))
    handles.append(Line2D([], [], ls="--", color=_TOLERANCE_COLOR, label="tolerance"))
    return handles


def _empty(report: dict, panels: dict) -> Figure:
    fig = ReportFigure(figsize=(6, 2.5), layout="constrained")
    ax = fig.add_subplot()
    ax.set_axis_off()
    why = ("no backward or loss_gradient results" if not panels
           else "no per-example points (a baseline keeps only the maxima)")
    ax.text(0.5, 0.5, f"(no data)\n{why}", transform=ax.transAxes, ha="center", va="center",
            fontsize=10, color="0.4")
    fig.suptitle(f"{report.get('implementation', 'rnn-verify')}: error / tolerance", fontsize=10)
    return fig


def save(report: dict, path: Path | str) -> None:
    """Write :func:`figure` of ``report`` to ``path`` as a PNG."""
    figure(report).savefig(path, format="png", dpi=_DPI)
