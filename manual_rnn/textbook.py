r"""The textbook path: RNN, LSTM and GRU in the exercise's own shape.

Every family is a pure cell function with its backward right below it, under
its equations, and a sequence forward and backward that are plain loops over
the cells: the structure of the "RNN step by step" exercise, to be read next to
it. The public API is the one of :mod:`manual_rnn` (names, argument order,
shapes, dictionary keys, ``caches = (list of cell caches, x)``); the cell caches
are the :class:`RNNCache`, :class:`LSTMCache` and :class:`GRUCache` named
tuples of :mod:`manual_rnn.caches` (the fast path returns the same ones), which
unpack exactly like the exercise's tuples.

Where it departs from the exercise, it is to be correct: buffers keep the input
dtype (float32 in, float32 out), ``softmax`` and ``sigmoid`` are the stable ones
of :mod:`manual_rnn.activations`, the LSTM candidate's derivative is
``1 - cct**2``, a sequence backward reads ``T_x`` from ``da.shape`` (a shorter
``da`` back-propagates through its first ``T_x`` steps), and every family has
``*_loss`` and ``*_loss_backward`` (:mod:`manual_rnn.loss`).

This module validates nothing beyond what the math needs: arguments are assumed
to have the contract's shapes and one dtype, and a wrong one fails with NumPy's
own error, or not at all where it broadcasts. The fast path, :mod:`manual_rnn`,
validates its input and names what is wrong. Both paths are checked by the same
properties (``rnn-verify --impl manual_rnn.textbook``), and
``tests/manual_rnn/test_textbook.py`` checks that they agree.
"""

from __future__ import annotations

import numpy as np

from .activations import sigmoid, softmax
from .caches import GRUCache, LSTMCache, RNNCache
from .loss import cross_entropy_loss, output_layer_backward

__all__ = [
    "RNNCache",
    "LSTMCache",
    "GRUCache",
    "rnn_cell_forward",
    "rnn_cell_backward",
    "rnn_forward",
    "rnn_backward",
    "rnn_loss",
    "rnn_loss_backward",
    "lstm_cell_forward",
    "lstm_cell_backward",
    "lstm_forward",
    "lstm_backward",
    "lstm_loss",
    "lstm_loss_backward",
    "gru_cell_forward",
    "gru_cell_backward",
    "gru_forward",
    "gru_backward",
    "gru_loss",
    "gru_loss_backward",
]

#: The parameters each family's backward differentiates (the output layer's are the loss's).
RNN_KEYS = ("Wax", "Waa", "ba")
LSTM_KEYS = ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo")
GRU_KEYS = ("Wz", "bz", "Wr", "br", "Wc", "bc")


def _hidden_states(cell_caches) -> np.ndarray:
    """``a_next`` of every cell cache (its first field), stacked to ``(n_a, m, T_x)``."""
    return np.stack([a_next for a_next, *_ in cell_caches], axis=-1)


# --- RNN ----------------------------------------------------------------------------


def rnn_cell_forward(xt, a_prev, parameters):
    """One step of the tanh RNN cell::

        a_next  = tanh(Waa a_prev + Wax xt + ba)
        yt_pred = softmax(Wya a_next + by)             # softmax over axis 0

    Parameters
    ----------
    xt : ndarray, shape (n_x, m)
    a_prev : ndarray, shape (n_a, m)
    parameters : dict
        ``Wax`` (n_a, n_x), ``Waa`` (n_a, n_a), ``Wya`` (n_y, n_a), ``ba`` (n_a, 1),
        ``by`` (n_y, 1).

    Returns
    -------
    a_next : ndarray, shape (n_a, m)
    yt_pred : ndarray, shape (n_y, m)
    cache : RNNCache
    """
    p = parameters
    a_next = np.tanh(p["Waa"] @ a_prev + p["Wax"] @ xt + p["ba"])
    yt_pred = softmax(p["Wya"] @ a_next + p["by"])
    return a_next, yt_pred, RNNCache(a_next, a_prev, xt, parameters)


