"""Fault: the old exercise's candidate-cell gradient, with an extra ``cct`` factor and
``1 - tanh(cct)**2`` for ``1 - cct**2``. Observable always (any n_a, m, T_x)."""

from tests.faults._mutant import mutant

FAMILY = "lstm"
CONDITION = "always"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}
MESSAGE = "lstm_cell_backward['dWc']"

globals().update(mutant(
    "textbook", ("dcct = dc * it * (1 - cct**2)", "dcct = dc * it * cct * (1 - np.tanh(cct) ** 2)")
))
