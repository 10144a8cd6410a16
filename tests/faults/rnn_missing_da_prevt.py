"""Fault: the backward loop forgets ``+ da_prevt``. Observable when T_x > 1."""

from tests.faults._mutant import mutant

globals().update(
    mutant("rnn", ("g = _cell_backward(da[:, :, t] + da_prevt,", "g = _cell_backward(da[:, :, t],"))
)
