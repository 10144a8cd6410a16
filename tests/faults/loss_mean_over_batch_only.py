"""Fault: the loss gradient divided by ``m`` only (the per-step batch mean), not by
``m * T_x``. Observable when T_x > 1."""

from tests.faults._mutant import mutant

FAMILY = "lstm"
CONDITION = "T_x > 1"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant("textbook", inject=mutant("loss", ("dz /= m * T_x", "dz /= m"))))
