"""The oracle itself: 64-bit, padding exact, independent of manual_rnn."""

from __future__ import annotations

import subprocess
import sys
from functools import partial

import jax
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import manual_rnn
from reference import oracle
from reference.model import SEQUENCES, STEPS, scan_sequence
from reference.compare import FLOAT64, compare_arrays
from reference.families import FAMILIES
from reference.properties import PROPERTIES, Implementation, PropertyFailure
from reference.strategies import WEIGHT_SCALES, Dims, cases, dimensions, make_case


def test_jax_runs_in_float64():
    assert jax.config.jax_enable_x64
    assert jax.numpy.zeros(1).dtype == np.float64


@pytest.mark.parametrize("family", list(FAMILIES))
@settings(max_examples=3)  # each unpadded example compiles 2 programs
@given(data=st.data())
def test_padded_reference_equals_unpadded(family, data):
    """Bucket padding changes no real value: every oracle output, padded vs not.

    Within the float64 tolerance rather than bitwise: XLA evaluates ``tanh``
    with different vector kernels for different array sizes, which differ in
    the last bits and so in ``1 - tanh**2`` of a saturated unit.
    """
    case = data.draw(cases(family, dims=dimensions(max_T_x=12)))
    p, x, a0 = case.parameters, case.x, case.a0
    pairs = [
        (oracle.forward(family, x, a0, p), oracle.forward(family, x, a0, p, pad=False)),
        (oracle.cell_forward(family, x[:, :, 0], case.states_prev, p),
         oracle.cell_forward(family, x[:, :, 0], case.states_prev, p, pad=False)),
        (oracle.sequence_vjp(family, x, a0, p, case.da),
         oracle.sequence_vjp(family, x, a0, p, case.da, pad=False)),
        (oracle.cell_vjp(family, x[:, :, 0], case.states_prev, p, case.cell_cotangents),
         oracle.cell_vjp(family, x[:, :, 0], case.states_prev, p, case.cell_cotangents, pad=False)),
        (oracle.loss_and_gradients(family, x, a0, p, case.labels)[1],
         oracle.loss_and_gradients(family, x, a0, p, case.labels, pad=False)[1]),
    ]
    for padded, plain in pairs:
        assert padded.keys() == plain.keys()
        for k in plain:
            assert padded[k].shape == plain[k].shape, k
            c = compare_arrays("padded oracle", k, padded[k], plain[k], FLOAT64,
                               scale=float(np.abs(case.da).max()))
            assert c.ok, c.describe()
    # The loss of the sequence program. The loss program of the finite differences
    # (``loss_value``) is not compiled unpadded here: one program less per drawn
    # shape; ``reference_fd`` holds its derivatives to the padded gradients.
    L1 = oracle.loss_and_gradients(family, x, a0, p, case.labels)[0]
    L2 = oracle.loss_and_gradients(family, x, a0, p, case.labels, pad=False)[0]
    assert L1 == pytest.approx(L2, rel=1e-12)


#: Shape of the sequence check: every dimension distinct, so that a block split
#: at the wrong place or a transposed block cannot pass (one shape, one compilation
#: per family; the property suite runs the oracle over every drawn shape).
_SEQUENCE_DIMS = Dims(3, 5, 2, 4, 7)


@partial(jax.jit, static_argnames="model")
def _sequence_and_scan_vjps(model, p, x, state0, cotangents):
    def run(sequence):
        states, pullback = jax.vjp(lambda p, x, s0: sequence(p, s0, x), p, x, state0)
        return states, pullback(cotangents)

    return (run(SEQUENCES[model]),
            run(lambda p, s0, x: scan_sequence(STEPS[model], p, s0, x)))


