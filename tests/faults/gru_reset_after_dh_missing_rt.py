"""Fault: reset-after, the gradient reaching ``Wc_a @ a_prev`` forgets the reset gate
(``dh = dcct`` instead of ``dcct * rt``), so ``dWc[:, :n_a]`` and ``da_prev`` miss
``rt``. Observable always (rt != 1)."""

from tests.faults._mutant import mutant

FAMILY = "gru_reset_after"
CONDITION = "always"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

# The code's line, not the docstring's ("reset after:   dh = dcct * rt   # ...").
globals().update(mutant("textbook", ("        dh = dcct * rt\n", "        dh = dcct\n")))
