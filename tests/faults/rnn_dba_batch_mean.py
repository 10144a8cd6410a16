"""Fault: ``dba`` averaged over the batch (``dtanh.mean(axis=1)``) instead of summed.
Observable when m > 1."""

from tests.faults._mutant import mutant

FAMILY = "rnn"
CONDITION = "m > 1"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant(
    "textbook", ('"dba": dtanh.sum(axis=1, keepdims=True),', '"dba": dtanh.mean(axis=1, keepdims=True),')
))
