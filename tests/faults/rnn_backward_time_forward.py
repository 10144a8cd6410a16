"""Fault: the backward loop iterates time forward (``for t in range(T_x)``), so the
gradient is carried from each step to the next instead of the previous one.
Observable when T_x > 1."""

from tests.faults._mutant import mutant

FAMILY = "rnn"
CONDITION = "T_x > 1"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant(
    "textbook", ("for t in reversed(range(T_x)):", "for t in range(T_x):"), within="rnn_backward"
))
