"""The property suite the pytest plugin adds (``pytest --rnn-impl MODULE_OR_PATH``).

One test per (family, property, dtype), parametrized by the plugin from its
options (:mod:`reference.pytest_plugin`), plus the family-specific properties
of the gated cells: the LSTM's cell-state path, saturated gates and the two GRU
variants. Each drives the same property functions as ``rnn-verify`` and
:func:`reference.check` (:mod:`reference.properties`): a failure names the
function, key, element and time step, on the minimal case Hypothesis shrank it
to, with the ``@reproduce_failure`` line to replay it.

With ``RNN_GRADCHECK_RATIO_LOG=PATH`` set, each generic test appends one JSON
line to PATH: the number of examples and the largest error-to-tolerance ratio
seen on them (the false-alarm margin measured by ``make thorough``).
"""

from __future__ import annotations

import dataclasses
import json
import os
import unittest

import numpy as np
import pytest
from hypothesis import Phase, given, settings

from . import oracle
from .families import FAMILIES
from .profiles import suite_settings
from .pytest_plugin import options, whole_groups
from .properties import PROPERTIES, PropertyFailure, PropertySkipped, compare_results
from .runner import Outcome, search_together
from .running import run_cell_backward, run_cell_forward
from .strategies import Dims, cases, make_case, seed_only

pytestmark = pytest.mark.rnn_gradcheck

#: The Hypothesis settings of the chosen profile, for these tests only.
SETTINGS = suite_settings()

RATIO_LOG = os.environ.get("RNN_GRADCHECK_RATIO_LOG")

LSTM, GRU, GRU_AFTER = FAMILIES["lstm"], FAMILIES["gru"], FAMILIES["gru_reset_after"]


def test_property(request, rnn_impl, rnn_property, rnn_family, rnn_dtype):
    """One property of one family in one dtype, over the profile's examples."""
    p, fam = PROPERTIES[rnn_property], FAMILIES[rnn_family]
    reason = p.skip_reason(rnn_impl, fam, rnn_dtype)
    if reason:
        pytest.skip(reason)
    shared = _shared_outcome(request, rnn_impl, rnn_property, rnn_family, rnn_dtype)
    if shared is not None and shared.status == "passed" and not _replays_a_saved_failure(
            p, rnn_impl, fam, rnn_dtype):
        _log_ratio(shared)
        return
    # Alone: no shared search ran, or it found a failure (searched again here,
    # so that Hypothesis shrinks it, saves it and prints how to replay it).
    alone = Outcome(prop=rnn_property, family=rnn_family, dtype=rnn_dtype, status="passed")
    with seed_only():
        _property_test(p, rnn_impl, fam, rnn_dtype, alone, SETTINGS)()
    if shared is not None and shared.failed:
        raise PropertyFailure(
            f"{shared.message}\n(found on example {shared.examples_to_failure} of the cases "
            f"{rnn_family} {rnn_dtype}'s properties shared, not shrunk: this test's own search "
            "of other cases passed)", shared.comparisons)
    _log_ratio(alone)


def _property_test(p, impl, fam, dtype, outcome: Outcome, test_settings):
    """The Hypothesis test of property ``p``, counting its examples and largest errors
    in ``outcome``. One function for every test, so one example-database key."""

    def check(case):
        try:
            comparisons = p.check(impl, case)
        except PropertySkipped as exc:
            pytest.skip(str(exc))
        outcome.examples += 1
        outcome.record(comparisons, case)

    return test_settings(given(case=cases(fam, dtype=dtype))(check))


#: The session's outcomes of the shared searches, by (family, dtype): {property: Outcome}.
_SHARED = pytest.StashKey[dict]()


def _shared_outcome(request, impl, prop: str, family: str, dtype: str):
    """``prop``'s outcome in one search shared by the (family, dtype)'s tests of this
    run, or None when they do not all run in this process.

    One Hypothesis search checks each case with every property, as ``rnn-verify``
    does (:func:`reference.runner.search_together`): the cases are drawn, built
    and sent to the oracle once, not once per property. Under pytest-xdist,
    only some splits keep a family and dtype's tests in one worker
    (:func:`reference.pytest_plugin.whole_groups`); with any other, each test
    searches alone, as each does with ``--rnn-search-alone`` (and under mutmut).
    """
    config = request.config
    if options(config).search_alone or not whole_groups(request.node):
        return None
    shared = request.session.stash.setdefault(_SHARED, {})  # this session's implementation only
    key = (family, dtype)
    if key not in shared:
        params = [getattr(getattr(item, "callspec", None), "params", {})
                  for item in request.session.items]
        props = [p["rnn_property"] for p in params if "rnn_property" in p
                 and p.get("rnn_family") == family and p.get("rnn_dtype") == dtype]
        shared[key] = {}
        if len(props) > 1:
            outcomes = search_together(
                impl, props, family, dtype, max_examples=SETTINGS.max_examples,
                derandomize=SETTINGS.derandomize, seed=_hypothesis_seed(config),
                confirm=False)
            shared[key] = {o.prop: o for o in outcomes}
    return shared[key].get(prop)


def _hypothesis_seed(config):
    seed = config.getoption("hypothesis_seed", None)
    try:
        return int(seed) if seed is not None else None
    except ValueError:
        return None


def _replays_a_saved_failure(p, impl, fam, dtype) -> bool:
    """Whether Hypothesis's example database holds a case that fails ``p`` now.

    A failure this suite found is saved under its test's key and replayed first
    by the next run; the shared search draws fresh cases, so before a shared
    pass counts, the saved cases are replayed (and nothing else drawn)."""
    if SETTINGS.database is None or SETTINGS.derandomize:
        return False
    only_saved = settings(SETTINGS, phases=[Phase.explicit, Phase.reuse])
    try:
        with seed_only():
            replayed = Outcome(prop=p.name, family=fam.name, dtype=dtype, status="passed")
            _property_test(p, impl, fam, dtype, replayed, only_saved)()
    except unittest.SkipTest:  # nothing saved
        return False
    except Exception:  # a saved case fails: the test's own search replays and reports it
        return True
    return False


