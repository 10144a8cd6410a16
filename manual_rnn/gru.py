r"""GRU with a softmax output layer: forward and backward by hand.

Every gate weight has shape ``(n_a, n_a + n_x)`` and acts on the concatenation
``s_t = [a_{t-1}; x_t]`` of shape ``(n_a + n_x, m)``, hidden state first. For
one time step::

    z_t  = sigmoid(Wz s_t + bz)                       # update gate, (n_a, m)
    r_t  = sigmoid(Wr s_t + br)                       # reset gate,  (n_a, m)
    cc_t = tanh(Wc [r_t * a_{t-1}; x_t] + bc)         # candidate,   (n_a, m)
    a_t  = z_t * a_{t-1} + (1 - z_t) * cc_t
    y_t  = softmax(Wy a_t + by)                       # (n_y, m), softmax over axis 0

The update gate weights the *old* state, as in Cho et al. (2014), PyTorch and
d2l.ai (some texts swap ``z_t`` and ``1 - z_t``).

Two placements of the reset gate are provided, chosen by the keyword-only
``reset_after`` argument of the forward functions. With ``Wc = [Wc_a | Wc_x]``
split into its ``(n_a, n_a)`` and ``(n_a, n_x)`` column blocks:

* ``reset_after=False`` (default, Cho et al. 2014): the reset gate scales the
  old state *before* the hidden matmul, as in the line above,
  ``cc_t = tanh(Wc_a (r_t * a_{t-1}) + Wc_x x_t + bc)``.
* ``reset_after=True`` (the cuDNN / PyTorch placement, here without their
  separate hidden bias): it scales the matmul's *result*,
  ``cc_t = tanh(Wc_x x_t + r_t * (Wc_a a_{t-1}) + bc)``.

The default is reset-before because it is the original paper's GRU and the one
the concatenated parameter layout expresses directly: ``Wc`` acts on one
concatenated vector ``[r_t * a_{t-1}; x_t]`` exactly as ``Wz`` and ``Wr`` act on
``s_t``. Reset-after needs ``Wc`` split into its blocks; cuDNN prefers it because
the hidden matmuls of all three gates then take ``a_{t-1}`` alone and fuse into
one per step.

Backward, given the gradient ``da_next`` of the loss with respect to ``a_t``
(``dX_pre`` is the gradient with respect to the pre-activation of ``X``)::

    dz_pre = da_next * (a_{t-1} - cc_t) * z_t * (1 - z_t)
    dc_pre = da_next * (1 - z_t) * (1 - cc_t**2)
    dxt_c  = Wc_x^T dc_pre

    reset before:  dra = Wc_a^T dc_pre                 # gradient on r_t * a_{t-1}
                   dr = dra * a_{t-1}                  da_prev_c = dra * r_t
                   dWc = dc_pre [r_t * a_{t-1}; x_t]^T
    reset after:   dh = dc_pre * r_t                   # gradient on Wc_a a_{t-1}
                   dr = dc_pre * (Wc_a a_{t-1})        da_prev_c = Wc_a^T dh
                   dWc = [dh a_{t-1}^T | dc_pre x_t^T]

    dr_pre  = dr * r_t * (1 - r_t)
    [ds_a; ds_x] = Wz^T dz_pre + Wr^T dr_pre            # through both gates' inputs s_t
    da_prev = da_next * z_t + ds_a + da_prev_c          # direct + gates + candidate
    dxt     = ds_x + dxt_c
    dWz = dz_pre s_t^T        dWr = dr_pre s_t^T
    dbz, dbr, dbc = sums over the batch axis of dz_pre, dr_pre, dc_pre

Through time, the gradient reaching ``a_t`` is the upstream ``da[:, :, t]``
plus the ``da_prev`` carried back from step ``t + 1``; the weight gradients are
sums over all steps, and ``da0`` is the ``da_prev`` left after step 0.

The sequence functions stack the input columns of ``Wc, Wz, Wr`` into one
``(3 n_a, n_x)`` weight and compute ``W_x x_t + b`` for every step before the
loop; each step then needs one matmul for the hidden part of ``z`` and ``r``
and, reset before, one more for the candidate's ``Wc_a (r_t * a_{t-1})``
(reset after, all three hidden parts are one matmul on ``a_{t-1}``). The
backward computes every factor that does not depend on the recurrence
(``(1 - z_t)(1 - cc_t**2)``, ``(a_{t-1} - cc_t) z_t (1 - z_t)``,
``r_t (1 - r_t)`` times ``a_{t-1}`` or ``Wc_a a_{t-1}``) for all steps before
its loop and, after it, ``dx``, every ``dW`` and ``db`` as one matmul (or
sum) over the ``m * T_x`` columns of all steps. The caches are laid out as
described in :mod:`manual_rnn.rnn`; reset after, they also keep
``Wc_a a_{t-1}`` of every step.

The API (names, argument order, shapes, dictionary keys, cache tuples) follows
the one of the "RNN step by step" exercise's RNN and LSTM. Every public function
validates its input, keeps the input dtype (float32 or float64) and never
modifies its arguments.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._sequence import CellCaches, all_finite, stack_field, time_columns
from ._validate import (
    check_array,
    check_cache,
    check_da,
    check_gate_parameters,
    common_dtype,
)
from .activations import sigmoid, sigmoid_inplace, softmax
from .caches import GRUCache, field_label
from .loss import cross_entropy_loss, loss_backward_from_states

__all__ = [
    "gru_cell_forward",
    "gru_forward",
    "gru_cell_backward",
    "gru_backward",
    "gru_loss",
    "gru_loss_backward",
]



def _check_parameters(func: str, parameters) -> dict[str, np.ndarray]:
    return check_gate_parameters(func, parameters, "zrc")


def _check_reset_after(func: str, name: str, reset_after) -> bool:
    if not isinstance(reset_after, (bool, np.bool_)):
        raise TypeError(f"{func}: {name} must be a bool, got {type(reset_after).__name__}")
    return bool(reset_after)


def _cell_forward(xt, a_prev, p, reset_after):
    n_a = a_prev.shape[0]
    s = np.concatenate([a_prev, xt])
    zt = sigmoid(p["Wz"] @ s + p["bz"])
    rt = sigmoid(p["Wr"] @ s + p["br"])
    if reset_after:
        Wc_a, Wc_x = p["Wc"][:, :n_a], p["Wc"][:, n_a:]
        cct = np.tanh(Wc_x @ xt + rt * (Wc_a @ a_prev) + p["bc"])
    else:
        cct = np.tanh(p["Wc"] @ np.concatenate([rt * a_prev, xt]) + p["bc"])
    a_next = zt * a_prev + (1 - zt) * cct
    yt_pred = softmax(p["Wy"] @ a_next + p["by"])
    return a_next, yt_pred, zt, rt, cct


def gru_cell_forward(
    xt: np.ndarray, a_prev: np.ndarray, parameters: dict, *, reset_after: bool = False
):
    """One forward step of the GRU cell.

    Parameters
    ----------
    xt : ndarray, shape (n_x, m)
        Input at time step t.
    a_prev : ndarray, shape (n_a, m)
        Hidden state at time step t - 1.
    parameters : dict
        ``Wz``, ``Wr``, ``Wc`` (n_a, n_a + n_x) acting on ``[a_prev; xt]``;
        ``bz``, ``br``, ``bc`` (n_a, 1); ``Wy`` (n_y, n_a); ``by`` (n_y, 1).
    reset_after : bool, keyword-only
        Where the reset gate acts: ``False`` (default) scales ``a_prev`` before
        the candidate's hidden matmul, ``True`` scales that matmul's result.
        See the module docstring.

    Returns
    -------
    a_next : ndarray, shape (n_a, m)
    yt_pred : ndarray, shape (n_y, m)
        Softmax over the class axis.
    cache : GRUCache
        ``(a_next, a_prev, zt, rt, cct, xt, parameters, reset_after)``, a named
        tuple, for :func:`gru_cell_backward`: ``zt``, ``rt`` and ``cct`` (n_a, m)
        are the update gate, the reset gate and the candidate state.

    Raises
    ------
    TypeError
        If an argument is not a float32/float64 ndarray (or ``parameters`` not a
        dict), the arrays do not share one dtype, or ``reset_after`` is not a
        bool.
    ValueError
        If a shape disagrees with ``Wz``/``Wy``, ``Wz`` leaves ``n_x < 1``, a
        parameter key is missing or an input holds NaN or infinity.
    """
    func = "gru_cell_forward"
    reset_after = _check_reset_after(func, "reset_after", reset_after)
    p = _check_parameters(func, parameters)
    n_a, n_ax = p["Wz"].shape
    check_array(func, "xt", xt, (n_ax - n_a, None), "n_x, m")
    m = xt.shape[1]
    check_array(func, "a_prev", a_prev, (n_a, m), "n_a, m")
    common_dtype(func, xt=xt, a_prev=a_prev, **p)
    a_next, yt_pred, zt, rt, cct = _cell_forward(xt, a_prev, p, reset_after)
    return a_next, yt_pred, GRUCache(a_next, a_prev, zt, rt, cct, xt, parameters, reset_after)


class _Steps(NamedTuple):
    """The per-step arrays of :func:`gru_forward`, time-major, for the backward."""

    a_next: np.ndarray  # (T_x, n_a, m)
    a_prev: np.ndarray  # (T_x, n_a, m); views of the same states as a_next, one step earlier
    gates: np.ndarray  # (T_x, 3 n_a, m): cc_t, z_t, r_t in this order
    hc: np.ndarray | None  # (T_x, n_a, m): Wc_a a_{t-1}, reset-after only, else None
    x: np.ndarray  # (n_x, m, T_x)
    reset_after: bool


def _blocks(p, n_a):
    """Stacked weights: the input columns ``(3 n_a, n_x)`` and biases ``(3 n_a, 1)``
    of ``cc, z, r``, and the hidden columns ``(n_a, n_a)`` of ``z``, ``r``, ``cc``."""
    W_x = np.concatenate([p["Wc"][:, n_a:], p["Wz"][:, n_a:], p["Wr"][:, n_a:]])
    b = np.concatenate([p["bc"], p["bz"], p["br"]])
    return W_x, b, p["Wz"][:, :n_a], p["Wr"][:, :n_a], p["Wc"][:, :n_a]


def gru_forward(x: np.ndarray, a0: np.ndarray, parameters: dict, *, reset_after: bool = False):
    """Forward pass of the GRU over a whole sequence.

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
        Input at every time step.
    a0 : ndarray, shape (n_a, m)
        Initial hidden state.
    parameters : dict
        As for :func:`gru_cell_forward`.
    reset_after : bool, keyword-only
        As for :func:`gru_cell_forward`.

    Returns
    -------
    a : ndarray, shape (n_a, m, T_x)
        Hidden state at every time step.
    y_pred : ndarray, shape (n_y, m, T_x)
        Softmax prediction at every time step.
    caches : tuple
        ``(list_of_cell_caches, x)``; entry ``t`` of the list is the cache
        ``(a_next, a_prev, zt, rt, cct, xt, parameters, reset_after)`` of
        :func:`gru_cell_forward` at step ``t``, its arrays views into the
        time-major arrays the list also carries (see
        :class:`manual_rnn._sequence.CellCaches`).

    Raises
    ------
    TypeError, ValueError
        As for :func:`gru_cell_forward`, naming ``x`` or ``a0``.
    """
    func = "gru_forward"
    reset_after = _check_reset_after(func, "reset_after", reset_after)
    p = _check_parameters(func, parameters)
    n_a, n_ax = p["Wz"].shape
    n_y = p["Wy"].shape[0]
    check_array(func, "x", x, (n_ax - n_a, None, None), "n_x, m, T_x")
    _, m, T_x = x.shape
    check_array(func, "a0", a0, (n_a, m), "n_a, m")
    dtype = common_dtype(func, x=x, a0=a0, **p)

    W_x, b, Wz_a, Wr_a, Wc_a = _blocks(p, n_a)
    gates = np.add(W_x @ np.ascontiguousarray(x.transpose(2, 0, 1)), b)  # (T_x, 3 n_a, m)
    states = np.empty((T_x + 1, n_a, m), dtype=dtype)  # a0, a_1, ..., a_T_x
    states[0] = a0
    if reset_after:  # one matmul per step for the hidden part of all three
        W_a = np.concatenate([Wz_a, Wr_a, Wc_a])
        hc = np.empty((T_x, n_a, m), dtype=dtype)
    else:
        W_a, Wc_a, hc = np.concatenate([Wz_a, Wr_a]), np.ascontiguousarray(Wc_a), None
    with np.errstate(over="ignore"):
        for t in range(T_x):
            a_prev, cc, zr = states[t], gates[t, :n_a], gates[t, n_a:]
            h = W_a @ a_prev
            zr += h[: 2 * n_a]
            z, r = sigmoid_inplace(zr).reshape(2, n_a, m)
            if reset_after:
                hc[t] = h[2 * n_a :]
                cc += r * hc[t]
            else:
                cc += Wc_a @ (r * a_prev)
            np.tanh(cc, out=cc)
            a_next = states[t + 1]  # cc + z (a_prev - cc)
            np.subtract(a_prev, cc, out=a_next)
            a_next *= z
            a_next += cc

    a = np.ascontiguousarray(states[1:].transpose(1, 2, 0))
    y_pred = softmax((p["Wy"] @ a.reshape(n_a, m * T_x) + p["by"]).reshape(n_y, m, T_x))
    steps = _Steps(states[1:], states[:-1], gates, hc, x, reset_after)
    cct, zt, rt = (gates[:, k * n_a : (k + 1) * n_a] for k in range(3))  # (T_x, n_a, m) each
    entries = [
        GRUCache(states[t + 1], states[t], zt[t], rt[t], cct[t], x[:, :, t], parameters,
                 reset_after)
        for t in range(T_x)
    ]
    return a, y_pred, (CellCaches(entries, steps), x)


def _cell_backward(da_next, cache):
    _, a_prev, zt, rt, cct, xt, p, reset_after = cache
    n_a = a_prev.shape[0]
    Wc_a, Wc_x = p["Wc"][:, :n_a], p["Wc"][:, n_a:]
    dz_pre = da_next * (a_prev - cct) * zt * (1 - zt)
    dc_pre = da_next * (1 - zt) * (1 - cct * cct)
    dxt_c = Wc_x.T @ dc_pre
    if reset_after:
        dh = dc_pre * rt
        dWc = np.concatenate([dh @ a_prev.T, dc_pre @ xt.T], axis=1)
        dr = dc_pre * (Wc_a @ a_prev)
        da_prev_c = Wc_a.T @ dh
    else:
        dWc = dc_pre @ np.concatenate([rt * a_prev, xt]).T
        dra = Wc_a.T @ dc_pre
        dr = dra * a_prev
        da_prev_c = dra * rt
    dr_pre = dr * rt * (1 - rt)
    s = np.concatenate([a_prev, xt])
    ds = p["Wz"].T @ dz_pre + p["Wr"].T @ dr_pre
    return {
        "dxt": ds[n_a:] + dxt_c,
        "da_prev": da_next * zt + ds[:n_a] + da_prev_c,
        "dWz": dz_pre @ s.T,
        "dbz": dz_pre.sum(axis=1, keepdims=True),
        "dWr": dr_pre @ s.T,
        "dbr": dr_pre.sum(axis=1, keepdims=True),
        "dWc": dWc,
        "dbc": dc_pre.sum(axis=1, keepdims=True),
    }


def _check_cell_cache(func: str, name: str, cache) -> GRUCache:
    """Validate a cell cache (a :class:`GRUCache` or a plain tuple); return it as a
    :class:`GRUCache` whose ``parameters`` are the validated ones."""
    cache = GRUCache._make(check_cache(func, name, cache, len(GRUCache._fields)))
    p = _check_parameters(func, cache.parameters)
    n_a, n_ax = p["Wz"].shape
    check_array(func, field_label(name, GRUCache, "xt"), cache.xt, (n_ax - n_a, None), "n_x, m")
    m = cache.xt.shape[1]
    for field in ("a_next", "a_prev", "zt", "rt", "cct"):
        check_array(func, field_label(name, GRUCache, field), getattr(cache, field), (n_a, m),
                    "n_a, m")
    reset_after = _check_reset_after(func, field_label(name, GRUCache, "reset_after"),
                                     cache.reset_after)
    return cache._replace(parameters=p, reset_after=reset_after)


def gru_cell_backward(da_next: np.ndarray, cache: tuple) -> dict:
    """Backward pass of one GRU cell step.

    The variant (``reset_after``) is read from the cache.

    Parameters
    ----------
    da_next : ndarray, shape (n_a, m)
        Gradient of the loss with respect to the cell's output ``a_next``.
    cache : GRUCache or tuple
        ``(a_next, a_prev, zt, rt, cct, xt, parameters, reset_after)`` from
        :func:`gru_cell_forward`.

    Returns
    -------
    gradients : dict
        ``dxt`` (n_x, m), ``da_prev`` (n_a, m), ``dWz``, ``dWr``, ``dWc``
        (n_a, n_a + n_x), ``dbz``, ``dbr``, ``dbc`` (n_a, 1).

    Raises
    ------
    TypeError, ValueError
        If ``cache`` is not the forward pass's 8-tuple or ``da_next`` does not
        have the shape of ``a_next``.
    """
    func = "gru_cell_backward"
    cache = _check_cell_cache(func, "cache", cache)
    check_array(func, "da_next", da_next, cache.a_next.shape, "n_a, m")
    common_dtype(func, da_next=da_next, xt=cache.xt, **cache.parameters)
    return _cell_backward(da_next, cache)


def _check_caches(func: str, caches) -> tuple[_Steps, dict]:
    """Validate the forward pass's caches; return its stacked steps and parameters.

    Caches from :func:`gru_forward` are validated through their stacked arrays
    (a finiteness check of one sum each); a hand-built list of cell caches is
    validated entry by entry and stacked (all its entries must share one
    ``reset_after``).
    """
    cell_caches, x = check_cache(func, "caches", caches, 2)
    if not isinstance(cell_caches, (list, tuple)) or not cell_caches:
        raise ValueError(
            f"{func}: caches[0] must be the non-empty list of cell caches from the forward "
            f"pass, got {type(cell_caches).__name__}"
        )
    steps = cell_caches.intact_stacked() if isinstance(cell_caches, CellCaches) else None
    if steps is None or not all_finite(steps.a_next, steps.a_prev, steps.gates):
        checked = [_check_cell_cache(func, f"caches[0][{t}]", c) for t, c in enumerate(cell_caches)]
        if len({c.reset_after for c in checked}) > 1:
            raise ValueError(
                f"{func}: caches[0] mixes cell caches with reset_after=True and =False; "
                f"a sequence has one variant"
            )
        p, reset_after = checked[0].parameters, checked[0].reset_after
        a_next, a_prev = stack_field(checked, "a_next"), stack_field(checked, "a_prev")
        n_a = a_next.shape[1]
        hc = p["Wc"][:, :n_a] @ a_prev if reset_after else None
        gates = np.concatenate([stack_field(checked, g) for g in ("cct", "zt", "rt")], axis=1)
        steps = _Steps(a_next, a_prev, gates, hc, stack_field(checked, "xt").transpose(1, 2, 0),
                       reset_after)
    else:
        p = _check_parameters(func, cell_caches[0].parameters)
    check_array(func, "caches[1] (x)", x, (None, None, len(cell_caches)))
    return steps, p


def gru_backward(da: np.ndarray, caches: tuple) -> dict:
    """Backward pass of the GRU through time.

    ``T_x`` is read from ``da.shape``: a ``da`` shorter than the forward
    sequence back-propagates through its first ``T_x`` steps only (the
    gradients are those of the truncated sequence). The variant
    (``reset_after``) is read from the caches.

    Parameters
    ----------
    da : ndarray, shape (n_a, m, T_x)
        Upstream gradient of the loss with respect to every hidden state (for
        the softmax loss, the ``da`` of :func:`gru_loss_backward`).
    caches : tuple
        ``(list_of_cell_caches, x)`` from :func:`gru_forward`, or a list of
        :func:`gru_cell_forward` caches of one variant built by hand.

    Returns
    -------
    gradients : dict
        ``dx`` (n_x, m, T_x), ``da0`` (n_a, m) the gradient with respect to the
        initial hidden state, ``dWz``, ``dWr``, ``dWc`` (n_a, n_a + n_x),
        ``dbz``, ``dbr``, ``dbc`` (n_a, 1).

    Raises
    ------
    TypeError, ValueError
        If ``caches`` is not the forward pass's ``(list, x)`` tuple (or mixes
        both variants), or ``da`` does not have shape ``(n_a, m, T_x)`` with
        ``T_x`` at most the number of cached steps.
    """
    func = "gru_backward"
    steps, p = _check_caches(func, caches)
    T_cached, n_a, m = steps.a_next.shape
    n_x = steps.x.shape[0]
    T_x = check_da(func, da, n_a, m, T_cached)
    dtype = common_dtype(func, da=da, x=steps.x, **p)
    reset_after = steps.reset_after

    # dgates[t] becomes [dc_pre; dz_pre; dr_pre] of step t, stacked like the gates,
    # and reset after also dh, the gradient on Wc_a a_{t-1} (names and equations of
    # the module docstring). Each is the gradient reaching its block times a factor
    # that does not depend on the recurrence: those factors are filled in here for
    # every step, and the loop multiplies them in place by da_next (dc_pre, dz_pre)
    # or by the gradient reaching r_t (dr_pre).
    gates, a_prev = steps.gates[:T_x], steps.a_prev[:T_x]
    cc, z, r = (gates[:, k * n_a : (k + 1) * n_a] for k in range(3))
    dgates = np.empty((T_x, (4 if reset_after else 3) * n_a, m), dtype=dtype)
    dc_pre, dz_pre, dr_pre = (dgates[:, k * n_a : (k + 1) * n_a] for k in range(3))
    np.multiply(1 - z, 1 - cc * cc, out=dc_pre)  # (1 - z_t)(1 - cc_t**2)
    np.multiply(a_prev - cc, z * (1 - z), out=dz_pre)  # (a_{t-1} - cc_t) z_t (1 - z_t)
    np.multiply(r, 1 - r, out=dr_pre)  # r_t (1 - r_t), times what r_t scales:
    dr_pre *= steps.hc[:T_x] if reset_after else a_prev  # Wc_a a_{t-1}, or a_{t-1}
    dcz_pre = dgates[:, : 2 * n_a].reshape(T_x, 2, n_a, m, copy=False)  # dc_pre, dz_pre
    dh = dgates[:, 3 * n_a :]  # (T_x, n_a, m) reset after, else empty
    d_hidden = dgates[:, n_a:]  # dz_pre, dr_pre (, dh): reach a_{t-1} through one matmul

    W_x, _, Wz_a, Wr_a, Wc_a = _blocks(p, n_a)
    W_hidden = [Wz_a, Wr_a, Wc_a] if reset_after else [Wz_a, Wr_a]
    W_hidden_T = np.ascontiguousarray(np.concatenate(W_hidden).T)  # (n_a, 3 or 2 n_a)
    Wc_a_T = np.ascontiguousarray(Wc_a.T)
    da_prevt = np.zeros((n_a, m), dtype=dtype)
    for t in reversed(range(T_x)):
        da_next = da[:, :, t] + da_prevt
        dcz_pre[t] *= da_next
        if reset_after:
            dr_pre[t] *= dc_pre[t]  # dr = dc_pre * (Wc_a a_{t-1})
            np.multiply(dc_pre[t], r[t], out=dh[t])
        else:
            dra = Wc_a_T @ dc_pre[t]  # the gradient on r_t * a_{t-1}
            dr_pre[t] *= dra  # dr = dra * a_{t-1}
        da_prevt = W_hidden_T @ d_hidden[t]  # ds_a, and reset after da_prev_c = Wc_a^T dh
        da_prevt += da_next * z[t]
        if not reset_after:
            da_prevt += dra * r[t]  # da_prev_c, reset before

    # The weight gradients are sums over the steps: one matmul over all steps' columns.
    dgates = time_columns(dgates)  # (3 or 4 n_a, T_x m): rows cc, z, r (, h)
    d_x = dgates[: 3 * n_a]
    x_cols = time_columns(steps.x[:, :, :T_x].transpose(2, 0, 1))
    a_cols = time_columns(a_prev)
    dx = (np.ascontiguousarray(W_x.T) @ d_x).reshape(n_x, T_x, m)
    dW_x = d_x @ x_cols.T  # (3 n_a, n_x): cc, z, r
    db = d_x.sum(axis=1, keepdims=True)
    if reset_after:
        dWz_a, dWr_a, dWc_a = np.split(dgates[n_a:] @ a_cols.T, 3)
    else:
        dWz_a, dWr_a = np.split(dgates[n_a : 3 * n_a] @ a_cols.T, 2)
        dWc_a = dgates[:n_a] @ time_columns(r * a_prev).T
    dWc_x, dWz_x, dWr_x = np.split(dW_x, 3)
    dbc, dbz, dbr = np.split(db, 3)
    return {
        "dx": np.ascontiguousarray(dx.transpose(0, 2, 1)),
        "da0": da_prevt,
        "dWz": np.concatenate([dWz_a, dWz_x], axis=1),
        "dbz": dbz,
        "dWr": np.concatenate([dWr_a, dWr_x], axis=1),
        "dbr": dbr,
        "dWc": np.concatenate([dWc_a, dWc_x], axis=1),
        "dbc": dbc,
    }


def gru_loss(y_pred: np.ndarray, labels: np.ndarray) -> np.floating:
    """Mean softmax cross-entropy over batch and time; see :mod:`manual_rnn.loss`."""
    return cross_entropy_loss(y_pred, labels)


def gru_loss_backward(y_pred: np.ndarray, labels: np.ndarray, caches: tuple) -> dict:
    """Gradient of :func:`gru_loss` through the output layer.

    Parameters
    ----------
    y_pred : ndarray, shape (n_y, m, T_x)
        Predictions of :func:`gru_forward`.
    labels : ndarray of int, shape (m, T_x)
        True class indices in ``[0, n_y)``.
    caches : tuple
        ``(list_of_cell_caches, x)`` from :func:`gru_forward`.

    Returns
    -------
    gradients : dict
        ``dWy`` (n_y, n_a), ``dby`` (n_y, 1), and ``da`` (n_a, m, T_x), the
        upstream gradient on every hidden state, to pass to
        :func:`gru_backward`. Together with that function's result this is the
        gradient of the loss with respect to every parameter, ``x`` and ``a0``.

    Raises
    ------
    TypeError, ValueError
        If ``y_pred``, ``labels`` and ``caches`` disagree in shape.
    """
    func = "gru_loss_backward"
    steps, p = _check_caches(func, caches)
    return loss_backward_from_states(func, y_pred, labels, steps.a_next, p, ("Wy", "by"))
