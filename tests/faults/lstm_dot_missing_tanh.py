"""Fault: the output-gate gradient uses ``c_next`` where ``tanh(c_next)`` belongs
(``dot = da_next * c_next * ot * (1 - ot)``). Observable when the upstream on a is nonzero."""

from tests.faults._mutant import mutant

FAMILY = "lstm"
CONDITION = "a nonzero upstream on a"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant(
    "textbook", ("dot = da_next * tanh_c * ot * (1 - ot)", "dot = da_next * c_next * ot * (1 - ot)")
))
