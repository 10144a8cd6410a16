"""Fault: the cache stores the states in the wrong order, ``cache = (a_prev, a_next, xt,
parameters)`` instead of ``cache = (a_next, a_prev, xt, parameters)``: the forward's
values are right, and the exercise's backward, which unpacks ``(a_next, a_prev, xt,
parameters) = cache``, takes tanh' at the previous state. Observable always."""

import numpy as np

from tests.faults._exercise import variant

FAMILY = "rnn"
CONDITION = "always"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}
MESSAGE = "rnn_cell_backward['dxt']"


def rnn_cell_forward(xt, a_prev, parameters):
    # Retrieve parameters from "parameters"
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    Wya = parameters["Wya"]
    ba = parameters["ba"]
    by = parameters["by"]

    ### START CODE HERE ### (≈2 lines)
    # compute next activation state using the formula given above
    a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)
    # compute output of the current cell using the formula given above
    yt_pred = softmax(np.dot(Wya, a_next) + by)
    ### END CODE HERE ###

    # store values you need for backward propagation in cache
    cache = (a_prev, a_next, xt, parameters)

    return a_next, yt_pred, cache


globals().update(variant(rnn_cell_forward))
