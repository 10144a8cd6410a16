"""Fault: ``dWaa`` transposed (``a_prev @ dtanh.T``). Shape-valid; observable when n_a > 1."""

from tests.faults._mutant import mutant

FAMILY = "rnn"
CONDITION = "n_a > 1"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}
MESSAGE = "rnn_cell_backward['dWaa']"

globals().update(
    mutant("textbook", ('"dWaa": dtanh @ a_prev.T,', '"dWaa": a_prev @ dtanh.T,'))
)
