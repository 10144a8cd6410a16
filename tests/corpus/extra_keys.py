"""RNN and LSTM whose gradient dicts carry extra keys, otherwise correct.

Style: a plain per-step NumPy solution by someone who returns everything they
computed: the cell backwards also return ``dx`` next to ``dxt`` (the exercise's
docstring says ``dx`` where its code returns ``dxt``), ``dtanh`` (RNN),
``dc_next`` (the LSTM's total cell-state gradient) and the gate gradients
``dft, dit, dcct, dot``; the sequence backwards also return ``dxt`` next to
``dx``, ``da_prev`` next to ``da0``, and the LSTM's ``dc0``. No loss functions.
"""

import numpy as np


def softmax(z):
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


# RNN -----------------------------------------------------------------------


def rnn_cell_forward(xt, a_prev, parameters):
    z = np.matmul(parameters["Waa"], a_prev) + np.matmul(parameters["Wax"], xt) + parameters["ba"]
    a_next = np.tanh(z)
    yt_pred = softmax(np.matmul(parameters["Wya"], a_next) + parameters["by"])
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache


def rnn_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    caches = []
    a_prev = a0
    for t in range(T_x):
        a_prev, y_pred[:, :, t], cache = rnn_cell_forward(x[:, :, t], a_prev, parameters)
        a[:, :, t] = a_prev
        caches.append(cache)
    return a, y_pred, (caches, x)


def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, parameters = cache
    dtanh = da_next * (1 - a_next * a_next)
    gradients = {"dtanh": dtanh}
    gradients["dxt"] = np.matmul(parameters["Wax"].T, dtanh)
    gradients["dx"] = gradients["dxt"]
    gradients["da_prev"] = np.matmul(parameters["Waa"].T, dtanh)
    gradients["dWax"] = np.matmul(dtanh, xt.T)
    gradients["dWaa"] = np.matmul(dtanh, a_prev.T)
    gradients["dba"] = dtanh.sum(axis=1, keepdims=True)
    return gradients


def rnn_backward(da, caches):
    caches, x = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    gradients = {"dx": np.zeros((n_x, m, T_x)), "dWax": np.zeros((n_a, n_x)),
                 "dWaa": np.zeros((n_a, n_a)), "dba": np.zeros((n_a, 1))}
    da_prev = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        step = rnn_cell_backward(da[:, :, t] + da_prev, caches[t])
        da_prev = step["da_prev"]
        gradients["dx"][:, :, t] = step["dx"]
        for k in ("dWax", "dWaa", "dba"):
            gradients[k] += step[k]
    gradients["dxt"] = gradients["dx"]
    gradients["da0"] = da_prev
    gradients["da_prev"] = da_prev
    return gradients


# LSTM ----------------------------------------------------------------------


def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    concat = np.vstack((a_prev, xt))
    ft = sigmoid(np.matmul(parameters["Wf"], concat) + parameters["bf"])
    it = sigmoid(np.matmul(parameters["Wi"], concat) + parameters["bi"])
    cct = np.tanh(np.matmul(parameters["Wc"], concat) + parameters["bc"])
    ot = sigmoid(np.matmul(parameters["Wo"], concat) + parameters["bo"])
    c_next = ft * c_prev + it * cct
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(np.matmul(parameters["Wy"], a_next) + parameters["by"])
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache


def lstm_forward(x, a0, parameters):
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))
    caches = []
    a_prev, c_prev = a0, np.zeros((n_a, m))
    for t in range(T_x):
        a_prev, c_prev, y[:, :, t], cache = lstm_cell_forward(x[:, :, t], a_prev, c_prev, parameters)
        a[:, :, t] = a_prev
        c[:, :, t] = c_prev
        caches.append(cache)
    return a, y, c, (caches, x)


def lstm_cell_backward(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_a = a_next.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c ** 2)   # all of the gradient reaching c_next
    dot = da_next * tanh_c * ot * (1 - ot)
    dcct = dc * it * (1 - cct ** 2)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)
    concat = np.vstack((a_prev, xt))
    gradients = {"dc_next": dc, "dot": dot, "dcct": dcct, "dit": dit, "dft": dft}
    dconcat = 0
    for g, d in (("f", dft), ("i", dit), ("c", dcct), ("o", dot)):
        W = parameters["W" + g]
        gradients["dW" + g] = np.matmul(d, concat.T)
        gradients["db" + g] = np.sum(d, axis=1, keepdims=True)
        dconcat = dconcat + np.matmul(W.T, d)
    gradients["da_prev"] = dconcat[:n_a]
    gradients["dxt"] = dconcat[n_a:]
    gradients["dx"] = gradients["dxt"]
    gradients["dc_prev"] = dc * ft
    return gradients


def lstm_backward(da, caches):
    caches, x = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    keys = ("dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo")
    gradients = {k: np.zeros((n_a, n_a + n_x)) if k.startswith("dW") else np.zeros((n_a, 1)) for k in keys}
    gradients["dx"] = np.zeros((n_x, m, T_x))
    da_prev = np.zeros((n_a, m))
    dc_prev = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        step = lstm_cell_backward(da[:, :, t] + da_prev, dc_prev, caches[t])
        da_prev, dc_prev = step["da_prev"], step["dc_prev"]
        gradients["dx"][:, :, t] = step["dxt"]
        for k in keys:
            gradients[k] += step[k]
    gradients["dxt"] = gradients["dx"]
    gradients["da0"] = da_prev
    gradients["dc0"] = dc_prev
    return gradients
