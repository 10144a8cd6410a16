"""RNN, LSTM and GRU written compactly, the way a researcher writes them.

Style: ``@`` and ``np.einsum`` instead of ``np.dot``, ``np.concatenate``/``np.split``
for the stacked gates, the whole sequence's output layer as one einsum after the
loop, allocations that follow the input dtype where that comes naturally
(``np.empty_like``, ``zeros_like``), and no helper import: its own column-shifted
softmax and an overflow-free sigmoid. Both GRU variants (``reset_after``) and the
mean softmax cross-entropy with its backward for all three families.
"""

import numpy as np


def softmax(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1, e) / (1 + e)


def _stack(cells, i, T_x):
    return np.stack([c[i] for c in cells[:T_x]], axis=-1)


# ---------------------------------------------------------------- RNN


def rnn_cell_forward(xt, a_prev, parameters):
    p = parameters
    a_next = np.tanh(p["Waa"] @ a_prev + p["Wax"] @ xt + p["ba"])
    return a_next, softmax(p["Wya"] @ a_next + p["by"]), (a_next, a_prev, xt, parameters)


def rnn_forward(x, a0, parameters):
    cells, a_t = [], a0
    for t in range(x.shape[2]):
        a_t, _, cache = rnn_cell_forward(x[:, :, t], a_t, parameters)
        cells.append(cache)
    a = _stack(cells, 0, len(cells))
    y_pred = softmax(np.einsum("ya,amt->ymt", parameters["Wya"], a) + parameters["by"][:, :, None])
    return a, y_pred, (cells, x)


def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, p = cache
    dz = da_next * (1 - a_next**2)
    return {"dxt": p["Wax"].T @ dz, "da_prev": p["Waa"].T @ dz, "dWax": dz @ xt.T,
            "dWaa": dz @ a_prev.T, "dba": dz.sum(axis=1, keepdims=True)}


def rnn_backward(da, caches):
    cells, _ = caches
    T_x = da.shape[2]
    Wax, Waa = cells[0][3]["Wax"], cells[0][3]["Waa"]
    a, a_prev, xs = (_stack(cells, i, T_x) for i in range(3))
    dz = np.empty_like(da)
    carry = np.zeros_like(da[:, :, 0])
    for t in reversed(range(T_x)):
        dz[:, :, t] = (da[:, :, t] + carry) * (1 - a[:, :, t] ** 2)
        carry = Waa.T @ dz[:, :, t]
    return {"dx": np.einsum("ax,amt->xmt", Wax, dz), "da0": carry,
            "dWax": np.einsum("amt,xmt->ax", dz, xs), "dWaa": np.einsum("amt,bmt->ab", dz, a_prev),
            "dba": dz.sum(axis=(1, 2))[:, None]}


# ---------------------------------------------------------------- LSTM

_LSTM = ("f", "i", "c", "o")


def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    p = parameters
    W = np.concatenate([p["W" + g] for g in _LSTM])
    b = np.concatenate([p["b" + g] for g in _LSTM])
    f, i, g, o = np.split(W @ np.concatenate([a_prev, xt]) + b, 4)
    ft, it, cct, ot = sigmoid(f), sigmoid(i), np.tanh(g), sigmoid(o)
    c_next = ft * c_prev + it * cct
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(p["Wy"] @ a_next + p["by"])
    return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)


def lstm_forward(x, a0, parameters):
    cells, a_t, c_t = [], a0, np.zeros_like(a0)
    for t in range(x.shape[2]):
        a_t, c_t, _, cache = lstm_cell_forward(x[:, :, t], a_t, c_t, parameters)
        cells.append(cache)
    a, c = _stack(cells, 0, len(cells)), _stack(cells, 1, len(cells))
    y = softmax(np.einsum("ya,amt->ymt", parameters["Wy"], a) + parameters["by"][:, :, None])
    return a, y, c, (cells, x)


def lstm_cell_backward(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p = cache
    n_a = a_next.shape[0]
    tc = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tc**2)
    dgates = np.concatenate([dc * c_prev * ft * (1 - ft), dc * cct * it * (1 - it),
                             dc * it * (1 - cct**2), da_next * tc * ot * (1 - ot)])
    W = np.concatenate([p["W" + g] for g in _LSTM])
    dconcat = W.T @ dgates
    dW = np.split(dgates @ np.concatenate([a_prev, xt]).T, 4)
    db = np.split(dgates.sum(axis=1, keepdims=True), 4)
    grads = {"dxt": dconcat[n_a:], "da_prev": dconcat[:n_a], "dc_prev": dc * ft}
    for g, w, b in zip(_LSTM, dW, db):
        grads["dW" + g], grads["db" + g] = w, b
    return grads


def _sequence_backward(cell_backward, da, cells, n_x, carries):
    T_x = da.shape[2]
    dx = np.empty((n_x, da.shape[1], T_x), dtype=da.dtype)
    total = None
    for t in reversed(range(T_x)):
        g = cell_backward(da[:, :, t] + carries[0], *carries[1:], cells[t])
        carries = [g["da_prev"], g["dc_prev"]] if len(carries) == 2 else [g["da_prev"]]
        dx[:, :, t] = g["dxt"]
        step = {k: v for k, v in g.items() if k.startswith(("dW", "db"))}
        total = step if total is None else {k: total[k] + v for k, v in step.items()}
    return {"dx": dx, "da0": carries[0], **total}


