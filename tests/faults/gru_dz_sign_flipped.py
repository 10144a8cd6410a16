"""Fault: the update-gate gradient with its sign flipped, ``(cct - a_prev)`` for
``(a_prev - cct)`` (as if ``a_next = (1 - zt) * a_prev + zt * cct``). Observable always."""

from tests.faults._mutant import mutant

FAMILY = "gru"
CONDITION = "always"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant(
    "textbook",
    ("dzt = da_next * (a_prev - cct) * zt * (1 - zt)", "dzt = da_next * (cct - a_prev) * zt * (1 - zt)"),
))
