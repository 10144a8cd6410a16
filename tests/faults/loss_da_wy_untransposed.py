"""Fault: the hidden-state gradient ``da_t = Wy @ dz_t`` (``Wy`` not transposed).
Shape-valid only when n_y == n_a (otherwise a wrong shape); then observable when n_a > 1."""

from tests.faults._mutant import mutant

FAMILY = "rnn"
CONDITION = "n_y != n_a (wrong shape), or n_y == n_a > 1"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 3, "m": 2, "T_x": 3}}

globals().update(mutant("textbook", inject=mutant(
    "loss", ("da = np.tensordot(Wy.T, dz, axes=1)", "da = np.tensordot(Wy, dz, axes=1)")
)))
