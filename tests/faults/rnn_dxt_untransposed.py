"""Fault: ``dxt = Wax @ dtanh`` (``Wax`` not transposed). Shape-valid only when
n_x == n_a (otherwise a wrong shape); then observable when n_a > 1."""

from tests.faults._mutant import mutant

FAMILY = "rnn"
CONDITION = "n_x != n_a (wrong shape), or n_x == n_a > 1"
WITNESS = {"dims": {"n_x": 3, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant(
    "textbook", ('"dxt": parameters["Wax"].T @ dtanh,', '"dxt": parameters["Wax"] @ dtanh,')
))
