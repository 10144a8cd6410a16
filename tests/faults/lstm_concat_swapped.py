"""Fault: ``dxt`` and ``da_prev`` sliced as if the concatenation were ``[xt; a_prev]``.
Shape-valid only when n_x == n_a; otherwise a wrong shape. Observable always."""

from tests.faults._mutant import mutant

FAMILY = "lstm"
CONDITION = "always (a wrong shape unless n_x == n_a)"
WITNESS = {"dims": {"n_x": 3, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}
MESSAGE = 'lstm_cell_backward'

globals().update(mutant(
    "lstm",
    ('"dxt": ds[n_a:],', '"dxt": ds[: xt.shape[0]],'),
    ('"da_prev": ds[:n_a],', '"da_prev": ds[xt.shape[0]:],'),
))
