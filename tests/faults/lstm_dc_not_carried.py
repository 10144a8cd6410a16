"""Fault: the backward loop does not pass ``dc_prevt`` to the previous step (the
cell-state gradient restarts from zero at every step). Observable when T_x > 1."""

from tests.faults._mutant import mutant

FAMILY = "lstm"
CONDITION = "T_x > 1"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}
MESSAGE = 'time steps: wrong at t=0; correct at t=1'

globals().update(mutant("textbook", ('        dc_prevt = g["dc_prev"]\n', "")))