def rnn_cell_backward(da_next, cache):
    """Backward of one RNN step, given ``da_next``, the gradient on ``a_next``::

        dtanh   = (1 - a_next**2) * da_next
        dxt     = Wax^T dtanh            dWax = dtanh xt^T
        da_prev = Waa^T dtanh            dWaa = dtanh a_prev^T
        dba     = sum of dtanh over the batch axis

    Parameters
    ----------
    da_next : ndarray, shape (n_a, m)
    cache : RNNCache
        From :func:`rnn_cell_forward`.

    Returns
    -------
    gradients : dict
        ``dxt`` (n_x, m), ``da_prev`` (n_a, m), ``dWax`` (n_a, n_x),
        ``dWaa`` (n_a, n_a), ``dba`` (n_a, 1).
    """
    a_next, a_prev, xt, parameters = cache
    dtanh = (1 - a_next**2) * da_next
    return {
        "dxt": parameters["Wax"].T @ dtanh,
        "da_prev": parameters["Waa"].T @ dtanh,
        "dWax": dtanh @ xt.T,
        "dWaa": dtanh @ a_prev.T,
        "dba": dtanh.sum(axis=1, keepdims=True),
    }


def rnn_forward(x, a0, parameters):
    """The RNN over a sequence: :func:`rnn_cell_forward` at every step.

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
    a0 : ndarray, shape (n_a, m)
        Initial hidden state.
    parameters : dict
        As for :func:`rnn_cell_forward`.

    Returns
    -------
    a : ndarray, shape (n_a, m, T_x)
    y_pred : ndarray, shape (n_y, m, T_x)
    caches : tuple
        ``(list of T_x RNNCache, x)``.
    """
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x), dtype=x.dtype)
    y_pred = np.zeros((n_y, m, T_x), dtype=x.dtype)
    caches = []
    a_next = a0
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)
    return a, y_pred, (caches, x)


def rnn_backward(da, caches):
    """Backward through time: :func:`rnn_cell_backward` at every step, last step first.

    The gradient reaching ``a_t`` is ``da[:, :, t]`` plus the ``da_prev`` of step
    ``t + 1``; the weight gradients are sums over the steps.

    Parameters
    ----------
    da : ndarray, shape (n_a, m, T_x)
        Upstream gradient on every hidden state; ``T_x`` may be shorter than the
        forward sequence (its first ``T_x`` steps are then back-propagated).
    caches : tuple
        ``(list of RNNCache, x)`` from :func:`rnn_forward`.

    Returns
    -------
    gradients : dict
        ``dx`` (n_x, m, T_x), ``da0`` (n_a, m), ``dWax`` (n_a, n_x), ``dWaa`` (n_a, n_a),
        ``dba`` (n_a, 1).
    """
    cell_caches, x = caches
    *_, parameters = cell_caches[0]
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    dx = np.zeros((n_x, m, T_x), dtype=x.dtype)
    grads = {f"d{k}": np.zeros_like(parameters[k]) for k in RNN_KEYS}
    da_prevt = np.zeros((n_a, m), dtype=x.dtype)
    for t in reversed(range(T_x)):
        g = rnn_cell_backward(da[:, :, t] + da_prevt, cell_caches[t])
        dx[:, :, t] = g["dxt"]
        da_prevt = g["da_prev"]
        for k in grads:
            grads[k] += g[k]
    return {"dx": dx, "da0": da_prevt, **grads}


def rnn_loss(y_pred, labels):
    """Mean softmax cross-entropy over the ``m * T_x`` (example, step) pairs.

    Parameters
    ----------
    y_pred : ndarray, shape (n_y, m, T_x)
    labels : ndarray of int, shape (m, T_x)

    Returns
    -------
    numpy scalar of ``y_pred``'s dtype
    """
    return cross_entropy_loss(y_pred, labels)


def rnn_loss_backward(y_pred, labels, caches):
    """Gradient of :func:`rnn_loss` through the output layer ``softmax(Wya a_t + by)``.

    Parameters
    ----------
    y_pred : ndarray, shape (n_y, m, T_x)
    labels : ndarray of int, shape (m, T_x)
    caches : tuple
        ``(list of RNNCache, x)`` from :func:`rnn_forward`.

    Returns
    -------
    gradients : dict
        ``dWya`` (n_y, n_a), ``dby`` (n_y, 1), and ``da`` (n_a, m, T_x) to pass to
        :func:`rnn_backward`.
    """
    cell_caches, _ = caches
    *_, parameters = cell_caches[0]
    dWya, dby, da = output_layer_backward(y_pred, labels, _hidden_states(cell_caches),
                                          parameters["Wya"])
    return {"dWya": dWya, "dby": dby, "da": da}


# --- LSTM ---------------------------------------------------------------------------


