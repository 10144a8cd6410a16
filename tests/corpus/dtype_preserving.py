"""RNN and LSTM (with their losses) from a careful kernel writer: the input dtype everywhere.

Style: float32 in, float32 out. Every buffer is allocated with the dtype of the
array it is derived from (``np.zeros(..., dtype=x.dtype)``), constants are Python
scalars or arrays of that dtype (never float64 arrays that would upcast), the
gates of a step are one matmul into a preallocated buffer and the activations work
in place on it. The sigmoid evaluates only ``exp(-|z|)``; the softmax subtracts
each column's maximum.
"""

import numpy as np


def _sigmoid(z):
    """Sigmoid in ``z``'s dtype, written into a new array; never overflows."""
    e = np.exp(-np.abs(z))
    out = np.where(z >= 0, np.ones_like(e), e)
    out /= 1 + e
    return out


def _softmax(z):
    z = z - z.max(axis=0, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=0, keepdims=True)
    return z


# ---------------------------------------------------------------- RNN


def rnn_cell_forward(xt, a_prev, parameters):
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    pre = np.matmul(Waa, a_prev)
    pre += np.matmul(Wax, xt)
    pre += ba
    a_next = np.tanh(pre, out=pre)
    yt_pred = _softmax(np.matmul(Wya, a_next) + by)
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


def rnn_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    dtype = x.dtype
    a = np.zeros((n_a, m, T_x), dtype=dtype)
    y_pred = np.zeros((n_y, m, T_x), dtype=dtype)
    caches = []
    a_t = a0
    for t in range(T_x):
        a_t, y_t, cache = rnn_cell_forward(x[:, :, t], a_t, parameters)
        a[:, :, t] = a_t
        y_pred[:, :, t] = y_t
        caches.append(cache)
    return a, y_pred, (caches, x)


def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    dz = 1 - np.square(a_next)
    dz *= da_next
    return {
        "dxt": np.matmul(parameters["Wax"].T, dz),
        "da_prev": np.matmul(parameters["Waa"].T, dz),
        "dWax": np.matmul(dz, xt.T),
        "dWaa": np.matmul(dz, a_prev.T),
        "dba": np.sum(dz, axis=1, keepdims=True, dtype=dz.dtype),
    }


def rnn_backward(da, caches):
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    dtype = da.dtype
    dx = np.zeros((n_x, m, T_x), dtype=dtype)
    dWax = np.zeros((n_a, n_x), dtype=dtype)
    dWaa = np.zeros((n_a, n_a), dtype=dtype)
    dba = np.zeros((n_a, 1), dtype=dtype)
    da_prev = np.zeros((n_a, m), dtype=dtype)
    for t in reversed(range(T_x)):
        g = rnn_cell_backward(da[:, :, t] + da_prev, cell_caches[t])
        dx[:, :, t] = g["dxt"]
        da_prev = g["da_prev"]
        dWax += g["dWax"]
        dWaa += g["dWaa"]
        dba += g["dba"]
    return {"dx": dx, "da0": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


# ---------------------------------------------------------------- LSTM

_GATES = ("f", "i", "c", "o")


def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    n_a, m = a_prev.shape
    n_x = xt.shape[0]
    dtype = xt.dtype
    concat = np.empty((n_a + n_x, m), dtype=dtype)
    concat[:n_a] = a_prev
    concat[n_a:] = xt
    gates = np.empty((4 * n_a, m), dtype=dtype)
    for k, g in enumerate(_GATES):
        rows = gates[k * n_a:(k + 1) * n_a]
        np.matmul(parameters["W" + g], concat, out=rows)
        rows += parameters["b" + g]
    ft = _sigmoid(gates[:n_a])
    it = _sigmoid(gates[n_a:2 * n_a])
    cct = np.tanh(gates[2 * n_a:3 * n_a])
    ot = _sigmoid(gates[3 * n_a:])
    c_next = ft * c_prev
    c_next += it * cct
    a_next = ot * np.tanh(c_next)
    yt_pred = _softmax(np.matmul(parameters["Wy"], a_next) + parameters["by"])
    return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)


