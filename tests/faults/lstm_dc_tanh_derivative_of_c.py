"""Fault: the cell-state gradient through ``a = ot * tanh(c)`` uses ``1 - c_next**2``
instead of ``1 - tanh(c_next)**2`` (c_next is not a tanh output). Observable when the
upstream on a is nonzero."""

from tests.faults._mutant import mutant

FAMILY = "lstm"
CONDITION = "a nonzero upstream on a"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant(
    "textbook",
    ("dc = dc_next + da_next * ot * (1 - tanh_c**2)", "dc = dc_next + da_next * ot * (1 - c_next**2)"),
))