def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    """One step of the LSTM cell; every gate acts on ``concat = [a_prev; xt]``::

        ft      = sigmoid(Wf concat + bf)               # forget gate
        it      = sigmoid(Wi concat + bi)               # input gate
        cct     = tanh(Wc concat + bc)                  # candidate
        ot      = sigmoid(Wo concat + bo)               # output gate
        c_next  = ft * c_prev + it * cct
        a_next  = ot * tanh(c_next)
        yt_pred = softmax(Wy a_next + by)               # softmax over axis 0

    Parameters
    ----------
    xt : ndarray, shape (n_x, m)
    a_prev, c_prev : ndarray, shape (n_a, m)
    parameters : dict
        ``Wf``, ``Wi``, ``Wc``, ``Wo`` (n_a, n_a + n_x); ``bf``, ``bi``, ``bc``, ``bo``
        (n_a, 1); ``Wy`` (n_y, n_a); ``by`` (n_y, 1).

    Returns
    -------
    a_next, c_next : ndarray, shape (n_a, m)
    yt_pred : ndarray, shape (n_y, m)
    cache : LSTMCache
    """
    p = parameters
    concat = np.concatenate([a_prev, xt])  # (n_a + n_x, m)
    ft = sigmoid(p["Wf"] @ concat + p["bf"])
    it = sigmoid(p["Wi"] @ concat + p["bi"])
    cct = np.tanh(p["Wc"] @ concat + p["bc"])
    ot = sigmoid(p["Wo"] @ concat + p["bo"])
    c_next = ft * c_prev + it * cct
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(p["Wy"] @ a_next + p["by"])
    cache = LSTMCache(a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache


def lstm_cell_backward(da_next, dc_next, cache):
    """Backward of one LSTM step, given the gradients on ``a_next`` and ``c_next``.

    ``dft, dit, dcct, dot`` are the gradients on the gates' pre-activations::

        dc      = dc_next + da_next * ot * (1 - tanh(c_next)**2)
        dft     = dc * c_prev * ft * (1 - ft)
        dit     = dc * cct * it * (1 - it)
        dcct    = dc * it * (1 - cct**2)
        dot     = da_next * tanh(c_next) * ot * (1 - ot)
        dWf = dft concat^T    dWi = dit concat^T    dWc = dcct concat^T    dWo = dot concat^T
        dbf, dbi, dbc, dbo = sums over the batch axis of dft, dit, dcct, dot
        [da_prev; dxt] = Wf^T dft + Wi^T dit + Wc^T dcct + Wo^T dot
        dc_prev = dc * ft

    Parameters
    ----------
    da_next, dc_next : ndarray, shape (n_a, m)
    cache : LSTMCache
        From :func:`lstm_cell_forward`.

    Returns
    -------
    gradients : dict
        ``dxt`` (n_x, m), ``da_prev``, ``dc_prev`` (n_a, m), ``dWf``, ``dWi``, ``dWc``,
        ``dWo`` (n_a, n_a + n_x), ``dbf``, ``dbi``, ``dbc``, ``dbo`` (n_a, 1).
    """
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_a = a_next.shape[0]
    p = parameters
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c**2)
    dft = dc * c_prev * ft * (1 - ft)
    dit = dc * cct * it * (1 - it)
    dcct = dc * it * (1 - cct**2)
    dot = da_next * tanh_c * ot * (1 - ot)
    concat = np.concatenate([a_prev, xt])
    dconcat = p["Wf"].T @ dft + p["Wi"].T @ dit + p["Wc"].T @ dcct + p["Wo"].T @ dot
    return {
        "dxt": dconcat[n_a:],
        "da_prev": dconcat[:n_a],
        "dc_prev": dc * ft,
        "dWf": dft @ concat.T,
        "dbf": dft.sum(axis=1, keepdims=True),
        "dWi": dit @ concat.T,
        "dbi": dit.sum(axis=1, keepdims=True),
        "dWc": dcct @ concat.T,
        "dbc": dcct.sum(axis=1, keepdims=True),
        "dWo": dot @ concat.T,
        "dbo": dot.sum(axis=1, keepdims=True),
    }


