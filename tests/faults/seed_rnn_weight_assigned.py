"""Fault: the seed's loop with ``da0`` fixed but ``dWax = dWaxt`` instead of
``dWax += dWaxt``: only the last step processed (t = 0) is kept. Observable when
T_x > 1."""

from tests.faults._mutant import mutant

FAMILY = "rnn"
CONDITION = "T_x > 1"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant(
    "tests.faults.seed_rnn",
    ("    da0 = None\n", "    da0 = da_prevt\n"),
    ("        dWax += dWaxt\n", "        dWax = dWaxt\n"),
))
