"""The reference model in JAX: one pure step per cell family and one scan driver.

This is an independent formulation of the networks that :mod:`manual_rnn`
differentiates by hand. Nothing here is differentiated by hand: every gradient
of the harness comes from ``jax.vjp`` / ``jax.grad`` of these functions.

Gate weights of shape ``(n_a, n_a + n_x)`` act on ``[a_prev; xt]``; the steps
apply them as the two blocks ``W[:, :n_a] @ a_prev + W[:, n_a:] @ xt`` rather
than concatenating, so the block layout is checked, not copied.
"""

from __future__ import annotations

from functools import partial

import jax

# The oracle computes in float64: without this JAX silently computes in float32
# and the oracle would be no more precise than the float32 code it checks. Set
# here, where JAX is first imported, so that importing ``reference`` (and the
# pytest plugin) costs no JAX start-up until a check runs.
jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
from jax import lax  # noqa: E402

__all__ = ["STEPS", "SEQUENCES", "scan_sequence", "output_logits"]


def _gate(W, b, a_prev, xt):
    n_a = a_prev.shape[0]
    return W[:, :n_a] @ a_prev + W[:, n_a:] @ xt + b


def rnn_step(p, state, xt):
    """``a_t = tanh(Wax x_t + Waa a_{t-1} + ba)``."""
    (a_prev,) = state
    return (jnp.tanh(p["Wax"] @ xt + p["Waa"] @ a_prev + p["ba"]),)


def lstm_step(p, state, xt):
    """LSTM step; the state is ``(a, c)`` and ``a_t = o_t * tanh(c_t)``."""
    a_prev, c_prev = state
    f = jax.nn.sigmoid(_gate(p["Wf"], p["bf"], a_prev, xt))
    i = jax.nn.sigmoid(_gate(p["Wi"], p["bi"], a_prev, xt))
    cc = jnp.tanh(_gate(p["Wc"], p["bc"], a_prev, xt))
    o = jax.nn.sigmoid(_gate(p["Wo"], p["bo"], a_prev, xt))
    c = f * c_prev + i * cc
    return (o * jnp.tanh(c), c)


def gru_step(p, state, xt, *, reset_after=False):
    """GRU step, ``a_t = z * a_{t-1} + (1 - z) * candidate``.

    ``reset_after=False`` (Cho et al. 2014): the reset gate scales ``a_{t-1}``
    before the candidate's matmul. ``True`` (cuDNN/PyTorch placement, no
    separate hidden bias): it scales the matmul's result.
    """
    (a_prev,) = state
    n_a = a_prev.shape[0]
    z = jax.nn.sigmoid(_gate(p["Wz"], p["bz"], a_prev, xt))
    r = jax.nn.sigmoid(_gate(p["Wr"], p["br"], a_prev, xt))
    Wc_a, Wc_x = p["Wc"][:, :n_a], p["Wc"][:, n_a:]
    if reset_after:
        cc = jnp.tanh(Wc_x @ xt + r * (Wc_a @ a_prev) + p["bc"])
    else:
        cc = jnp.tanh(Wc_x @ xt + Wc_a @ (r * a_prev) + p["bc"])
    return (z * a_prev + (1.0 - z) * cc,)


STEPS = {
    "rnn": rnn_step,
    "lstm": lstm_step,
    "gru": gru_step,
    "gru_reset_after": partial(gru_step, reset_after=True),
}


def scan_sequence(step, p, state0, x):
    """Run ``step`` over the time axis of ``x``; the sequence driver of every family.

    Equivalent to the plain loop::

        state = state0
        for t in range(T_x):
            state = step(p, state, x[:, :, t])
            out[t] = state

    Parameters
    ----------
    step : callable ``(p, state, xt) -> state``
    p : dict of arrays
    state0 : tuple of arrays, each (n_a, m)
    x : array, shape (n_x, m, T_x)

    Returns
    -------
    tuple of arrays, each (n_a, m, T_x)
        Every state at every time step.
    """

    def body(state, xt):
        new = step(p, state, xt)
        return new, new

    _, states = lax.scan(body, state0, jnp.moveaxis(x, 2, 0))
    return tuple(jnp.moveaxis(s, 0, 2) for s in states)


