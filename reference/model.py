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
import jax.numpy as jnp
from jax import lax

__all__ = ["STEPS", "scan_sequence", "output_logits"]


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


def output_logits(W, b, a, class_mask):
    """Logits ``W a + b`` over axis 0, with padded classes masked to ``-inf``.

    ``a`` is ``(n_a, m)`` or ``(n_a, m, T_x)``; ``class_mask`` is a boolean
    ``(n_y,)`` marking the real classes (all true when nothing is padded).
    """
    z = jnp.tensordot(W, a, axes=1) + b.reshape(b.shape + (1,) * (a.ndim - 2))
    mask = class_mask.reshape(class_mask.shape + (1,) * (a.ndim - 1))
    return jnp.where(mask, z, -jnp.inf)
