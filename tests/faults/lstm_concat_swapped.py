"""Fault: ``dxt`` and ``da_prev`` sliced as if the concatenation were ``[xt; a_prev]``.
Shape-valid only when n_x == n_a; otherwise a wrong shape. Observable always."""

from tests.faults._mutant import mutant

FAMILY = "lstm"
CONDITION = "always (a wrong shape unless n_x == n_a)"
WITNESS = {"dims": {"n_x": 3, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}
MESSAGE = 'lstm_cell_backward'

globals().update(mutant(
    "textbook",
    ('"dxt": dconcat[n_a:],', '"dxt": dconcat[: xt.shape[0]],'),
    ('"da_prev": dconcat[:n_a],', '"da_prev": dconcat[xt.shape[0]:],'),
))