@pytest.mark.parametrize("family", list(FAMILIES))
@settings(max_examples=20)
@given(weight_scale=st.sampled_from(WEIGHT_SCALES), seed=st.integers(0, 2**32 - 1))
def test_oracle_sequence_equals_scan_of_steps(family, weight_scale, seed):
    """The oracle's sequence (input blocks hoisted out of the scan, recurrent
    blocks stacked) is the scan of the cell step: same states, same VJP."""
    case = make_case(family, _SEQUENCE_DIMS, weight_scale=weight_scale, seed=seed)
    fam = case.family
    p = {k: case.parameters[k] for k in fam.recurrent_keys}
    state0 = (case.a0,) + tuple(case.c_prev for _ in fam.states[1:])
    cotangents = tuple(case.da for _ in fam.states)
    hoisted, scanned = _sequence_and_scan_vjps(fam.model, p, case.x, state0, cotangents)
    pairs = list(zip(jax.tree_util.tree_leaves(hoisted), jax.tree_util.tree_leaves(scanned)))
    # states, then the gradients of every parameter, x and every initial state
    assert len(pairs) == 2 * len(fam.states) + len(p) + 1
    for i, (h, s) in enumerate(pairs):
        assert h.shape == s.shape, i
        c = compare_arrays("SEQUENCES", str(i), np.asarray(h), np.asarray(s), FLOAT64,
                           scale=float(np.abs(case.da).max()))
        assert c.ok, c.describe()


def test_bucket_shapes_share_one_program():
    """Shapes inside one bucket reuse the compiled program: no recompilation."""
    oracle.sequence_vjp("rnn", *_args(Dims(2, 3, 2, 2, 3)))
    before = oracle._sequence_jit._cache_size()
    for dims in [Dims(1, 1, 1, 1, 1), Dims(5, 4, 3, 6, 7), Dims(8, 8, 8, 8, 8)]:
        oracle.sequence_vjp("rnn", *_args(dims))
    assert oracle._sequence_jit._cache_size() == before


def test_bucket_sizes():
    assert oracle.bucket({"n_a": 1, "T_x": 8}) == {"n_a": 8, "T_x": 16}
    assert oracle.bucket({"n_a": 8, "T_x": 16}) == {"n_a": 8, "T_x": 16}
    assert oracle.bucket({"n_a": 9, "T_x": 50}) == {"n_a": 16, "T_x": 64}
    assert oracle.bucket({"T_x": 17}) == {"T_x": 64}  # one long bucket, not 32 and 64
    assert oracle.bucket({"T_x": 65}) == {"T_x": 128}
    assert oracle.bucket({"n_a": 9}, pad=False) == {"n_a": 9}


def _args(dims):
    c = make_case("rnn", dims)
    return c.x, c.a0, c.parameters, c.da


def _all_outputs(family, case):
    """Every answer of the oracle's cell and sequence programs for ``case``, as copies."""
    p, x, a0 = case.parameters, case.x, case.a0
    return [oracle.cell_forward(family, x[:, :, 0], case.states_prev, p),
            oracle.cell_vjp(family, x[:, :, 0], case.states_prev, p, case.cell_cotangents),
            oracle.forward(family, x, a0, p),
            oracle.sequence_vjp(family, x, a0, p, case.da),
            oracle.loss_and_gradients(family, x, a0, p, case.labels)[1],
            {"loss": np.array(oracle.loss_and_gradients(family, x, a0, p, case.labels)[0])}]


def _clear_memo():
    for memo in oracle._memo.values():
        memo.clear()


