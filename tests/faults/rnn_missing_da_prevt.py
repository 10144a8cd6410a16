"""Fault: the backward loop forgets ``+ da_prevt``. Observable when T_x > 1."""

from tests.faults._mutant import mutant

FAMILY = "rnn"
CONDITION = "T_x > 1"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}
MESSAGE = "rnn_backward['dx']"

globals().update(mutant(
    "textbook", ("g = rnn_cell_backward(da[:, :, t] + da_prevt,", "g = rnn_cell_backward(da[:, :, t],")
))
