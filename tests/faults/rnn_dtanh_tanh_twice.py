"""Fault: tanh' taken as ``1 - tanh(a_next)**2``, applying tanh a second time to
``a_next``, which is already the tanh. Observable always (a_next != 0)."""

from tests.faults._mutant import mutant

FAMILY = "rnn"
CONDITION = "always"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant(
    "textbook", ("dtanh = (1 - a_next**2) * da_next", "dtanh = (1 - np.tanh(a_next) ** 2) * da_next")
))
