"""Fault: ``dWaa = dtanh @ a_next.T``, the cell's output where its input ``a_prev``
belongs. Observable always (a_prev != a_next)."""

from tests.faults._mutant import mutant

FAMILY = "rnn"
CONDITION = "always"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant("textbook", ('"dWaa": dtanh @ a_prev.T,', '"dWaa": dtanh @ a_next.T,')))