def lstm_forward(x, a0, parameters):
    """The LSTM over a sequence: :func:`lstm_cell_forward` at every step, from ``c0 = 0``.

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
    a0 : ndarray, shape (n_a, m)
        Initial hidden state.
    parameters : dict
        As for :func:`lstm_cell_forward`.

    Returns
    -------
    a : ndarray, shape (n_a, m, T_x)
    y : ndarray, shape (n_y, m, T_x)
    c : ndarray, shape (n_a, m, T_x)
        The cell state at every step.
    caches : tuple
        ``(list of T_x LSTMCache, x)``.
    """
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a = np.zeros((n_a, m, T_x), dtype=x.dtype)
    c = np.zeros((n_a, m, T_x), dtype=x.dtype)
    y = np.zeros((n_y, m, T_x), dtype=x.dtype)
    caches = []
    a_next = a0
    c_next = np.zeros((n_a, m), dtype=x.dtype)
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y[:, :, t] = yt
        caches.append(cache)
    return a, y, c, (caches, x)


def lstm_backward(da, caches):
    """Backward through time: :func:`lstm_cell_backward` at every step, last step first.

    The gradient reaching ``a_t`` is ``da[:, :, t]`` plus the ``da_prev`` of step
    ``t + 1``; the one reaching ``c_t`` is the ``dc_prev`` of step ``t + 1`` alone.
    The weight gradients are sums over the steps; ``c0`` is zero, so there is no
    ``dc0``.

    Parameters
    ----------
    da : ndarray, shape (n_a, m, T_x)
        Upstream gradient on every hidden state; ``T_x`` may be shorter than the
        forward sequence (its first ``T_x`` steps are then back-propagated).
    caches : tuple
        ``(list of LSTMCache, x)`` from :func:`lstm_forward`.

    Returns
    -------
    gradients : dict
        ``dx`` (n_x, m, T_x), ``da0`` (n_a, m), ``dWf``, ``dWi``, ``dWc``, ``dWo``
        (n_a, n_a + n_x), ``dbf``, ``dbi``, ``dbc``, ``dbo`` (n_a, 1).
    """
    cell_caches, x = caches
    *_, parameters = cell_caches[0]
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    dx = np.zeros((n_x, m, T_x), dtype=x.dtype)
    grads = {f"d{k}": np.zeros_like(parameters[k]) for k in LSTM_KEYS}
    da_prevt = np.zeros((n_a, m), dtype=x.dtype)
    dc_prevt = np.zeros((n_a, m), dtype=x.dtype)
    for t in reversed(range(T_x)):
        g = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, cell_caches[t])
        dx[:, :, t] = g["dxt"]
        da_prevt = g["da_prev"]
        dc_prevt = g["dc_prev"]
        for k in grads:
            grads[k] += g[k]
    return {"dx": dx, "da0": da_prevt, **grads}


def lstm_loss(y_pred, labels):
    """Mean softmax cross-entropy over the ``m * T_x`` (example, step) pairs.

    Parameters
    ----------
    y_pred : ndarray, shape (n_y, m, T_x)
    labels : ndarray of int, shape (m, T_x)

    Returns
    -------
    numpy scalar of ``y_pred``'s dtype
    """
    return cross_entropy_loss(y_pred, labels)


def lstm_loss_backward(y_pred, labels, caches):
    """Gradient of :func:`lstm_loss` through the output layer ``softmax(Wy a_t + by)``.

    Parameters
    ----------
    y_pred : ndarray, shape (n_y, m, T_x)
    labels : ndarray of int, shape (m, T_x)
    caches : tuple
        ``(list of LSTMCache, x)`` from :func:`lstm_forward`.

    Returns
    -------
    gradients : dict
        ``dWy`` (n_y, n_a), ``dby`` (n_y, 1), and ``da`` (n_a, m, T_x) to pass to
        :func:`lstm_backward`.
    """
    cell_caches, _ = caches
    *_, parameters = cell_caches[0]
    dWy, dby, da = output_layer_backward(y_pred, labels, _hidden_states(cell_caches),
                                         parameters["Wy"])
    return {"dWy": dWy, "dby": dby, "da": da}


# --- GRU ----------------------------------------------------------------------------


