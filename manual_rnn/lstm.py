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
respect to ``a_t`` and ``c_t`` (``dX`` is the gradient with respect to the
pre-activation of gate ``X``)::

    dc   = dc_next + da_next * o_t * (1 - tanh(c_t)**2)   # all paths into c_t
    do   = da_next * tanh(c_t) * o_t * (1 - o_t)
    dcc  = dc * i_t * (1 - cc_t**2)
    di   = dc * cc_t * i_t * (1 - i_t)
    df   = dc * c_{t-1} * f_t * (1 - f_t)
    dWf = df s_t^T    dWi = di s_t^T    dWc = dcc s_t^T    dWo = do s_t^T
    dbf, dbi, dbc, dbo = sums over the batch axis of df, di, dcc, do
    [da_prev; dxt] = Wf^T df + Wi^T di + Wc^T dcc + Wo^T do
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

The sequence functions stack the four gates, in the order ``o, f, i, cc``, into
one ``(4 n_a, n_a + n_x)`` weight: the forward computes the input part
``W[:, n_a:] x_t + b`` of every step before the loop, and each step one matmul
``W[:, :n_a] a_{t-1}`` for all gates. The backward computes every factor that
does not depend on the recurrence (``s (1 - s)`` of the sigmoid gates times
``tanh(c_t)``, ``c_{t-1}`` or ``cc_t``; ``i_t (1 - cc_t**2)``;
``o_t (1 - tanh(c_t)**2)``) for all steps before its loop, keeps only ``da``,
``dc`` and the matmul ``W[:, :n_a]^T dgates`` in the loop, and after it
computes ``dx``, every ``dW`` and ``db`` as one matmul (or sum) over the
``m * T_x`` columns of all steps. Per-step arrays are stacked step-major,
``(T_x, n, m)`` (the RNN keeps ``(n, T_x, m)``; measured slower here, see
``docs/performance.md``); the forward's list of cell caches is a
:class:`manual_rnn._sequence.CellCaches` of views into those stacks.
The stacked order ``o, f, i, cc`` is internal; the docstrings and the gradient
dicts name the gates in the exercise's order ``f, i, c, o``.

The API (names, argument order, shapes, dictionary keys, cache tuples) is the
one of the "RNN step by step" exercise. Every public function validates its
input, keeps the input dtype (float32 or float64) and never modifies its
arguments.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validate import check_array, check_cache, check_da, check_gate_parameters, common_dtype
from .activations import sigmoid, sigmoid_inplace, softmax
from .loss import cross_entropy_loss, loss_backward_from_states
from ._sequence import CellCaches, all_finite, time_columns

__all__ = [
    "lstm_cell_forward",
    "lstm_forward",
    "lstm_cell_backward",
    "lstm_backward",
    "lstm_loss",
    "lstm_loss_backward",
]


_GRADIENT_KEYS = ("dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo")
_CACHE_FIELDS = (
    "a_next", "c_next", "a_prev", "c_prev", "ft", "it", "cct", "ot", "xt", "parameters",
)


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
    cache : tuple
        ``(a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)``
        for :func:`lstm_cell_backward`: ``ft``, ``it``, ``cct`` and ``ot``
        (n_a, m) are the forget gate, the input gate, the candidate cell state
        and the output gate.

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
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
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
    entries = []
    for t in range(T_x):
        o, f, i, cc = gates[t].reshape(4, n_a, m)
        entries.append((a_states[t + 1], c_states[t + 1], a_states[t], c_states[t], f, i, cc, o,
                        x[:, :, t], parameters))
    return a, y, c, (CellCaches(entries, steps), x)


