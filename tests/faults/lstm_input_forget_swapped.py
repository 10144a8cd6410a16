"""Fault: the input and forget gates' factors swapped (``dit = dc * c_prev * ...``,
``dft = dc * cct * ...``), pairing each gate with the other's partner in
``c = ft * c_prev + it * cct``. Observable always (cct != c_prev)."""

from tests.faults._mutant import mutant

FAMILY = "lstm"
CONDITION = "always"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}}

globals().update(mutant(
    "textbook",
    ("dit = dc * cct * it * (1 - it)", "dit = dc * c_prev * it * (1 - it)"),
    ("dft = dc * c_prev * ft * (1 - ft)", "dft = dc * cct * ft * (1 - ft)"),
))
