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
"""

import jax

jax.config.update("jax_enable_x64", True)

from . import families, model, oracle  # noqa: E402

__all__ = ["families", "model", "oracle"]