def _cell_backward(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p = cache
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


def _check_cell_cache(func: str, name: str, cache):
    *states, xt, parameters = check_cache(func, name, cache, len(_CACHE_FIELDS))
    p = _check_parameters(func, parameters)
    n_a, n_ax = p["Wf"].shape
    check_array(func, f"{name}[8] (xt)", xt, (n_ax - n_a, None), "n_x, m")
    m = xt.shape[1]
    for i, value in enumerate(states):
        check_array(func, f"{name}[{i}] ({_CACHE_FIELDS[i]})", value, (n_a, m), "n_a, m")
    return (*states, xt, p)


def lstm_cell_backward(da_next: np.ndarray, dc_next: np.ndarray, cache: tuple) -> dict:
    """Backward pass of one LSTM cell step.

    Parameters
    ----------
    da_next : ndarray, shape (n_a, m)
        Gradient of the loss with respect to the cell's output ``a_next``.
    dc_next : ndarray, shape (n_a, m)
        Gradient of the loss with respect to the cell state ``c_next``.
    cache : tuple
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
    checked = _check_cell_cache(func, "cache", cache)
    a_next, xt, p = checked[0], checked[8], checked[9]
    check_array(func, "da_next", da_next, a_next.shape, "n_a, m")
    check_array(func, "dc_next", dc_next, a_next.shape, "n_a, m")
    common_dtype(func, da_next=da_next, dc_next=dc_next, xt=xt, **p)
    return _cell_backward(da_next, dc_next, checked)


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
    if steps is None or not all_finite(*steps[:5]):
        checked = [_check_cell_cache(func, f"caches[0][{t}]", c) for t, c in enumerate(cell_caches)]
        a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt = (
            np.stack([c[k] for c in checked]) for k in range(9)
        )
        gates = np.concatenate([ot, ft, it, cct], axis=1)
        steps = _Steps(a_next, c_next, a_prev, c_prev, gates, xt.transpose(1, 2, 0))
        p = checked[0][9]
    else:
        p = _check_parameters(func, cell_caches[0][9])
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
    """
    func = "lstm_backward"
    steps, p = _check_caches(func, caches)
    T_cached, n_a, m = steps.a_next.shape
    n_x = steps.x.shape[0]
    T_x = check_da(func, da, n_a, m, T_cached)
    dtype = common_dtype(func, da=da, x=steps.x, **p)

    # Every factor that does not depend on the recurrence, for all steps at once:
    # d_gates[t] holds, per gate, what turns the gradient reaching the gate
    # (da_next for o, dc for f, i, cc) into that of its pre-activation, and the
    # loop multiplies it in place.
    gates = steps.gates[:T_x]
    o, f, i, cc = (gates[:, k * n_a : (k + 1) * n_a] for k in range(4))
    tanh_c = np.tanh(steps.c_next[:T_x])
    d_gates = np.empty((T_x, 4 * n_a, m), dtype=dtype)
    sig = gates[:, : 3 * n_a]
    np.multiply(sig, 1 - sig, out=d_gates[:, : 3 * n_a])  # s (1 - s) of o, f, i
    d_gates[:, :n_a] *= tanh_c
    d_gates[:, n_a : 2 * n_a] *= steps.c_prev[:T_x]
    d_gates[:, 2 * n_a : 3 * n_a] *= cc
    np.multiply(i, 1 - cc * cc, out=d_gates[:, 3 * n_a :])
    dc_per_da = o * (1 - tanh_c * tanh_c)  # the path a_t -> c_t

    W, _ = _stacked_weights(p)
    W_a_T = np.ascontiguousarray(W[:, :n_a].T)  # BLAS is faster with the transpose C-ordered
    da_prevt = np.zeros((n_a, m), dtype=dtype)
    dc_prevt = np.zeros((n_a, m), dtype=dtype)
    for t in reversed(range(T_x)):
        da_next = da[:, :, t] + da_prevt
        dc = dc_per_da[t] * da_next
        dc += dc_prevt
        d = d_gates[t].reshape(4, n_a, m)
        d[0] *= da_next
        d[1:] *= dc
        dc_prevt = dc * f[t]
        da_prevt = W_a_T @ d_gates[t]

    d_gates = time_columns(d_gates)  # (4 n_a, T_x m)
    x_cols = time_columns(steps.x[:, :, :T_x].transpose(2, 0, 1))
    s = np.concatenate([time_columns(steps.a_prev[:T_x]), x_cols])  # (n_a + n_x, T_x m)
    dx = (np.ascontiguousarray(W[:, n_a:].T) @ d_gates).reshape(n_x, T_x, m)
    dW = d_gates @ s.T
    db = d_gates.sum(axis=1, keepdims=True)
    grads = {}
    for k, g in enumerate(_GATE_ORDER):
        grads[f"dW{g}"], grads[f"db{g}"] = dW[k * n_a : (k + 1) * n_a], db[k * n_a : (k + 1) * n_a]
    return {
        "dx": np.ascontiguousarray(dx.transpose(0, 2, 1)),
        "da0": da_prevt,
        **{k: grads[k] for k in _GRADIENT_KEYS},
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
