"""Fault: the softmax normalised over the batch axis (``axis=1``) instead of the class
axis. Observable when m > 1 or n_y > 1 (with m == 1 every probability becomes 1)."""

from tests.faults._mutant import mutant

FAMILY = "rnn"
CONDITION = "m > 1 or n_y > 1"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant("textbook", inject=mutant(
    "activations",
    ("    e = np.exp(z - z.max(axis=0, keepdims=True))\n    return e / e.sum(axis=0, keepdims=True)",
     "    e = np.exp(z - z.max(axis=1, keepdims=True))\n    return e / e.sum(axis=1, keepdims=True)"),
)))
