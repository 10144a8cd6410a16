"""Fault: the logit gradient taken as ``dz = y_pred`` (divided by ``m * T_x``), without
subtracting the one-hot of the labels. Observable always."""

from tests.faults._mutant import mutant

FAMILY = "gru"
CONDITION = "always"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant("textbook", inject=mutant("loss", (
    "    np.put_along_axis(\n"
    "        dz, labels[np.newaxis], np.take_along_axis(dz, labels[np.newaxis], axis=0) - 1, axis=0\n"
    "    )\n",
    "",
))))
