"""Fault: an off-by-one cache index: ``dWaa`` pairs step t's ``dtanh`` with the state
of step t (``a_next``) instead of step t - 1 (``a_prev``). Observable always."""

from tests.faults._mutant import mutant

FAMILY = "rnn"
CONDITION = "always"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant("rnn", (
    "_parameter_gradients(dtanh, _columns(steps.a_prev, T_x),",
    "_parameter_gradients(dtanh, _columns(steps.a_next, T_x),",
)))
