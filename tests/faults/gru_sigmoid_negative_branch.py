"""Fault: the "stable" sigmoid without its negative branch, ``1 / (1 + exp(-|z|))``,
which is ``sigmoid(|z|)``. Observable when a gate pre-activation is negative."""

from tests.faults._mutant import mutant

FAMILY = "gru"
CONDITION = "a negative gate pre-activation"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant("textbook", inject=mutant(
    "activations", ("return np.where(z >= 0, 1.0, e) / (1.0 + e)", "return 1.0 / (1.0 + e)")
)))