@pytest.mark.parametrize("family", ["rnn", "lstm"])
def test_remembered_answers_are_the_answers_of_a_fresh_call(family):
    """The oracle remembers its last calls by the bytes of their inputs: a primed or
    repeated call gives what a fresh one gives, a call differing in any input (one
    element of ``da``, of the labels, of a weight) is computed anew, and what a
    caller does to an answer changes no later answer."""
    dims = Dims(3, 4, 3, 2, 5)
    case = make_case(family, dims, seed=3)
    _clear_memo()
    fresh = _all_outputs(family, case)
    _clear_memo()
    oracle.prime(family, case.x, case.a0, case.parameters, case.da, case.labels,
                 case.states_prev, case.cell_cotangents)
    primed = _all_outputs(family, case)
    for a, b in zip(fresh, primed):
        assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
    for answer in primed:  # a caller scribbling on its answers
        for v in answer.values():
            v[...] = 0.0
    again = _all_outputs(family, case)
    for a, b in zip(fresh, again):
        assert all(np.array_equal(a[k], b[k]) for k in a)

    W = case.family.recurrent_keys[0]
    da, labels, p = case.da.copy(), case.labels.copy(), dict(case.parameters)
    da[1, 0, 2] += 1.0
    labels[0, 1] = (labels[0, 1] + 1) % dims.n_y
    p[W] = p[W].copy()
    p[W][0, 0] += 0.5
    changed = [case.replace(da=da), case.replace(labels=labels), case.replace(parameters=p)]
    for other in changed:
        oracle.prime(family, case.x, case.a0, case.parameters, case.da, case.labels,
                     case.states_prev, case.cell_cotangents)
        remembered = _all_outputs(family, other)
        _clear_memo()
        computed = _all_outputs(family, other)
        for a, b in zip(computed, remembered):
            assert all(np.array_equal(a[k], b[k]) for k in a)
        assert any(not np.array_equal(a[k], b[k]) for a, b in zip(fresh, computed) for k in a)


def test_a_remembered_input_is_the_callers_value_at_the_call():
    """The oracle keeps what it was given, not the caller's array: a ``da`` written
    into after the call is not what a later call that reuses it computes with."""
    case = make_case("rnn", Dims(3, 4, 3, 2, 5), seed=4)
    p, x, a0 = case.parameters, case.x, case.a0
    _clear_memo()
    expected = oracle.sequence_vjp("rnn", x, a0, p, case.da)
    da = case.da.copy()
    oracle.prime("rnn", x, a0, p, da, case.labels, case.states_prev, case.cell_cotangents)
    da[...] = 0.0  # the caller reuses its buffer
    other = (case.labels + 1) % case.dims.n_y
    oracle.loss_and_gradients("rnn", x, a0, p, other)  # recomputed with the remembered da
    got = oracle.sequence_vjp("rnn", x, a0, p, case.da)
    assert all(np.array_equal(got[k], expected[k]) for k in expected)


def test_reference_does_not_import_manual_rnn():
    code = "import reference.oracle, reference.model, sys; print('manual_rnn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_manual_rnn_does_not_import_jax():
    code = "import manual_rnn, sys; print(sorted(m for m in sys.modules if m.split('.')[0] in ('jax', 'jaxlib')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("program, key", [
    ("cell_vjp", "dxt"), ("cell_vjp", "dWaa"), ("sequence_vjp", "da0"), ("sequence_vjp", "dWax"),
    ("loss_and_gradients", "dx"), ("loss_and_gradients", "dby"),
])
def test_finite_differences_catch_a_wrong_oracle(monkeypatch, program, key):
    """The reference_fd property fails, naming the key, when one gradient of the
    oracle is off by 0.1 % (its tolerance is 1e-5 relative)."""
    real = getattr(oracle, program)

    def wrong(*args, **kwargs):
        out = real(*args, **kwargs)
        grads = out[1] if isinstance(out, tuple) else out
        grads[key] = grads[key] * 1.001
        return out

    monkeypatch.setattr(oracle, program, wrong)
    case = make_case("rnn", Dims(3, 4, 2, 2, 5), seed=0)
    with pytest.raises(PropertyFailure, match=rf"\['{key}'\] disagrees with central finite"):
        PROPERTIES["reference_fd"].check(Implementation(manual_rnn), case)
    monkeypatch.undo()
    assert PROPERTIES["reference_fd"].check(Implementation(manual_rnn), case)
