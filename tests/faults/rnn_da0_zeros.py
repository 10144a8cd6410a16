"""Fault: ``da0`` left at its initial zeros instead of the gradient carried back
past step 0. Observable always."""

from tests.faults._mutant import mutant

FAMILY = "rnn"
CONDITION = "always"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant(
    "textbook",
    ('"da0": da_prevt, **grads}', '"da0": np.zeros_like(da_prevt), **grads}'),
    within="rnn_backward",
))
