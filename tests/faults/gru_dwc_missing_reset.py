"""Fault: reset-before ``dWc`` built from ``[a_prev; xt]`` instead of the
``[rt * a_prev; xt]`` the candidate actually saw. Observable always (rt < 1)."""

from tests.faults._mutant import mutant

FAMILY = "gru"
CONDITION = "always"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant(
    "textbook",
    ("dWc = dcct @ np.concatenate([rt * a_prev, xt]).T", "dWc = dcct @ np.concatenate([a_prev, xt]).T"),
))
