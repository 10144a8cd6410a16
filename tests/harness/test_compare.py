"""The element-wise comparison: its fast path for agreeing arrays changes no result."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from reference.compare import FINITE_DIFFERENCE, FLOAT32, FLOAT64, _elementwise, compare_arrays

TOLERANCES = st.sampled_from([FLOAT64, FLOAT32, FINITE_DIFFERENCE])


@st.composite
def array_pairs(draw):
    """A reference array and a manual one: equal, within or beyond the tolerance
    per element, with zeros, NaN and infinities on either side now and then."""
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=5))
    ref = draw(hnp.arrays(np.float64, shape, elements=st.floats(-1e3, 1e3)))
    noise = draw(hnp.arrays(np.float64, shape, elements=st.sampled_from(
        [0.0, 1e-14, -1e-12, 1e-10, 1e-8, 1e-4, -1e-2, 1.0])))
    manual = ref + noise * np.maximum(np.abs(ref), 1.0)
    for arr in (ref, manual):
        if arr.size and draw(st.booleans()):
            flat = arr.reshape(-1)
            flat[draw(st.integers(0, arr.size - 1))] = draw(
                st.sampled_from([np.nan, np.inf, -np.inf, 0.0, 1e300]))
    return manual, ref


@given(pair=array_pairs(), tolerance=TOLERANCES,
       scale=st.sampled_from([0.0, 1e-8, 1.0, 100.0]), slack=st.sampled_from([0.0, 1e-6]),
       allow_nonfinite=st.booleans(), time_axis=st.sampled_from([None, 0, 2]))
def test_fast_path_equals_the_elementwise_comparison(pair, tolerance, scale, slack,
                                                     allow_nonfinite, time_axis):
    """Every field of the result, passing or failing, finite or not."""
    manual, ref = pair
    before = (manual.copy(), ref.copy())
    fast = compare_arrays("f", "k", manual, ref, tolerance, time_axis=time_axis,
                          allow_nonfinite=allow_nonfinite, scale=scale, slack=slack)
    full = _elementwise("f", "k", manual, ref, tolerance, scale, slack, time_axis,
                        allow_nonfinite, "the reference")
    assert _fields(fast) == _fields(full)
    np.testing.assert_array_equal(manual, before[0])
    np.testing.assert_array_equal(ref, before[1])


def _fields(c) -> dict:
    # NaN != NaN; compare such fields by their text
    return {k: ("nan" if isinstance(v, float) and math.isnan(v) else v) for k, v in vars(c).items()}


def test_a_wrong_element_is_named_with_its_time_step():
    ref = np.ones((2, 3, 4))
    manual = ref.copy()
    manual[1, 2, 3] += 1e-6
    c = compare_arrays("rnn_backward", "dx", manual, ref, FLOAT64, time_axis=2)
    assert not c.ok and c.n_bad == 1 and c.index == (1, 2, 3) and c.time_steps == [3]
    assert "dx[1, 2, 3]" in c.describe() and "wrong at t=3; correct at t=0..2" in c.describe()


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_values_fail_unless_both_sides_agree_and_it_is_allowed(bad):
    ref, manual = np.ones(3), np.ones(3)
    manual[1] = bad
    assert not compare_arrays("f", "k", manual, ref, FLOAT64).ok
    ref[1] = bad
    assert not compare_arrays("f", "k", manual, ref, FLOAT64).ok
    assert compare_arrays("f", "k", manual, ref, FLOAT64, allow_nonfinite=True).ok


def test_agreeing_arrays_report_their_largest_errors():
    ref = np.array([1.0, -2.0, 4.0])
    manual = ref + np.array([0.0, 1e-12, -4e-11])
    c = compare_arrays("f", "k", manual, ref, FLOAT64, time_axis=0)
    assert c.ok and c.n_bad == 0 and c.time_steps == [] and c.T_x == 3
    assert c.max_abs == pytest.approx(4e-11) and c.max_rel == pytest.approx(1e-11)
    assert c.ratio == pytest.approx(4e-11 / (1e-10 * 4.0 + 1e-9 * 4.0))
