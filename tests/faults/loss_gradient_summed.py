"""Fault: the loss gradient of a summed loss, ``dz = y - onehot`` without the
``/ (m * T_x)`` of the mean the loss actually is. Observable when m * T_x > 1."""

from tests.faults._mutant import mutant

FAMILY = "rnn"
CONDITION = "m * T_x > 1"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant("textbook", inject=mutant("loss", ("    dz /= m * T_x\n", ""))))
