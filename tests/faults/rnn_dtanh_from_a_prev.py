"""Fault: tanh' evaluated at the wrong state, ``1 - a_prev**2`` instead of
``1 - a_next**2``. Observable always (a_prev != a_next)."""

from tests.faults._mutant import mutant

FAMILY = "rnn"
CONDITION = "always"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant(
    "textbook", ("dtanh = (1 - a_next**2) * da_next", "dtanh = (1 - a_prev**2) * da_next")
))
