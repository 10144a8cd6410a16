"""The JAX autodiff oracle and the verification harness built on it.

Importing this package switches JAX to 64-bit floats (``jax_enable_x64``):
without it JAX silently computes in float32 and the oracle would be no more
precise than the float32 code it checks.

Modules
-------
families
    The registry of cell families and their public API.
model
    The JAX cells and the one ``lax.scan`` sequence driver.
oracle
    Reference forward passes and gradients (``jax.vjp`` / ``jax.grad``) as
    NumPy dicts with the manual API's keys.
compare
    Tolerances and the element-wise comparison that reports where results differ.
strategies
    Hypothesis strategies: dimensions first, then one test case's arrays.
implementation
    Loading a user's module and calling its functions defensively; the dtype policy.
outputs
    What each function must return, and the checks that it did.
running
    Running the implementation on a case and checking what it returned.
finite_differences
    Central differences with Richardson extrapolation, which judge the oracle.
properties
    The properties every implementation must satisfy, and their registry.
runner
    One property over many Hypothesis examples, shrunk to a minimal failing case.
diagnose
    Who is wrong at a failing element (finite differences) and where (time step, gate).
report
    ``rnn-verify``'s JSON report and the precision baseline.
render
    The report's tables, failures, notes and plot.
verify
    The ``rnn-verify`` command line.
profiles
    The Hypothesis settings profiles of the test suite.
"""

import jax

jax.config.update("jax_enable_x64", True)

from . import families, model, oracle  # noqa: E402

__all__ = ["families", "model", "oracle"]
