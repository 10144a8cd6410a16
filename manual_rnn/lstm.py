r"""LSTM with a softmax output layer: forward and backward by hand.

Every gate weight has shape ``(n_a, n_a + n_x)`` and acts on the concatenation
``s_t = [a_{t-1}; x_t]`` of shape ``(n_a + n_x, m)``, hidden state first. For
one time step::

    f_t  = sigmoid(Wf s_t + bf)                       # forget gate,  (n_a, m)
    i_t  = sigmoid(Wi s_t + bi)                       # input gate,   (n_a, m)
    cc_t = tanh(Wc s_t + bc)                          # candidate,    (n_a, m)
    c_t  = f_t * c_{t-1} + i_t * cc_t                 # cell state,   (n_a, m)
    o_t  = sigmoid(Wo s_t + bo)                       # output gate,  (n_a, m)
    a_t  = o_t * tanh(c_t)                            # hidden state, (n_a, m)
    y_t  = softmax(Wy a_t + by)                       # (n_y, m), softmax over axis 0

Backward, given the gradients ``da_next`` and ``dc_next`` of the loss with
respect to ``a_t`` and ``c_t`` (``dft, dit, dcct, dot``, the exercise's names,
are the gradients with respect to the gates' pre-activations)::

    dc   = dc_next + da_next * o_t * (1 - tanh(c_t)**2)   # all paths into c_t
    dft  = dc * c_{t-1} * f_t * (1 - f_t)
    dit  = dc * cc_t * i_t * (1 - i_t)
    dcct = dc * i_t * (1 - cc_t**2)
    dot  = da_next * tanh(c_t) * o_t * (1 - o_t)
    dWf = dft s_t^T    dWi = dit s_t^T    dWc = dcct s_t^T    dWo = dot s_t^T
    dbf, dbi, dbc, dbo = sums over the batch axis of dft, dit, dcct, dot
    [da_prev; dxt] = Wf^T dft + Wi^T dit + Wc^T dcct + Wo^T dot
    dc_prev = dc * f_t

Some versions of the exercise print a wrong candidate gradient (with an extra
``cc_t`` factor and ``1 - tanh(cc_t)**2``); ``cc_t`` is already the tanh, so its
derivative is ``1 - cc_t**2`` as above.

Through time, the gradient reaching ``a_t`` is the upstream ``da[:, :, t]``
plus the ``da_prev`` carried back from step ``t + 1``, and the gradient reaching
``c_t`` is the ``dc_prev`` carried back from step ``t + 1`` only (the cell state
receives no upstream gradient, as in the exercise). The weight gradients are
sums over all steps, and ``da0`` is the ``da_prev`` left after step 0. The
initial cell state ``c0`` is zero, so no ``dc0`` is returned.

The sequence functions stack the four gates into one ``(4 n_a, n_a + n_x)``
weight and one ``(4 n_a, m)`` array per step, in the order ``o, f, i, cc``
(``_GATE_ORDER``); the code names each gate's block (:func:`_by_gate`), and the
docstrings and gradient dicts keep the exercise's order ``f, i, c, o``. The
stacked order serves the loops: the three sigmoid gates ``o, f, i`` are
adjacent, so the forward activates them with one call, and so are the three
gates whose gradient is proportional to ``dc`` (``f, i, cc``), so the backward
scales them with one multiplication. The forward computes the input part
``W[:, n_a:] x_t + b`` of every step before the loop, and each step one matmul
``W[:, :n_a] a_{t-1}`` for all gates. The backward computes the factors of
``dft, dit, dcct, dot`` above that do not depend on the recurrence (everything
but ``dc`` and ``da_next``) for all steps before its loop, keeps only ``dc``,
the scaling of those factors by ``dc`` or ``da_next`` and the matmul
``W[:, :n_a]^T [dot; dft; dit; dcct]`` in the loop, and after it computes
``dx``, every ``dW`` and ``db`` as one matmul (or sum) over the ``m * T_x``
columns of all steps. Per-step arrays are stacked step-major, ``(T_x, n, m)``
(the RNN keeps ``(n, T_x, m)``; measured slower here, see
``docs/performance.md``); the forward's list of cell caches is a
:class:`manual_rnn._sequence.CellCaches` of views into those stacks.

The API (names, argument order, shapes, dictionary keys, cache tuples) is the
one of the "RNN step by step" exercise. Every public function validates its
input, keeps the input dtype (float32 or float64) and never modifies its
arguments.
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
from .caches import LSTMCache, field_label
from .loss import cross_entropy_loss, loss_backward_from_states

__all__ = [
    "lstm_cell_forward",
    "lstm_forward",
    "lstm_cell_backward",
    "lstm_backward",
    "lstm_loss",
    "lstm_loss_backward",
]


def _check_parameters(func: str, parameters) -> dict[str, np.ndarray]:
    return check_gate_parameters(func, parameters, "fico")


def _cell_forward(xt, a_prev, c_prev, p):
    s = np.concatenate([a_prev, xt])
    ft = sigmoid(p["Wf"] @ s + p["bf"])
    it = sigmoid(p["Wi"] @ s + p["bi"])
    cct = np.tanh(p["Wc"] @ s + p["bc"])
    c_next = ft * c_prev + it * cct
    ot = sigmoid(p["Wo"] @ s + p["bo"])
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(p["Wy"] @ a_next + p["by"])
    return a_next, c_next, yt_pred, ft, it, cct, ot


def lstm_cell_forward(xt: np.ndarray, a_prev: np.ndarray, c_prev: np.ndarray, parameters: dict):
    """One forward step of the LSTM cell.

    Parameters
    ----------
    xt : ndarray, shape (n_x, m)
        Input at time step t.
    a_prev : ndarray, shape (n_a, m)
        Hidden state at time step t - 1.
    c_prev : ndarray, shape (n_a, m)
        Cell state at time step t - 1.
    parameters : dict
        ``Wf``, ``Wi``, ``Wc``, ``Wo`` (n_a, n_a + n_x) acting on
        ``[a_prev; xt]``; ``bf``, ``bi``, ``bc``, ``bo`` (n_a, 1);
        ``Wy`` (n_y, n_a); ``by`` (n_y, 1).

    Returns
    -------
    a_next : ndarray, shape (n_a, m)
    c_next : ndarray, shape (n_a, m)
    yt_pred : ndarray, shape (n_y, m)
        Softmax over the class axis.
    cache : LSTMCache
        ``(a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)``,
        a named tuple, for :func:`lstm_cell_backward`: ``ft``, ``it``, ``cct``
        and ``ot`` (n_a, m) are the forget gate, the input gate, the candidate
        cell state and the output gate.

    Raises
    ------
    TypeError
        If an argument is not a float32/float64 ndarray (or ``parameters`` not a
        dict), or the arrays do not share one dtype.
    ValueError
        If a shape disagrees with ``Wf``/``Wy``, ``Wf`` leaves ``n_x < 1``, a
        parameter key is missing or an input holds NaN or infinity.
    """
    func = "lstm_cell_forward"
    p = _check_parameters(func, parameters)
    n_a, n_ax = p["Wf"].shape
    check_array(func, "xt", xt, (n_ax - n_a, None), "n_x, m")
    m = xt.shape[1]
    check_array(func, "a_prev", a_prev, (n_a, m), "n_a, m")
    check_array(func, "c_prev", c_prev, (n_a, m), "n_a, m")
    common_dtype(func, xt=xt, a_prev=a_prev, c_prev=c_prev, **p)
    a_next, c_next, yt_pred, ft, it, cct, ot = _cell_forward(xt, a_prev, c_prev, p)
    cache = LSTMCache(a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache


class _Steps(NamedTuple):
    """The per-step arrays of :func:`lstm_forward`, time-major, for the backward."""

    a_next: np.ndarray  # (T_x, n_a, m)
    c_next: np.ndarray  # (T_x, n_a, m)
    a_prev: np.ndarray  # (T_x, n_a, m); views of the same states as a_next, one step earlier
    c_prev: np.ndarray  # (T_x, n_a, m)
    gates: np.ndarray  # (T_x, 4 n_a, m): o_t, f_t, i_t, cc_t, in _GATE_ORDER
    x: np.ndarray  # (n_x, m, T_x)


# Order of the gates in the stacked weights and arrays: the three sigmoid gates
# first, so that one call activates them, and the output gate first of all,
# because only its gradient comes from da_next (the others' comes from dc).
_GATE_ORDER = ("o", "f", "i", "c")


def _stacked_weights(p):
    """The gate weights ``(4 n_a, n_a + n_x)`` and biases ``(4 n_a, 1)`` in ``_GATE_ORDER``."""
    return (
        np.concatenate([p[f"W{g}"] for g in _GATE_ORDER]),
        np.concatenate([p[f"b{g}"] for g in _GATE_ORDER]),
    )


def _by_gate(stacked: np.ndarray, n_a: int) -> tuple[np.ndarray, ...]:
    """The blocks ``f, i, cc, o`` (the exercise's order) of an array whose axis -2
    holds the four gates in ``_GATE_ORDER`` (``4 n_a`` long): views."""
    o, f, i, cc = (stacked[..., k * n_a : (k + 1) * n_a, :] for k in range(4))
    return f, i, cc, o


def lstm_forward(x: np.ndarray, a0: np.ndarray, parameters: dict):
    """Forward pass of the LSTM over a whole sequence, from a zero cell state.

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
        Input at every time step.
    a0 : ndarray, shape (n_a, m)
        Initial hidden state. The initial cell state ``c0`` is zero.
    parameters : dict
        As for :func:`lstm_cell_forward`.

    Returns
    -------
    a : ndarray, shape (n_a, m, T_x)
        Hidden state at every time step.
    y : ndarray, shape (n_y, m, T_x)
        Softmax prediction at every time step.
    c : ndarray, shape (n_a, m, T_x)
        Cell state at every time step.
    caches : tuple
        ``(list_of_cell_caches, x)``; entry ``t`` of the list is the cache
        ``(a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)`` of
        :func:`lstm_cell_forward` at step ``t``, its arrays views into the
        time-major arrays the list also carries (see
        :class:`manual_rnn._sequence.CellCaches`).

    Raises
    ------
    TypeError, ValueError
        As for :func:`lstm_cell_forward`, naming ``x`` or ``a0``.
    """
    func = "lstm_forward"
    p = _check_parameters(func, parameters)
    n_a, n_ax = p["Wf"].shape
    n_y = p["Wy"].shape[0]
    check_array(func, "x", x, (n_ax - n_a, None, None), "n_x, m, T_x")
    _, m, T_x = x.shape
    check_array(func, "a0", a0, (n_a, m), "n_a, m")
    dtype = common_dtype(func, x=x, a0=a0, **p)

    W, b = _stacked_weights(p)
    W_a = np.ascontiguousarray(W[:, :n_a])
    gates = np.add(W[:, n_a:] @ np.ascontiguousarray(x.transpose(2, 0, 1)), b)  # (T_x, 4 n_a, m)
    a_states = np.empty((T_x + 1, n_a, m), dtype=dtype)  # a0, a_1, ..., a_T_x
    c_states = np.empty((T_x + 1, n_a, m), dtype=dtype)
    a_states[0], c_states[0] = a0, 0
    tanh_c = np.empty((n_a, m), dtype=dtype)
    with np.errstate(over="ignore"):
        for t in range(T_x):
            z = gates[t]
            z += W_a @ a_states[t]
            sigmoid_inplace(z[: 3 * n_a])
            np.tanh(z[3 * n_a :], out=z[3 * n_a :])
            o, f, i, cc = z.reshape(4, n_a, m)
            c_next = c_states[t + 1]
            np.multiply(f, c_states[t], out=c_next)
            c_next += i * cc
            np.tanh(c_next, out=tanh_c)
            np.multiply(o, tanh_c, out=a_states[t + 1])

    a = np.ascontiguousarray(a_states[1:].transpose(1, 2, 0))
    c = np.ascontiguousarray(c_states[1:].transpose(1, 2, 0))
    y = softmax((p["Wy"] @ a.reshape(n_a, m * T_x) + p["by"]).reshape(n_y, m, T_x))
    steps = _Steps(a_states[1:], c_states[1:], a_states[:-1], c_states[:-1], gates, x)
    ft, it, cct, ot = _by_gate(gates, n_a)
    entries = [
        LSTMCache(a_states[t + 1], c_states[t + 1], a_states[t], c_states[t],
                  ft[t], it[t], cct[t], ot[t], x[:, :, t], parameters)
        for t in range(T_x)
    ]
    return a, y, c, (CellCaches(entries, steps), x)


def _cell_backward(da_next, dc_next, cache):
    _, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p = cache
    n_a = a_prev.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c * tanh_c)
    dot = da_next * tanh_c * ot * (1 - ot)
    dcct = dc * it * (1 - cct * cct)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)
    s = np.concatenate([a_prev, xt])
    ds = p["Wf"].T @ dft + p["Wi"].T @ dit + p["Wc"].T @ dcct + p["Wo"].T @ dot
    return {
        "dxt": ds[n_a:],
        "da_prev": ds[:n_a],
        "dc_prev": dc * ft,
        "dWf": dft @ s.T,
        "dbf": dft.sum(axis=1, keepdims=True),
        "dWi": dit @ s.T,
        "dbi": dit.sum(axis=1, keepdims=True),
        "dWc": dcct @ s.T,
        "dbc": dcct.sum(axis=1, keepdims=True),
        "dWo": dot @ s.T,
        "dbo": dot.sum(axis=1, keepdims=True),
    }


def _check_cell_cache(func: str, name: str, cache) -> LSTMCache:
    """Validate a cell cache (an :class:`LSTMCache` or a plain tuple); return it as an
    :class:`LSTMCache` whose ``parameters`` are the validated ones."""
    cache = LSTMCache._make(check_cache(func, name, cache, len(LSTMCache._fields)))
    p = _check_parameters(func, cache.parameters)
    n_a, n_ax = p["Wf"].shape
    check_array(func, field_label(name, LSTMCache, "xt"), cache.xt, (n_ax - n_a, None), "n_x, m")
    m = cache.xt.shape[1]
    for field in LSTMCache._fields:
        if field not in ("xt", "parameters"):  # the states and the gates
            check_array(func, field_label(name, LSTMCache, field), getattr(cache, field), (n_a, m),
                        "n_a, m")
    return cache._replace(parameters=p)


def lstm_cell_backward(da_next: np.ndarray, dc_next: np.ndarray, cache: tuple) -> dict:
    """Backward pass of one LSTM cell step.

    Parameters
    ----------
    da_next : ndarray, shape (n_a, m)
        Gradient of the loss with respect to the cell's output ``a_next``.
    dc_next : ndarray, shape (n_a, m)
        Gradient of the loss with respect to the cell state ``c_next``.
    cache : LSTMCache or tuple
        ``(a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)``
        from :func:`lstm_cell_forward`.

    Returns
    -------
    gradients : dict
        ``dxt`` (n_x, m), ``da_prev`` (n_a, m), ``dc_prev`` (n_a, m),
        ``dWf``, ``dWi``, ``dWc``, ``dWo`` (n_a, n_a + n_x),
        ``dbf``, ``dbi``, ``dbc``, ``dbo`` (n_a, 1).

    Raises
    ------
    TypeError, ValueError
        If ``cache`` is not the forward pass's 10-tuple, or ``da_next`` or
        ``dc_next`` does not have the shape of ``a_next``.
    """
    func = "lstm_cell_backward"
    cache = _check_cell_cache(func, "cache", cache)
    check_array(func, "da_next", da_next, cache.a_next.shape, "n_a, m")
    check_array(func, "dc_next", dc_next, cache.a_next.shape, "n_a, m")
    common_dtype(func, da_next=da_next, dc_next=dc_next, xt=cache.xt, **cache.parameters)
    return _cell_backward(da_next, dc_next, cache)


def _check_caches(func: str, caches) -> tuple[_Steps, dict]:
    """Validate the forward pass's caches; return its stacked steps and parameters.

    Caches from :func:`lstm_forward` are validated through their stacked arrays
    (a finiteness check of one sum each); a hand-built list of cell caches is
    validated entry by entry and stacked.
    """
    cell_caches, x = check_cache(func, "caches", caches, 2)
    if not isinstance(cell_caches, (list, tuple)) or not cell_caches:
        raise ValueError(
            f"{func}: caches[0] must be the non-empty list of cell caches from the forward "
            f"pass, got {type(cell_caches).__name__}"
        )
    steps = cell_caches.intact_stacked() if isinstance(cell_caches, CellCaches) else None
    if steps is None or not all_finite(steps.a_next, steps.c_next, steps.a_prev, steps.c_prev,
                                       steps.gates):
        checked = [_check_cell_cache(func, f"caches[0][{t}]", c) for t, c in enumerate(cell_caches)]
        gates = [stack_field(checked, g) for g in ("ot", "ft", "it", "cct")]  # in _GATE_ORDER
        steps = _Steps(
            a_next=stack_field(checked, "a_next"),
            c_next=stack_field(checked, "c_next"),
            a_prev=stack_field(checked, "a_prev"),
            c_prev=stack_field(checked, "c_prev"),
            gates=np.concatenate(gates, axis=1),
            x=stack_field(checked, "xt").transpose(1, 2, 0),
        )
        p = checked[0].parameters
    else:
        p = _check_parameters(func, cell_caches[0].parameters)
    check_array(func, "caches[1] (x)", x, (None, None, len(cell_caches)))
    return steps, p


def lstm_backward(da: np.ndarray, caches: tuple) -> dict:
    """Backward pass of the LSTM through time.

    ``T_x`` is read from ``da.shape``: a ``da`` shorter than the forward
    sequence back-propagates through its first ``T_x`` steps only (the
    gradients are those of the truncated sequence). The cell states receive no
    upstream gradient; their gradient is carried back between steps only.

    Parameters
    ----------
    da : ndarray, shape (n_a, m, T_x)
        Upstream gradient of the loss with respect to every hidden state (for
        the softmax loss, the ``da`` of :func:`lstm_loss_backward`).
    caches : tuple
        ``(list_of_cell_caches, x)`` from :func:`lstm_forward`, or a list of
        :func:`lstm_cell_forward` caches built by hand.

    Returns
    -------
    gradients : dict
        ``dx`` (n_x, m, T_x), ``da0`` (n_a, m) the gradient with respect to the
        initial hidden state, ``dWf``, ``dWi``, ``dWc``, ``dWo``
        (n_a, n_a + n_x), ``dbf``, ``dbi``, ``dbc``, ``dbo`` (n_a, 1).

    Raises
    ------
    TypeError, ValueError
        If ``caches`` is not the forward pass's ``(list, x)`` tuple, or ``da``
        does not have shape ``(n_a, m, T_x)`` with ``T_x`` at most the number
        of cached steps.

    Notes
    -----
    The equations are those of the module docstring. Internally the gates'
    arrays and weights are stacked in the order ``o, f, i, cc`` (see the module
    docstring for why); the code reads them through named views in the
    exercise's order.
    """
    func = "lstm_backward"
    steps, p = _check_caches(func, caches)
    T_cached, n_a, m = steps.a_next.shape
    n_x = steps.x.shape[0]
    T_x = check_da(func, da, n_a, m, T_cached)
    dtype = common_dtype(func, da=da, x=steps.x, **p)

    ft, it, cct, ot = _by_gate(steps.gates[:T_x], n_a)  # (T_x, n_a, m) each
    c_prev = steps.c_prev[:T_x]
    tanh_c = np.tanh(steps.c_next[:T_x])

    # dgates[t], stacked like the gates, becomes [dot; dft; dit; dcct] of step t. Each is
    # the gradient reaching its gate (da_next for o, dc for the others) times a factor
    # that does not depend on the recurrence: those factors are filled in here for
    # every step, and the loop multiplies them in place.
    dgates = np.empty((T_x, 4 * n_a, m), dtype=dtype)
    dft, dit, dcct, dot = _by_gate(dgates, n_a)
    np.multiply(ft * (1 - ft), c_prev, out=dft)  # dft  = dc * [f_t (1 - f_t) c_{t-1}]
    np.multiply(it * (1 - it), cct, out=dit)  # dit  = dc * [i_t (1 - i_t) cc_t]
    np.multiply(it, 1 - cct * cct, out=dcct)  # dcct = dc * [i_t (1 - cc_t**2)]
    np.multiply(ot * (1 - ot), tanh_c, out=dot)  # dot  = da_next * [o_t (1 - o_t) tanh(c_t)]
    dgates_from_dc = dgates[:, n_a:].reshape(T_x, 3, n_a, m, copy=False)  # dft, dit, dcct
    da_dc = ot * (1 - tanh_c * tanh_c)  # the path a_t = o_t tanh(c_t) into c_t

    W, _ = _stacked_weights(p)
    W_a_T = np.ascontiguousarray(W[:, :n_a].T)  # BLAS is faster with the transpose C-ordered
    da_prevt = np.zeros((n_a, m), dtype=dtype)
    dc_prevt = np.zeros((n_a, m), dtype=dtype)
    for t in reversed(range(T_x)):
        da_next = da[:, :, t] + da_prevt
        dc = da_dc[t] * da_next  # dc = dc_next + da_next * o_t (1 - tanh(c_t)**2)
        dc += dc_prevt
        dgates_from_dc[t] *= dc
        dot[t] *= da_next
        dc_prevt = dc * ft[t]
        da_prevt = W_a_T @ dgates[t]  # the a_{t-1} part of Wf^T dft + ... + Wo^T dot

    # The weight gradients are sums over the steps: one matmul over all steps' columns.
    dgates = time_columns(dgates)  # (4 n_a, T_x m)
    x_cols = time_columns(steps.x[:, :, :T_x].transpose(2, 0, 1))
    s = np.concatenate([time_columns(steps.a_prev[:T_x]), x_cols])  # (n_a + n_x, T_x m)
    dx = (np.ascontiguousarray(W[:, n_a:].T) @ dgates).reshape(n_x, T_x, m)
    dWf, dWi, dWc, dWo = _by_gate(dgates @ s.T, n_a)
    dbf, dbi, dbc, dbo = _by_gate(dgates.sum(axis=1, keepdims=True), n_a)
    return {
        "dx": np.ascontiguousarray(dx.transpose(0, 2, 1)),
        "da0": da_prevt,
        "dWf": dWf,
        "dbf": dbf,
        "dWi": dWi,
        "dbi": dbi,
        "dWc": dWc,
        "dbc": dbc,
        "dWo": dWo,
        "dbo": dbo,
    }


def lstm_loss(y_pred: np.ndarray, labels: np.ndarray) -> np.floating:
    """Mean softmax cross-entropy over batch and time; see :mod:`manual_rnn.loss`."""
    return cross_entropy_loss(y_pred, labels)


def lstm_loss_backward(y_pred: np.ndarray, labels: np.ndarray, caches: tuple) -> dict:
    """Gradient of :func:`lstm_loss` through the output layer.

    Parameters
    ----------
    y_pred : ndarray, shape (n_y, m, T_x)
        Predictions of :func:`lstm_forward`.
    labels : ndarray of int, shape (m, T_x)
        True class indices in ``[0, n_y)``.
    caches : tuple
        ``(list_of_cell_caches, x)`` from :func:`lstm_forward`.

    Returns
    -------
    gradients : dict
        ``dWy`` (n_y, n_a), ``dby`` (n_y, 1), and ``da`` (n_a, m, T_x), the
        upstream gradient on every hidden state, to pass to
        :func:`lstm_backward`. Together with that function's result this is the
        gradient of the loss with respect to every parameter, ``x`` and ``a0``.

    Raises
    ------
    TypeError, ValueError
        If ``y_pred``, ``labels`` and ``caches`` disagree in shape.
    """
    func = "lstm_loss_backward"
    steps, p = _check_caches(func, caches)
    return loss_backward_from_states(func, y_pred, labels, steps.a_next, p, ("Wy", "by"))
