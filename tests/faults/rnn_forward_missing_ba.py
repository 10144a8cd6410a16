"""Fault: the cell forward forgets the bias, ``a_next = tanh(Waa a_prev + Wax xt)``.
Observable always (ba != 0)."""

from tests.faults._mutant import mutant

FAMILY = "rnn"
CONDITION = "always"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant(
    "textbook",
    ('np.tanh(p["Waa"] @ a_prev + p["Wax"] @ xt + p["ba"])', 'np.tanh(p["Waa"] @ a_prev + p["Wax"] @ xt)'),
))
