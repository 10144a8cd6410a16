"""Fault: ``dby`` summed over the batch at the last time step only (the per-step
``dby = sum(dz_t, axis=1)`` not accumulated over time). Observable when T_x > 1."""

from tests.faults._mutant import mutant

FAMILY = "rnn"
CONDITION = "T_x > 1"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant("textbook", inject=mutant(
    "loss", ("dby = dz.sum(axis=(1, 2))[:, np.newaxis]", "dby = dz[:, :, -1].sum(axis=1)[:, np.newaxis]")
)))