def lstm_backward(da, caches):
    cells, x = caches
    zero = np.zeros_like(da[:, :, 0])
    return _sequence_backward(lstm_cell_backward, da, cells, x.shape[0], [zero, zero])


# ---------------------------------------------------------------- GRU


def gru_cell_forward(xt, a_prev, parameters, *, reset_after=False):
    p = parameters
    n_a = a_prev.shape[0]
    ax = np.concatenate([a_prev, xt])
    zt = sigmoid(p["Wz"] @ ax + p["bz"])
    rt = sigmoid(p["Wr"] @ ax + p["br"])
    if reset_after:
        cct = np.tanh(p["Wc"][:, n_a:] @ xt + rt * (p["Wc"][:, :n_a] @ a_prev) + p["bc"])
    else:
        cct = np.tanh(p["Wc"] @ np.concatenate([rt * a_prev, xt]) + p["bc"])
    a_next = zt * a_prev + (1 - zt) * cct
    yt_pred = softmax(p["Wy"] @ a_next + p["by"])
    return a_next, yt_pred, (a_next, a_prev, zt, rt, cct, xt, parameters, reset_after)


def gru_forward(x, a0, parameters, *, reset_after=False):
    cells, a_t = [], a0
    for t in range(x.shape[2]):
        a_t, _, cache = gru_cell_forward(x[:, :, t], a_t, parameters, reset_after=reset_after)
        cells.append(cache)
    a = _stack(cells, 0, len(cells))
    y_pred = softmax(np.einsum("ya,amt->ymt", parameters["Wy"], a) + parameters["by"][:, :, None])
    return a, y_pred, (cells, x)


def gru_cell_backward(da_next, cache):
    a_next, a_prev, zt, rt, cct, xt, p, reset_after = cache
    n_a = a_prev.shape[0]
    Wc_a, Wc_x = p["Wc"][:, :n_a], p["Wc"][:, n_a:]
    dcc = da_next * (1 - zt) * (1 - cct**2)           # at the candidate's pre-activation
    dzz = da_next * (a_prev - cct) * zt * (1 - zt)    # at the update gate's pre-activation
    if reset_after:
        h = Wc_a @ a_prev
        dr = dcc * h
        dWc = np.concatenate([(dcc * rt) @ a_prev.T, dcc @ xt.T], axis=1)
        da_prev = Wc_a.T @ (dcc * rt)
    else:
        dra = Wc_a.T @ dcc                              # gradient at rt * a_prev
        dr = dra * a_prev
        dWc = dcc @ np.concatenate([rt * a_prev, xt]).T
        da_prev = dra * rt
    drr = dr * rt * (1 - rt)
    ax = np.concatenate([a_prev, xt])
    dzr = np.concatenate([dzz, drr])
    Wzr = np.concatenate([p["Wz"], p["Wr"]])
    dax = Wzr.T @ dzr
    dWz, dWr = np.split(dzr @ ax.T, 2)
    return {"dxt": dax[n_a:] + Wc_x.T @ dcc, "da_prev": da_prev + dax[:n_a] + da_next * zt,
            "dWz": dWz, "dbz": dzz.sum(axis=1, keepdims=True),
            "dWr": dWr, "dbr": drr.sum(axis=1, keepdims=True),
            "dWc": dWc, "dbc": dcc.sum(axis=1, keepdims=True)}


def gru_backward(da, caches):
    cells, x = caches
    return _sequence_backward(gru_cell_backward, da, cells, x.shape[0], [np.zeros_like(da[:, :, 0])])


# ---------------------------------------------------------------- loss


def _loss(y_pred, labels):
    picked = np.take_along_axis(y_pred, labels[None], axis=0)
    return -np.log(picked).mean()


def _loss_backward(y_pred, labels, caches, W, where):
    cells, _ = caches
    n_y, m, T_x = y_pred.shape
    dz = y_pred.copy()
    dz[labels, np.arange(m)[:, None], np.arange(T_x)] -= 1
    dz /= m * T_x
    a = _stack(cells, 0, T_x)
    Wy = cells[0][where][W]   # the parameters' slot in a cell cache
    return {"d" + W: np.einsum("ymt,amt->ya", dz, a), "dby": dz.sum(axis=(1, 2))[:, None],
            "da": np.einsum("ya,ymt->amt", Wy, dz)}


def rnn_loss(y_pred, labels):
    return _loss(y_pred, labels)


def lstm_loss(y_pred, labels):
    return _loss(y_pred, labels)


def gru_loss(y_pred, labels):
    return _loss(y_pred, labels)


def rnn_loss_backward(y_pred, labels, caches):
    return _loss_backward(y_pred, labels, caches, "Wya", 3)


def lstm_loss_backward(y_pred, labels, caches):
    return _loss_backward(y_pred, labels, caches, "Wy", 9)


def gru_loss_backward(y_pred, labels, caches):
    return _loss_backward(y_pred, labels, caches, "Wy", 6)
