"""The report's plot: one point per example, the tolerance, exact zeros on a labelled floor,
inf/NaN at the top, float32 beside float64, a PNG on disk."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from reference.plot import figure, save

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _result(family, prop, dtype, points, *, status="passed", failing=(), case=None) -> dict:
    """A result entry of the report with ``points = {key: [(T_x, weight_scale, ratio), ...]}``."""
    return {"family": family, "property": prop, "dtype": dtype, "status": status,
            "examples": max((len(p) for p in points.values()), default=0), "seconds": 0.1,
            "message": "", "minimal_case": case, "examples_to_failure": None,
            "keys": [{"function": f"{family}_backward", "key": key, "examples": len(p),
                      "max_abs": 0.0, "max_rel": 0.0, "max_ratio": 0.0, "points": [list(q) for q in p]}
                     for key, p in points.items()],
            "failing": list(failing), "diagnosis": []}


def _report(*results) -> dict:
    return {"implementation": "hand-built", "results": list(results)}


def _case(T_x, weight_scale) -> dict:
    return {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": T_x, "dtype": "float64",
            "weight_scale": weight_scale, "logit_scale": 1.0, "upstream_scale": 1.0, "seed": 0}


def _failing(key, ratio) -> dict:
    return {"function": "rnn_backward", "key": key, "index": [0, 0], "manual": 1.0, "reference": 2.0,
            "max_abs": 1.0, "max_rel": 0.5, "ratio": ratio, "n_bad": 1, "size": 4, "time_steps": [0]}


def _collections(fig, gid):
    return [c for ax in fig.axes for c in ax.collections if c.get_gid() == gid]


def _ys(collections) -> np.ndarray:
    return np.concatenate([c.get_offsets()[:, 1] for c in collections]) if collections else np.zeros(0)


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


MIXED = _report(
    _result("rnn", "backward", "float64", {"dx": [(1, 1.0, 0.0), (4, 0.5, 3e-7)],
                                           "dWax": [(2, 5.0, 2e-5), (7, 20.0, 0.0)]}),
    _result("rnn", "loss_gradient", "float64", {"dby": [(3, 2.0, 0.0), (3, 2.0, 4e-6)]}),
    _result("rnn", "backward", "float32", {"dx": [(2, 1.0, 1e-3), (5, 0.1, 0.0)]}),
    _result("rnn", "cell_backward", "float64", {"dxt": [(1, 1.0, 1e-20)]}),  # not drawn
    _result("lstm", "backward", "float64", {"dWf": [(9, 2.0, 0.5)]}),
)


def test_one_row_per_family_four_columns_with_float32_beside_float64():
    fig = figure(MIXED)
    assert len(fig.axes) == 2 * 4
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[:4] == ["rnn, float64", "rnn, float32", "rnn, float64", "rnn, float32"]
    assert [ax.get_xlabel() for ax in fig.axes[:4]] == ["sequence length T_x"] * 2 + ["weight scale"] * 2
    assert all(ax.get_xscale() == "log" for ax in fig.axes[2:4])
    assert all(ax.get_yscale() == "log" for ax in fig.axes)
    # lstm has no float32 result: its float32 axes exist and say so
    assert "(no float32 results)" in _texts(fig.axes[5])


def test_a_float64_only_report_has_no_float32_axes():
    fig = figure(_report(_result("gru", "backward", "float64", {"dx": [(1, 1.0, 1e-6)]})))
    assert [ax.get_title() for ax in fig.axes] == ["gru, float64", "gru, float64"]


def test_every_example_is_a_point():
    fig = figure(MIXED)
    n_points = sum(len(c.get_offsets()) for ax in fig.axes for c in ax.collections)
    # 9 examples drawn twice (against T_x and weight scale); the cell property is not drawn
    assert n_points == 2 * 9
    assert all(line.get_gid() in ("tolerance", "exact-floor") for ax in fig.axes for line in ax.lines), \
        "examples must not be joined by lines"


def test_exact_zeros_sit_on_a_labelled_floor_below_every_other_point():
    fig = figure(MIXED)
    floor = 1e-8  # a decade below the smallest nonzero ratio, 3e-7, at a power of ten
    exact = _ys(_collections(fig, "exact"))
    assert len(exact) == 2 * 4 and np.all(exact == floor)
    every = _ys([c for ax in fig.axes for c in ax.collections])
    assert every.min() == floor and np.all(np.isfinite(every))
    for ax in fig.axes:
        [line] = [ln for ln in ax.lines if ln.get_gid() == "exact-floor"]
        assert np.all(np.asarray(line.get_ydata()) == floor)
        assert ax.get_ylim()[0] < floor
    for ax in fig.axes[::4]:  # the first column carries the shared y labels
        labels = {t: lab.get_text() for t, lab in zip(ax.get_yticks(), ax.get_yticklabels())}
        assert labels[floor] == "exact 0"
    legend_labels = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert "exact (0), on the floor" in legend_labels


def test_the_tolerance_line_is_at_one_on_every_axes():
    fig = figure(MIXED)
    for ax in fig.axes:
        [line] = [ln for ln in ax.lines if ln.get_gid() == "tolerance"]
        assert np.all(np.asarray(line.get_ydata()) == 1.0)
        assert "tolerance" in _texts(ax)


def test_inf_and_nan_ratios_from_json_are_drawn_at_the_top():
    report = _report(_result("rnn", "backward", "float64",
                             {"dx": [(1, 1.0, "inf"), (2, 1.0, "nan"), (3, 1.0, 0.25)],
                              "da0": [(4, 2.0, float("inf"))]}))
    report = json.loads(json.dumps(report))  # as a stored report reads back
    fig = figure(report)
    top = _ys(_collections(fig, "inf"))
    assert len(top) == 2 * 3
    ceiling = top[0]
    assert np.all(top == ceiling) and ceiling > 1.0
    assert _ys(_collections(fig, "measured")).max() < ceiling
    labels = [lab.get_text() for lab in fig.axes[0].get_yticklabels()]
    assert labels[-1] == "inf / NaN"
    assert "inf / NaN, at the top" in [t.get_text() for legend in fig.legends for t in legend.get_texts()]


def test_the_minimal_failing_case_is_a_red_cross_at_its_T_x_and_scale():
    failed = _result("rnn", "backward", "float64", {"dx": [(1, 1.0, 1e-6)]}, status="failed",
                     failing=[_failing("dWaa", 3.5e7), _failing("dba", "inf")], case=_case(3, 2.0))
    fig = figure(_report(failed))
    t_x_axes, scale_axes = fig.axes
    [cross] = [c for c in t_x_axes.collections if c.get_gid() == "failing"]
    xy = cross.get_offsets()
    assert np.all(np.abs(xy[:, 0] - 3) <= 0.3)
    assert xy[0, 1] == 3.5e7 and xy[1, 1] > 3.5e7  # inf on the ceiling above the finite failure
    [cross] = [c for c in scale_axes.collections if c.get_gid() == "failing"]
    assert np.all(np.abs(np.log10(cross.get_offsets()[:, 0] / 2.0)) <= 0.06)
    legend = [t.get_text() for t in scale_axes.get_legend().get_texts()]
    assert "dWaa  FAIL" in legend and "dx" in legend


@pytest.mark.parametrize("report", [
    {"results": []},
    _report(_result("rnn", "forward", "float64", {"a": [(1, 1.0, 1e-6)]})),
    _report({**_result("rnn", "backward", "float64", {}), "keys": [
        {"function": "rnn_backward", "key": "dx", "examples": 3, "max_abs": 0.0, "max_rel": 0.0,
         "max_ratio": 1e-6}]}),  # a baseline: no points
], ids=["empty", "no-plotted-property", "baseline-without-points"])
def test_nothing_to_draw_says_no_data(report):
    fig = figure(report)
    [ax] = fig.axes
    assert any(t.startswith("(no data)") for t in _texts(ax))


def test_a_skipped_dtype_says_so():
    fig = figure(_report(_result("rnn", "backward", "float64", {"dx": [(1, 1.0, 1e-6)]}),
                         _result("rnn", "backward", "float32", {}, status="skipped")))
    assert "(float32 skipped)" in _texts(fig.axes[1])


def test_save_writes_a_png_and_the_figure_shows_itself_in_jupyter(tmp_path):
    path = tmp_path / "plot.png"
    save(MIXED, path)
    assert path.read_bytes()[:8] == PNG_MAGIC
    assert figure(MIXED)._repr_png_()[:8] == PNG_MAGIC


def test_figure_leaves_pyplot_alone():
    code = ("import sys; from reference.plot import figure; "
            "figure({'results': [{'family': 'rnn', 'property': 'backward', 'dtype': 'float64', "
            "'status': 'passed', 'keys': [{'key': 'dx', 'points': [[1, 1.0, 0.5]]}], 'failing': []}]}); "
            "assert 'matplotlib.pyplot' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_real_run_plots(tmp_path):
    import manual_rnn
    from reference.implementation import Implementation
    from reference.report import run

    results = run(Implementation(manual_rnn), ["rnn"], ["backward", "loss_gradient"],
                  ["float64", "float32"], examples=3, seed=0)
    report = json.loads(json.dumps({"implementation": "manual_rnn", "results": results}))
    fig = figure(report)
    assert len(fig.axes) == 4
    drawn = sum(len(c.get_offsets()) for c in fig.axes[0].collections)
    points = sum(len(k["points"]) for r in results if r["dtype"] == "float64" for k in r["keys"])
    assert drawn == points > 0
    save(report, tmp_path / "real.png")
    assert (tmp_path / "real.png").read_bytes()[:8] == PNG_MAGIC