def _log_ratio(outcome: Outcome) -> None:
    if RATIO_LOG:
        with open(RATIO_LOG, "a") as log:
            log.write(json.dumps({"property": outcome.prop, "family": outcome.family,
                                  "dtype": outcome.dtype, "examples": outcome.examples,
                                  "max_ratio": outcome.max_ratio,
                                  "worst": outcome.worst or None}) + "\n")


# --- the gated cells ----------------------------------------------------------


def _require(impl, families, fam, *roles):
    if fam.name not in families:
        pytest.skip(f"{fam.name} is not among the families checked")
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


@pytest.mark.rnn_gradcheck(families=("lstm",))
def test_lstm_upstream_on_c_only(rnn_impl, rnn_families):
    """A gradient arriving on the cell state alone (da_next = 0) flows like jax.vjp's."""
    _require(rnn_impl, rnn_families, LSTM, "cell_forward", "cell_backward")

    @SETTINGS
    @given(case=cases(LSTM))
    def check(case):
        cots = (np.zeros_like(case.a0), case.dc_next)
        manual = run_cell_backward(rnn_impl, case, cots)
        f64 = lambda a: a.astype(np.float64)  # noqa: E731
        ref = oracle.cell_vjp(LSTM, f64(case.x[:, :, 0]), tuple(map(f64, case.states_prev)),
                              {k: f64(v) for k, v in case.parameters.items()}, tuple(map(f64, cots)))
        compare_results("lstm_cell_backward (upstream on c only)", manual, ref, case,
                        "jax.vjp of the cell", scale=float(np.abs(case.dc_next).max()))

    with seed_only():
        check()


@pytest.mark.rnn_gradcheck(families=("lstm",))
def test_lstm_open_forget_gate_carries_dc_unchanged(rnn_impl, rnn_families):
    """With the forget gate saturated at 1 and no upstream on a, dc_prev == dc_next.

    A bias of 1e3 puts the pre-activation far past 37, where ``sigmoid`` rounds to
    1 in float64, so ``dc_prev = dc * ft`` is exact.
    """
    _require(rnn_impl, rnn_families, LSTM, "cell_forward", "cell_backward")

    @SETTINGS
    @given(case=cases(LSTM, dtype=np.float64))
    def check(case):
        case = _saturate(case, {"bf": 1e3})
        g = run_cell_backward(rnn_impl, case, (np.zeros_like(case.a0), case.dc_next))
        np.testing.assert_array_equal(g["dc_prev"], case.dc_next,
                                      err_msg="lstm_cell_backward: dc_prev must equal dc_next when ft = 1")

    with seed_only():
        check()


@pytest.mark.rnn_gradcheck(families=("lstm",))
def test_lstm_closed_input_keeps_the_cell_state(rnn_impl, rnn_families):
    """Forget gate open and input gate closed: c_next == c_prev exactly."""
    _require(rnn_impl, rnn_families, LSTM, "cell_forward")

    @SETTINGS
    @given(case=cases(LSTM, dtype=np.float64))
    def check(case):
        case = _saturate(case, {"bf": 1e3, "bi": -1e3})
        out, _ = run_cell_forward(rnn_impl, case)
        np.testing.assert_array_equal(out["c_next"], case.c_prev,
                                      err_msg="lstm_cell_forward: c_next must equal c_prev when ft = 1, it = 0")

    with seed_only():
        check()


@pytest.mark.rnn_gradcheck(families=("gru", "gru_reset_after"))
@pytest.mark.parametrize("family", ["gru", "gru_reset_after"])
def test_gru_closed_update_gate_copies_state_and_gradient(rnn_impl, rnn_families, family):
    """Update gate saturated at 1: a_next == a_prev and da_prev == da_next, every weight gradient 0."""
    fam = FAMILIES[family]
    _require(rnn_impl, rnn_families, fam, "cell_forward", "cell_backward")

    @SETTINGS
    @given(case=cases(fam, dtype=np.float64))
    def check(case):
        case = _saturate(case, {"bz": 1e3})
        out, _ = run_cell_forward(rnn_impl, case)
        np.testing.assert_array_equal(out["a_next"], case.a0)
        g = run_cell_backward(rnn_impl, case)
        np.testing.assert_array_equal(g["da_prev"], case.da[:, :, 0])
        for key in ("dWz", "dbz", "dWr", "dbr", "dWc", "dbc", "dxt"):
            assert not np.any(g[key]), f"gru_cell_backward: {key} must be 0 when z = 1"

    with seed_only():
        check()


@pytest.mark.rnn_gradcheck(families=("gru", "gru_reset_after"))
def test_gru_variants_differ(rnn_impl, rnn_families):
    """The reset_after switch is honoured: the two variants give different states."""
    _require(rnn_impl, rnn_families, GRU, "forward")
    _require(rnn_impl, rnn_families, GRU_AFTER, "forward")
    case = make_case(GRU, Dims(n_x=2, n_a=3, n_y=2, m=2, T_x=3), weight_scale=2.0, seed=1)
    before = rnn_impl.call(GRU, "forward", case.x, case.a0, case.parameters)[0]
    after = rnn_impl.call(GRU_AFTER, "forward", case.x, case.a0, case.parameters)[0]
    assert not np.allclose(before, after), "gru_forward ignores reset_after"