def lstm_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    dtype = x.dtype
    a = np.zeros((n_a, m, T_x), dtype=dtype)
    c = np.zeros((n_a, m, T_x), dtype=dtype)
    y = np.zeros((n_y, m, T_x), dtype=dtype)
    caches = []
    a_t, c_t = a0, np.zeros((n_a, m), dtype=dtype)
    for t in range(T_x):
        a_t, c_t, y_t, cache = lstm_cell_forward(x[:, :, t], a_t, c_t, parameters)
        a[:, :, t], c[:, :, t], y[:, :, t] = a_t, c_t, y_t
        caches.append(cache)
    return a, y, c, (caches, x)


def lstm_cell_backward(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_a, m = a_next.shape
    n_x = xt.shape[0]
    dtype = a_next.dtype
    tanh_c = np.tanh(c_next)
    dc = 1 - np.square(tanh_c)
    dc *= ot * da_next
    dc += dc_next
    dgates = np.empty((4 * n_a, m), dtype=dtype)
    dgates[:n_a] = dc * c_prev * ft * (1 - ft)
    dgates[n_a:2 * n_a] = dc * cct * it * (1 - it)
    dgates[2 * n_a:3 * n_a] = dc * it * (1 - np.square(cct))
    dgates[3 * n_a:] = da_next * tanh_c * ot * (1 - ot)
    concat = np.empty((n_a + n_x, m), dtype=dtype)
    concat[:n_a] = a_prev
    concat[n_a:] = xt
    dconcat = np.zeros((n_a + n_x, m), dtype=dtype)
    grads = {}
    for k, g in enumerate(_GATES):
        d = dgates[k * n_a:(k + 1) * n_a]
        dconcat += np.matmul(parameters["W" + g].T, d)
        grads["dW" + g] = np.matmul(d, concat.T)
        grads["db" + g] = np.sum(d, axis=1, keepdims=True, dtype=dtype)
    grads["dxt"] = dconcat[n_a:]
    grads["da_prev"] = dconcat[:n_a]
    grads["dc_prev"] = dc * ft
    return grads


def lstm_backward(da, caches):
    cell_caches, x = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    dtype = da.dtype
    dx = np.zeros((n_x, m, T_x), dtype=dtype)
    total = {f"d{p}{g}": np.zeros((n_a, n_a + n_x) if p == "W" else (n_a, 1), dtype=dtype)
             for g in _GATES for p in ("W", "b")}
    da_prev = np.zeros((n_a, m), dtype=dtype)
    dc_prev = np.zeros((n_a, m), dtype=dtype)
    for t in reversed(range(T_x)):
        g = lstm_cell_backward(da[:, :, t] + da_prev, dc_prev, cell_caches[t])
        dx[:, :, t] = g["dxt"]
        da_prev, dc_prev = g["da_prev"], g["dc_prev"]
        for k in total:
            total[k] += g[k]
    return {"dx": dx, "da0": da_prev, **total}


# ---------------------------------------------------------------- loss


def _cross_entropy(y_pred, labels):
    picked = np.take_along_axis(y_pred, labels[np.newaxis], axis=0)
    return -np.mean(np.log(picked), dtype=y_pred.dtype)


def _output_backward(y_pred, labels, a, W, key):
    n_y, m, T_x = y_pred.shape
    dz = y_pred.copy()
    np.subtract.at(dz, (labels, np.arange(m)[:, None], np.arange(T_x)[None, :]), 1)
    dz /= m * T_x
    dW = np.tensordot(dz, a, axes=([1, 2], [1, 2]))
    dby = dz.sum(axis=(1, 2), dtype=dz.dtype).reshape(n_y, 1)
    da = np.tensordot(W.T, dz, axes=1)
    return {"d" + key: dW, "dby": dby, "da": da}


def _states(cell_caches, T_x):
    first = cell_caches[0][0]
    a = np.empty(first.shape + (T_x,), dtype=first.dtype)
    for t in range(T_x):
        a[:, :, t] = cell_caches[t][0]
    return a


def rnn_loss(y_pred, labels):
    return _cross_entropy(y_pred, labels)


def rnn_loss_backward(y_pred, labels, caches):
    cell_caches, _ = caches
    W = cell_caches[0][3]["Wya"]
    return _output_backward(y_pred, labels, _states(cell_caches, y_pred.shape[2]), W, "Wya")


def lstm_loss(y_pred, labels):
    return _cross_entropy(y_pred, labels)


def lstm_loss_backward(y_pred, labels, caches):
    cell_caches, _ = caches
    W = cell_caches[0][9]["Wy"]
    return _output_backward(y_pred, labels, _states(cell_caches, y_pred.shape[2]), W, "Wy")
