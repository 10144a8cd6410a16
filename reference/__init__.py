"""The JAX autodiff oracle and the verification harness built on it.

Importing this package is cheap: JAX is imported (and switched to 64-bit
floats, ``jax_enable_x64``) by :mod:`reference.model`, the first module that
needs it, so that the pytest plugin costs nothing in a run that does not use
it.

:func:`check` is the Python entry point: it checks an implementation (a module,
a path to a ``.py`` file or a notebook, a dotted name, or a mapping such as a
notebook's ``globals()``) and returns a :class:`Report`.

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

__all__ = ["check", "Report"]


def __getattr__(name):
    # ``reference.check`` and ``reference.Report`` load the harness (and JAX) on first use.
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'reference' has no attribute {name!r}")