def gru_cell_forward(xt, a_prev, parameters, *, reset_after=False):
    """One step of the GRU cell; the gates act on ``concat = [a_prev; xt]``::

        zt      = sigmoid(Wz concat + bz)               # update gate
        rt      = sigmoid(Wr concat + br)               # reset gate
        cct     = tanh(Wc [rt * a_prev; xt] + bc)                      # reset before
        cct     = tanh(Wc_x xt + rt * (Wc_a a_prev) + bc)              # reset after
        a_next  = zt * a_prev + (1 - zt) * cct
        yt_pred = softmax(Wy a_next + by)               # softmax over axis 0

    ``Wc_a = Wc[:, :n_a]`` and ``Wc_x = Wc[:, n_a:]``. The update gate weights the
    old state (Cho et al. 2014). Reset before the matmul is Cho et al.'s GRU;
    reset after it is cuDNN's and PyTorch's (without their second hidden bias).

    Parameters
    ----------
    xt : ndarray, shape (n_x, m)
    a_prev : ndarray, shape (n_a, m)
    parameters : dict
        ``Wz``, ``Wr``, ``Wc`` (n_a, n_a + n_x); ``bz``, ``br``, ``bc`` (n_a, 1);
        ``Wy`` (n_y, n_a); ``by`` (n_y, 1).
    reset_after : bool, keyword-only
        ``False``: the reset gate scales ``a_prev`` before the candidate's matmul;
        ``True``: it scales the matmul's result.

    Returns
    -------
    a_next : ndarray, shape (n_a, m)
    yt_pred : ndarray, shape (n_y, m)
    cache : GRUCache
    """
    p = parameters
    n_a = a_prev.shape[0]
    concat = np.concatenate([a_prev, xt])  # (n_a + n_x, m)
    zt = sigmoid(p["Wz"] @ concat + p["bz"])
    rt = sigmoid(p["Wr"] @ concat + p["br"])
    if reset_after:
        cct = np.tanh(p["Wc"][:, n_a:] @ xt + rt * (p["Wc"][:, :n_a] @ a_prev) + p["bc"])
    else:
        cct = np.tanh(p["Wc"] @ np.concatenate([rt * a_prev, xt]) + p["bc"])
    a_next = zt * a_prev + (1 - zt) * cct
    yt_pred = softmax(p["Wy"] @ a_next + p["by"])
    return a_next, yt_pred, GRUCache(a_next, a_prev, zt, rt, cct, xt, parameters, reset_after)


def gru_cell_backward(da_next, cache):
    """Backward of one GRU step, given ``da_next``; the variant is read from the cache.

    ``dzt, drt, dcct`` are the gradients on the pre-activations, ``dr`` the one on
    ``rt``::

        dzt  = da_next * (a_prev - cct) * zt * (1 - zt)
        dcct = da_next * (1 - zt) * (1 - cct**2)
        reset before:  dra = Wc_a^T dcct                  # on rt * a_prev
                       dr = dra * a_prev                   da_prev_c = dra * rt
                       dWc = dcct [rt * a_prev; xt]^T
        reset after:   dh = dcct * rt                      # on Wc_a a_prev
                       dr = dcct * (Wc_a a_prev)           da_prev_c = Wc_a^T dh
                       dWc = [dh a_prev^T | dcct xt^T]
        drt  = dr * rt * (1 - rt)
        [ds_a; ds_x] = Wz^T dzt + Wr^T drt
        da_prev = da_next * zt + ds_a + da_prev_c
        dxt     = ds_x + Wc_x^T dcct
        dWz = dzt concat^T    dWr = drt concat^T
        dbz, dbr, dbc = sums over the batch axis of dzt, drt, dcct

    Parameters
    ----------
    da_next : ndarray, shape (n_a, m)
    cache : GRUCache
        From :func:`gru_cell_forward`.

    Returns
    -------
    gradients : dict
        ``dxt`` (n_x, m), ``da_prev`` (n_a, m), ``dWz``, ``dWr``, ``dWc``
        (n_a, n_a + n_x), ``dbz``, ``dbr``, ``dbc`` (n_a, 1).
    """
    a_next, a_prev, zt, rt, cct, xt, parameters, reset_after = cache
    n_a = a_next.shape[0]
    p = parameters
    Wc_a, Wc_x = p["Wc"][:, :n_a], p["Wc"][:, n_a:]
    dzt = da_next * (a_prev - cct) * zt * (1 - zt)
    dcct = da_next * (1 - zt) * (1 - cct**2)
    if reset_after:
        dh = dcct * rt
        dr = dcct * (Wc_a @ a_prev)
        da_prev_c = Wc_a.T @ dh
        dWc = np.concatenate([dh @ a_prev.T, dcct @ xt.T], axis=1)
    else:
        dra = Wc_a.T @ dcct
        dr = dra * a_prev
        da_prev_c = dra * rt
        dWc = dcct @ np.concatenate([rt * a_prev, xt]).T
    drt = dr * rt * (1 - rt)
    concat = np.concatenate([a_prev, xt])
    ds = p["Wz"].T @ dzt + p["Wr"].T @ drt
    return {
        "dxt": ds[n_a:] + Wc_x.T @ dcct,
        "da_prev": da_next * zt + ds[:n_a] + da_prev_c,
        "dWz": dzt @ concat.T,
        "dbz": dzt.sum(axis=1, keepdims=True),
        "dWr": drt @ concat.T,
        "dbr": drt.sum(axis=1, keepdims=True),
        "dWc": dWc,
        "dbc": dcct.sum(axis=1, keepdims=True),
    }


