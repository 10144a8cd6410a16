"""Fault: the forget-gate gradient multiplied by ``c_next`` instead of ``c_prev``
(``dft = dc * c_next * ft * (1 - ft)``). Observable always."""

from tests.faults._mutant import mutant

FAMILY = "lstm"
CONDITION = "always"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant(
    "textbook", ("dft = dc * c_prev * ft * (1 - ft)", "dft = dc * c_next * ft * (1 - ft)")
))