# --- the sequences the oracle differentiates ----------------------------------
#
# The same recurrences as ``scan_sequence`` over ``STEPS``, arranged for small
# shapes: the input blocks ``W[:, n_a:] @ x_t + b`` of every gate and step are
# one contraction before the scan, and the recurrent blocks ``W[:, :n_a]`` of
# all gates are stacked into one matmul per step. At the harness's padded
# shapes (8 units, 8 columns) a step's cost is the number of XLA operations in
# it, not their flops, and this halves a VJP's time (the timings:
# ``docs/performance.md``). At the benchmarks' sizes it is no faster, so
# ``benchmarks/bench.py`` times ``scan_sequence`` over ``STEPS``.
# ``tests/harness/test_reference.py`` checks that the two agree, values and VJPs.


def _inputs(W_x, b, x):
    """``W_x @ x_t + b`` for every step, time-major: ``(T_x, rows, m)``."""
    return jnp.einsum("ij,jmt->tim", W_x, x) + b[None]


def _stack(p, keys, n_a):
    """The recurrent and input blocks of the gates ``keys``, stacked over gates."""
    W = jnp.concatenate([p[k] for k in keys])
    return W[:, :n_a], W[:, n_a:]


def _run(body, state0, inputs):
    _, states = lax.scan(body, tuple(state0), inputs)
    return tuple(jnp.moveaxis(s, 0, 2) for s in states)


def rnn_sequence(p, state0, x):
    """Every ``a_t`` of the RNN, ``(n_a, m, T_x)``, as a 1-tuple."""
    u = _inputs(p["Wax"], p["ba"], x)

    def body(state, u_t):
        (a_prev,) = state
        a = jnp.tanh(u_t + p["Waa"] @ a_prev)
        return (a,), (a,)

    return _run(body, state0, u)


def lstm_sequence(p, state0, x):
    """Every ``(a_t, c_t)`` of the LSTM."""
    n_a = state0[0].shape[0]
    W_a, W_x = _stack(p, ("Wf", "Wi", "Wc", "Wo"), n_a)
    u = _inputs(W_x, jnp.concatenate([p["bf"], p["bi"], p["bc"], p["bo"]]), x)

    def body(state, u_t):
        a_prev, c_prev = state
        f, i, cc, o = jnp.split(u_t + W_a @ a_prev, 4)
        c = jax.nn.sigmoid(f) * c_prev + jax.nn.sigmoid(i) * jnp.tanh(cc)
        a = jax.nn.sigmoid(o) * jnp.tanh(c)
        return (a, c), (a, c)

    return _run(body, state0, u)


def gru_sequence(p, state0, x, *, reset_after=False):
    """Every ``a_t`` of the GRU (either reset placement, as in :func:`gru_step`)."""
    n_a = state0[0].shape[0]
    W_a, W_x = _stack(p, ("Wz", "Wr", "Wc"), n_a)
    u = _inputs(W_x, jnp.concatenate([p["bz"], p["br"], p["bc"]]), x)
    W_zr, W_c = W_a[: 2 * n_a], W_a[2 * n_a :]

    def body(state, u_t):
        (a_prev,) = state
        u_z, u_r, u_c = jnp.split(u_t, 3)
        if reset_after:
            h_z, h_r, h_c = jnp.split(W_a @ a_prev, 3)
            r = jax.nn.sigmoid(u_r + h_r)
            cc = jnp.tanh(u_c + r * h_c)
        else:
            h_z, h_r = jnp.split(W_zr @ a_prev, 2)
            r = jax.nn.sigmoid(u_r + h_r)
            cc = jnp.tanh(u_c + W_c @ (r * a_prev))
        z = jax.nn.sigmoid(u_z + h_z)
        a = z * a_prev + (1.0 - z) * cc
        return (a,), (a,)

    return _run(body, state0, u)


#: Sequence functions ``(p, state0, x) -> states``, each state ``(n_a, m, T_x)``;
#: equal to ``scan_sequence(STEPS[name], p, state0, x)``.
SEQUENCES = {
    "rnn": rnn_sequence,
    "lstm": lstm_sequence,
    "gru": gru_sequence,
    "gru_reset_after": partial(gru_sequence, reset_after=True),
}


def output_logits(W, b, a, class_mask):
    """Logits ``W a + b`` over axis 0, with padded classes masked to ``-inf``.

    ``a`` is ``(n_a, m)`` or ``(n_a, m, T_x)``; ``class_mask`` is a boolean
    ``(n_y,)`` marking the real classes (all true when nothing is padded).
    """
    z = jnp.tensordot(W, a, axes=1) + b.reshape(b.shape + (1,) * (a.ndim - 2))
    mask = class_mask.reshape(class_mask.shape + (1,) * (a.ndim - 1))
    return jnp.where(mask, z, -jnp.inf)
