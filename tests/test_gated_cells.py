"""Family-specific properties of the gated cells (the generic ones are in
test_properties.py): the LSTM's cell-state path, saturated gates, and the two
GRU variants. Run against ``--impl`` like the generic suite."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given

from reference import oracle
from reference.families import FAMILIES
from reference.properties import PropertySkipped, compare_results
from reference.running import run_cell_backward, run_cell_forward
from reference.strategies import Dims, cases, make_case

LSTM, GRU, GRU_AFTER = FAMILIES["lstm"], FAMILIES["gru"], FAMILIES["gru_reset_after"]


def _require(impl, fam, *roles):
    try:
        impl.require(fam, *roles)
    except PropertySkipped as exc:
        pytest.skip(str(exc))


def _saturate(case, bias_values: dict[str, float]):
    """The case with some gate biases set far into saturation."""
    p = dict(case.parameters)
    for key, value in bias_values.items():
        p[key] = np.full_like(p[key], value)
    return dataclasses.replace(case, parameters=p)


@given(case=cases(LSTM))
def test_lstm_upstream_on_c_only(impl, case):
    """A gradient arriving on the cell state alone (da_next = 0) flows like jax.vjp's."""
    _require(impl, LSTM, "cell_forward", "cell_backward")
    cots = (np.zeros_like(case.a0), case.dc_next)
    manual = run_cell_backward(impl, case, cots)
    f64 = lambda a: a.astype(np.float64)  # noqa: E731
    ref = oracle.cell_vjp(LSTM, f64(case.x[:, :, 0]), tuple(map(f64, case.states_prev)),
                          {k: f64(v) for k, v in case.parameters.items()}, tuple(map(f64, cots)))
    compare_results("lstm_cell_backward (upstream on c only)", manual, ref, case,
                    "jax.vjp of the cell", scale=float(np.abs(case.dc_next).max()))


@given(case=cases(LSTM, dtype=np.float64))
def test_lstm_open_forget_gate_carries_dc_unchanged(impl, case):
    """With the forget gate saturated at 1 and no upstream on a, dc_prev == dc_next.

    A bias of 1e3 puts the pre-activation far past 37, where ``sigmoid`` rounds to
    1 in float64, so ``dc_prev = dc * ft`` is exact.
    """
    _require(impl, LSTM, "cell_forward", "cell_backward")
    case = _saturate(case, {"bf": 1e3})
    g = run_cell_backward(impl, case, (np.zeros_like(case.a0), case.dc_next))
    np.testing.assert_array_equal(g["dc_prev"], case.dc_next,
                                  err_msg="lstm_cell_backward: dc_prev must equal dc_next when ft = 1")


@given(case=cases(LSTM, dtype=np.float64))
def test_lstm_closed_input_keeps_the_cell_state(impl, case):
    """Forget gate open and input gate closed: c_next == c_prev exactly."""
    _require(impl, LSTM, "cell_forward")
    case = _saturate(case, {"bf": 1e3, "bi": -1e3})
    out, _ = run_cell_forward(impl, case)
    np.testing.assert_array_equal(out["c_next"], case.c_prev,
                                  err_msg="lstm_cell_forward: c_next must equal c_prev when ft = 1, it = 0")


@pytest.mark.parametrize("fam", [GRU, GRU_AFTER], ids=lambda f: f.name)
def test_gru_closed_update_gate_copies_state_and_gradient(impl, fam):
    """Update gate saturated at 1: a_next == a_prev and da_prev == da_next, every weight gradient 0."""
    _require(impl, fam, "cell_forward", "cell_backward")

    @given(case=cases(fam, dtype=np.float64))
    def check(case):
        case = _saturate(case, {"bz": 1e3})
        out, _ = run_cell_forward(impl, case)
        np.testing.assert_array_equal(out["a_next"], case.a0)
        g = run_cell_backward(impl, case)
        np.testing.assert_array_equal(g["da_prev"], case.da[:, :, 0])
        for key in ("dWz", "dbz", "dWr", "dbr", "dWc", "dbc", "dxt"):
            assert not np.any(g[key]), f"gru_cell_backward: {key} must be 0 when z = 1"

    check()


def test_gru_variants_differ(impl):
    """The reset_after switch is honoured: the two variants give different states."""
    _require(impl, GRU, "forward")
    case = make_case(GRU, Dims(n_x=2, n_a=3, n_y=2, m=2, T_x=3), weight_scale=2.0, seed=1)
    before = impl.call(GRU, "forward", case.x, case.a0, case.parameters)[0]
    after = impl.call(GRU_AFTER, "forward", case.x, case.a0, case.parameters)[0]
    assert not np.allclose(before, after), "gru_forward ignores reset_after"
