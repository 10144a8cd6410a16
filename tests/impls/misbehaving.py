"""User bugs that are not wrong numbers: a forward that raises, a cell backward
returning None, a backward returning the wrong keys, a loss backward returning
float32 for float64 input. rnn-verify must report each as a failure."""

import numpy as np

from manual_rnn import rnn_cell_forward, rnn_loss  # noqa: F401  (correct functions)
from manual_rnn import rnn_forward as _forward
from manual_rnn import rnn_loss_backward as _loss_backward


def rnn_forward(x, a0, parameters):
    if x.shape[2] > 3:
        raise IndexError("list index out of range")
    return _forward(x, a0, parameters)


def rnn_cell_backward(da_next, cache):
    return None


def rnn_backward(da, caches):
    n_a, m, T_x = da.shape
    return {"dx_wrong_name": np.zeros((1, m, T_x)), "da0": np.zeros((n_a, m))}


def rnn_loss_backward(y_pred, labels, caches):
    return {k: v.astype(np.float32) for k, v in _loss_backward(y_pred, labels, caches).items()}
