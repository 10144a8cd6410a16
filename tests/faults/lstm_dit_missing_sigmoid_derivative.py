"""Fault: the input-gate gradient misses the sigmoid derivative (``dit = dc * cct``
without ``* it * (1 - it)``). Observable always."""

from tests.faults._mutant import mutant

FAMILY = "lstm"
CONDITION = "always"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant("textbook", ("dit = dc * cct * it * (1 - it)", "dit = dc * cct")))
