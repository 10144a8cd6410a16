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

The API (names, argument order, shapes, dictionary keys, cache tuples) is the
one of the "RNN step by step" exercise. Every public function validates its
input, keeps the input dtype (float32 or float64) and never modifies its
arguments.
"""

from __future__ import annotations

import numpy as np

from ._validate import check_array, check_cache, check_labels, check_parameters, common_dtype
from .activations import sigmoid, softmax
from .loss import cross_entropy_loss, output_layer_backward

__all__ = [
    "lstm_cell_forward",
    "lstm_forward",
    "lstm_cell_backward",
    "lstm_backward",
    "lstm_loss",
    "lstm_loss_backward",
]

PARAMETER_KEYS = ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo", "Wy", "by")

_GATE_DIMS = "n_a, n_a + n_x"
_GRADIENT_KEYS = ("dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo")
_CACHE_FIELDS = (
    "a_next", "c_next", "a_prev", "c_prev", "ft", "it", "cct", "ot", "xt", "parameters",
)


def _parameter_shapes(parameters) -> dict[str, tuple]:
    """Shapes implied by ``Wf`` and ``Wy`` (read first, so errors can name them)."""
    Wf, Wy = parameters.get("Wf"), parameters.get("Wy")
    n_a, n_ax = Wf.shape if isinstance(Wf, np.ndarray) and Wf.ndim == 2 else (None, None)
    if n_ax is not None and n_ax - n_a < 1:
        # n_x is invalid: _check_parameters reports it once Wf itself is checked.
        n_a = n_ax = None
    n_y = Wy.shape[0] if isinstance(Wy, np.ndarray) and Wy.ndim == 2 else None
    return {
        "Wf": ((None, None), _GATE_DIMS),
        "bf": ((n_a, 1), "n_a, 1"),
        "Wi": ((n_a, n_ax), _GATE_DIMS),
        "bi": ((n_a, 1), "n_a, 1"),
        "Wc": ((n_a, n_ax), _GATE_DIMS),
        "bc": ((n_a, 1), "n_a, 1"),
        "Wo": ((n_a, n_ax), _GATE_DIMS),
        "bo": ((n_a, 1), "n_a, 1"),
        "Wy": ((n_y, n_a), "n_y, n_a"),
        "by": ((n_y, 1), "n_y, 1"),
    }


def _check_parameters(func: str, parameters) -> dict[str, np.ndarray]:
    if not isinstance(parameters, dict):
        return check_parameters(func, parameters, {})
    p = check_parameters(func, parameters, _parameter_shapes(parameters))
    n_a, n_ax = p["Wf"].shape
    if n_ax - n_a < 1:
        raise ValueError(
            f"{func}: parameters['Wf'] must have shape ({_GATE_DIMS}) with n_x >= 1, got "
            f"shape {p['Wf'].shape}, which gives n_a = {n_a} and n_x = {n_ax - n_a}"
        )
    return p


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
        ``(list_of_cell_caches, x)``; entry ``t`` of the list is the cache of
        :func:`lstm_cell_forward` at step ``t``.

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

    a = np.zeros((n_a, m, T_x), dtype=dtype)
    c = np.zeros((n_a, m, T_x), dtype=dtype)
    y = np.zeros((n_y, m, T_x), dtype=dtype)
    cell_caches = []
    a_next, c_next = a0, np.zeros((n_a, m), dtype=dtype)
    for t in range(T_x):
        a_prev, c_prev, xt = a_next, c_next, x[:, :, t]
        a_next, c_next, y[:, :, t], ft, it, cct, ot = _cell_forward(xt, a_prev, c_prev, p)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        cell_caches.append((a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters))
    return a, y, c, (cell_caches, x)


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


def _check_caches(func: str, caches):
    cell_caches, x = check_cache(func, "caches", caches, 2)
    if not isinstance(cell_caches, (list, tuple)) or not cell_caches:
        raise ValueError(
            f"{func}: caches[0] must be the non-empty list of cell caches from the forward "
            f"pass, got {type(cell_caches).__name__}"
        )
    checked = [_check_cell_cache(func, f"caches[0][{t}]", c) for t, c in enumerate(cell_caches)]
    check_array(func, "caches[1] (x)", x, (None, None, len(cell_caches)))
    return checked, x


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
        ``(list_of_cell_caches, x)`` from :func:`lstm_forward`.

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
    cell_caches, _ = _check_caches(func, caches)
    a1, x1, p = cell_caches[0][0], cell_caches[0][8], cell_caches[0][9]
    n_a, m = a1.shape
    n_x = x1.shape[0]
    check_array(func, "da", da, (n_a, m, None), "n_a, m, T_x")
    T_x = da.shape[2]
    if not 1 <= T_x <= len(cell_caches):
        raise ValueError(
            f"{func}: da has T_x = {T_x} time steps but the caches hold "
            f"{len(cell_caches)}; expected 1 <= T_x <= {len(cell_caches)}"
        )
    dtype = common_dtype(func, da=da, x=x1, **p)

    dx = np.zeros((n_x, m, T_x), dtype=dtype)
    grads = {k: np.zeros_like(p[k[1:]]) for k in _GRADIENT_KEYS}
    da_prevt = np.zeros((n_a, m), dtype=dtype)
    dc_prevt = np.zeros((n_a, m), dtype=dtype)
    for t in reversed(range(T_x)):
        g = _cell_backward(da[:, :, t] + da_prevt, dc_prevt, cell_caches[t])
        dx[:, :, t] = g["dxt"]
        da_prevt, dc_prevt = g["da_prev"], g["dc_prev"]
        for k in grads:
            grads[k] += g[k]
    return {"dx": dx, "da0": da_prevt, **grads}


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
    cell_caches, _ = _check_caches(func, caches)
    a1, p = cell_caches[0][0], cell_caches[0][9]
    n_a, m = a1.shape
    n_y = p["Wy"].shape[0]
    T_x = len(cell_caches)
    check_array(func, "y_pred", y_pred, (n_y, m, T_x), "n_y, m, T_x")
    check_labels(func, labels, m, T_x, n_y)
    common_dtype(func, y_pred=y_pred, **p)
    a = np.stack([c[0] for c in cell_caches], axis=-1)
    dWy, dby, da = output_layer_backward(y_pred, labels, a, p["Wy"])
    return {"dWy": dWy, "dby": dby, "da": da}