def gru_forward(x, a0, parameters, *, reset_after=False):
    """The GRU over a sequence: :func:`gru_cell_forward` at every step.

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
    a0 : ndarray, shape (n_a, m)
        Initial hidden state.
    parameters : dict
        As for :func:`gru_cell_forward`.
    reset_after : bool, keyword-only
        The variant, as for :func:`gru_cell_forward`.

    Returns
    -------
    a : ndarray, shape (n_a, m, T_x)
    y_pred : ndarray, shape (n_y, m, T_x)
    caches : tuple
        ``(list of T_x GRUCache, x)``.
    """
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a = np.zeros((n_a, m, T_x), dtype=x.dtype)
    y_pred = np.zeros((n_y, m, T_x), dtype=x.dtype)
    caches = []
    a_next = a0
    for t in range(T_x):
        a_next, yt_pred, cache = gru_cell_forward(x[:, :, t], a_next, parameters,
                                                  reset_after=reset_after)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)
    return a, y_pred, (caches, x)


def gru_backward(da, caches):
    """Backward through time: :func:`gru_cell_backward` at every step, last step first.

    The gradient reaching ``a_t`` is ``da[:, :, t]`` plus the ``da_prev`` of step
    ``t + 1``; the weight gradients are sums over the steps.

    Parameters
    ----------
    da : ndarray, shape (n_a, m, T_x)
        Upstream gradient on every hidden state; ``T_x`` may be shorter than the
        forward sequence (its first ``T_x`` steps are then back-propagated).
    caches : tuple
        ``(list of GRUCache, x)`` from :func:`gru_forward`.

    Returns
    -------
    gradients : dict
        ``dx`` (n_x, m, T_x), ``da0`` (n_a, m), ``dWz``, ``dWr``, ``dWc``
        (n_a, n_a + n_x), ``dbz``, ``dbr``, ``dbc`` (n_a, 1).
    """
    cell_caches, x = caches
    *_, parameters, _ = cell_caches[0]
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    dx = np.zeros((n_x, m, T_x), dtype=x.dtype)
    grads = {f"d{k}": np.zeros_like(parameters[k]) for k in GRU_KEYS}
    da_prevt = np.zeros((n_a, m), dtype=x.dtype)
    for t in reversed(range(T_x)):
        g = gru_cell_backward(da[:, :, t] + da_prevt, cell_caches[t])
        dx[:, :, t] = g["dxt"]
        da_prevt = g["da_prev"]
        for k in grads:
            grads[k] += g[k]
    return {"dx": dx, "da0": da_prevt, **grads}


def gru_loss(y_pred, labels):
    """Mean softmax cross-entropy over the ``m * T_x`` (example, step) pairs.

    Parameters
    ----------
    y_pred : ndarray, shape (n_y, m, T_x)
    labels : ndarray of int, shape (m, T_x)

    Returns
    -------
    numpy scalar of ``y_pred``'s dtype
    """
    return cross_entropy_loss(y_pred, labels)


def gru_loss_backward(y_pred, labels, caches):
    """Gradient of :func:`gru_loss` through the output layer ``softmax(Wy a_t + by)``.

    Parameters
    ----------
    y_pred : ndarray, shape (n_y, m, T_x)
    labels : ndarray of int, shape (m, T_x)
    caches : tuple
        ``(list of GRUCache, x)`` from :func:`gru_forward`.

    Returns
    -------
    gradients : dict
        ``dWy`` (n_y, n_a), ``dby`` (n_y, 1), and ``da`` (n_a, m, T_x) to pass to
        :func:`gru_backward`.
    """
    cell_caches, _ = caches
    *_, parameters, _ = cell_caches[0]
    dWy, dby, da = output_layer_backward(y_pred, labels, _hidden_states(cell_caches),
                                         parameters["Wy"])
    return {"dWy": dWy, "dby": dby, "da": da}
