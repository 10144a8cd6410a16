"""Fault: ``dc_prev`` misses the ``ot * (1 - tanh(c_next)**2) * da_next`` term
(``dc_prev = dc_next * ft``). Observable when the upstream on ``a`` is nonzero."""

from tests.faults._mutant import mutant

FAMILY = "lstm"
CONDITION = "a nonzero upstream on a"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}
MESSAGE = "lstm_cell_backward['dc_prev']"

globals().update(mutant("textbook", ('"dc_prev": dc * ft,', '"dc_prev": dc_next * ft,')))
