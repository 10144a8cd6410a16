"""Fault: the reset gate's sigmoid derivative missing (``drt = dr`` without
``* rt * (1 - rt)``). Observable always."""

from tests.faults._mutant import mutant

FAMILY = "gru"
CONDITION = "always"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant("textbook", ("drt = dr * rt * (1 - rt)", "drt = dr")))
