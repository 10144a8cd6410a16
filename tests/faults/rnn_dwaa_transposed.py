"""Fault: ``dWaa`` transposed (``a_prev @ dtanh.T``). Shape-valid; observable when n_a > 1."""

from tests.faults._mutant import mutant

globals().update(
    mutant("rnn", ('"dWaa": dtanh @ a_prev.T,', '"dWaa": a_prev @ dtanh.T,'))
)
