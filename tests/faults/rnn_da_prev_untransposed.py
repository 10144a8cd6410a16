"""Fault: ``da_prev = Waa @ dtanh`` (``Waa`` passed where ``Waa.T`` belongs). Shape-valid
always; observable when n_a > 1."""

from tests.faults._mutant import mutant

FAMILY = "rnn"
CONDITION = "n_a > 1"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant(
    "textbook", ('"da_prev": parameters["Waa"].T @ dtanh,', '"da_prev": parameters["Waa"] @ dtanh,')
))
