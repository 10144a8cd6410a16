"""Fault: the naive softmax ``exp(z) / sum(exp(z))`` without subtracting the column
maximum. Observable when a logit is large (> 709 in float64, > 88 in float32: ``exp``
overflows and the probabilities become NaN)."""

from tests.faults._mutant import mutant

FAMILY = "lstm"
CONDITION = "large logits (> 709 in float64, > 88 in float32)"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}, "logit_scale": 1000.0}

globals().update(mutant("lstm", inject=mutant(
    "activations",
    ("e = np.exp(z - z.max(axis=0, keepdims=True))\n    return e", "e = np.exp(z)\n    return e"),
)))
