"""Fault: reset-after, the reset gradient of ``rt * (Wc_a @ a_prev)`` keeps the factor
``rt`` (``dr = dcct * rt * (Wc_a @ a_prev)``). Observable always (rt != 1)."""

from tests.faults._mutant import mutant

FAMILY = "gru_reset_after"
CONDITION = "always"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant(
    "textbook", ("dr = dcct * (Wc_a @ a_prev)", "dr = dcct * rt * (Wc_a @ a_prev)")
))
