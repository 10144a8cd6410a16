"""Fault: the cell backward takes the reset-after branch for the reset-before GRU
(``if not reset_after:``), differentiating ``rt * (Wc_a @ a_prev)`` where the forward
computed ``Wc_a @ (rt * a_prev)``. Observable when n_a > 1 (for n_a == 1 they agree)."""

from tests.faults._mutant import mutant

FAMILY = "gru"
CONDITION = "n_a > 1"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant(
    "textbook", ("    if reset_after:\n        dh = dcct * rt", "    if not reset_after:\n        dh = dcct * rt")
))
