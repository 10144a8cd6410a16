"""Fault: the direct path of ``a_next = zt * a_prev + (1 - zt) * cct`` written as
``da_next * (1 - zt)`` instead of ``da_next * zt``. Observable always (zt != 1/2)."""

from tests.faults._mutant import mutant

FAMILY = "gru"
CONDITION = "always"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant(
    "textbook",
    ('"da_prev": da_next * zt + ds[:n_a] + da_prev_c,', '"da_prev": da_next * (1 - zt) + ds[:n_a] + da_prev_c,'),
))
