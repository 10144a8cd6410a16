"""Fault: ``dc_prev = dc``, forgetting the forget gate's ``* ft`` on the cell-state path.
Observable always (ft < 1)."""

from tests.faults._mutant import mutant

FAMILY = "lstm"
CONDITION = "always"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant("textbook", ('"dc_prev": dc * ft,', '"dc_prev": dc,')))
