"""Fault: tanh' (``1 - a_next**2``) rounded through float32 inside a float64 run (a stray
``.astype(np.float32)``), so ``dtanh`` is off by ~1e-7 relative. Observable in float64
only, at ~1e-7 relative: caught only by the float64 tolerance (rtol 1e-9)."""

from tests.faults._mutant import mutant

FAMILY = "rnn"
CONDITION = "float64 only, at ~1e-7 relative"
WITNESS = {"dims": {"n_x": 2, "n_a": 3, "n_y": 2, "m": 2, "T_x": 3}, "dtype": "float64"}

globals().update(mutant(
    "rnn",
    ("dtanh = np.multiply(tanh_grad, da_next, out=out)",
     "dtanh = np.multiply(tanh_grad.astype(np.float32), da_next, out=out)"),
))
